import { type Hex, decodeFunctionData, isHex, size, slice } from 'viem';
import { sessionKeyPermissionUpdatesAbi } from '../generated/ISessionKeyPermissionUpdates.js';
import { decodePermissionUpdates } from '../permissions/decodePermissionUpdates.js';
import { PermissionNotGrantableError } from './errors.js';

// The Permissions struct of a grant, field by field in the order of docs/grants.md: each field holds the updates of
// one ISessionKeyPermissionUpdates function, and each struct has exactly that function's arguments (taken from the
// generated ABI, so its EIP-712 hash is keccak256(typeHash ‖ the update's ABI-encoded arguments)).
const fieldTable = [
  ['accessListType', 'AccessListType', 'setAccessListType'],
  ['contracts', 'ContractAccess', 'updateAccessListAddressEntry'],
  ['functions', 'FunctionAccess', 'updateAccessListFunctionEntry'],
  ['timeRange', 'TimeRange', 'setTimeRange'],
  ['refreshAnchor', 'RefreshAnchor', 'setRefreshAnchor'],
  ['erc20Limits', 'Erc20Limit', 'setErc20SpendLimit'],
  ['nativeTokenLimit', 'NativeTokenLimit', 'setNativeTokenSpendLimit'],
  ['unlimitedNativeToken', 'UnlimitedNativeToken', 'removeNativeTokenSpendLimit'],
  ['gasLimit', 'GasLimit', 'setGasSpendLimit'],
  ['unlimitedGas', 'UnlimitedGas', 'removeGasSpendLimit'],
  ['callLimit', 'CallLimit', 'setCallLimit'],
  ['requiredPaymaster', 'RequiredPaymaster', 'setRequiredPaymaster'],
] as const;

/**
 * Updates a grant refuses: they remove something a new key does not have.
 *
 * @example
 * ```ts
 * nonGrantableUpdates.includes('removeCallLimit') // true
 * ```
 */
export const nonGrantableUpdates = ['removeErc20SpendLimit', 'removeCallLimit'] as const;

type UpdateFunction = Extract<(typeof sessionKeyPermissionUpdatesAbi)[number], { type: 'function' }>;

/**
 * One field of a grant's Permissions struct.
 *
 * @example
 * ```ts
 * const field: GrantPermissionField = grantPermissionFields[0] // { field: 'accessListType', struct: 'AccessListType', update: 'setAccessListType', members }
 * ```
 */
export type GrantPermissionField = {
  /** The field's name in Permissions, e.g. `erc20Limits`. */
  field: (typeof fieldTable)[number][0];
  /** Its struct type, e.g. `Erc20Limit`. */
  struct: (typeof fieldTable)[number][1];
  /** The permission update it stands for, e.g. `setErc20SpendLimit`. */
  update: (typeof fieldTable)[number][2];
  /** The struct's members: the update's arguments. */
  members: readonly { name: string; type: string }[];
};

/**
 * The fields of a grant's `Permissions` struct, in their order (the order a grant's updates must come in).
 *
 * @example
 * ```ts
 * grantPermissionFields.map((f) => f.field) // ['accessListType', 'contracts', 'functions', …, 'requiredPaymaster']
 * ```
 */
export const grantPermissionFields: readonly GrantPermissionField[] = fieldTable.map(([field, struct, update]) => {
  const fn = sessionKeyPermissionUpdatesAbi.find((item): item is UpdateFunction => item.type === 'function' && item.name === update);
  if (!fn) throw new Error(`The permission update ${update} is missing from the module's ABI.`);
  return { field, struct, update, members: fn.inputs.map(({ name, type }) => ({ name, type })) };
});

const fieldOfUpdate = new Map(grantPermissionFields.map((field, rank) => [field.update as string, { field, rank }]));

/**
 * A grant's permissions as the typed data's `Permissions` struct: one array per field, each entry the update's
 * arguments by name.
 *
 * @example
 * ```ts
 * const { erc20Limits } = toGrantPermissions(updates) // [{ token, spendLimit, refreshInterval }]
 * ```
 */
export type GrantPermissions = Record<GrantPermissionField['field'], Record<string, unknown>[]>;

/**
 * Orders permission updates the way a grant takes them: stably by the field order of the grant's `Permissions` struct
 * (within a field, updates keep their order and apply in it). Validates each update as the module would
 * (`decodePermissionUpdates`) and refuses the updates a grant cannot carry ({@link PermissionNotGrantableError}).
 *
 * @example
 * ```ts
 * const updates = sortGrantUpdates(new SessionKeyPermissionsBuilder().setGasSpendLimit({ spendLimit: parseEther('0.01') }).encode())
 * ```
 */
export function sortGrantUpdates(updates: readonly Hex[]): Hex[] {
  decodePermissionUpdates(updates); // typed errors for unknown, malformed or out-of-range updates
  const ranked = updates.map((update, index) => {
    const { functionName } = decodeFunctionData({ abi: sessionKeyPermissionUpdatesAbi, data: update });
    const entry = fieldOfUpdate.get(functionName);
    if (!entry) throw new PermissionNotGrantableError({ index, functionName, selector: slice(update, 0, 4) });
    return { update: update.toLowerCase() as Hex, rank: entry.rank, index };
  });
  return ranked.sort((a, b) => a.rank - b.rank || a.index - b.index).map(({ update }) => update);
}

/**
 * Groups updates (already in grant order, see {@link sortGrantUpdates}) into the typed data's `Permissions` struct.
 *
 * @example
 * ```ts
 * const message = { chainId: 1n, generation: 0, permissions: toGrantPermissions(sortGrantUpdates(updates)) }
 * ```
 */
export function toGrantPermissions(updates: readonly Hex[]): GrantPermissions {
  const permissions = Object.fromEntries(grantPermissionFields.map(({ field }) => [field, [] as Record<string, unknown>[]])) as GrantPermissions;
  updates.forEach((update, index) => {
    if (!isHex(update) || size(update) < 4) throw new PermissionNotGrantableError({ index, functionName: 'unknown', selector: '0x' });
    const { functionName, args = [] } = decodeFunctionData({ abi: sessionKeyPermissionUpdatesAbi, data: update });
    const entry = fieldOfUpdate.get(functionName);
    if (!entry) throw new PermissionNotGrantableError({ index, functionName, selector: slice(update, 0, 4) });
    permissions[entry.field.field].push(Object.fromEntries(entry.field.members.map(({ name }, i) => [name, (args as readonly unknown[])[i]])));
  });
  return permissions;
}

/** The rank of an update's field in a grant (for order checks), or undefined for an update a grant refuses. */
export function grantFieldRank(update: Hex): number | undefined {
  const { functionName } = decodeFunctionData({ abi: sessionKeyPermissionUpdatesAbi, data: update });
  return fieldOfUpdate.get(functionName)?.rank;
}
