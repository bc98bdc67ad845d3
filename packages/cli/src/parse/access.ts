import { type Address, type Hex, isHex, parseAbiItem, toFunctionSelector } from 'viem';
import { InvalidFlagError } from './errors.js';
import { parseAddress } from './limits.js';

/** A parsed `--allow`, `--deny` or `--unlist` entry: a contract, optionally one of its functions. */
export type AccessSpec = { contract: Address; function?: { selector: Hex; signature: string | undefined } | undefined };

/**
 * Parses `<address>[:<function>]`, where the function is a signature (`transfer(address,uint256)`, parameter names
 * allowed) or a 4-byte selector (`0xa9059cbb`).
 *
 * @example
 * ```ts
 * parseAccessEntry('0x…:transfer(address,uint256)', '--allow') // { contract: '0x…', function: { selector: '0xa9059cbb', … } }
 * ```
 */
export function parseAccessEntry(value: string, flag: string): AccessSpec {
  const text = value.trim();
  const separator = text.indexOf(':');
  const contract = parseAddress(separator < 0 ? text : text.slice(0, separator), flag);
  if (separator < 0) return { contract };
  return { contract, function: parseFunction(text.slice(separator + 1), flag) };
}

/**
 * Parses a function: a signature such as `transfer(address,uint256)` or `transfer(address to, uint256 amount)`, or a
 * 4-byte selector. Returns the selector and the canonical signature (undefined for a bare selector).
 *
 * @example
 * ```ts
 * parseFunction('approve(address spender, uint256 amount)', '--allow') // { selector: '0x095ea7b3', signature: 'approve(address,uint256)' }
 * ```
 */
export function parseFunction(value: string, flag: string): { selector: Hex; signature: string | undefined } {
  const text = value.trim().replace(/^function\s+/, '');
  if (isHex(text)) {
    if (text.length !== 10) throw new InvalidFlagError({ flag, value, expected: 'a selector is 4 bytes: 0x and 8 hex digits' });
    return { selector: text.toLowerCase() as Hex, signature: undefined };
  }
  try {
    const item = parseAbiItem(`function ${text}`);
    if (item.type !== 'function') throw new Error('not a function');
    const signature = `${item.name}(${item.inputs.map((input) => formatType(input)).join(',')})`;
    return { selector: toFunctionSelector(signature), signature };
  } catch {
    throw new InvalidFlagError({
      flag,
      value,
      expected: 'expected a function signature such as transfer(address,uint256), or a 4-byte selector such as 0xa9059cbb',
    });
  }
}

type AbiParam = { type: string; components?: readonly AbiParam[] };
function formatType(param: AbiParam): string {
  if (!param.type.startsWith('tuple')) return param.type;
  return `(${(param.components ?? []).map(formatType).join(',')})${param.type.slice('tuple'.length)}`;
}
