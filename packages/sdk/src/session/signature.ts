import {
  type Address,
  type Hex,
  concat,
  encodePacked,
  hexToNumber,
  isAddress,
  isHex,
  keccak256,
  numberToHex,
  size,
  slice,
} from 'viem';
import { LeashError } from '../errors/LeashError.js';
import type { SessionKeyType } from '../keys/keyType.js';
import { secp256k1KeyType } from '../keys/secp256k1.js';

/**
 * Parameters of {@link getSessionOperationDigest}.
 *
 * @example
 * ```ts
 * const parameters: SessionOperationParameters = { userOpHash, statedTime: nowInSeconds() }
 * ```
 */
export type SessionOperationParameters = {
  /** The EntryPoint v0.8 user operation hash. */
  userOpHash: Hex;
  /** The time the op states (seconds): picks the period refreshing limits are charged to. */
  statedTime: number;
};

/**
 * The 32-byte digest a session key signs for an op: `keccak256(userOpHash ‖ uint32 statedTime)`. Binding the stated
 * time means nobody who relays the op can move it to another period by rewriting it: the module then recovers some
 * other address and reports a signature failure. A raw digest (not EIP-712): a local key, an HSM or KMS signs it as a
 * hash, and a passkey as its WebAuthn challenge.
 *
 * @example
 * ```ts
 * const digest = getSessionOperationDigest({ userOpHash, statedTime: nowInSeconds() })
 * const signature = await sessionKey.signDigest(digest)
 * ```
 */
export function getSessionOperationDigest(parameters: SessionOperationParameters): Hex {
  const { userOpHash, statedTime } = parameters;
  assertStatedTime(statedTime);
  if (!isHex(userOpHash, { strict: true }) || size(userOpHash) !== 32)
    throw new LeashError('A user operation hash is 32 bytes.', { details: `Got ${String(userOpHash)}.` });
  return keccak256(encodePacked(['bytes32', 'uint32'], [userOpHash, statedTime]));
}

function assertStatedTime(statedTime: number): void {
  if (!Number.isInteger(statedTime) || statedTime < 0 || statedTime >= 2 ** 32)
    throw new LeashError(`Stated time ${statedTime} is not a uint32 number of seconds.`);
}

/**
 * A session op's signature: the time it states (seconds), and the session key's ECDSA signature of the op's
 * {@link getSessionOperationDigest | session digest} (which covers the stated time).
 *
 * @example
 * ```ts
 * const { statedTime, signature }: SessionSignature = decodeSessionSignature(userOperation.signature)
 * ```
 */
export type SessionSignature = {
  /** Picks the period refreshing limits are charged to; the op is only valid during that period. */
  statedTime: number;
  /** The session key, present in the estimation form only. */
  sessionKey?: Address | undefined;
  /** The key's signature of the session digest of the op and `statedTime` (secp256k1: 65 bytes r ‖ s ‖ v). */
  signature: Hex;
  /** The key's type; secp256k1 when omitted. */
  keyType?: SessionKeyType | undefined;
};


/**
 * Encodes a session op signature: `uint32 statedTime ‖ signature` (69 bytes), or with `sessionKey` the estimation form
 * `uint32 statedTime ‖ sessionKey ‖ signature` (89 bytes). Times are 32-bit, like every time the module stores. The
 * signature must be over {@link getSessionOperationDigest} with the same `statedTime`: the module refuses any other.
 *
 * @example
 * ```ts
 * const signature = encodeSessionSignature({ statedTime: 1_750_000_000, signature: ecdsa })
 * ```
 */
export function encodeSessionSignature(parameters: SessionSignature): Hex {
  const { statedTime, sessionKey, keyType = secp256k1KeyType } = parameters;
  assertStatedTime(statedTime);
  const signature = keyType.encodeSignature(parameters.signature);
  const time = numberToHex(statedTime, { size: 4 });
  return sessionKey ? concat([time, sessionKey, signature]) : concat([time, signature]);
}

/**
 * The signature used while estimating gas: names the session key so the module runs every permission check for it,
 * and fails only the signature check.
 *
 * @example
 * ```ts
 * const stub = encodeSessionStubSignature({ statedTime: now, sessionKey: await signer.getAddress() })
 * ```
 */
export function encodeSessionStubSignature(parameters: { statedTime: number; sessionKey: Address; keyType?: SessionKeyType | undefined }): Hex {
  const { keyType = secp256k1KeyType } = parameters;
  return encodeSessionSignature({ ...parameters, keyType, signature: keyType.stubSignature });
}

/**
 * Splits a session op signature into its parts.
 *
 * @example
 * ```ts
 * const { statedTime, signature } = decodeSessionSignature(userOperation.signature)
 * ```
 */
export function decodeSessionSignature(signature: Hex): SessionSignature {
  const length = size(signature);
  if (length !== 69 && length !== 89)
    throw new LeashError(`A session signature is 69 or 89 bytes long, not ${length}.`);
  const statedTime = hexToNumber(slice(signature, 0, 4));
  if (length === 69) return { statedTime, signature: slice(signature, 4) };
  const sessionKey = slice(signature, 4, 24);
  if (!isAddress(sessionKey, { strict: false })) throw new LeashError('Malformed session key in signature.');
  return { statedTime, sessionKey, signature: slice(signature, 24) };
}
