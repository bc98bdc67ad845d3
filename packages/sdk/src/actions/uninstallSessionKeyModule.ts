import { type SessionKeyClient, capabilityOf } from '../account/capability.js';
import { type UserOperationResult, sendCallsAndWait } from './internal/sendCalls.js';

/**
 * Uninstalls the session key module: every session key of the account stops working at once (O(1) on-chain), and a
 * later install starts with no keys.
 *
 * @example
 * ```ts
 * await uninstallSessionKeyModule(client)
 * ```
 */
export async function uninstallSessionKeyModule(client: SessionKeyClient): Promise<UserOperationResult> {
  const capability = capabilityOf(client);
  return sendCallsAndWait(client, [capability.encodeUninstallValidator({ module: capability.sessionKeyModule, deInitData: '0x' })]);
}
