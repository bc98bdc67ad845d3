import { type DescribePermissionsOptions, toDescribeContext } from './describeContext.js';
import { permissionKinds } from './kinds/index.js';
import type { SessionKeyPermissions } from './types.js';

export type { DescribePermissionsOptions } from './describeContext.js';
export { formatRefreshInterval } from '../format/durations.js';

/**
 * Renders permissions in plain English, one line per permission, in the order the builder encodes them. Data-driven:
 * token symbols and decimals, contract names and function signatures come from `options`. An empty set of
 * permissions gives no lines (for a new key, that means it can do nothing). Each permission kind describes itself
 * (`permissions/kinds/`).
 *
 * @example
 * ```ts
 * describePermissions(builder.toPermissions(), { tokens: { [usdc]: { symbol: 'USDC', decimals: 6 } } })
 * // [
 * //   'Access list: allowlist (only the contracts listed may be called)',
 * //   'May call USDC 0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48: only transfer(address,uint256)',
 * //   'Valid from 2025-06-15T15:06:40Z until 2025-07-15T15:06:40Z',
 * //   'No native token: calls may not send ETH',
 * //   'Spends at most 100 USDC (0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48) per week, through transfer and approve only',
 * //   'Gas paid by the account: at most 0.01 ETH per day',
 * // ]
 * ```
 */
export function describePermissions(permissions: SessionKeyPermissions, options: DescribePermissionsOptions = {}): string[] {
  const context = toDescribeContext(options);
  return permissionKinds.flatMap((kind) => kind.describe(permissions, context));
}
