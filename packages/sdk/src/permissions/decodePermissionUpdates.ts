import { type Address, type Hex, decodeFunctionData, encodeFunctionData, isHex, size, slice, toFunctionSelector } from 'viem';
import { sessionKeyPermissionUpdatesAbi } from '../generated/ISessionKeyPermissionUpdates.js';
import { MalformedPermissionUpdateError, UnknownPermissionUpdateError } from './errors.js';
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
  normalizeSpendLimit,
  normalizeTarget,
  normalizeTimestamp,
} from './validate.js';

// Each permission update function by selector: its name and how many (32-byte) arguments it takes.
let updateFunctions: Map<Hex, { name: string; argumentCount: number }> | undefined;
const updateFunctionOf = (selector: Hex) => {
  updateFunctions ??= new Map(
    sessionKeyPermissionUpdatesAbi
      .filter((item) => item.type === 'function')
      .map((item) => [toFunctionSelector(item), { name: item.name, argumentCount: item.inputs.length }] as const),
  );
  return updateFunctions.get(selector);
};
const functionNameOf = (selector: Hex): string | undefined => updateFunctionOf(selector)?.name;

/**
 * Splits the updates of a `SessionKeyAdded` or `SessionKeyPermissionsUpdated` event back into a list. The module logs
 * them concatenated, to save gas: each is `selector ‖ 32 bytes per argument`, so its length follows from its selector.
 * Throws {@link UnknownPermissionUpdateError} for an unknown selector and {@link MalformedPermissionUpdateError} when
 * the bytes end inside an update.
 *
 * @example
 * ```ts
 * const permissions = decodePermissionUpdates(splitPermissionUpdates(event.args.updates))
 * ```
 */
export function splitPermissionUpdates(packed: Hex): Hex[] {
  const updates: Hex[] = [];
  const total = size(packed);
  for (let offset = 0; offset < total; ) {
    const rest = slice(packed, offset);
    const selector = (total - offset >= 4 ? slice(packed, offset, offset + 4) : '0x00000000').toLowerCase() as Hex;
    const fn = updateFunctionOf(selector);
    if (!fn) throw new UnknownPermissionUpdateError({ index: updates.length, update: rest, selector });
    const end = offset + 4 + 32 * fn.argumentCount;
    if (end > total) throw new MalformedPermissionUpdateError({ index: updates.length, update: rest, functionName: fn.name });
    updates.push(slice(packed, offset, end));
    offset = end;
  }
  return updates;
}

const compare = (a: string, b: string) => (a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0);

/**
 * Decodes encoded permission updates (as the builder encodes them, or as read from the module's events through
 * {@link splitPermissionUpdates}) into plain {@link SessionKeyPermissions}. Each update is checked the way the module checks it: unknown
 * selectors ({@link UnknownPermissionUpdateError}), non-canonical encodings ({@link MalformedPermissionUpdateError})
 * and out-of-range values (the builder's typed errors) throw. When a list sets the same permission more than once,
 * the last one wins, as on-chain.
 *
 * Round trips: `decodePermissionUpdates(builder.encode())` deep-equals `builder.toPermissions()`, and
 * `SessionKeyPermissionsBuilder.fromPermissions(decodePermissionUpdates(updates)).encode()` equals `updates` for
 * canonical updates (what `encode()` produces).
 *
 * @example
 * ```ts
 * const permissions = decodePermissionUpdates(builder.encode())
 * console.log(describePermissions(permissions).join('\n'))
 * ```
 */
