import { parseUnits } from 'viem';
import { InvalidFlagError } from './errors.js';

const decimalPattern = /^\d+(\.\d+)?$/;

/** Decimals of the native units the CLI accepts. */
const nativeUnits: Record<string, number> = { eth: 18, ether: 18, gwei: 9, wei: 0 };

/**
 * Converts a decimal amount in units of `decimals` places into base units, refusing more decimal places than the unit
 * has (instead of rounding them away).
 *
 * @example
 * ```ts
 * toBaseUnits('12.5', 6, '--erc20', 'dUSD') // 12_500_000n
 * ```
 */
export function toBaseUnits(amount: string, decimals: number, flag: string, unitName: string): bigint {
  if (!decimalPattern.test(amount)) throw new InvalidFlagError({ flag, value: amount, expected: 'expected a decimal amount such as 100 or 0.5' });
  const places = amount.split('.')[1]?.length ?? 0;
  if (places > decimals)
    throw new InvalidFlagError({ flag, value: amount, expected: `${unitName} has ${decimals} decimals; the amount has ${places}` });
  return parseUnits(amount, decimals);
}

/**
 * Parses a native token amount with its unit, `0.1eth`, `20 gwei` or `1000wei`, into wei.
 *
 * @example
 * ```ts
 * parseNativeAmount('0.1eth', '--value') // 100_000_000_000_000_000n
 * ```
 */
export function parseNativeAmount(value: string, flag: string): bigint {
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]+)$/i.exec(value.trim());
  const unit = match?.[2]?.toLowerCase();
  if (!match || unit === undefined || nativeUnits[unit] === undefined)
    throw new InvalidFlagError({ flag, value, expected: 'expected an amount with its unit: 0.1eth, 20gwei or 1000wei' });
  return toBaseUnits(match[1]!, nativeUnits[unit]!, flag, unit);
}
