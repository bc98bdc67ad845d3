import { type Address, type Client, type Hex, type TypedDataDefinition, getAddress, isAddress } from 'viem';
import { type SessionKeyClient, capabilityOf, chainClientOf } from '../account/capability.js';
import { LeashError } from '../errors/LeashError.js';
import { InvalidSessionKeyGrantError, MultiChainGrantNotSupportedError } from '../grants/errors.js';
import { sortGrantUpdates } from '../grants/permissions.js';
import { readGrantNonce } from '../grants/readGrantNonce.js';
import { type SessionKeyGrant, assertSessionKeyGrant, maxGrantChains } from '../grants/serialize.js';
import { toSessionKeyGrantTypedData } from '../grants/typedData.js';
import type { SessionKeyType } from '../keys/keyType.js';
import { secp256k1KeyType } from '../keys/secp256k1.js';
import { toTag } from './internal/tag.js';

/**
 * One chain a grant holds on.
 *
 * @example
 * ```ts
 * const chain: SessionKeyGrantChainParameters = { chainId: base.id, client: basePublicClient, permissions: baseUpdates }
 * ```
 */
export type SessionKeyGrantChainParameters = {
  chainId: number;
  /** This chain's permission updates; the grant's `permissions` by default. */
  permissions?: readonly Hex[] | undefined;
  /**
   * The account's key generation on this chain (0 until its first revoke-all or uninstall). By default it is read
   * through the lens, with `client` or, for the owner client's own chain, with its public client; else 0. A grant
   * naming an older generation than the chain's is refused there (`GrantRevokedError`).
   */
  generation?: number | undefined;
  /** A public client of this chain, to read the generation (and to pick a small nonce). */
  client?: Client | undefined;
};

/**
 * Parameters of {@link signSessionKeyGrant}.
 *
 * @example
 * ```ts
 * const parameters: SignSessionKeyGrantParameters = { sessionKey, tag: 'agent', permissions: builder.encode(), chains: [{ chainId: 1 }, { chainId: 8453 }] }
 * ```
 */
export type SignSessionKeyGrantParameters = {
  /** The session key's on-chain id (for secp256k1, its address). */
  sessionKey: Address;
  /** The key's type; secp256k1 by default. */
  keyType?: SessionKeyType | undefined;
  /** A label (text up to 31 bytes, or 32 bytes of hex), as `addSessionKey` takes it. */
  tag?: Hex | string | undefined;
  /** The key's permission updates (e.g. `builder.encode()`) on every chain that gives none of its own. */
  permissions?: readonly Hex[] | undefined;
  /** The chains the grant holds on (at most 64), each with its own permissions if wanted. */
  chains: readonly SessionKeyGrantChainParameters[];
  /** The last second the grant may be used for the key's first op (0 or undefined: no deadline). */
  validUntil?: number | undefined;
  /**
   * The grant's nonce: a random 64-bit number by default; `'small'` picks the lowest nonce below 160 that no chain
   * with a client has used or cancelled (cheaper on-chain: its record fits in the account's state word).
   */
  nonce?: bigint | 'small' | undefined;
};

/**
 * Nonces below this one keep their on-chain record in the account's state word (docs/grants.md): cheaper to use.
 *
 * @example
 * ```ts
 * const grant = await ownerClient.signSessionKeyGrant({ sessionKey, permissions, chains, nonce: 'small' }) // grant.nonce < smallGrantNonceLimit
 * ```
 */
export const smallGrantNonceLimit = 160n;

const randomNonce = (): bigint => {
  const words = crypto.getRandomValues(new Uint32Array(2));
  return (BigInt(words[0]!) << 32n) | BigInt(words[1]!);
};

