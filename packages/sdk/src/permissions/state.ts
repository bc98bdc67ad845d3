import type { Address, Hex } from 'viem';
import type { SessionKeyAccessListType, SessionKeyPermissions } from './types.js';

/**
 * A limit's state at the time of the read: a spend limit (in base units) or the call-count limit (in calls).
 *
 * @example
 * ```ts
 * const { status } = (await client.getSessionKeyPermissions({ key })).spending.erc20[0]
 * console.log(`${status.remaining} of ${status.limit} left until ${new Date(status.nextRefresh! * 1000)}`)
 * ```
 */
export type SpendLimitStatus = {
  limit: bigint;
  /** Used in the current period (in total for a lifetime limit). */
  used: bigint;
  remaining: bigint;
  /** Seconds; 0 for a lifetime limit. */
  refreshInterval: number;
  /** Start of the current period (seconds), for a refreshing limit. */
  periodStart: number | undefined;
  /** When the budget refreshes next (seconds), for a refreshing limit. */
  nextRefresh: number | undefined;
};

/**
 * Everything a session key may do now, with the budgets it has left.
 *
 * @example
 * ```ts
 * const state: SessionKeyState = await client.getSessionKeyPermissions({ key })
 * if (state.spending.gas !== 'unlimited') console.log(formatEther(state.spending.gas.remaining))
 * if (state.spending.calls !== 'unlimited') console.log(`${state.spending.calls.remaining} calls left`)
 * describePermissions(state.permissions)
 * ```
 */
export type SessionKeyState = {
  sessionKey: Address;
  tag: Hex;
  tagText: string | undefined;
  /** The key's current permissions, in the builder's format (complete: every field set). */
  permissions: SessionKeyPermissions;
  accessListType: SessionKeyAccessListType;
  timeRange: { validFrom: number | undefined; validUntil: number | undefined };
  refreshAnchor: number;
  requiredPaymaster: Address | null;
  /** Every budget, with what is used and left in the current period. */
  spending: {
    nativeToken: SpendLimitStatus | 'unlimited';
    gas: SpendLimitStatus | 'unlimited';
    erc20: { tokenAddress: Address; status: SpendLimitStatus }[];
    /** The call-count budget (each call of a batch counts), in calls. */
    calls: SpendLimitStatus | 'unlimited';
  };
};
