import type { Address, Hex } from 'viem';
import type { SessionKeyClient } from '../account/capability.js';
import { moduleCall } from './internal/module.js';
import { type UserOperationResult, sendCallsAndWait } from './internal/sendCalls.js';

/**
 * Applies permission updates to a session key. Only what the updates name changes: a partial update never resets the
 * rest.
 *
 * @example
 * ```ts
 * const raise = new SessionKeyPermissionsBuilder().addErc20TokenSpendLimit({ tokenAddress: usdc, spendLimit: parseUnits('200', 6), refreshInterval: WEEK })
 * await updateSessionKeyPermissions(client, { key, permissions: raise.encode() })
 * ```
 */
export async function updateSessionKeyPermissions(
  client: SessionKeyClient,
  parameters: { key: Address; permissions: Hex[] },
): Promise<UserOperationResult> {
  return sendCallsAndWait(client, [moduleCall(client, 'updateKeyPermissions', [parameters.key, parameters.permissions])]);
}
