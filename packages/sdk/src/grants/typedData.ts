import { type Address, type Hex, type TypedDataDefinition, getAddress, hashStruct, hashTypedData } from 'viem';
import { type GrantPermissions, grantPermissionFields, toGrantPermissions } from './permissions.js';

/**
 * The EIP-712 domain of every grant: no `chainId`, because the module has the same CREATE2 address on every chain and
 * a grant names the chains it holds on inside it.
 *
 * @example
 * ```ts
 * const domain = sessionKeyGrantDomain(getLeashAddresses().sessionKeyModule)
 * ```
 */
export function sessionKeyGrantDomain(sessionKeyModule: Address) {
  return { name: 'Leash Session Key Grant', version: '1', verifyingContract: getAddress(sessionKeyModule) } as const;
}

/**
 * The EIP-712 types of a grant (docs/grants.md): `SessionKeyGrant`, `ChainGrant`, `Permissions` and one struct per
 * permission update, whose members are that update's arguments.
 *
 * @example
 * ```ts
 * const digest = hashTypedData({ domain, types: sessionKeyGrantTypes, primaryType: 'SessionKeyGrant', message })
 * ```
 */
export const sessionKeyGrantTypes = {
  SessionKeyGrant: [
    { name: 'account', type: 'address' },
    { name: 'sessionKey', type: 'address' },
    { name: 'keyType', type: 'uint8' },
    { name: 'tag', type: 'bytes32' },
    { name: 'nonce', type: 'uint64' },
    { name: 'validUntil', type: 'uint48' },
    { name: 'chains', type: 'ChainGrant[]' },
  ],
  ChainGrant: [
    { name: 'chainId', type: 'uint256' },
    { name: 'generation', type: 'uint32' },
    { name: 'permissions', type: 'Permissions' },
  ],
  Permissions: grantPermissionFields.map(({ field, struct }) => ({ name: field, type: `${struct}[]` })),
  ...Object.fromEntries(grantPermissionFields.map(({ struct, members }) => [struct, members])),
} as const satisfies TypedDataDefinition['types'];

/**
 * One chain's part of a grant: the chain, the account's key generation there when the owner signed, and the key's
 * permission updates on it (in grant order: see {@link sortGrantUpdates}).
 *
 * @example
 * ```ts
 * const part: SessionKeyChainGrant = { chainId: 8453, generation: 0, permissions: builder.encode() }
 * ```
 */
export type SessionKeyChainGrant = {
  chainId: number;
  generation: number;
  permissions: readonly Hex[];
};

/**
 * What the owner signs: the account, the key, its tag, the grant's nonce and deadline, and each chain's part.
 *
 * @example
 * ```ts
 * const typedData = toSessionKeyGrantTypedData({ sessionKeyModule, account, sessionKey, keyType: 0, tag, nonce, validUntil: 0, chains })
 * ```
 */
export type SessionKeyGrantMessage = {
  /** The session key module: the typed data's verifying contract. */
  sessionKeyModule: Address;
  account: Address;
  sessionKey: Address;
  /** 0: secp256k1. */
  keyType: number;
  /** bytes32 (0 for none). */
  tag: Hex;
  nonce: bigint;
  /** The last second the grant may be used (0: no deadline). */
  validUntil: number;
  chains: readonly SessionKeyChainGrant[];
};

const chainGrantMessage = (chain: SessionKeyChainGrant) => ({
  chainId: BigInt(chain.chainId),
  generation: chain.generation,
  permissions: toGrantPermissions(chain.permissions) as GrantPermissions,
});

/**
 * The grant's EIP-712 typed data, ready for `signTypedData` (a wallet shows each field by name).
 *
 * @example
 * ```ts
 * const signature = await owner.signTypedData(toSessionKeyGrantTypedData(message))
 * ```
 */
export function toSessionKeyGrantTypedData(grant: SessionKeyGrantMessage) {
  return {
    domain: sessionKeyGrantDomain(grant.sessionKeyModule),
    types: sessionKeyGrantTypes,
    primaryType: 'SessionKeyGrant' as const,
    message: {
      account: getAddress(grant.account),
      sessionKey: getAddress(grant.sessionKey),
      keyType: grant.keyType,
      tag: grant.tag,
      nonce: grant.nonce,
      validUntil: grant.validUntil,
      chains: grant.chains.map(chainGrantMessage),
    },
  };
}

/**
 * The EIP-712 digest the owner signs (what the account's `isValidSignature` is asked about).
 *
 * @example
 * ```ts
 * const digest = hashSessionKeyGrant(message)
 * ```
 */
export function hashSessionKeyGrant(grant: SessionKeyGrantMessage): Hex {
  return hashTypedData(toSessionKeyGrantTypedData(grant) as TypedDataDefinition);
}

/**
 * The EIP-712 hash of one chain's part (`ChainGrant`): an op on one chain carries the other chains' hashes, and the
 * module computes its own chain's.
 *
 * @example
 * ```ts
 * const chainHashes = grant.chains.map(hashChainGrant)
 * ```
 */
export function hashChainGrant(chain: SessionKeyChainGrant): Hex {
  return hashStruct({ types: sessionKeyGrantTypes, primaryType: 'ChainGrant', data: chainGrantMessage(chain) } as never);
}
