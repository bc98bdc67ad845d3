import { type SessionKeyClient, capabilityOf, chainClientOf } from '../account/capability.js';
import { grantChainIndex } from '../grants/encode.js';
import { readGrantNonce } from '../grants/readGrantNonce.js';
import type { SessionKeyGrant } from '../grants/serialize.js';
import { nowInSeconds } from '../session/toSessionKeyValidator.js';

/**
 * A grant's state on one chain:
 * - `usable`: the key's next op there can carry it;
 * - `used`: it (or another grant with its nonce) enabled a key there already;
 * - `cancelled`: the owner cancelled it there;
 * - `revoked`: revoke-all or uninstall ran there since the owner signed (the account's key generation moved on);
 * - `expired`: its `validUntil` has passed.
 *
 * @example
 * ```ts
 * const status: SessionKeyGrantStatus = 'usable'
 * ```
 */
export type SessionKeyGrantStatus = 'usable' | 'used' | 'cancelled' | 'revoked' | 'expired';

/**
 * What {@link getSessionKeyGrantStatus} returns.
 *
 * @example
 * ```ts
 * const { status, chainId, generation, grantGeneration }: SessionKeyGrantStatusReturnType = await client.getSessionKeyGrantStatus({ grant })
 * ```
 */
export type SessionKeyGrantStatusReturnType = {
  status: SessionKeyGrantStatus;
  chainId: number;
  /** The account's key generation on this chain now. */
  generation: number;
  /** The generation the grant names for this chain. */
  grantGeneration: number;
};

/**
 * Whether a grant can still enable its key on the client's chain: reads the grant's nonce and the account's key
 * generation through the lens (one `eth_call`) and compares the grant's deadline with the clock. Throws
 * {@link GrantForAnotherChainError} when the grant does not name this chain.
 *
 * @example
 * ```ts
 * const { status } = await sessionClient.getSessionKeyGrantStatus({ grant })
 * if (status !== 'usable') console.log(`the grant is ${status}`)
 * ```
 */
export async function getSessionKeyGrantStatus(
  client: SessionKeyClient,
  parameters: { grant: SessionKeyGrant; now?: number | undefined },
): Promise<SessionKeyGrantStatusReturnType> {
  const { grant, now = nowInSeconds() } = parameters;
  const chainClient = chainClientOf(client);
  const chainId = client.chain?.id ?? (await chainClient.request({ method: 'eth_chainId' }).then(Number));
  const grantGeneration = grant.chains[grantChainIndex(grant, chainId)]!.generation;
  const { generation, used, cancelled } = await readGrantNonce(chainClient, {
    lens: capabilityOf(client).sessionKeyLens,
    module: grant.sessionKeyModule,
    account: grant.account,
    nonce: grant.nonce,
  });
  // A cancelled nonce is marked used too: cancelled first.
  const status: SessionKeyGrantStatus = cancelled
    ? 'cancelled'
    : used
      ? 'used'
      : generation !== grantGeneration
        ? 'revoked'
        : grant.validUntil !== 0 && now > grant.validUntil
          ? 'expired'
          : 'usable';
  return { status, chainId, generation, grantGeneration };
}
