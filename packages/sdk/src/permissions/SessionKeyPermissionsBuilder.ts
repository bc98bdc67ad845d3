import { type Address, type Hex, encodeFunctionData, zeroAddress } from 'viem';
import { sessionKeyPermissionUpdatesAbi } from '../generated/ISessionKeyPermissionUpdates.js';
import { decodePermissionUpdates } from './decodePermissionUpdates.js';
import { DuplicatePermissionError, SessionKeyPermissionError } from './errors.js';
import type {
  SessionKeyAccessListType,
  SessionKeyContractAccess,
  SessionKeyErc20SpendLimit,
  SessionKeyPermissions,
  SessionKeySpendLimit,
  SessionKeyTimeRange,
} from './types.js';
import { maxErc20SpendLimit, maxGasSpendLimit, maxNativeTokenSpendLimit } from './types.js';
import {
  checkTimeRange,
  normalizeAddress,
  normalizeListType,
  normalizeRefreshInterval,
  normalizeSelector,
  normalizeSpendLimit,
  normalizeTarget,
  normalizeTimestamp,
  requireBoolean,
} from './validate.js';

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

type ContractState = {
  address: Address;
  entry?: { isOnList: boolean; checkSelectors: boolean };
  functions: Map<Hex, boolean>;
};

const byKey = <T>(entries: Iterable<[string, T]>): T[] =>
  [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, value]) => value);

/**
 * Builds the permission updates of a session key, as `addSessionKey` and `updateSessionKeyPermissions` take them.
 * Each method validates its input at once (typed errors extending {@link SessionKeyPermissionError}) and returns the
 * builder, so calls chain. {@link SessionKeyPermissionsBuilder.encode} produces only what was set, in a canonical
 * order; a partial update leaves every permission it does not mention unchanged on-chain. Each permission may be set
 * once per builder ({@link DuplicatePermissionError}).
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
 * await client.addSessionKey({ key, tag, permissions: permissions.encode() })
 * ```
 */
