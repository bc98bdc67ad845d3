import type { Address } from 'viem';
import type { SessionKeyClient } from '../account/capability.js';
import { moduleCall } from './internal/module.js';
import { type UserOperationResult, sendCallsAndWait } from './internal/sendCalls.js';

/**
 * Removes a session key. Adding the same key again later starts from defaults, with fresh spend counters.
 *
 * @example
 * ```ts
 * await removeSessionKey(client, { key })
 * ```
 */
export async function removeSessionKey(client: SessionKeyClient, parameters: { key: Address }): Promise<UserOperationResult> {
  return sendCallsAndWait(client, [moduleCall(client, 'removeSessionKey', [parameters.key])]);
}
