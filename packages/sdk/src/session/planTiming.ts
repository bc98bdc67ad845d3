import type { Address } from 'viem';
import type { SessionKeyClient } from '../account/capability.js';
import type { Call } from '../account/execution.js';
import { SessionKeyNotAuthorizedError, SessionKeyOutsideTimeRangeError } from '../errors/sessionKeyErrors.js';
import { readSessionKeyFromLens } from '../lens/readLens.js';
import type { LensSessionKeyState } from '../lens/types.js';
import { permissionKinds } from '../permissions/kinds/index.js';
import { log } from '../logging/logger.js';
import { budgetPeriodAt } from './periods.js';

/**
 * How close to the edges of its validity window an op may be sent. Bundlers in safe mode (Alto) refuse ops whose
 * `validAfter` is less than 5 s in the past or whose `validUntil` is less than 30 s ahead. The module returns
 * `validAfter` = the window's first second − 1, so an op may go 4 s into its window; one more second absorbs the
 * difference between this machine's clock and the bundler's. The end margin adds room for the op's way to the bundler.
 *
 * @example
 * ```ts
 * const sendableUntil = periodEnd - windowMargins.beforeEnd
 * ```
 */
export const windowMargins = { afterStart: 5, beforeEnd: 45 } as const;

/**
 * When an op of these calls can be sent, and the validity window it will get.
 *
 * @example
 * ```ts
 * const plan: TimingPlan = await planSessionOpTiming(sessionClient, { sessionKey, calls, paymasterPays: false, now: nowInSeconds(), maxWaitSeconds: 120 })
 * if (plan.waitSeconds > 0) console.log(`the op can go in ${plan.waitSeconds} s`)
 * ```
 */
export type TimingPlan = {
  /** Seconds to wait before sending (0: now). */
  waitSeconds: number;
  /**
   * Why it waits: `window-opens` (the key's validFrom, or a period, began less than {@link windowMargins}.afterStart
   * seconds before, and bundlers need the window a few seconds old) or `next-period` (the current period ends too soon).
   */
  waitReason?: 'window-opens' | 'next-period' | undefined;
  /** The op's window once sent then, inclusive (undefined: open). */
  validFrom: number | undefined;
  validUntil: number | undefined;
};

/**
 * Parameters of {@link planSessionOpTiming}.
 *
 * @example
 * ```ts
 * const parameters: PlanSessionOpTimingParameters = { sessionKey, calls, paymasterPays: false, now: nowInSeconds(), maxWaitSeconds: 120 }
 * ```
 */
export type PlanSessionOpTimingParameters = {
  sessionKey: Address;
  calls: readonly Call[];
  paymasterPays: boolean;
  now: number;
  maxWaitSeconds: number;
  /** The key's state as the lens returned it, when the caller has it already (saves the read). */
  lensState?: LensSessionKeyState | undefined;
};

/**
 * Plans when to send a session op: every refreshing budget it charges (each permission kind says which: gas unless a
 * paymaster pays, the native token when a call sends value, the ERC-20 limits of the tokens it calls, the call count)
 * narrows its validity window to the period it charges ({@link budgetPeriodAt}), so near a period's end it must wait
 * for the next period (and a few seconds into it). Reads the key through the session key lens (one `eth_call`);
 * throws {@link SessionKeyNotAuthorizedError} for a key the account does not have, and
 * {@link SessionKeyOutsideTimeRangeError} when the key's own range makes the op impossible within `maxWaitSeconds`.
 *
 * @example
 * ```ts
 * const plan = await planSessionOpTiming(sessionClient, { sessionKey, calls, paymasterPays: false, now: nowInSeconds(), maxWaitSeconds: 120 })
 * await new Promise((resolve) => setTimeout(resolve, plan.waitSeconds * 1000))
 * ```
 */
export async function planSessionOpTiming(client: SessionKeyClient, parameters: PlanSessionOpTimingParameters): Promise<TimingPlan> {
  const account = client.account!.address;
  const lens = parameters.lensState ?? (await readSessionKeyFromLens(client, { account, key: parameters.sessionKey }));
  if (!lens)
    throw new SessionKeyNotAuthorizedError({ details: `${parameters.sessionKey} is not a session key of ${account} (never added, removed or revoked).` });
  return planTiming(lens, parameters);
}

/**
 * The timing plan for an op of a key whose state the lens returned: no request. See {@link planSessionOpTiming}.
 *
 * @example
 * ```ts
 * const plan = planTiming(lensState, { calls, paymasterPays: false, now: nowInSeconds(), maxWaitSeconds: 120 })
 * ```
 */