/**
 * Grants a session key its permissions with one owner signature and no transaction, on one chain or on many: the
 * owner signs the grant's EIP-712 typed data (a wallet shows the account, the key, its tag, its permissions, the
 * nonce and the chains), and the key's first op on each chain carries it ({@link executeWithSessionKey} with
 * `grant`). Returns the {@link SessionKeyGrant} to hand to the key's holder ({@link serializeSessionKeyGrant}).
 *
 * - Leash accounts sign with the owner's plain ECDSA signature; other accounts through their capability (e.g.
 *   `validator ‖ signature`). An account whose signature binds the chain cannot sign for several chains
 *   ({@link MultiChainGrantNotSupportedError}).
 * - Each chain's generation is read through the lens when a client for it is known, else 0 (right for an account that
 *   never revoked all its keys there); give `generation` to set it.
 * - `removeErc20SpendLimit` and `removeCallLimit` cannot be granted ({@link PermissionNotGrantableError}); the
 *   updates are put in grant order.
 *
 * @example
 * ```ts
 * const grant = await ownerClient.signSessionKeyGrant({
 *   sessionKey: await agentKey.getAddress(),
 *   tag: 'agent',
 *   permissions: new SessionKeyPermissionsBuilder().setGasSpendLimit({ spendLimit: parseEther('0.01'), refreshInterval: DAY }).encode(),
 *   chains: [{ chainId: 1 }, { chainId: 8453, client: basePublicClient }],
 * })
 * await writeFile('grant.json', serializeSessionKeyGrant(grant))
 * ```
 */
export async function signSessionKeyGrant(client: SessionKeyClient, parameters: SignSessionKeyGrantParameters): Promise<SessionKeyGrant> {
  const capability = capabilityOf(client);
  const account = client.account!.address;
  const { signOwnerTypedData } = capability;
  if (!signOwnerTypedData)
    throw new LeashError("Only the account's owner can sign a session key grant; this client has none.", {
      details: `Create the ${capability.accountType} account client with its owner.`,
    });
  const { chains, keyType = secp256k1KeyType, validUntil = 0 } = parameters;
  if (!isAddress(parameters.sessionKey)) throw new InvalidSessionKeyGrantError('sessionKey', 'must be an address.');
  if (chains.length === 0 || chains.length > maxGrantChains)
    throw new InvalidSessionKeyGrantError('chains', `must name 1 to ${maxGrantChains} chains.`);
  if (chains.length > 1 && capability.ownerSignatureBindsChain)
    throw new MultiChainGrantNotSupportedError({ accountType: capability.accountType, chainCount: chains.length });

  const ownChainId = client.chain?.id;
  const readerOf = (chain: SessionKeyGrantChainParameters): Client | undefined =>
    chain.client ?? (chain.chainId === ownChainId ? chainClientOf(client) : undefined);
  const read = (chain: SessionKeyGrantChainParameters, nonce: bigint) =>
    readGrantNonce(readerOf(chain)!, { lens: capability.sessionKeyLens, module: capability.sessionKeyModule, account, nonce });

  const nonce = parameters.nonce === 'small' ? await smallestUnusedNonce(chains.filter(readerOf), read) : parameters.nonce ?? randomNonce();
  const parts = await Promise.all(
    chains.map(async (chain, i) => {
      const permissions = chain.permissions ?? parameters.permissions;
      if (!permissions) throw new InvalidSessionKeyGrantError(`chains[${i}].permissions`, 'are missing (and the grant gives none for every chain).');
      const generation = chain.generation ?? (readerOf(chain) ? (await read(chain, nonce)).generation : 0);
      return { chainId: chain.chainId, generation, permissions: sortGrantUpdates(permissions) };
    }),
  );
  const message = assertSessionKeyGrant({
    sessionKeyModule: capability.sessionKeyModule,
    account,
    sessionKey: getAddress(parameters.sessionKey),
    keyType: keyType.id,
    tag: toTag(parameters.tag),
    nonce: typeof nonce === 'bigint' ? nonce : BigInt(nonce),
    validUntil,
    chains: parts,
    ownerSignature: '0x00', // checked below, once signed
  });
  const ownerSignature = await signOwnerTypedData(toSessionKeyGrantTypedData(message) as TypedDataDefinition);
  return assertSessionKeyGrant({ ...message, ownerSignature });
}

async function smallestUnusedNonce(
  chains: readonly SessionKeyGrantChainParameters[],
  read: (chain: SessionKeyGrantChainParameters, nonce: bigint) => Promise<{ used: boolean; cancelled: boolean }>,
): Promise<bigint> {
  for (let nonce = 0n; nonce < smallGrantNonceLimit; nonce++) {
    const states = await Promise.all(chains.map((chain) => read(chain, nonce)));
    if (states.every(({ used, cancelled }) => !used && !cancelled)) return nonce;
  }
  throw new LeashError(`Every grant nonce below ${smallGrantNonceLimit} is used or cancelled on one of the chains: use a random nonce.`);
}
