import type { Address } from 'viem';
import { readContract } from 'viem/actions';
import type { Call } from '../account/execution.js';
import type { LeashAccountClient } from '../clients/createLeashAccountClient.js';
import { SessionKeyNotAuthorizedError, SessionKeyOutsideTimeRangeError } from '../errors/sessionKeyErrors.js';
import { sessionKeyModuleAbi } from '../generated/SessionKeyModule.js';
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

type Budget = { periodStart: number; nextRefresh: number; refreshInterval: number; what: string };

/**
 * Plans when to send a session op: every refreshing limit it spends from narrows its validity window to the period it
 * charges ({@link budgetPeriodAt}), so near a period's end it must wait for the next period (and a few seconds into it). Reads the key's limits;
 * throws {@link SessionKeyOutsideTimeRangeError} when the key's own range makes the op impossible within `maxWaitSeconds`.
 *
 * @example
 * ```ts
 * const plan = await planSessionOpTiming(sessionClient, { sessionKey, calls, paymasterPays: false, now: nowInSeconds(), maxWaitSeconds: 120 })
 * await new Promise((resolve) => setTimeout(resolve, plan.waitSeconds * 1000))
 * ```
 */
export async function planSessionOpTiming(
  client: LeashAccountClient,
  parameters: { sessionKey: Address; calls: readonly Call[]; paymasterPays: boolean; now: number; maxWaitSeconds: number },
): Promise<TimingPlan> {
  const { sessionKey, calls, paymasterPays, now, maxWaitSeconds } = parameters;
  const module = client.account.addresses.sessionKeyModule;
  const account = client.account.address;
  const isKey = await readContract(client.client, {
    address: module,
    abi: sessionKeyModuleAbi,
    functionName: 'isSessionKeyOf',
    args: [account, sessionKey],
  });
  if (!isKey)
    throw new SessionKeyNotAuthorizedError({ details: `${sessionKey} is not a session key of ${account} (never added, removed or revoked).` });
  const info = await readContract(client.client, {
    address: module,
    abi: sessionKeyModuleAbi,
    functionName: 'getSessionKeyInfo',
    args: [account, sessionKey],
  });
  const anchor = Number(info.refreshAnchor);
  const budgets: Budget[] = [];
  const add = (status: { hasLimit: boolean; refreshInterval: number; periodStart: number; nextRefresh: number }, what: string) => {
    if (!status.hasLimit || !status.refreshInterval) return;
    const { refreshInterval, periodStart, nextRefresh } = status;
    budgets.push({ refreshInterval: Number(refreshInterval), periodStart: Number(periodStart), nextRefresh: Number(nextRefresh), what });
  };
  if (!paymasterPays) add(info.gasSpend, 'gas limit');
  if (calls.some((c) => (c.value ?? 0n) > 0n)) add(info.nativeTokenSpend, 'native token limit');
  for (const target of new Set(calls.map((c) => c.to.toLowerCase() as Address))) {
    const limit = await readContract(client.client, {
      address: module,
      abi: sessionKeyModuleAbi,
      functionName: 'getErc20SpendLimit',
      args: [account, sessionKey, target],
    });
    add(limit, `ERC-20 limit of ${target}`);
  }
  const keyFrom = info.validFrom || undefined;
  const keyUntil = info.validUntil || undefined;
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
