import type { SessionKeyClient } from '../account/capability.js';
import { moduleCall } from './internal/module.js';
import { type UserOperationResult, sendCallsAndWait } from './internal/sendCalls.js';

/**
 * Revokes every session key of the account in one cheap call (O(1) on-chain, whatever the number of keys).
 *
 * @example
 * ```ts
 * await revokeAllSessionKeys(client)
 * ```
 */
export async function revokeAllSessionKeys(client: SessionKeyClient): Promise<UserOperationResult> {
  return sendCallsAndWait(client, [moduleCall(client, 'revokeAllSessionKeys', [])]);
}
