import { type CallTarget, parseCallTarget, parseFunction as sdkParseFunction } from '@leash/sdk';
import type { Hex } from 'viem';
import { parseFlag } from './errors.js';

/** A parsed `--allow`, `--deny` or `--unlist` entry: a contract, optionally one of its functions. */
export type AccessSpec = CallTarget;

/**
 * Parses `<address>[:<function>]` (the SDK's `parseCallTarget`), where the function is a signature
 * (`transfer(address,uint256)`, parameter names allowed) or a 4-byte selector (`0xa9059cbb`).
 *
 * @example
 * ```ts
 * parseAccessEntry('0x…:transfer(address,uint256)', '--allow') // { contract: '0x…', function: { selector: '0xa9059cbb', … } }
 * ```
 */
export function parseAccessEntry(value: string, flag: string): AccessSpec {
  return parseFlag(flag, value, () => parseCallTarget(value));
}

/**
 * Parses a function signature or a 4-byte selector (the SDK's `parseFunction`).
 *
 * @example
 * ```ts
 * parseFunction('approve(address spender, uint256 amount)', '--allow') // { selector: '0x095ea7b3', signature: 'approve(address,uint256)' }
 * ```
 */
export function parseFunction(value: string, flag: string): { selector: Hex; signature: string | undefined } {
  return parseFlag(flag, value, () => sdkParseFunction(value));
}
