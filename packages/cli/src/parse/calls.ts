import {
  type AbiFunction,
  type AbiParameter,
  type Address,
  type Hex,
  encodeFunctionData,
  isHex,
  parseAbiItem,
  parseUnits,
} from 'viem';
import { parseNativeAmount } from './amounts.js';
import { InvalidFlagError } from './errors.js';
import { parseAddress } from './limits.js';

/** One call of a session op. */
export type CallSpec = { to: Address; value: bigint; data: Hex };

/**
 * Parses a call's value: a native amount with its unit (`0.1eth`, `20gwei`) or a whole number of wei.
 *
 * @example
 * ```ts
 * parseValue('0.01eth', '--value') // 10_000_000_000_000_000n
 * parseValue('1000', '--value')    // 1000n (wei)
 * ```
 */
export function parseValue(value: string, flag: string): bigint {
  return /^\d+$/.test(value.trim()) ? BigInt(value.trim()) : parseNativeAmount(value, flag);
}

/**
 * Encodes a function call from its signature and command-line arguments. Integers take whole numbers, `<n>e<k>`
 * (`25e6`), or a native amount with its unit (`0.5eth`); arrays take JSON (`["0x…","0x…"]`); booleans `true`/`false`.
 *
 * @example
 * ```ts
 * encodeCallData('transfer(address,uint256)', ['0x…', '25e6'], 'exec') // '0xa9059cbb…'
 * ```
 */
export function encodeCallData(signature: string, args: readonly string[], flag: string): Hex {
  let item: AbiFunction;
  try {
    const parsed = parseAbiItem(`function ${signature.trim().replace(/^function\s+/, '')}`);
    if (parsed.type !== 'function') throw new Error('not a function');
    item = parsed;
  } catch {
    throw new InvalidFlagError({ flag, value: signature, expected: 'expected a function signature such as transfer(address,uint256)' });
  }
  if (args.length !== item.inputs.length)
    throw new InvalidFlagError({
      flag,
      value: `${signature} ${args.join(' ')}`.trim(),
      expected: `${item.name} takes ${item.inputs.length} argument${item.inputs.length === 1 ? '' : 's'}, ${args.length} given`,
    });
  const values = item.inputs.map((input, i) => coerce(input, args[i]!, `${flag} argument ${i + 1} (${input.type})`));
  return encodeFunctionData({ abi: [item], functionName: item.name, args: values });
}

function coerce(param: AbiParameter, raw: unknown, flag: string): unknown {
  const text = typeof raw === 'string' ? raw : JSON.stringify(raw);
  const fail = (expected: string): never => {
    throw new InvalidFlagError({ flag, value: text, expected });
  };
  const arrayMatch = /^(.*)\[(\d*)\]$/.exec(param.type);
  if (arrayMatch) {
    let items: unknown = raw;
    if (typeof raw === 'string') {
      try {
        items = JSON.parse(raw);
      } catch {
        fail('expected a JSON array such as ["0x…","0x…"]');
      }
    }
    if (!Array.isArray(items)) return fail('expected a JSON array');
    if (arrayMatch[2] && items.length !== Number(arrayMatch[2])) fail(`expected ${arrayMatch[2]} items`);
    return items.map((item) => coerce({ ...param, type: arrayMatch[1]! }, item, flag));
  }
  if (param.type === 'tuple') return fail('tuple arguments are not supported here; pass the encoded call with --data');
  const value = typeof raw === 'string' ? raw.trim() : raw;
  if (param.type === 'address') return typeof value === 'string' ? parseAddress(value, flag) : fail('expected an address');
  if (param.type === 'bool') {
    if (value === true || value === 'true') return true;
    if (value === false || value === 'false') return false;
    return fail('expected true or false');
  }
  if (param.type === 'string') return typeof value === 'string' ? value : fail('expected text');
  if (param.type.startsWith('bytes')) {
    if (typeof value !== 'string' || !isHex(value)) return fail('expected hex bytes such as 0x1234');
    const size = Number(param.type.slice('bytes'.length));
    if (size && (value.length - 2) / 2 !== size) fail(`expected ${size} bytes`);
    return value;
  }
  if (/^u?int\d*$/.test(param.type)) return parseInteger(typeof value === 'number' ? String(value) : value, param.type, flag);
  return fail(`type ${param.type} is not supported here; pass the encoded call with --data`);
}

