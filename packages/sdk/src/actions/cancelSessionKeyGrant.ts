import { isAddressEqual } from 'viem';
import { type SessionKeyClient, capabilityOf } from '../account/capability.js';
import { InvalidSessionKeyGrantError } from '../grants/errors.js';
import type { SessionKeyGrant } from '../grants/serialize.js';
import { moduleCall } from './internal/module.js';
import { type UserOperationResult, sendCallsAndWait } from './internal/sendCalls.js';

/**
 * Parameters of {@link cancelSessionKeyGrant}: the grant, or its nonce.
 *
 * @example
 * ```ts
 * const parameters: CancelSessionKeyGrantParameters = { nonce: grant.nonce }
 * ```
 */
export type CancelSessionKeyGrantParameters = { grant: SessionKeyGrant; nonce?: undefined } | { nonce: bigint; grant?: undefined };

/**
 * Cancels a grant that was never used on this chain, with an owner op: its nonce is marked used, so the key's first op
 * is refused ({@link GrantCancelledError}). Cancel on every chain the grant names; revoke-all cancels every unused
 * grant at once. A used or already cancelled nonce is refused (`GrantAlreadyUsed` / `GrantCancelled`).
 *
 * @example
 * ```ts
 * await ownerClient.cancelSessionKeyGrant({ grant })
 * await ownerClient.cancelSessionKeyGrant({ nonce: 42n })
 * ```
 */
export async function cancelSessionKeyGrant(client: SessionKeyClient, parameters: CancelSessionKeyGrantParameters): Promise<UserOperationResult> {
  const { grant } = parameters;
  const capability = capabilityOf(client);
  if (grant) {
    if (!isAddressEqual(grant.account, client.account!.address))
      throw new InvalidSessionKeyGrantError('account', `is ${grant.account}: this client's account is ${client.account!.address}.`);
    if (!isAddressEqual(grant.sessionKeyModule, capability.sessionKeyModule))
      throw new InvalidSessionKeyGrantError('sessionKeyModule', `is ${grant.sessionKeyModule}, not this account's session key module.`);
  }
  const nonce = grant ? grant.nonce : parameters.nonce!;
  if (typeof nonce !== 'bigint' || nonce < 0n || nonce >= 2n ** 64n) throw new InvalidSessionKeyGrantError('nonce', 'must be a 64-bit number.');
  return sendCallsAndWait(client, [moduleCall(client, 'cancelSessionKeyGrant', [nonce])]);
}
