import type { Address } from 'viem';
import type { SessionKeyClient } from '../account/capability.js';
import type { Call } from '../account/execution.js';
import { SessionKeyNotAuthorizedError, SessionKeyOutsideTimeRangeError } from '../errors/sessionKeyErrors.js';
import { readSessionKeyFromLens } from '../lens/readLens.js';
import type { LensSessionKeyState } from '../lens/types.js';
import { permissionKinds } from '../permissions/kinds/index.js';
import { budgetPeriodAt } from './periods.js';

/**
 * How close to the edges of its validity window an op may be sent. Bundlers in safe mode (Alto) refuse ops whose
 * window started less than 5 s ago or ends in less than 30 s; the margins add room for the op's way to the bundler.
 *
 * @example
 * ```ts
 * const sendableUntil = periodEnd - windowMargins.beforeEnd
 * ```
 */
export const windowMargins = { afterStart: 6, beforeEnd: 45 } as const;

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

  for (const { refreshInterval, what } of budgets) {
    if (refreshInterval <= windowMargins.afterStart + windowMargins.beforeEnd)
      throw outside(`The ${what} refreshes every ${refreshInterval} s: too short for a bundler to accept an op in one period.`);
  }

  let sendAt = now;
  // Each pass moves sendAt forward to satisfy one constraint; a few passes settle every period boundary.
  for (let pass = 0; pass < 8; pass++) {
    let from = keyFrom ?? 0;
    let until = keyUntil ?? Number.POSITIVE_INFINITY;
    for (const budget of budgets) {
      const { start, end } = budgetPeriodAt(sendAt, budget, anchor);
      from = Math.max(from, start);
      until = Math.min(until, end);
    }
    if (keyUntil !== undefined && keyUntil < sendAt + windowMargins.beforeEnd)
      throw outside('The key expires before a bundler would accept the op.');
    if (from + windowMargins.afterStart > sendAt) {
      sendAt = from + windowMargins.afterStart;
      continue;
    }
    if (until < sendAt + windowMargins.beforeEnd) {
      sendAt = until + 1 + windowMargins.afterStart; // into the next period
      continue;
    }
    if (sendAt - now > maxWaitSeconds)
      throw outside(`The op could only be sent in ${sendAt - now} s, more than the ${maxWaitSeconds} s allowed to wait.`);
    return { waitSeconds: sendAt - now, validFrom: from || undefined, validUntil: Number.isFinite(until) ? until : undefined };
  }
  throw outside('No validity window satisfies every refreshing limit of the op.');
}
