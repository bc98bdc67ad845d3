import type { Address } from 'viem';
import type { SessionKeyClient } from '../account/capability.js';
import { moduleCall } from './internal/module.js';
import { type UserOperationResult, sendCallsAndWait } from './internal/sendCalls.js';

/**
 * Moves a session key's tag, permissions and spend state to a new key and removes the old key. Refused when the new
 * key already is a session key.
 *
 * @example
 * ```ts
 * const next = new SessionKeySigner()
 * await rotateSessionKey(client, { oldKey, newKey: await next.getAddress() })
 * ```
 */
export async function rotateSessionKey(
  client: SessionKeyClient,
  parameters: { oldKey: Address; newKey: Address },
): Promise<UserOperationResult> {
  return sendCallsAndWait(client, [moduleCall(client, 'rotateSessionKey', [parameters.oldKey, parameters.newKey])]);
}