export function decodePermissionUpdates(updates: readonly Hex[]): SessionKeyPermissions {
  const abi = sessionKeyPermissionUpdatesAbi;
  let listType: SessionKeyAccessListType | undefined;
  const contracts = new Map<string, { address: Address; entry?: { isOnList: boolean; checkSelectors: boolean }; functions: Map<Hex, boolean> }>();
  let timeRange: SessionKeyTimeRange | undefined;
  let native: SessionKeySpendLimit | 'unlimited' | undefined;
  const erc20 = new Map<string, SessionKeyErc20SpendLimit>();
  let gas: SessionKeySpendLimit | 'unlimited' | undefined;
  let paymaster: { address: Address | null } | undefined;
  let anchor: number | undefined;

  const contractOf = (address: Address) => {
    const key = address.toLowerCase();
    let contract = contracts.get(key);
    if (!contract) contracts.set(key, (contract = { address, functions: new Map() }));
    return contract;
  };

  updates.forEach((update, index) => {
    if (typeof update !== 'string' || !isHex(update)) {
      throw new MalformedPermissionUpdateError({ index, update: String(update) as Hex, functionName: 'unknown' });
    }
    const selector = (size(update) >= 4 ? slice(update, 0, 4) : '0x00000000').toLowerCase() as Hex;
    const functionName = functionNameOf(selector);
    if (!functionName) throw new UnknownPermissionUpdateError({ index, update, selector });
    let decoded: ReturnType<typeof decodeFunctionData<typeof abi>>;
    try {
      decoded = decodeFunctionData({ abi, data: update });
      // The module takes only the canonical encoding: exact length, clean padding, bools 0 or 1.
      const reencoded = encodeFunctionData({ abi, functionName: decoded.functionName, args: decoded.args } as never);
      if (reencoded.toLowerCase() !== update.toLowerCase()) throw new Error('Not the canonical encoding.');
    } catch (cause) {
      throw new MalformedPermissionUpdateError({ index, update, functionName, cause: cause as Error });
    }
    const context = `update ${index} (${functionName})`;
    const spendLimit = (value: bigint, interval: number, max: bigint): SessionKeySpendLimit => ({
      spendLimit: normalizeSpendLimit(value, max, { field: 'spendLimit', context }),
      refreshInterval: normalizeRefreshInterval(interval, { field: 'refreshInterval', context }),
    });

    switch (decoded.functionName) {
      case 'setAccessListType':
        listType = normalizeListType(decoded.args[0], context);
        break;
      case 'updateAccessListAddressEntry': {
        const [target, isOnList, checkSelectors] = decoded.args;
        contractOf(normalizeTarget(target, { field: 'target', context })).entry = { isOnList, checkSelectors };
        break;
      }
      case 'updateAccessListFunctionEntry': {
        const [target, fn, isOnList] = decoded.args;
        contractOf(normalizeTarget(target, { field: 'target', context })).functions.set(fn.toLowerCase() as Hex, isOnList);
        break;
      }
      case 'setTimeRange': {
        const validFrom = normalizeTimestamp(decoded.args[0], { field: 'validFrom', context }, false);
        const validUntil = normalizeTimestamp(decoded.args[1], { field: 'validUntil', context }, false);
        checkTimeRange(validFrom, validUntil, context);
        timeRange = {};
        if (validFrom !== 0) timeRange.validFrom = validFrom;
        if (validUntil !== 0) timeRange.validUntil = validUntil;
        break;
      }
      case 'setNativeTokenSpendLimit':
        native = spendLimit(decoded.args[0], decoded.args[1], maxNativeTokenSpendLimit);
        break;
      case 'removeNativeTokenSpendLimit':
        native = 'unlimited';
        break;
      case 'setErc20SpendLimit': {
        const tokenAddress = normalizeTarget(decoded.args[0], { field: 'token', context });
        erc20.set(tokenAddress.toLowerCase(), {
          tokenAddress,
          limit: spendLimit(decoded.args[1], decoded.args[2], maxErc20SpendLimit),
        });
        break;
      }
      case 'removeErc20SpendLimit': {
        const tokenAddress = normalizeTarget(decoded.args[0], { field: 'token', context });
        erc20.set(tokenAddress.toLowerCase(), { tokenAddress, limit: 'unlimited' });
        break;
      }
      case 'setGasSpendLimit':
        gas = spendLimit(decoded.args[0], decoded.args[1], maxGasSpendLimit);
        break;
      case 'removeGasSpendLimit':
        gas = 'unlimited';
        break;
      case 'setRequiredPaymaster': {
        const address = normalizeAddress(decoded.args[0], { field: 'paymaster', context });
        paymaster = { address: BigInt(address) === 0n ? null : address };
        break;
      }
      case 'setRefreshAnchor':
        anchor = normalizeTimestamp(decoded.args[0], { field: 'anchor', context }, false);
        break;
    }
  });

  const permissions: SessionKeyPermissions = {};
  if (listType !== undefined) permissions.accessListType = listType;
  if (contracts.size > 0) {
    permissions.contracts = [...contracts.values()]
      .sort((a, b) => compare(a.address, b.address))
      .map((contract) => {
        const access: SessionKeyContractAccess = contract.entry
          ? { contractAddress: contract.address, ...contract.entry }
          : { contractAddress: contract.address };
        if (contract.functions.size > 0) {
          access.functions = [...contract.functions]
            .sort(([a], [b]) => compare(a, b))
            .map(([selector, isOnList]) => ({ selector, isOnList }));
        }
        return access;
      });
  }
  if (timeRange) permissions.timeRange = timeRange;
  if (native !== undefined) permissions.nativeTokenSpendLimit = native;
  if (erc20.size > 0) permissions.erc20SpendLimits = [...erc20.values()].sort((a, b) => compare(a.tokenAddress, b.tokenAddress));
  if (gas !== undefined) permissions.gasSpendLimit = gas;
  if (paymaster) permissions.requiredPaymaster = paymaster.address;
  if (anchor !== undefined) permissions.refreshAnchor = anchor;
  return permissions;
}
