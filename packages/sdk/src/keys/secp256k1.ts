import { type Hex, isHex, size } from 'viem';
import { LeashError } from '../errors/LeashError.js';
import type { SessionKeyType } from './keyType.js';

/**
 * secp256k1 session keys: the key's on-chain id is its address, and the module recovers it from a 65-byte ECDSA
 * signature (r ‖ s ‖ v) of the op's session digest.
 *
 * @example
 * ```ts
 * const signer: SessionKeySignerLike = { keyType: secp256k1KeyType, getAddress, signDigest }
 * ```
 */
export const secp256k1KeyType: SessionKeyType = {
  name: 'secp256k1',
  id: 0,
  signatureLength: 65,
  encodeSignature(signature) {
    if (!isHex(signature, { strict: true }) || size(signature) !== 65) throw new LeashError('A session signature must be a 65-byte ECDSA signature.');
    return signature;
  },
  // A well-formed ECDSA signature that recovers to no key of the account: validation runs every check, then reports a
  // signature failure, so gas estimation prices the real path.
  stubSignature: '0xfffffffffffffffffffffffffffffff0000000000000000000000000000000007aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1c' as Hex,
};
