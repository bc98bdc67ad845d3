import type { Address } from 'viem';
import { readContract } from 'viem/actions';
import type { Call } from '../account/execution.js';
import type { LeashAccountClient } from '../clients/createLeashAccountClient.js';
import { SessionKeyNotAuthorizedError, SessionKeyOutsideTimeRangeError } from '../errors/sessionKeyErrors.js';
import { sessionKeyModuleAbi } from '../generated/SessionKeyModule.js';
import { periodOf } from './periods.js';

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

type Interval = { interval: number; what: string };

/**
 * Plans when to send a session op: every refreshing limit it spends from narrows its validity window to the current
 * period, so near a period's end it must wait for the next period (and a few seconds into it). Reads the key's limits;
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
  const intervals: Interval[] = [];
  if (!paymasterPays && info.gasSpend.hasLimit && info.gasSpend.refreshInterval)
    intervals.push({ interval: info.gasSpend.refreshInterval, what: 'gas limit' });
  if (calls.some((c) => (c.value ?? 0n) > 0n) && info.nativeTokenSpend.hasLimit && info.nativeTokenSpend.refreshInterval)
    intervals.push({ interval: info.nativeTokenSpend.refreshInterval, what: 'native token limit' });
  for (const target of new Set(calls.map((c) => c.to.toLowerCase() as Address))) {
    const limit = await readContract(client.client, {
      address: module,
      abi: sessionKeyModuleAbi,
      functionName: 'getErc20SpendLimit',
      args: [account, sessionKey, target],
    });
    if (limit.hasLimit && limit.refreshInterval) intervals.push({ interval: limit.refreshInterval, what: `ERC-20 limit of ${target}` });
  }
  const keyFrom = info.validFrom || undefined;
  const keyUntil = info.validUntil || undefined;
  const outside = (details: string) =>
    new SessionKeyOutsideTimeRangeError({ validFrom: keyFrom, validUntil: keyUntil, details });

  for (const { interval, what } of intervals) {
    if (interval <= windowMargins.afterStart + windowMargins.beforeEnd)
      throw outside(`The ${what} refreshes every ${interval} s: too short for a bundler to accept an op in one period.`);
  }

  let sendAt = now;
  // Each pass moves sendAt forward to satisfy one constraint; a few passes settle every period boundary.
  for (let pass = 0; pass < 8; pass++) {
    let from = keyFrom ?? 0;
    let until = keyUntil ?? Number.POSITIVE_INFINITY;
    for (const { interval } of intervals) {
      const { start, end } = periodOf(sendAt, anchor, interval);
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
