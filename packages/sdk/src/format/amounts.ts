import { formatUnits, parseUnits } from 'viem';
import { InvalidInputError } from './inputError.js';

/**
 * A currency or token as amounts are shown: its symbol and decimals.
 *
 * @example
 * ```ts
 * const dusd: AmountUnit = { symbol: 'dUSD', decimals: 6 }
 * ```
 */
export type AmountUnit = { symbol: string; decimals: number };

/**
 * Options of {@link formatAmount}.
 *
 * @example
 * ```ts
 * formatAmount(amount, { symbol: 'ETH', decimals: 18 }, { maxDecimals: 6, groupThousands: true })
 * ```
 */
export type FormatAmountOptions = {
  /** Show at most this many decimals, rounded, marked `≈` when rounded. Default: every decimal (exact). */
  maxDecimals?: number | undefined;
  /** `1,234.5` instead of `1234.5`. Default false. */
  groupThousands?: boolean | undefined;
};

const group = (whole: string) => whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/**
 * An amount in base units as `12.5 dUSD`: exact by default; with `maxDecimals` rounded to that many decimals and
 * marked `≈` when digits were dropped; with `groupThousands` the whole part grouped (`1,000.25 dUSD`).
 *
 * @example
 * ```ts
 * formatAmount(12_500_000n, { symbol: 'dUSD', decimals: 6 }) // '12.5 dUSD'
 * formatAmount(419_800_554_407_594n, { symbol: 'ETH', decimals: 18 }, { maxDecimals: 6 }) // '≈0.00042 ETH'
 * ```
 */
export function formatAmount(amount: bigint, unit: AmountUnit, options: FormatAmountOptions = {}): string {
  const { maxDecimals, groupThousands = false } = options;
  const negative = amount < 0n;
  const exact = formatUnits(negative ? -amount : amount, unit.decimals);
  let [whole = '0', fraction = ''] = exact.split('.');
  let approximate = false;
  if (maxDecimals !== undefined && fraction.length > maxDecimals) {
    approximate = true;
    // Round half up on the digits, carrying into the whole part (0.9999999 → 1).
    const scaled = BigInt(whole + fraction.slice(0, maxDecimals)) + (Number(fraction[maxDecimals]) >= 5 ? 1n : 0n);
    const digits = scaled.toString().padStart(maxDecimals + 1, '0');
    whole = digits.slice(0, digits.length - maxDecimals) || '0';
    fraction = digits.slice(digits.length - maxDecimals);
  }
  fraction = fraction.replace(/0+$/, '');
  const shown = `${groupThousands ? group(whole) : whole}${fraction ? `.${fraction}` : ''}`;
  return `${approximate ? '≈' : ''}${negative ? '-' : ''}${shown} ${unit.symbol}`.trimEnd();
}

/**
 * An amount that is not a decimal number in the unit's precision.
 *
 * @example
 * ```ts
 * parseAmount('1.2345678', { symbol: 'dUSD', decimals: 6 }) // throws InvalidAmountError: dUSD has 6 decimals
 * ```
 */
export class InvalidAmountError extends InvalidInputError {
  override name = 'InvalidAmountError';
}

/**
 * Parses a decimal amount in units of `unit` (`100`, `2.5`, `1,000.25`) into base units, refusing more decimals than the
 * unit has (instead of rounding them away).
 *
 * @example
 * ```ts
 * parseAmount('12.5', { symbol: 'dUSD', decimals: 6 }) // 12_500_000n
 * ```
 */
export function parseAmount(input: string, unit: AmountUnit): bigint {
  const text = input.trim();
  if (!/^\d{1,3}(,\d{3})+(\.\d+)?$|^\d+(\.\d+)?$/.test(text))
    throw new InvalidAmountError({ input, expected: 'expected a decimal amount such as 100 or 0.5' });
  const plain = text.replaceAll(',', '');
  const places = plain.split('.')[1]?.length ?? 0;
  if (places > unit.decimals) throw new InvalidAmountError({ input, expected: `${unit.symbol} has ${unit.decimals} decimals; the amount has ${places}` });
  return parseUnits(plain, unit.decimals);
}

/** Decimals of the native units {@link parseNativeAmount} accepts. */
const nativeUnits: Record<string, number> = { eth: 18, ether: 18, gwei: 9, wei: 0 };

/**
 * Parses a native token amount with its unit, `0.1eth`, `20 gwei` or `1000wei`, into wei.
 *
 * @example
 * ```ts
 * parseNativeAmount('0.1eth') // 100_000_000_000_000_000n
 * ```
 */
export function parseNativeAmount(input: string): bigint {
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]+)$/i.exec(input.trim());
  const unit = match?.[2]?.toLowerCase();
  if (!match || unit === undefined || nativeUnits[unit] === undefined)
    throw new InvalidAmountError({ input, expected: 'expected an amount with its unit: 0.1eth, 20gwei or 1000wei' });
  return parseAmount(match[1]!, { symbol: unit, decimals: nativeUnits[unit]! });
}
