import { type Hex, concat, encodeFunctionData, slice, zeroHash } from 'viem';
import { permissionUpdaterAbi } from '../generated/PermissionUpdater.js';
import type { SessionKeyType } from '../keys/keyType.js';
import { secp256k1KeyType } from '../keys/secp256k1.js';
import { encodeSessionSignature } from '../session/signature.js';
import { GrantForAnotherChainError } from './errors.js';
import type { SessionKeyGrant } from './serialize.js';
import { hashChainGrant } from './typedData.js';

/**
 * The position of `chainId` in a grant's chains, or {@link GrantForAnotherChainError} when the grant does not name it.
 *
 * @example
 * ```ts
 * const index = grantChainIndex(grant, 8453)
 * ```
 */
export function grantChainIndex(grant: SessionKeyGrant, chainId: number): number {
  const index = grant.chains.findIndex((chain) => chain.chainId === chainId);
  if (index < 0)
    throw new GrantForAnotherChainError({
      chainId: BigInt(chainId),
      details: `The grant holds on chain${grant.chains.length > 1 ? 's' : ''} ${grant.chains.map((c) => c.chainId).join(', ')} only.`,
    });
  return index;
}

/**
 * The grant part of a key's first op on `chainId`: the ABI encoding of `enableGrantedKey`'s arguments, with this
 * chain's permission updates and every other chain's `ChainGrant` hash (this chain's slot is zero: the module
 * computes it from the updates, so they cannot differ from what the owner signed).
 *
 * @example
 * ```ts
 * const grantPart = encodeGrantedKeyArguments({ grant, chainId: 1, statedTime: nowInSeconds() })
 * ```
 */
export function encodeGrantedKeyArguments(parameters: { grant: SessionKeyGrant; chainId: number; statedTime: number }): Hex {
  const { grant, chainId, statedTime } = parameters;
  const chainIndex = grantChainIndex(grant, chainId);
  const chain = grant.chains[chainIndex]!;
  const chainHashes = grant.chains.map((part, i) => (i === chainIndex ? zeroHash : hashChainGrant(part)));
  const head = {
    statedTime: BigInt(statedTime),
    account: grant.account,
    sessionKey: grant.sessionKey,
    keyType: grant.keyType,
    tag: grant.tag,
    nonce: grant.nonce,
    validUntil: grant.validUntil,
    chainId: BigInt(chainId),
    generation: chain.generation,
    chainIndex: BigInt(chainIndex),
  };
  // The call's arguments without its selector (docs/grants.md): the module reads them from the op's signature.
  const call = encodeFunctionData({
    abi: permissionUpdaterAbi,
    functionName: 'enableGrantedKey',
    args: [head, grant.ownerSignature, chainHashes, [...chain.permissions]],
  });
  return slice(call, 4);
}

/**
 * A key's first op signature carrying a grant: `uint32 statedTime ‖ ECDSA(65) ‖ grant`, where the ECDSA signature is
 * the key's over the op's session digest (as in every session op). For gas estimation the signature may be the key
 * type's stub: the grant names the key.
 *
 * @example
 * ```ts
 * const signature = encodeGrantSessionSignature({ statedTime, signature: await key.signDigest(digest), grant, chainId })
 * ```
 */
export function encodeGrantSessionSignature(parameters: {
  statedTime: number;
  signature: Hex;
  grant: SessionKeyGrant;
  chainId: number;
  keyType?: SessionKeyType | undefined;
}): Hex {
  const { statedTime, grant, chainId, keyType = secp256k1KeyType } = parameters;
  return concat([
    encodeSessionSignature({ statedTime, signature: parameters.signature, keyType }),
    encodeGrantedKeyArguments({ grant, chainId, statedTime }),
  ]);
}
