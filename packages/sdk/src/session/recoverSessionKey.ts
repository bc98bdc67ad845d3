import { type Address, type Hex, recoverAddress } from 'viem';
import { decodeSessionSignature, getSessionOperationDigest } from './signature.js';

/**
 * The session key that signed a session op, from the op's signature and hash: for audits from the chain alone (the
 * EntryPoint's UserOperationEvent gives the hash, the bundle transaction's calldata the signature). `undefined` when
 * the signature is not a session signature.
 *
 * @example
 * ```ts
 * const key = await recoverSessionKey({ userOpHash: event.args.userOpHash, signature: packedOp.signature })
 * ```
 */
export async function recoverSessionKey(parameters: { userOpHash: Hex; signature: Hex }): Promise<Address | undefined> {
  let decoded;
  try {
    decoded = decodeSessionSignature(parameters.signature);
  } catch {
    return undefined;
  }
  // What the key signs: the op's hash bound to the time the signature states (see getSessionOperationDigest).
  const digest = getSessionOperationDigest({ userOpHash: parameters.userOpHash, statedTime: decoded.statedTime });
  return recoverAddress({ hash: digest, signature: decoded.signature });
}
