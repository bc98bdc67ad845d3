import type { Address, Hex } from 'viem';
import { decodePermissionUpdates } from './decodePermissionUpdates.js';
import { accessListKind, addContractEntry, addFunctionEntry, setAccessListType } from './kinds/accessList.js';
import { type CallLimitParameters, callLimitKind, removeCallLimit, setCallLimit } from './kinds/callLimit.js';
import { addErc20SpendLimit, erc20SpendLimitKind, removeErc20SpendLimit } from './kinds/erc20SpendLimit.js';
import { gasSpendLimitKind } from './kinds/gasSpendLimit.js';
import { permissionKinds } from './kinds/index.js';
import type { AnyPermissionKind, PermissionKind } from './kinds/kind.js';
import { nativeTokenSpendLimitKind } from './kinds/nativeTokenSpendLimit.js';
import { refreshAnchorKind, setRefreshAnchor } from './kinds/refreshAnchor.js';
import { requiredPaymasterKind, setRequiredPaymaster } from './kinds/requiredPaymaster.js';
import { setTimeRange, timeRangeKind } from './kinds/timeRange.js';
import type { SessionKeyAccessListType, SessionKeyPermissions } from './types.js';

/**
 * A timestamp the builder accepts: seconds (number or bigint), or a Date (rounded down to the second).
 *
 * @example
 * ```ts
 * builder.setTimeRange({ validFrom: 1_900_000_000, validUntil: new Date('2030-06-01T00:00:00Z') })
 * ```
 */
export type SessionKeyTimestamp = number | bigint | Date;

/**
 * Parameters of {@link SessionKeyPermissionsBuilder.addContractAddressAccessEntry}.
 *
 * @example
 * ```ts
 * builder.addContractAddressAccessEntry({ contractAddress: router, isOnList: true, checkSelectors: false }) // every function
 * ```
 */
export type ContractAddressAccessEntryParameters = {
  contractAddress: Address;
  /** Put the contract on the list (true) or take it off (false). */
  isOnList: boolean;
  /** Read the contract's function entries (true) or let the entry cover every function (false). */
  checkSelectors: boolean;
};

/**
 * Parameters of {@link SessionKeyPermissionsBuilder.addContractFunctionAccessEntry}.
 *
 * @example
 * ```ts
 * builder.addContractFunctionAccessEntry({ contractAddress: usdc, methodSelector: 'approve(address,uint256)', isOnList: false })
 * ```
 */
export type ContractFunctionAccessEntryParameters = {
  contractAddress: Address;
  /** 4-byte selector (`'0xa9059cbb'`) or function signature (`'transfer(address,uint256)'`). */
  methodSelector: Hex | string;
  /** Put the function on the list (true) or take it off (false). */
  isOnList: boolean;
};

/**
 * Parameters of {@link SessionKeyPermissionsBuilder.setTimeRange}. Undefined (or 0) leaves a side open.
 *
 * @example
 * ```ts
 * builder.setTimeRange({ validFrom: new Date('2030-01-01T00:00:00Z') }) // open end
 * ```
 */
export type TimeRangeParameters = {
  validFrom?: SessionKeyTimestamp | undefined;
  validUntil?: SessionKeyTimestamp | undefined;
};

/**
 * Parameters of the native token and gas spend limits.
 *
 * @example
 * ```ts
 * builder.setNativeTokenSpendLimit({ spendLimit: parseEther('0.5') }) // in total: no refreshInterval
 * ```
 */
export type SpendLimitParameters = {
  /** Base units (wei). 0 allows nothing. */
  spendLimit: bigint;
  /** Seconds per period (e.g. `WEEK`); omitted or 0 for a lifetime total. */
  refreshInterval?: number | bigint | undefined;
};

/**
 * Parameters of {@link SessionKeyPermissionsBuilder.addErc20TokenSpendLimit}.
 *
 * @example
 * ```ts
 * builder.addErc20TokenSpendLimit({ tokenAddress: usdc, spendLimit: parseUnits('20', 6), refreshInterval: DAY })
 * ```
 */
