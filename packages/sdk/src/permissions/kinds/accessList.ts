import type { Address, Hex } from 'viem';
import { CallNotAllowedError } from '../../errors/sessionKeyErrors.js';
import { DuplicatePermissionError } from '../errors.js';
import { SessionKeyAccessListType, type SessionKeyContractAccess, type SessionKeyPermissions } from '../types.js';
import { normalizeListType, normalizeSelector, normalizeTarget, requireBoolean } from '../validate.js';
import type { DescribeContext } from '../describeContext.js';
import type { PermissionKind } from './kind.js';
import { argsOf, compareHex, encodeUpdate } from './shared.js';

type ContractState = { address: Address; entry?: { isOnList: boolean; checkSelectors: boolean }; functions: Map<Hex, boolean> };
type State = { listType: SessionKeyAccessListType | undefined; contracts: Map<string, ContractState> };

const contractOf = (state: State, address: Address): ContractState => {
  const key = address.toLowerCase();
  let contract = state.contracts.get(key);
  if (!contract) state.contracts.set(key, (contract = { address, functions: new Map() }));
  return contract;
};
const sortedContracts = (state: State) => [...state.contracts.values()].sort((a, b) => compareHex(a.address, b.address));
const sortedFunctions = (contract: ContractState) => [...contract.functions].sort(([a], [b]) => compareHex(a, b));

/**
 * Which contracts and functions the key may call: the list type (`setAccessListType`), each contract's entry
 * (`updateAccessListAddressEntry`) and its function entries (`updateAccessListFunctionEntry`).
 */
export const accessListKind: PermissionKind<State> = {
  name: 'access list',
  updates: ['setAccessListType', 'updateAccessListAddressEntry', 'updateAccessListFunctionEntry'],
  create: () => ({ listType: undefined, contracts: new Map() }),
  decode(state, update, context) {
    if (update.functionName === 'setAccessListType') {
      state.listType = normalizeListType(argsOf(update, 'setAccessListType')[0], context);
    } else if (update.functionName === 'updateAccessListAddressEntry') {
      const [target, isOnList, checkSelectors] = argsOf(update, 'updateAccessListAddressEntry');
      contractOf(state, normalizeTarget(target, { field: 'target', context })).entry = { isOnList, checkSelectors };
    } else {
      const [target, selector, isOnList] = argsOf(update, 'updateAccessListFunctionEntry');
      contractOf(state, normalizeTarget(target, { field: 'target', context })).functions.set(selector.toLowerCase() as Hex, isOnList);
    }
  },
  encode(state) {
    const updates: Hex[] = [];
    if (state.listType !== undefined) updates.push(encodeUpdate('setAccessListType', state.listType));
    for (const contract of sortedContracts(state)) {
      if (contract.entry) {
        updates.push(encodeUpdate('updateAccessListAddressEntry', contract.address, contract.entry.isOnList, contract.entry.checkSelectors));
      }
      for (const [selector, isOnList] of sortedFunctions(contract)) {
        updates.push(encodeUpdate('updateAccessListFunctionEntry', contract.address, selector, isOnList));
      }
    }
    return updates;
  },
  toPermissions(state, permissions) {
    if (state.listType !== undefined) permissions.accessListType = state.listType;
    if (state.contracts.size === 0) return;
    permissions.contracts = sortedContracts(state).map((contract) => {
      const access: SessionKeyContractAccess = contract.entry
        ? { contractAddress: contract.address, ...contract.entry }
        : { contractAddress: contract.address };
      if (contract.functions.size > 0) access.functions = sortedFunctions(contract).map(([selector, isOnList]) => ({ selector, isOnList }));
      return access;
    });
  },
  fromPermissions(state, permissions) {
    if (permissions.accessListType !== undefined) setAccessListType(state, permissions.accessListType);
    for (const contract of permissions.contracts ?? []) {
      if (contract.isOnList !== undefined || contract.checkSelectors !== undefined) {
        addContractEntry(state, {
          contractAddress: contract.contractAddress,
          isOnList: contract.isOnList as boolean,
          checkSelectors: contract.checkSelectors as boolean,
        });
      }
      for (const fn of contract.functions ?? []) {
        addFunctionEntry(state, { contractAddress: contract.contractAddress, methodSelector: fn.selector, isOnList: fn.isOnList });
      }
    }
  },
  describe(permissions, context) {
    const listType = permissions.accessListType;
    const lines: string[] = [];
    if (listType === SessionKeyAccessListType.ALLOWLIST) lines.push('Access list: allowlist (only the contracts listed may be called)');
    if (listType === SessionKeyAccessListType.DENYLIST) lines.push('Access list: denylist (every contract may be called except those listed)');
    if (listType === SessionKeyAccessListType.ALLOW_ALL) lines.push('Access list: allow-all (any contract may be called; entries are kept but not used)');
    for (const contract of permissions.contracts ?? []) lines.push(describeContract(contract, listType, context));
    return lines;
  },
  read({ info, targets }) {
    const accessListType = Number(info.accessListType) as SessionKeyAccessListType;
    const contracts: SessionKeyContractAccess[] = [];
    for (const rule of [...targets].sort((a, b) => compareHex(a.target, b.target))) {
      const functions = [...rule.selectors]
        .map((selector) => selector.toLowerCase() as Hex)
        .sort(compareHex)
        .map((selector) => ({ selector, isOnList: true }));
      // A contract named only for its ERC-20 limit has no access list entry.
      if (!rule.isOnList && !rule.checkSelectors && functions.length === 0) continue;
      contracts.push({ contractAddress: rule.target, isOnList: rule.isOnList, checkSelectors: rule.checkSelectors, ...(functions.length ? { functions } : {}) });
    }
    return { accessListType, permissions: { accessListType, contracts } };
  },
  errors: {
    TargetNotOnAllowlist: ([target], cause) => new CallNotAllowedError({ target: target as Address, reason: 'target-not-on-allowlist', cause }),
    TargetOnDenylist: ([target], cause) => new CallNotAllowedError({ target: target as Address, reason: 'target-on-denylist', cause }),
    SelectorNotOnAllowlist: ([target, selector], cause) =>
      new CallNotAllowedError({ target: target as Address, selector: selector as Hex, reason: 'selector-not-on-allowlist', cause }),
    SelectorOnDenylist: ([target, selector], cause) =>
      new CallNotAllowedError({ target: target as Address, selector: selector as Hex, reason: 'selector-on-denylist', cause }),
  },
};