export class SessionKeyPermissionsBuilder {
  #listType: SessionKeyAccessListType | undefined;
  readonly #contracts = new Map<string, ContractState>();
  #timeRange: { validFrom: number; validUntil: number } | undefined;
  #native: SessionKeySpendLimit | 'unlimited' | undefined;
  readonly #erc20 = new Map<string, SessionKeyErc20SpendLimit>();
  #gas: SessionKeySpendLimit | 'unlimited' | undefined;
  #paymaster: { address: Address | null } | undefined;
  #anchor: number | undefined;

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
    const p = permissions;
    if (p.accessListType !== undefined) builder.setContractAccessControlType(p.accessListType);
    for (const contract of p.contracts ?? []) {
      if (contract.isOnList !== undefined || contract.checkSelectors !== undefined) {
        builder.addContractAddressAccessEntry({
          contractAddress: contract.contractAddress,
          isOnList: contract.isOnList as boolean,
          checkSelectors: contract.checkSelectors as boolean,
        });
      }
      for (const fn of contract.functions ?? []) {
        builder.addContractFunctionAccessEntry({
          contractAddress: contract.contractAddress,
          methodSelector: fn.selector,
          isOnList: fn.isOnList,
        });
      }
    }
    if (p.timeRange !== undefined) builder.setTimeRange(p.timeRange);
    if (p.nativeTokenSpendLimit === 'unlimited') builder.removeNativeTokenSpendLimit();
    else if (p.nativeTokenSpendLimit !== undefined) builder.setNativeTokenSpendLimit(p.nativeTokenSpendLimit);
    for (const token of p.erc20SpendLimits ?? []) {
      if (token.limit === 'unlimited') builder.removeErc20TokenSpendLimit({ tokenAddress: token.tokenAddress });
      else builder.addErc20TokenSpendLimit({ tokenAddress: token.tokenAddress, ...token.limit });
    }
    if (p.gasSpendLimit === 'unlimited') builder.removeGasSpendLimit();
    else if (p.gasSpendLimit !== undefined) builder.setGasSpendLimit(p.gasSpendLimit);
    if (p.requiredPaymaster !== undefined) builder.setRequiredPaymaster({ paymasterAddress: p.requiredPaymaster });
    if (p.refreshAnchor !== undefined) builder.setRefreshAnchor({ anchor: p.refreshAnchor });
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
  setContractAccessControlType(type: SessionKeyAccessListType): this {
    const context = 'setContractAccessControlType';
    const listType = normalizeListType(type, context);
    if (this.#listType !== undefined) throw new DuplicatePermissionError({ permission: 'the access list type', context });
    this.#listType = listType;
    return this;
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
    const context = 'addContractAddressAccessEntry';
    const address = normalizeTarget(parameters.contractAddress, { field: 'contractAddress', context });
    const isOnList = requireBoolean(parameters.isOnList, 'isOnList', context);
    const checkSelectors = requireBoolean(parameters.checkSelectors, 'checkSelectors', context);
    const contract = this.#contract(address);
    if (contract.entry) {
      throw new DuplicatePermissionError({ permission: `the access list entry of contract ${address}`, context });
    }
    contract.entry = { isOnList, checkSelectors };
    return this;
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
    const context = 'addContractFunctionAccessEntry';
    const address = normalizeTarget(parameters.contractAddress, { field: 'contractAddress', context });
    const selector = normalizeSelector(parameters.methodSelector, context);
    const isOnList = requireBoolean(parameters.isOnList, 'isOnList', context);
    const existing = this.#contracts.get(address.toLowerCase());
    if (existing?.functions.has(selector)) {
      throw new DuplicatePermissionError({
        permission: `the access list entry of function ${selector} of contract ${address}`,
        context,
      });
    }
    this.#contract(address).functions.set(selector, isOnList);
    return this;
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
    const context = 'setTimeRange';
    const validFrom =
      parameters.validFrom === undefined ? 0 : normalizeTimestamp(parameters.validFrom, { field: 'validFrom', context }, true);
    const validUntil =
      parameters.validUntil === undefined ? 0 : normalizeTimestamp(parameters.validUntil, { field: 'validUntil', context }, true);
    checkTimeRange(validFrom, validUntil, context);
    if (this.#timeRange) throw new DuplicatePermissionError({ permission: 'the time range', context });
    this.#timeRange = { validFrom, validUntil };
    return this;
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
    const context = 'setNativeTokenSpendLimit';
    const limit = this.#limit(parameters, maxNativeTokenSpendLimit, context);
    if (this.#native !== undefined) throw new DuplicatePermissionError({ permission: 'the native token spend limit', context });
    this.#native = limit;
    return this;
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
    const context = 'removeNativeTokenSpendLimit';
    if (this.#native !== undefined) throw new DuplicatePermissionError({ permission: 'the native token spend limit', context });
    this.#native = 'unlimited';
    return this;
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
    const context = 'addErc20TokenSpendLimit';
    const tokenAddress = normalizeTarget(parameters.tokenAddress, { field: 'tokenAddress', context });
    const limit = this.#limit(parameters, maxErc20SpendLimit, context);
    this.#setErc20({ tokenAddress, limit }, context);
    return this;
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
    const context = 'removeErc20TokenSpendLimit';
    const tokenAddress = normalizeTarget(parameters.tokenAddress, { field: 'tokenAddress', context });
    this.#setErc20({ tokenAddress, limit: 'unlimited' }, context);
    return this;
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
    const context = 'setGasSpendLimit';
    const limit = this.#limit(parameters, maxGasSpendLimit, context);
    if (this.#gas !== undefined) throw new DuplicatePermissionError({ permission: 'the gas spend limit', context });
    this.#gas = limit;
    return this;
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
    const context = 'removeGasSpendLimit';
    if (this.#gas !== undefined) throw new DuplicatePermissionError({ permission: 'the gas spend limit', context });
    this.#gas = 'unlimited';
    return this;
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
    const context = 'setRequiredPaymaster';
    const value = parameters.paymasterAddress;
    let address: Address | null = null;
    if (value !== null) {
      address = normalizeAddress(value, { field: 'paymasterAddress', context });
      if (address === zeroAddress) address = null;
    }
    if (this.#paymaster) throw new DuplicatePermissionError({ permission: 'the required paymaster', context });
    this.#paymaster = { address };
    return this;
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
    const context = 'setRefreshAnchor';
    const anchor = normalizeTimestamp(parameters.anchor, { field: 'anchor', context }, true);
    if (this.#anchor !== undefined) throw new DuplicatePermissionError({ permission: 'the refresh anchor', context });
    this.#anchor = anchor;
    return this;
  }

  /**
   * The encoded permission updates (`bytes[]` for the module): only what was set, in this canonical order (the order
   * of ISessionKeyPermissionUpdates), so equal permissions always encode equally:
   * 1. setAccessListType;
   * 2. per contract, by address: updateAccessListAddressEntry, then updateAccessListFunctionEntry by selector;
   * 3. setTimeRange;
   * 4. setNativeTokenSpendLimit or removeNativeTokenSpendLimit;
   * 5. per token, by address: setErc20SpendLimit or removeErc20SpendLimit;
   * 6. setGasSpendLimit or removeGasSpendLimit;
   * 7. setRequiredPaymaster;
   * 8. setRefreshAnchor.
   *
   * @example
   * ```ts
   * const updates = new SessionKeyPermissionsBuilder().setGasSpendLimit({ spendLimit: parseEther('0.01') }).encode()
   * await client.updateSessionKeyPermissions({ key, permissions: updates })
   * ```
   */
  encode(): Hex[] {
    const abi = sessionKeyPermissionUpdatesAbi;
    const updates: Hex[] = [];
    if (this.#listType !== undefined) {
      updates.push(encodeFunctionData({ abi, functionName: 'setAccessListType', args: [this.#listType] }));
    }
    for (const contract of byKey(this.#contracts)) {
      if (contract.entry) {
        const { isOnList, checkSelectors } = contract.entry;
        updates.push(
          encodeFunctionData({ abi, functionName: 'updateAccessListAddressEntry', args: [contract.address, isOnList, checkSelectors] }),
        );
      }
      for (const [selector, isOnList] of byKey([...contract.functions].map(([s, on]) => [s, [s, on] as const]))) {
        updates.push(
          encodeFunctionData({ abi, functionName: 'updateAccessListFunctionEntry', args: [contract.address, selector, isOnList] }),
        );
      }
    }
    if (this.#timeRange) {
      const { validFrom, validUntil } = this.#timeRange;
      updates.push(encodeFunctionData({ abi, functionName: 'setTimeRange', args: [validFrom, validUntil] }));
    }
    if (this.#native === 'unlimited') {
      updates.push(encodeFunctionData({ abi, functionName: 'removeNativeTokenSpendLimit' }));
    } else if (this.#native) {
      const { spendLimit, refreshInterval } = this.#native;
      updates.push(encodeFunctionData({ abi, functionName: 'setNativeTokenSpendLimit', args: [spendLimit, refreshInterval] }));
    }
    for (const { tokenAddress, limit } of byKey(this.#erc20)) {
      updates.push(
        limit === 'unlimited'
          ? encodeFunctionData({ abi, functionName: 'removeErc20SpendLimit', args: [tokenAddress] })
          : encodeFunctionData({ abi, functionName: 'setErc20SpendLimit', args: [tokenAddress, limit.spendLimit, limit.refreshInterval] }),
      );
    }
    if (this.#gas === 'unlimited') {
      updates.push(encodeFunctionData({ abi, functionName: 'removeGasSpendLimit' }));
    } else if (this.#gas) {
      const { spendLimit, refreshInterval } = this.#gas;
      updates.push(encodeFunctionData({ abi, functionName: 'setGasSpendLimit', args: [spendLimit, refreshInterval] }));
    }
    if (this.#paymaster) {
      updates.push(
        encodeFunctionData({ abi, functionName: 'setRequiredPaymaster', args: [this.#paymaster.address ?? zeroAddress] }),
      );
    }
    if (this.#anchor !== undefined) {
      updates.push(encodeFunctionData({ abi, functionName: 'setRefreshAnchor', args: [this.#anchor] }));
    }
    return updates;
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
    if (this.#listType !== undefined) permissions.accessListType = this.#listType;
    if (this.#contracts.size > 0) {
      permissions.contracts = byKey(this.#contracts).map((contract) => {
        const access: SessionKeyContractAccess = contract.entry
          ? { contractAddress: contract.address, ...contract.entry }
          : { contractAddress: contract.address };
        if (contract.functions.size > 0) {
          access.functions = byKey([...contract.functions].map(([selector, isOnList]) => [selector, { selector, isOnList }]));
        }
        return access;
      });
    }
    if (this.#timeRange) {
      const timeRange: SessionKeyTimeRange = {};
      if (this.#timeRange.validFrom !== 0) timeRange.validFrom = this.#timeRange.validFrom;
      if (this.#timeRange.validUntil !== 0) timeRange.validUntil = this.#timeRange.validUntil;
      permissions.timeRange = timeRange;
    }
    if (this.#native !== undefined) permissions.nativeTokenSpendLimit = copyLimit(this.#native);
    if (this.#erc20.size > 0) {
      permissions.erc20SpendLimits = byKey(this.#erc20).map(({ tokenAddress, limit }) => ({ tokenAddress, limit: copyLimit(limit) }));
    }
    if (this.#gas !== undefined) permissions.gasSpendLimit = copyLimit(this.#gas);
    if (this.#paymaster) permissions.requiredPaymaster = this.#paymaster.address;
    if (this.#anchor !== undefined) permissions.refreshAnchor = this.#anchor;
    return permissions;
  }

  #contract(address: Address): ContractState {
    const key = address.toLowerCase();
    let contract = this.#contracts.get(key);
    if (!contract) {
      contract = { address, functions: new Map() };
      this.#contracts.set(key, contract);
    }
    return contract;
  }

  #limit(parameters: SpendLimitParameters, max: bigint, context: string): SessionKeySpendLimit {
    if (typeof parameters !== 'object' || parameters === null) {
      throw new SessionKeyPermissionError('Expected { spendLimit, refreshInterval? }.', { context });
    }
    return {
      spendLimit: normalizeSpendLimit(parameters.spendLimit, max, { field: 'spendLimit', context }),
      refreshInterval: normalizeRefreshInterval(parameters.refreshInterval, { field: 'refreshInterval', context }, true),
    };
  }

  #setErc20(limit: SessionKeyErc20SpendLimit, context: string): void {
    const key = limit.tokenAddress.toLowerCase();
    if (this.#erc20.has(key)) {
      throw new DuplicatePermissionError({ permission: `the ERC-20 spend limit of token ${limit.tokenAddress}`, context });
    }
    this.#erc20.set(key, limit);
  }
}

function copyLimit(limit: SessionKeySpendLimit | 'unlimited'): SessionKeySpendLimit | 'unlimited' {
  return limit === 'unlimited' ? limit : { spendLimit: limit.spendLimit, refreshInterval: limit.refreshInterval };
}
