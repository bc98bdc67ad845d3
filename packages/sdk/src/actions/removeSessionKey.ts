import type { Address } from 'viem';
import type { LeashAccountClient } from '../clients/createLeashAccountClient.js';
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
export async function removeSessionKey(client: LeashAccountClient, parameters: { key: Address }): Promise<UserOperationResult> {
  return sendCallsAndWait(client, [moduleCall(client, 'removeSessionKey', [parameters.key])]);
}
