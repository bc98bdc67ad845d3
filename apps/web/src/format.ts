import { type AmountUnit, formatAmount as formatAmountWith } from '@leash/sdk';

export { formatDuration, nowInSeconds } from '@leash/sdk';

/** A unit as the page shows it; `displayDecimals` (ETH: 6) rounds long amounts, marked `≈`. */
export type DisplayUnit = AmountUnit & { displayDecimals?: number };

/** An amount as the page shows it: the SDK's formatAmount, thousands grouped, `displayDecimals` at most. */
export function formatAmount(amount: bigint, unit: DisplayUnit): string {
  return formatAmountWith(amount, unit, { groupThousands: true, maxDecimals: unit.displayDecimals });
}

/** The native currency; wei amounts are long, so they show with 6 decimals at most. */
export const ether = { decimals: 18, symbol: 'ETH', displayDecimals: 6 } as const;

/** Calls, as the call-count budget counts them. */
export const calls = { decimals: 0, symbol: 'calls' } as const;

/** A timestamp (seconds) in the reader's time zone. */
export function formatTimestamp(seconds: number): string {
  return new Date(seconds * 1000).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

/** `0x1234…abcd` */
export function shortHex(value: string): string {
  return value.length > 14 ? `${value.slice(0, 6)}…${value.slice(-4)}` : value;
}