export function planTiming(
  lens: LensSessionKeyState,
  parameters: { calls: readonly Call[]; paymasterPays: boolean; now: number; maxWaitSeconds: number },
): TimingPlan {
  const { calls, paymasterPays, now, maxWaitSeconds } = parameters;
  const anchor = Number(lens.info.refreshAnchor);
  const budgets = permissionKinds.flatMap((kind) => kind.charges?.(lens, { calls, paymasterPays }) ?? []);
  const keyFrom = Number(lens.info.validFrom) || undefined;
  const keyUntil = Number(lens.info.validUntil) || undefined;
  const outside = (details: string) =>
    new SessionKeyOutsideTimeRangeError({ validFrom: keyFrom, validUntil: keyUntil, details });

  assertBudgetIntervals(budgets, outside);
  return settleSendTime({
    now,
    maxWaitSeconds,
    outside,
    windowAt: (sendAt) => {
      let from = keyFrom ?? 0;
      let until = keyUntil ?? Number.POSITIVE_INFINITY;
      for (const budget of budgets) {
        const { start, end } = budgetPeriodAt(sendAt, budget, anchor);
        from = Math.max(from, start);
        until = Math.min(until, end);
      }
      return { from, until, deadline: keyUntil, deadlineMessage: 'The key expires before a bundler would accept the op.' };
    },
  });
}

/** The refreshing budgets an op charges must each leave a bundler room to accept it within one period. */
export function assertBudgetIntervals(budgets: readonly { refreshInterval: number; what: string }[], outside: (details: string) => Error): void {
  for (const { refreshInterval, what } of budgets) {
    if (refreshInterval <= windowMargins.afterStart + windowMargins.beforeEnd)
      throw outside(`The ${what} refreshes every ${refreshInterval} s: too short for a bundler to accept an op in one period.`);
  }
}

/**
 * Moves the send time forward until the op's window (`windowAt`, which may depend on the send time) opened at least
 * `afterStart` seconds before and ends at least `beforeEnd` seconds after it; throws `outside(…)` past the deadline or
 * `maxWaitSeconds`.
 */
export function settleSendTime(parameters: {
  now: number;
  maxWaitSeconds: number;
  outside: (details: string) => Error;
  windowAt: (sendAt: number) => { from: number; until: number; deadline: number | undefined; deadlineMessage: string };
}): TimingPlan {
  const { now, maxWaitSeconds, outside, windowAt } = parameters;
  let sendAt = now;
  let waitReason: TimingPlan['waitReason'];
  // Each pass moves sendAt forward to satisfy one constraint; a few passes settle every period boundary.
  for (let pass = 0; pass < 8; pass++) {
    const { from, until, deadline, deadlineMessage } = windowAt(sendAt);
    if (deadline !== undefined && deadline < sendAt + windowMargins.beforeEnd) throw outside(deadlineMessage);
    if (from + windowMargins.afterStart > sendAt) {
      sendAt = from + windowMargins.afterStart;
      waitReason ??= 'window-opens';
      continue;
    }
    if (until < sendAt + windowMargins.beforeEnd) {
      sendAt = until + 1 + windowMargins.afterStart; // into the next period
      waitReason = 'next-period';
      continue;
    }
    if (sendAt - now > maxWaitSeconds)
      throw outside(`The op could only be sent in ${sendAt - now} s, more than the ${maxWaitSeconds} s allowed to wait.`);
    return {
      waitSeconds: sendAt - now,
      ...(sendAt > now ? { waitReason } : {}),
      validFrom: from || undefined,
      validUntil: Number.isFinite(until) ? until : undefined,
    };
  }
  throw outside('No validity window satisfies every refreshing limit of the op.');
}

/**
 * Waits until a planned op may be sent: until `now + plan.waitSeconds` on the clock (to the millisecond, not a whole
 * number of seconds from a rounded time), saying why first: to `onWait` when given, else through the SDK's logger
 * (an `info` event `wait-for-window`; the default logger prints it, `setLeashLogger` redirects or silences it).
 *
 * @example
 * ```ts
 * const now = nowInSeconds()
 * await waitForSendTime(planTiming(lensState, { calls, paymasterPays: false, now, maxWaitSeconds: 120 }), { now })
 * ```
 */
export async function waitForSendTime(
  plan: TimingPlan,
  options: { now: number; onWait?: ((seconds: number) => void) | undefined; sleep?: ((ms: number) => Promise<void>) | undefined },
): Promise<void> {
  if (plan.waitSeconds <= 0) return;
  const sendAt = options.now + plan.waitSeconds;
  const waitMs = Math.max(0, sendAt * 1000 - Date.now());
  const seconds = Math.ceil(waitMs / 100) / 10;
  if (options.onWait) options.onWait(plan.waitSeconds);
  else
    log({
      level: 'info',
      code: 'wait-for-window',
      waitSeconds: seconds,
      message:
        plan.waitReason === 'next-period'
          ? `Waiting ${seconds} s for the next period of a refreshing limit: the current one ends before a bundler would accept the op.`
          : `Waiting ${seconds} s before sending: the op's validity window opens at ${new Date((plan.validFrom ?? sendAt - windowMargins.afterStart) * 1000).toISOString()}, and bundlers accept an op only ${windowMargins.afterStart - 1} s after that (a key added with validFrom: now waits this once).`,
    });
  await (options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))))(waitMs);
}