export type Erc20TokenSpendLimitParameters = SpendLimitParameters & { tokenAddress: Address };

/**
 * Builds the permission updates of a session key, as `addSessionKey` and `updateSessionKeyPermissions` take them.
 * Each method validates its input at once (typed errors extending {@link SessionKeyPermissionError}) and returns the
 * builder, so calls chain. {@link SessionKeyPermissionsBuilder.encode} produces only what was set, in a canonical
 * order; a partial update leaves every permission it does not mention unchanged on-chain. Each permission may be set
 * once per builder ({@link DuplicatePermissionError}). Each method hands its input to its permission kind (`permissions/kinds/`).
 *
 * @example
 * ```ts
 * const permissions = new SessionKeyPermissionsBuilder()
 *   .setContractAccessControlType(SessionKeyAccessListType.ALLOWLIST)
 *   .addContractAddressAccessEntry({ contractAddress: usdc, isOnList: true, checkSelectors: true })
 *   .addContractFunctionAccessEntry({ contractAddress: usdc, methodSelector: 'transfer(address,uint256)', isOnList: true })
 *   .addErc20TokenSpendLimit({ tokenAddress: usdc, spendLimit: parseUnits('100', 6), refreshInterval: WEEK })
 *   .setNativeTokenSpendLimit({ spendLimit: 0n })
 *   .setGasSpendLimit({ spendLimit: parseEther('0.01'), refreshInterval: DAY })
 *   .setTimeRange({ validUntil: Math.floor(Date.now() / 1000) + 30 * DAY })
 *   .setCallLimit({ callLimit: 20, refreshInterval: DAY })
 * await client.addSessionKey({ key, tag, permissions: permissions.encode() })
 * ```
 */
export class SessionKeyPermissionsBuilder {
  // One state per permission kind, created on first use; encode and toPermissions walk them in canonical order.
  readonly #states = new Map<AnyPermissionKind, unknown>();