/** The builder's `setContractAccessControlType`. */
export function setAccessListType(state: State, listType: SessionKeyAccessListType, context = 'setContractAccessControlType'): void {
  const value = normalizeListType(listType, context);
  if (state.listType !== undefined) throw new DuplicatePermissionError({ permission: 'the access list type', context });
  state.listType = value;
}

/** The builder's `addContractAddressAccessEntry`. */
export function addContractEntry(
  state: State,
  parameters: { contractAddress: Address; isOnList: boolean; checkSelectors: boolean },
  context = 'addContractAddressAccessEntry',
): void {
  const address = normalizeTarget(parameters.contractAddress, { field: 'contractAddress', context });
  const isOnList = requireBoolean(parameters.isOnList, 'isOnList', context);
  const checkSelectors = requireBoolean(parameters.checkSelectors, 'checkSelectors', context);
  if (state.contracts.get(address.toLowerCase())?.entry) {
    throw new DuplicatePermissionError({ permission: `the access list entry of contract ${address}`, context });
  }
  contractOf(state, address).entry = { isOnList, checkSelectors };
}

/** The builder's `addContractFunctionAccessEntry`. */
export function addFunctionEntry(
  state: State,
  parameters: { contractAddress: Address; methodSelector: Hex | string; isOnList: boolean },
  context = 'addContractFunctionAccessEntry',
): void {
  const address = normalizeTarget(parameters.contractAddress, { field: 'contractAddress', context });
  const selector = normalizeSelector(parameters.methodSelector, context);
  const isOnList = requireBoolean(parameters.isOnList, 'isOnList', context);
  if (state.contracts.get(address.toLowerCase())?.functions.has(selector)) {
    throw new DuplicatePermissionError({ permission: `the access list entry of function ${selector} of contract ${address}`, context });
  }
  contractOf(state, address).functions.set(selector, isOnList);
}

function describeContract(
  contract: SessionKeyContractAccess,
  listType: SessionKeyPermissions['accessListType'],
  { contractName, functionName }: DescribeContext,
): string {
  const name = contractName(contract.contractAddress);
  const listed = (contract.functions ?? []).filter((f) => f.isOnList).map((f) => functionName(f.selector));
  const unlisted = (contract.functions ?? []).filter((f) => !f.isOnList).map((f) => functionName(f.selector));
  const removals = unlisted.length > 0 ? `; takes ${unlisted.join(', ')} off the list` : '';
  const { isOnList, checkSelectors } = contract;

  if (isOnList === undefined) {
    const parts = [
      ...(listed.length > 0 ? [`puts ${listed.join(', ')} on the list`] : []),
      ...(unlisted.length > 0 ? [`takes ${unlisted.join(', ')} off the list`] : []),
    ];
    return `${name}: ${parts.join('; ') || 'no change'} (the contract’s own entry is unchanged)`;
  }
  if (listType === SessionKeyAccessListType.ALLOW_ALL) {
    return `${name}: entry kept (${isOnList ? 'on' : 'off'} the list), not used while every call is allowed${removals}`;
  }
  if (listType === SessionKeyAccessListType.ALLOWLIST) {
    if (!isOnList) return `May not call ${name}${removals}`;
    if (!checkSelectors) return `May call ${name}: any function${removals}`;
    return `May call ${name}: ${listed.length > 0 ? `only ${listed.join(', ')}` : 'no function listed yet'}${removals}`;
  }
  if (listType === SessionKeyAccessListType.DENYLIST) {
    if (!isOnList) return `May call ${name}: not on the denylist${removals}`;
    if (!checkSelectors) return `May not call ${name}${removals}`;
    return `May call ${name}${listed.length > 0 ? ` except ${listed.join(', ')}` : ': any function, none denied yet'}${removals}`;
  }
  // List type unchanged by these permissions: describe the entry itself.
  if (!isOnList) return `Takes ${name} off the access list${removals}`;
  if (!checkSelectors) return `Puts ${name} on the access list: all its functions${removals}`;
  return `Puts ${name} on the access list: ${listed.length > 0 ? `functions ${listed.join(', ')}` : 'no function listed yet'}${removals}`;
}
