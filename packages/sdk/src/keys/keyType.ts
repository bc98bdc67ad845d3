import type { Address, Hex } from 'viem';

/**
 * A kind of session key: how the key is named on-chain and how its signature of an op's session digest is encoded.
 * Only `secp256k1` exists now: the key's id is its Ethereum address and its signature 65 bytes r ‖ s ‖ v, recovered
 * with ecrecover. A P-256 or WebAuthn key will be another `SessionKeyType` with its own id (e.g. a hash of the public
 * key), signature encoding and stub, verified on-chain by its own check: the signer, the op signature and the actions
 * do not change.
 *
 * @example
 * ```ts
 * const signature = secp256k1KeyType.encodeSignature(await signer.signDigest(digest))
 * ```
 */
export type SessionKeyType = {
  /** The key type's name. */
  name: 'secp256k1';
  /** The key type's number on-chain (a grant's `keyType`): 0 for secp256k1. */
  id: number;
  /** How many bytes a signature of this key type has in an op's signature field. */
  signatureLength: number;
  /** Checks and encodes a signature of the session digest as the module expects it. */
  encodeSignature(signature: Hex): Hex;
  /** A well-formed signature that verifies for no key, so gas estimation runs every check and only the signature fails. */
  stubSignature: Hex;
};

/**
 * What signs a session key's user operations: a {@link SessionKeySigner}, or anything that can give its on-chain id
 * and sign a 32-byte digest (an HSM, a KMS, a remote agent signer). For `secp256k1` keys (the default `keyType`)
 * the id is the address and the signature raw ECDSA, 65 bytes.
 *
 * @example
 * ```ts
 * const remoteSigner: SessionKeySignerLike = {
 *   getAddress: async () => agentAddress,
 *   signDigest: (digest) => hsm.signDigest(digest), // raw ECDSA, 65 bytes
 * }
 * const sessionClient = await createLeashAccountClient({ chain, transport, bundlerTransport, signer: remoteSigner, accountAddress })
 * ```
 */
export type SessionKeySignerLike = {
  /** The key type; secp256k1 when omitted. */
  keyType?: SessionKeyType | undefined;
  /** The key's on-chain id: for secp256k1, its address. */
  getAddress(): Promise<Address>;
  /**
   * Signs the op's session digest (`getSessionOperationDigest`: the user operation hash and the stated time), no
   * EIP-191 prefix; for secp256k1, 65 bytes r ‖ s ‖ v.
   */
  signDigest(digest: Hex): Promise<Hex>;
};