function parseInteger(value: unknown, type: string, flag: string): bigint {
  const text = typeof value === 'string' ? value : '';
  let result: bigint | undefined;
  const scientific = /^(-?\d+(?:\.\d+)?)e(\d+)$/i.exec(text);
  if (/^-?\d+$/.test(text)) result = BigInt(text);
  else if (scientific) {
    const [whole, fraction = ''] = scientific[1]!.split('.');
    if (fraction.length <= Number(scientific[2])) result = parseUnits(`${whole}.${fraction || '0'}`, Number(scientific[2]));
  } else if (/[a-z]$/i.test(text)) result = parseNativeAmount(text, flag);
  if (result === undefined)
    throw new InvalidFlagError({ flag, value: text, expected: 'expected a whole number such as 25000000, 25e6 or 0.5eth' });
  const bits = Number(type.replace(/^u?int/, '') || 256);
  const signed = type.startsWith('int');
  const min = signed ? -(2n ** BigInt(bits - 1)) : 0n;
  const max = signed ? 2n ** BigInt(bits - 1) - 1n : 2n ** BigInt(bits) - 1n;
  if (result < min || result > max) throw new InvalidFlagError({ flag, value: text, expected: `out of range for ${type}` });
  return result;
}

/**
 * Parses the contents of an `exec --calls` file: a JSON array of calls, each `{ "to", "value"?, "data"? }` or
 * `{ "to", "value"?, "function", "args" }` (values as in `--value`, args as on the command line).
 *
 * @example
 * ```ts
 * parseCallsFile('[{"to":"0x…","value":"0.01eth"},{"to":"0x…","function":"transfer(address,uint256)","args":["0x…","5e6"]}]', 'calls.json')
 * ```
 */
export function parseCallsFile(text: string, source: string): CallSpec[] {
  const flag = `--calls ${source}`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new InvalidFlagError({ flag, value: text.slice(0, 40), expected: `not JSON: ${(error as Error).message}` });
  }
  if (!Array.isArray(parsed) || parsed.length === 0)
    throw new InvalidFlagError({ flag, value: text.slice(0, 40), expected: 'expected a non-empty JSON array of calls' });
  return parsed.map((entry: unknown, index) => {
    const where = `${flag} call ${index + 1}`;
    if (typeof entry !== 'object' || entry === null) throw new InvalidFlagError({ flag: where, value: String(entry), expected: 'expected an object' });
    const call = entry as Record<string, unknown>;
    const unknownKeys = Object.keys(call).filter((k) => !['to', 'value', 'data', 'function', 'args'].includes(k));
    if (unknownKeys.length)
      throw new InvalidFlagError({ flag: where, value: unknownKeys.join(', '), expected: 'unknown fields; use to, value, data, or function and args' });
    if (typeof call.to !== 'string') throw new InvalidFlagError({ flag: where, value: String(call.to), expected: '"to" must be an address' });
    const to = parseAddress(call.to, `${where} to`);
    const value = call.value === undefined ? 0n : parseValue(String(call.value), `${where} value`);
    if (call.data !== undefined && call.function !== undefined)
      throw new InvalidFlagError({ flag: where, value: JSON.stringify(call), expected: 'give "data" or "function", not both' });
    let data: Hex = '0x';
    if (call.data !== undefined) {
      if (typeof call.data !== 'string' || !isHex(call.data))
        throw new InvalidFlagError({ flag: `${where} data`, value: String(call.data), expected: 'expected hex calldata' });
      data = call.data;
    } else if (call.function !== undefined) {
      const args = call.args ?? [];
      if (!Array.isArray(args)) throw new InvalidFlagError({ flag: `${where} args`, value: String(args), expected: 'expected an array' });
      data = encodeCallData(String(call.function), args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))), where);
    }
    return { to, value, data };
  });
}
