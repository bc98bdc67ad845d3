import { type Address, type Client, type Hex, type TypedDataDefinition, getAddress, isAddress } from 'viem';
import { type SessionKeyClient, capabilityOf, chainClientOf } from '../account/capability.js';
import { LeashError } from '../errors/LeashError.js';
import { InvalidSessionKeyGrantError, MultiChainGrantNotSupportedError } from '../grants/errors.js';
import { sortGrantUpdates } from '../grants/permissions.js';
import { type AccountGrantState, lowestUnusedSmallNonce, readAccountGrantState, smallGrantNonceLimit } from '../grants/readGrantState.js';
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
   * from the account's state word in the module, with `client` or, for the owner client's own chain, with its public
   * client; else 0. A grant
   * naming an older generation than the chain's is refused there (`GrantRevokedError`).
   */
  generation?: number | undefined;
  /** A public client of this chain, to read the generation and the small nonces used there. */
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
   * The grant's nonce, used once per account and chain. By default the lowest nonce below
   * {@link smallGrantNonceLimit} that no chain of the grant has used or cancelled (its on-chain record then shares the
   * account's state word: about 20,000 gas less on the key's first op), read with one call per chain; a random 64-bit
   * number when a chain has no client to read it with (or its read fails), or when all of them are used somewhere.
   * `'small'`: the small nonce or an error, never a random one; `'random'`: always a random one.
   *
   * A nonce is used once: two grants signed with the same one before either is used cannot both work (the second
   * first op is refused with `GrantAlreadyUsedError`). The chain only knows used nonces, so give `pendingNonces`, or
   * use `'random'` when grants are signed where their nonces are not kept.
   */
  nonce?: bigint | 'small' | 'random' | undefined;
  /**
   * Nonces of grants of this account signed before and not used yet (for example the grants an app keeps until their
   * key's first op): a small nonce picked here skips them.
   */
  pendingNonces?: readonly bigint[] | undefined;
};

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
 * - Each chain's generation and used small nonces come from one read of the account's state word (the module's
 *   `extsload`) when a client for it is known; else the generation is 0 (right for an account that never revoked all
 *   its keys there; give `generation` to set it) and the nonce is a random 64-bit number.
 * - The nonce is the lowest one below {@link smallGrantNonceLimit} unused on every chain (cheaper on-chain), unless
 *   some chain cannot be read (then random, as its used nonces are unknown).
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
  // One read per chain with a client: the account's state word holds both its generation and its small nonces.
  const states = await Promise.all(
    chains.map(async (chain): Promise<AccountGrantState | Error | undefined> => {
      const reader = readerOf(chain);
      if (!reader || (chain.generation !== undefined && typeof parameters.nonce === 'bigint')) return undefined;
      return readAccountGrantState(reader, { module: capability.sessionKeyModule, account }).catch((error: Error) => error);
    }),
  );
  const parts = chains.map((chain, i) => {
    const permissions = chain.permissions ?? parameters.permissions;
    if (!permissions) throw new InvalidSessionKeyGrantError(`chains[${i}].permissions`, 'are missing (and the grant gives none for every chain).');
    const state = states[i];
    if (chain.generation === undefined && state instanceof Error)
      throw new LeashError(`Cannot read the account's key generation on chain ${chain.chainId}.`, {
        cause: state,
        details: "Give this chain's `generation` (0 until the account's first revoke-all or uninstall there), or a client that can reach it.",
      });
    const generation = chain.generation ?? (state instanceof Error ? 0 : state?.generation ?? 0);
    return { chainId: chain.chainId, generation, permissions: sortGrantUpdates(permissions) };
  });
  const nonce = typeof parameters.nonce === 'bigint' ? parameters.nonce : pickNonce(parameters.nonce, chains, states, parameters.pendingNonces ?? []);
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

/**
 * The lowest small nonce unused on every chain and not pending, when each chain was read; else random, or an error for
 * `'small'`.
 */
function pickNonce(
  choice: 'small' | 'random' | undefined,
  chains: readonly SessionKeyGrantChainParameters[],
  states: readonly (AccountGrantState | Error | undefined)[],
  pending: readonly bigint[],
): bigint {
  if (choice === 'random') return randomNonce();
  const unread = states.findIndex((state) => state === undefined || state instanceof Error);
  const pendingBits = pending.reduce((bits, n) => (n >= 0n && n < smallGrantNonceLimit ? bits | (1n << n) : bits), 0n);
  const small = unread === -1 ? lowestUnusedSmallNonce([...(states as AccountGrantState[]), { generation: 0, usedSmallNonces: pendingBits }]) : undefined;
  if (small !== undefined || choice === undefined) return small ?? randomNonce();
  const failed = states[unread];
  if (unread !== -1)
    throw new LeashError(`Cannot pick a small grant nonce: chain ${chains[unread]!.chainId} cannot be read.`, {
      ...(failed instanceof Error ? { cause: failed } : {}),
      details: "Give that chain a `client`, or leave `nonce` unset for a random one when a chain cannot be read.",
    });
  throw new LeashError(`Every grant nonce below ${smallGrantNonceLimit} is used or cancelled on one of the chains: use a random nonce.`);
}
