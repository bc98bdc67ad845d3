import type { SpendLimitStatus } from '../permissions/state.js';
import { type AmountUnit, type FormatAmountOptions, formatAmount } from './amounts.js';
import { formatRefreshInterval } from './durations.js';

/**
 * A budget read from the chain in words, with when it refreshes: `90 dUSD used of 100 dUSD per week, 10 dUSD left;
 * refreshes 2030-01-08T09:30:00Z` (a refreshing limit's periods start when the key was added, unless its owner set
 * an anchor), `… left; never refreshes` for a lifetime total, or `no limit`.
 *
 * @example
 * ```ts
 * const { status } = state.spending.erc20[0]!
 * describeBudget(status, { symbol: 'dUSD', decimals: 6 }) // '90 dUSD used of 100 dUSD per week, 10 dUSD left; refreshes 2030-01-08T09:30:00Z'
 * ```
 */
export function describeBudget(
  status: SpendLimitStatus | 'unlimited',
  unit: AmountUnit,
  options: { amounts?: FormatAmountOptions | undefined; formatTimestamp?: ((seconds: number) => string) | undefined } = {},
): string {
  if (status === 'unlimited') return 'no limit';
  const amount = (value: bigint) => formatAmount(value, unit, options.amounts);
  const formatTimestamp = options.formatTimestamp ?? ((seconds: number) => new Date(seconds * 1000).toISOString().replace('.000Z', 'Z'));
  const refresh = status.nextRefresh === undefined ? 'never refreshes' : `refreshes ${formatTimestamp(status.nextRefresh)}`;
  return `${amount(status.used)} used of ${amount(status.limit)} ${formatRefreshInterval(status.refreshInterval)}, ${amount(status.remaining)} left; ${refresh}`;
}
