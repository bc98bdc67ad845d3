import type { Address, Hex } from 'viem';
import type { SessionKeyCallLimit } from './kinds/callLimit.js';

/**
 * How a session key's access list is read, as the module numbers it.
 * - `ALLOWLIST` (0): only listed contracts (and, where selectors are checked, listed functions) may be called. The
 *   default: a new key can call nothing.
 * - `DENYLIST` (1): listed contracts (or, where selectors are checked, listed functions) are refused; all else is allowed.
 * - `ALLOW_ALL` (2): every call is allowed (never the account, the module or the EntryPoint); entries are kept but unused.
 *
 * Changing the type keeps the entries and reads them the new way: an allowlisted contract becomes denied under
 * DENYLIST. Switch types together with the entries you mean.
 *
 * @example
 * ```ts
 * builder.setContractAccessControlType(SessionKeyAccessListType.DENYLIST)
 * ```
 */
export const SessionKeyAccessListType = { ALLOWLIST: 0, DENYLIST: 1, ALLOW_ALL: 2 } as const;
/** One of the values of {@link SessionKeyAccessListType}: 0, 1 or 2. */
export type SessionKeyAccessListType = (typeof SessionKeyAccessListType)[keyof typeof SessionKeyAccessListType];

/**
 * One minute, in seconds (for refresh intervals and time ranges).
 *
 * @example
 * ```ts
 * builder.setGasSpendLimit({ spendLimit: parseEther('0.001'), refreshInterval: 10 * MINUTE })
 * ```
 */
export const MINUTE = 60;
/**
 * One hour, in seconds.
 *
 * @example
 * ```ts
 * builder.setNativeTokenSpendLimit({ spendLimit: parseEther('0.01'), refreshInterval: HOUR })
 * ```
 */
export const HOUR = 3_600;
/**
 * One day, in seconds.
 *
 * @example
 * ```ts
 * builder.setGasSpendLimit({ spendLimit: parseEther('0.01'), refreshInterval: DAY })
 * ```
 */
export const DAY = 86_400;
/**
 * One week, in seconds.
 *
 * @example
 * ```ts
 * builder.addErc20TokenSpendLimit({ tokenAddress: usdc, spendLimit: parseUnits('100', 6), refreshInterval: WEEK })
 * ```
 */
export const WEEK = 604_800;

/**
 * The largest timestamp the module stores: 2^32 - 1 seconds (in 2106).
 *
 * @example
 * ```ts
 * builder.setTimeRange({ validUntil: maxSessionKeyTimestamp }) // the latest end the module stores
 * ```
 */
export const maxSessionKeyTimestamp = 2 ** 32 - 1;
/**
 * The largest native token spend limit the module stores: 2^96 - 1 wei. Remove the limit for "no limit".
 *
 * @example
 * ```ts
 * builder.setNativeTokenSpendLimit({ spendLimit: maxNativeTokenSpendLimit })
 * ```
 */
export const maxNativeTokenSpendLimit = 2n ** 96n - 1n;
/**
 * The largest ERC-20 spend limit the module stores: 2^159 - 1 base units. Remove the limit for "no limit".
 *
 * @example
 * ```ts
 * builder.addErc20TokenSpendLimit({ tokenAddress, spendLimit: maxErc20SpendLimit })
 * ```
 */
export const maxErc20SpendLimit = 2n ** 159n - 1n;
/**
 * The largest gas spend limit the module stores: (2^42 - 1) gwei, about 4,398 ETH. The module keeps gas budgets in
 * whole gwei and rounds each op's cost up to the gwei. Remove the limit for "no limit".
 *
 * @example
 * ```ts
 * builder.setGasSpendLimit({ spendLimit: maxGasSpendLimit })
 * ```
 */
export const maxGasSpendLimit = (2n ** 42n - 1n) * 10n ** 9n;
/**
 * The longest refresh interval the module stores: 2^32 - 1 seconds.
 *
 * @example
 * ```ts
 * builder.setNativeTokenSpendLimit({ spendLimit: 1n, refreshInterval: maxSessionKeyRefreshInterval })
 * ```
 */
export const maxSessionKeyRefreshInterval = 2 ** 32 - 1;
/**
 * Timestamps above this many seconds (10^11, in the year 5138) are taken for milliseconds by the builder and refused
 * with {@link TimestampInMillisecondsError}. `Date.now()` is about 1.7 × 10^12.
 *
 * @example
 * ```ts
 * builder.setTimeRange({ validUntil: Date.now() }) // throws TimestampInMillisecondsError: above the threshold
 * ```
 */
export const millisecondsTimestampThreshold = 100_000_000_000;

/**
 * A spend limit: at most `spendLimit` base units per `refreshInterval` seconds, or in total when the interval is 0.
 *
 * @example
 * ```ts
 * const limit: SessionKeySpendLimit = { spendLimit: parseEther('0.01'), refreshInterval: DAY }
 * builder.setGasSpendLimit(limit)
 * ```
 */
