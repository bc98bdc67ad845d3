import { accessListKind } from './accessList.js';
import { callLimitKind } from './callLimit.js';
import { erc20SpendLimitKind } from './erc20SpendLimit.js';
import { gasSpendLimitKind } from './gasSpendLimit.js';
import type { AnyPermissionKind } from './kind.js';
import { nativeTokenSpendLimitKind } from './nativeTokenSpendLimit.js';
import { refreshAnchorKind } from './refreshAnchor.js';
import { requiredPaymasterKind } from './requiredPaymaster.js';
import { timeRangeKind } from './timeRange.js';

/**
 * Every permission kind, in the canonical order of their updates (the order of ISessionKeyPermissionUpdates): the
 * builder encodes, `decodePermissionUpdates` decodes, `describePermissions` describes and the reader reads in it.
 *
 * @example
 * ```ts
 * const names = permissionKinds.map((kind) => kind.name) // ['access list', 'time range', …, 'call limit']
 * ```
 */
export const permissionKinds: readonly AnyPermissionKind[] = [
  accessListKind,
  timeRangeKind,
  nativeTokenSpendLimitKind,
  erc20SpendLimitKind,
  gasSpendLimitKind,
  requiredPaymasterKind,
  refreshAnchorKind,
  callLimitKind,
];

let byUpdate: Map<string, AnyPermissionKind> | undefined;

/** The kind an update function belongs to. */
export function kindOfUpdate(functionName: string): AnyPermissionKind | undefined {
  byUpdate ??= new Map(permissionKinds.flatMap((kind) => kind.updates.map((name) => [name, kind] as const)));
  return byUpdate.get(functionName);
}