  #state<State>(kind: PermissionKind<State>): State {
    let state = this.#states.get(kind) as State | undefined;
    if (state === undefined) this.#states.set(kind, (state = kind.create()));
    return state;
  }

  // Applies a change to a copy of the kind's state, so a call that throws leaves the builder unchanged.
  #change<State>(kind: PermissionKind<State>, change: (state: State) => void): this {
    // Kind states are plain data (objects, Maps, numbers, bigints, strings): structuredClone copies them deeply.
    const copy = structuredClone(this.#state(kind));
    change(copy);
    this.#states.set(kind, copy);
    return this;
  }

  /**
   * A builder holding the given permissions (validated as if each were set by its method).
   *
   * @example
   * ```ts
   * const current = decodePermissionUpdates(updates)
   * const builder = SessionKeyPermissionsBuilder.fromPermissions({ ...current, gasSpendLimit: 'unlimited' })
   * ```
   */
  static fromPermissions(permissions: SessionKeyPermissions): SessionKeyPermissionsBuilder {
    const builder = new SessionKeyPermissionsBuilder();
    for (const kind of permissionKinds) builder.#change(kind, (state) => kind.fromPermissions(state, permissions));
    return builder;
  }

  /**
   * Decodes encoded permission updates into plain permissions; the same as {@link decodePermissionUpdates}.
   *
   * @example
   * ```ts
   * const permissions = SessionKeyPermissionsBuilder.decode(builder.encode())
   * ```
   */
  static decode(updates: readonly Hex[]): SessionKeyPermissions {
    return decodePermissionUpdates(updates);
  }

  /**
   * Sets how the access list is read: `ALLOWLIST` (a new key's default), `DENYLIST` or `ALLOW_ALL`. Existing entries
   * are kept and read the new way (an allowlisted contract becomes denied under DENYLIST): change them together.
   *
   * @example
   * ```ts
   * builder.setContractAccessControlType(SessionKeyAccessListType.DENYLIST)
   * ```
   */
  setContractAccessControlType(listType: SessionKeyAccessListType): this {
    return this.#change(accessListKind, (state) => setAccessListType(state, listType));
  }

  /**
   * Puts a contract on the access list or takes it off, and says whether its function entries are checked.
   *
   * @example
   * ```ts
   * builder.addContractAddressAccessEntry({ contractAddress: usdc, isOnList: true, checkSelectors: true })
   * ```
   */
  addContractAddressAccessEntry(parameters: ContractAddressAccessEntryParameters): this {
    return this.#change(accessListKind, (state) => addContractEntry(state, parameters));
  }

  /**
   * Puts a function of a contract on the access list or takes it off. Read only while the contract's entry checks
   * selectors. `methodSelector` is a 4-byte selector or a function signature.
   *
   * @example
   * ```ts
   * builder.addContractFunctionAccessEntry({ contractAddress: usdc, methodSelector: 'transfer(address,uint256)', isOnList: true })
   * builder.addContractFunctionAccessEntry({ contractAddress: usdc, methodSelector: '0x095ea7b3', isOnList: true })
   * ```
   */
  addContractFunctionAccessEntry(parameters: ContractFunctionAccessEntryParameters): this {
    return this.#change(accessListKind, (state) => addFunctionEntry(state, parameters));
  }

  /**
   * Limits when the key is valid, in seconds (number, bigint or Date), both ends inclusive; an omitted side is open.
   * Refuses milliseconds (such as `Date.now()`) and validFrom after validUntil.
   *
   * @example
   * ```ts
   * const now = Math.floor(Date.now() / 1000)
   * builder.setTimeRange({ validFrom: now, validUntil: now + 7 * DAY })
   * builder2.setTimeRange({ validUntil: new Date('2030-01-01T00:00:00Z') })
   * ```
   */
  setTimeRange(parameters: TimeRangeParameters = {}): this {
    return this.#change(timeRangeKind, (state) => setTimeRange(state, parameters));
  }

  /**
   * Limits the native token the key's calls may send (the sum of their values): in total, or per `refreshInterval`.
   *
   * @example
   * ```ts
   * builder.setNativeTokenSpendLimit({ spendLimit: parseEther('0.1'), refreshInterval: DAY })
   * ```
   */
  setNativeTokenSpendLimit(parameters: SpendLimitParameters): this {
    return this.#change(nativeTokenSpendLimitKind, (state) => nativeTokenSpendLimitKind.set(state, parameters));
  }

  /**
   * Lets the key's calls send any amount of the native token.
   *
   * @example
   * ```ts
   * builder.removeNativeTokenSpendLimit()
   * ```
   */
  removeNativeTokenSpendLimit(): this {
    return this.#change(nativeTokenSpendLimitKind, (state) => nativeTokenSpendLimitKind.remove(state));
  }

  /**
   * Limits an ERC-20 token: only `transfer` and `approve` may then be called on it (in every access list mode), and
   * both amounts count. In total, or per `refreshInterval`. The access list must still allow the token.
   *
   * @example
   * ```ts
   * builder.addErc20TokenSpendLimit({ tokenAddress: usdc, spendLimit: parseUnits('100', 6), refreshInterval: WEEK })
   * ```
   */
  addErc20TokenSpendLimit(parameters: Erc20TokenSpendLimitParameters): this {
    return this.#change(erc20SpendLimitKind, (state) => addErc20SpendLimit(state, parameters));
  }

  /**
   * Removes an ERC-20 token's limit; calls to the token are then governed by the access list alone.
   *
   * @example
   * ```ts
   * builder.removeErc20TokenSpendLimit({ tokenAddress: usdc })
   * ```
   */
  removeErc20TokenSpendLimit(parameters: { tokenAddress: Address }): this {
    return this.#change(erc20SpendLimitKind, (state) => removeErc20SpendLimit(state, parameters));
  }

  /**
   * Limits what the key's ops may cost in gas, in wei, when the account pays (each op counts at its maximum cost; ops
   * paid by a paymaster count nothing). In total, or per `refreshInterval`.
   *
   * @example
   * ```ts
   * builder.setGasSpendLimit({ spendLimit: parseEther('0.01'), refreshInterval: DAY })
   * ```
   */
  setGasSpendLimit(parameters: SpendLimitParameters): this {
    return this.#change(gasSpendLimitKind, (state) => gasSpendLimitKind.set(state, parameters));
  }

  /**
   * Lets the key's ops cost any amount of gas.
   *
   * @example
   * ```ts
   * builder.removeGasSpendLimit()
   * ```
   */
  removeGasSpendLimit(): this {
    return this.#change(gasSpendLimitKind, (state) => gasSpendLimitKind.remove(state));
  }

  /**
   * Requires every op of the key to be paid by this paymaster; `null` (or the zero address) removes the requirement.
   *
   * @example
   * ```ts
   * builder.setRequiredPaymaster({ paymasterAddress: paymaster })
   * builder2.setRequiredPaymaster({ paymasterAddress: null }) // any payer
   * ```
   */
  setRequiredPaymaster(parameters: { paymasterAddress: Address | null }): this {
    return this.#change(requiredPaymasterKind, (state) => setRequiredPaymaster(state, parameters));
  }

  /**
   * Sets when refreshing limits' periods start: at `anchor + k × interval` for every whole k (default: the Unix
   * epoch, so a `WEEK` period starts on Thursdays 00:00 UTC). Seconds, number, bigint or Date.
   *
   * @example
   * ```ts
   * builder.setRefreshAnchor({ anchor: new Date('2025-01-06T00:00:00Z') }) // weeks start on Mondays
   * ```
   */
  setRefreshAnchor(parameters: { anchor: SessionKeyTimestamp }): this {
    return this.#change(refreshAnchorKind, (state) => setRefreshAnchor(state, parameters));
  }

  /**
   * Limits how many calls the key's ops may make, in total or per `refreshInterval` (each call of a batch counts;
   * 0 allows none). A new key has no call limit. Periods follow the same fixed grid as the spend limits.
   *
   * @example
   * ```ts
   * builder.setCallLimit({ callLimit: 20, refreshInterval: DAY }) // at most 20 calls a day
   * ```
   */
  setCallLimit(parameters: CallLimitParameters): this {
    return this.#change(callLimitKind, (state) => setCallLimit(state, parameters));
  }

  /**
   * Lets the key make any number of calls.
   *
   * @example
   * ```ts
   * builder.removeCallLimit()
   * ```
   */
  removeCallLimit(): this {
    return this.#change(callLimitKind, (state) => removeCallLimit(state));
  }

  /**
   * The encoded permission updates (`bytes[]` for the module): only what was set, in this canonical order (the order
   * of ISessionKeyPermissionUpdates, one permission kind after the other), so equal permissions always encode equally:
   * 1. setAccessListType;
   * 2. per contract, by address: updateAccessListAddressEntry, then updateAccessListFunctionEntry by selector;
   * 3. setTimeRange;
   * 4. setNativeTokenSpendLimit or removeNativeTokenSpendLimit;
   * 5. per token, by address: setErc20SpendLimit or removeErc20SpendLimit;
   * 6. setGasSpendLimit or removeGasSpendLimit;
   * 7. setRequiredPaymaster;
   * 8. setRefreshAnchor;
   * 9. setCallLimit or removeCallLimit.
   *
   * @example
   * ```ts
   * const updates = new SessionKeyPermissionsBuilder().setGasSpendLimit({ spendLimit: parseEther('0.01') }).encode()
   * await client.updateSessionKeyPermissions({ key, permissions: updates })
   * ```
   */
  encode(): Hex[] {
    return permissionKinds.flatMap((kind) => (this.#states.has(kind) ? kind.encode(this.#states.get(kind)) : []));
  }

  /**
   * What the builder holds, as plain data (a fresh copy; arrays sorted as in {@link SessionKeyPermissions}).
   * `decodePermissionUpdates(builder.encode())` deep-equals it.
   *
   * @example
   * ```ts
   * const lines = describePermissions(builder.toPermissions())
   * ```
   */
  toPermissions(): SessionKeyPermissions {
    const permissions: SessionKeyPermissions = {};
    for (const kind of permissionKinds) if (this.#states.has(kind)) kind.toPermissions(this.#states.get(kind), permissions);
    return permissions;
  }
}
