import { type Address, type Hex, getAddress, isAddress, isHex, parseAbiItem, toFunctionSelector } from 'viem';
import { InvalidInputError } from './inputError.js';

/**
 * A contract, optionally one of its functions, as people write it: `0x…` or `0x…:transfer(address,uint256)`.
 *
 * @example
 * ```ts
 * const target: CallTarget = parseCallTarget('0xA0b8…eB48:transfer(address to, uint256 amount)')
 * // { contract: '0xA0b8…eB48', function: { selector: '0xa9059cbb', signature: 'transfer(address,uint256)' } }
 * ```
 */
export type CallTarget = { contract: Address; function?: { selector: Hex; signature: string | undefined } | undefined };

/**
 * Text that is not a contract address, a function signature or a selector as {@link parseCallTarget} reads them.
 *
 * @example
 * ```ts
 * parseCallTarget('0x123:transfer') // throws InvalidCallTargetError
 * ```
 */
export class InvalidCallTargetError extends InvalidInputError {
  override name = 'InvalidCallTargetError';
}

/**
 * Parses an address (any case; a mixed-case address must have a valid checksum) and returns it checksummed.
 *
 * @example
 * ```ts
 * parseAddress('0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48') // '0xA0b8…eB48'
 * ```
 */
export function parseAddress(input: string): Address {
  const text = input.trim();
  if (!isAddress(text, { strict: false })) throw new InvalidCallTargetError({ input, expected: 'expected an address: 0x followed by 40 hex digits' });
  const body = text.slice(2);
  if (body !== body.toLowerCase() && body !== body.toUpperCase() && !isAddress(text))
    throw new InvalidCallTargetError({ input, expected: 'the address has a wrong checksum (mixed case); check for a typo' });
  return getAddress(text);
}

/**
 * Parses a function: a signature such as `transfer(address,uint256)` or `transfer(address to, uint256 amount)`, or a
 * 4-byte selector. Returns the selector and the canonical signature (undefined for a bare selector).
 *
 * @example
 * ```ts
 * parseFunction('approve(address spender, uint256 amount)') // { selector: '0x095ea7b3', signature: 'approve(address,uint256)' }
 * ```
 */
export function parseFunction(input: string): { selector: Hex; signature: string | undefined } {
  const text = input.trim().replace(/^function\s+/, '');
  if (isHex(text)) {
    if (text.length !== 10) throw new InvalidCallTargetError({ input, expected: 'a selector is 4 bytes: 0x and 8 hex digits' });
    return { selector: text.toLowerCase() as Hex, signature: undefined };
  }
  try {
    const item = parseAbiItem(`function ${text}`);
    if (item.type !== 'function') throw new Error('not a function');
    const signature = `${item.name}(${item.inputs.map((input) => formatType(input)).join(',')})`;
    return { selector: toFunctionSelector(signature), signature };
  } catch {
    throw new InvalidCallTargetError({
      input,
      expected: 'expected a function signature such as transfer(address,uint256), or a 4-byte selector such as 0xa9059cbb',
    });
  }
}

/**
 * Parses `<address>[:<function>]`, where the function is a signature (`transfer(address,uint256)`, parameter names
 * allowed) or a 4-byte selector (`0xa9059cbb`): how the CLI's `--allow` and the web manager's allowlist take targets.
 *
 * @example
 * ```ts
 * parseCallTarget('0x…:transfer(address,uint256)') // { contract: '0x…', function: { selector: '0xa9059cbb', … } }
 * ```
 */
export function parseCallTarget(input: string): CallTarget {
  const text = input.trim();
  const separator = text.indexOf(':');
  const contract = parseAddress(separator < 0 ? text : text.slice(0, separator));
  if (separator < 0) return { contract };
  return { contract, function: parseFunction(text.slice(separator + 1)) };
}

type AbiParam = { type: string; components?: readonly AbiParam[] };
function formatType(param: AbiParam): string {
  if (!param.type.startsWith('tuple')) return param.type;
  return `(${(param.components ?? []).map(formatType).join(',')})${param.type.slice('tuple'.length)}`;
}
