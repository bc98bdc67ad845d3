import { parseAmount, parseNativeAmount as sdkParseNativeAmount } from '@leash/sdk';
import { parseFlag } from './errors.js';

/**
 * Converts a decimal amount in units of `decimals` places into base units, refusing more decimal places than the unit
 * has (instead of rounding them away): the SDK's `parseAmount`.
 *
 * @example
 * ```ts
 * toBaseUnits('12.5', 6, '--erc20', 'dUSD') // 12_500_000n
 * ```
 */
export function toBaseUnits(amount: string, decimals: number, flag: string, unitName: string): bigint {
  return parseFlag(flag, amount, () => parseAmount(amount, { symbol: unitName, decimals }));
}

/**
 * Parses a native token amount with its unit, `0.1eth`, `20 gwei` or `1000wei`, into wei: the SDK's `parseNativeAmount`.
 *
 * @example
 * ```ts
 * parseNativeAmount('0.1eth', '--value') // 100_000_000_000_000_000n
 * ```
 */
export function parseNativeAmount(value: string, flag: string): bigint {
  return parseFlag(flag, value, () => sdkParseNativeAmount(value));
}