export type SessionKeySpendLimit = {
  /** Base units (wei for the native token and gas). 0 allows nothing, which differs from no limit. */
  spendLimit: bigint;
  /** Seconds; 0 for a lifetime total. Periods start at the key's refresh anchor plus whole multiples of it. */
  refreshInterval: number;
};

/**
 * A function entry of a contract's access list entry.
 *
 * @example
 * ```ts
 * const transferOnly: SessionKeyFunctionAccess = { selector: toFunctionSelector('transfer(address,uint256)'), isOnList: true }
 * ```
 */
export type SessionKeyFunctionAccess = {
  /** 4-byte selector, lowercase hex. */
  selector: Hex;
  /** Put on the list (true) or take off it (false). */
  isOnList: boolean;
};

/**
 * A contract's access list entry and its function entries. `isOnList` and `checkSelectors` are given together (the
 * contract's own entry) or not at all (only function entries change).
 *
 * @example
 * ```ts
 * const entry: SessionKeyContractAccess = {
 *   contractAddress: usdc,
 *   isOnList: true,
 *   checkSelectors: true,
 *   functions: [{ selector: '0xa9059cbb', isOnList: true }],
 * }
 * ```
 */
export type SessionKeyContractAccess = {
  /** Checksummed address. */
  contractAddress: Address;
  /** Function entries, sorted by selector; omitted when none change. */
  functions?: SessionKeyFunctionAccess[] | undefined;
} & (
  | {
      /** Put the contract on the list (true) or take it off (false). */
      isOnList: boolean;
      /** Whether the contract's function entries are read (otherwise the entry covers every function). */
      checkSelectors: boolean;
    }
  | { isOnList?: undefined; checkSelectors?: undefined }
);

/**
 * An ERC-20 token's spend limit, or `'unlimited'` to remove it (calls are then governed by the access list alone).
 *
 * @example
 * ```ts
 * const weekly: SessionKeyErc20SpendLimit = { tokenAddress: usdc, limit: { spendLimit: parseUnits('100', 6), refreshInterval: WEEK } }
 * const removed: SessionKeyErc20SpendLimit = { tokenAddress: weth, limit: 'unlimited' }
 * ```
 */
export type SessionKeyErc20SpendLimit = {
  /** Checksummed address. */
  tokenAddress: Address;
  limit: SessionKeySpendLimit | 'unlimited';
};

/**
 * When a key is valid, in seconds, inclusive. An omitted side is open.
 *
 * @example
 * ```ts
 * const nextMonth: SessionKeyTimeRange = { validUntil: nowInSeconds() + 30 * DAY }
 * builder.setTimeRange(nextMonth)
 * ```
 */
export type SessionKeyTimeRange = {
  validFrom?: number | undefined;
  validUntil?: number | undefined;
};

/**
 * What a set of permission updates means, as plain data. Every field is optional: an omitted field is left as it is
 * (for a new key: the module's default, which allows nothing). Arrays are sorted by address (and selector), addresses
 * checksummed, selectors lowercase hex, timestamps and intervals numbers of seconds, amounts bigints.
 *
 * @example
 * ```ts
 * const permissions: SessionKeyPermissions = {
 *   accessListType: SessionKeyAccessListType.ALLOWLIST,
 *   contracts: [{ contractAddress: usdc, isOnList: true, checkSelectors: true, functions: [{ selector: '0xa9059cbb', isOnList: true }] }],
 *   erc20SpendLimits: [{ tokenAddress: usdc, limit: { spendLimit: 100_000_000n, refreshInterval: WEEK } }],
 *   nativeTokenSpendLimit: { spendLimit: 0n, refreshInterval: 0 },
 *   gasSpendLimit: 'unlimited',
 *   timeRange: { validUntil: 1_900_000_000 },
 * }
 * ```
 */
export type SessionKeyPermissions = {
  /** How the access list is read. */
  accessListType?: SessionKeyAccessListType | undefined;
  /** Contract and function entries, sorted by address. */
  contracts?: SessionKeyContractAccess[] | undefined;
  /** When the key is valid. `{}` opens both sides. */
  timeRange?: SessionKeyTimeRange | undefined;
  /** Limit on the sum of the calls' values. */
  nativeTokenSpendLimit?: SessionKeySpendLimit | 'unlimited' | undefined;
  /** Per-token limits, sorted by address. */
  erc20SpendLimits?: SessionKeyErc20SpendLimit[] | undefined;
  /** Limit on what the key's ops may cost in gas (wei) when the account pays. */
  gasSpendLimit?: SessionKeySpendLimit | 'unlimited' | undefined;
  /** The paymaster every op must use; `null` removes the requirement. */
  requiredPaymaster?: Address | null | undefined;
  /** When refreshing limits' periods start (seconds; 0 is the Unix epoch, the default). */
  refreshAnchor?: number | undefined;
  /** How many calls the key's ops may make (each call of a batch counts). A new key has no call limit. */
  callLimit?: SessionKeyCallLimit | 'unlimited' | undefined;
};
