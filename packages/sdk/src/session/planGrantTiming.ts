import type { Call } from '../account/execution.js';
import { SessionKeyOutsideTimeRangeError } from '../errors/sessionKeyErrors.js';
import { GrantExpiredError } from '../grants/errors.js';
import { decodePermissionUpdates } from '../permissions/decodePermissionUpdates.js';
import type { SessionKeySpendLimit } from '../permissions/types.js';
import { periodOf } from './periods.js';
import { type TimingPlan, assertBudgetIntervals, settleSendTime, windowMargins } from './planTiming.js';

/**
 * How far an op carrying a grant may land from the time it states: the module narrows its window to
 * `statedTime ± grantStatedTimeTolerance` (the stated time becomes the key's "added at" time).
 *
 * @example
 * ```ts
 * const latest = statedTime + grantStatedTimeTolerance
 * ```
 */
export const grantStatedTimeTolerance = 3_600;

/**
 * The timing of a key's first op, which carries its grant: when to send it, the time it states and its window.
 *
 * @example
 * ```ts
 * const { statedTime, waitSeconds }: GrantTimingPlan = planGrantOpTiming({ permissions, grantValidUntil: 0, calls, paymasterPays: false, now: nowInSeconds(), maxWaitSeconds: 120 })
 * ```
 */
export type GrantTimingPlan = TimingPlan & { statedTime: number };

/**
 * Plans a key's first op, which carries its grant (no read: the key does not exist yet). The op states a time a few
 * seconds before it is sent, so that its window has opened when the bundler sees it; the key's budgets start their
 * periods at that time (from the grant's refresh anchor, else the Unix epoch), each refreshing budget the op charges
 * narrows the window to its period, and the module narrows it to the stated time ± 1 hour and the key's own time
 * range. Throws {@link GrantExpiredError} when the grant's deadline comes before a bundler would accept the op, and
 * {@link SessionKeyOutsideTimeRangeError} when the key's time range or its periods make the op impossible within
 * `maxWaitSeconds`.
 *
 * @example
 * ```ts
 * const plan = planGrantOpTiming({ permissions: grant.chains[0].permissions, grantValidUntil: grant.validUntil, calls, paymasterPays: false, now: nowInSeconds(), maxWaitSeconds: 120 })
 * ```
 */
export function planGrantOpTiming(parameters: {
  permissions: readonly `0x${string}`[];
  grantValidUntil: number;
  calls: readonly Call[];
  paymasterPays: boolean;
  now: number;
  maxWaitSeconds: number;
}): GrantTimingPlan {
  const { calls, paymasterPays, now, maxWaitSeconds, grantValidUntil } = parameters;
  const permissions = decodePermissionUpdates(parameters.permissions);
  const anchor = permissions.refreshAnchor ?? 0;
  const keyFrom = permissions.timeRange?.validFrom || undefined;
  const keyUntil = permissions.timeRange?.validUntil || undefined;
  const outside = (details: string) => new SessionKeyOutsideTimeRangeError({ validFrom: keyFrom, validUntil: keyUntil, details });

  // The refreshing budgets the op charges, as each permission kind's `charges` reads them from a key's state.
  const refreshing = (limit: SessionKeySpendLimit | 'unlimited' | undefined, what: string) =>
    limit !== undefined && limit !== 'unlimited' && limit.refreshInterval > 0 ? [{ refreshInterval: limit.refreshInterval, what }] : [];
  const called = new Set(calls.map((call) => call.to.toLowerCase()));
  const budgets = [
    ...(paymasterPays ? [] : refreshing(permissions.gasSpendLimit, 'gas limit')),
    ...(calls.some((call) => (call.value ?? 0n) > 0n) ? refreshing(permissions.nativeTokenSpendLimit, 'native token limit') : []),
    ...(permissions.erc20SpendLimits ?? [])
      .filter((entry) => called.has(entry.tokenAddress.toLowerCase()))
      .flatMap((entry) => refreshing(entry.limit, `ERC-20 limit of ${entry.tokenAddress}`)),
    ...(permissions.callLimit !== undefined && permissions.callLimit !== 'unlimited' && permissions.callLimit.refreshInterval > 0
      ? [{ refreshInterval: permissions.callLimit.refreshInterval, what: 'call limit' }]
      : []),
  ];
  assertBudgetIntervals(budgets, outside);

  const statedAt = (sendAt: number) => sendAt - windowMargins.afterStart;
  const plan = settleSendTime({
    now,
    maxWaitSeconds,
    outside,
    windowAt: (sendAt) => {
      const statedTime = statedAt(sendAt);
      // The grant may be stated up to its deadline only: past it, the module refuses it (GrantExpired).
      if (grantValidUntil !== 0 && statedTime > grantValidUntil)
        throw new GrantExpiredError({ validUntil: BigInt(grantValidUntil), statedTime: BigInt(statedTime) });
      let from = Math.max(keyFrom ?? 0, statedTime - grantStatedTimeTolerance);
      let until = Math.min(keyUntil ?? Number.POSITIVE_INFINITY, statedTime + grantStatedTimeTolerance);
      for (const { refreshInterval } of budgets) {
        const { start, end } = periodOf(statedTime, anchor, refreshInterval);
        from = Math.max(from, start);
        until = Math.min(until, end);
      }
      return { from, until, deadline: keyUntil, deadlineMessage: 'The key expires before a bundler would accept the op.' };
    },
  });
  return { ...plan, statedTime: statedAt(now + plan.waitSeconds) };
}
