/**
 * The period containing `time`, inclusive: periods are `[anchor + k × interval, anchor + (k + 1) × interval)`, and the
 * stretch before the first of them after the epoch counts as one. The same arithmetic as the module's TimeRange.
 *
 * @example
 * ```ts
 * periodOf(1_750_000_123, 0, 86_400) // { start: 1_749_945_600, end: 1_750_031_999 }: that UTC day
 * ```
 */
export function periodOf(time: number, anchor: number, interval: number): { start: number; end: number } {
  const offset = anchor % interval;
  if (time < offset) return { start: 0, end: offset - 1 };
  const start = time - ((time - offset) % interval);
  return { start, end: start + interval - 1 };
}

/**
 * The validity window a refreshing budget gives an op sent at `time`, from the budget's state as the module reports it
 * (`periodStart` and `nextRefresh` of its status in the lens's answer, read at or before `time`). The module charges the period
 * the budget is in until it ends (`nextRefresh`), whatever the grid; after that, the period of `time` on the grid of
 * `anchor`, from no earlier than `nextRefresh`.
 *
 * @example
 * ```ts
 * const { info } = await readContract(client, { address: lens, abi: sessionKeyLensAbi, functionName: 'getSessionKey', args: [module, account, key] })
 * budgetPeriodAt(nowInSeconds(), info.gasSpend, Number(info.refreshAnchor)) // { start, end }: the op's window, as far as this budget goes
 * ```
 */
export function budgetPeriodAt(
  time: number,
  budget: { periodStart: number; nextRefresh: number; refreshInterval: number },
  anchor: number,
): { start: number; end: number } {
  if (time < budget.nextRefresh) return { start: budget.periodStart, end: budget.nextRefresh - 1 };
  const { start, end } = periodOf(time, anchor, budget.refreshInterval);
  return { start: Math.max(start, budget.nextRefresh), end };
}
