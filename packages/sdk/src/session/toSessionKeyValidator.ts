import type { Address } from 'viem';
import { getLeashAddresses } from '../deploy/addresses.js';
import type { UserOperationValidator } from '../account/capability.js';
import type { SessionKeySignerLike } from '../keys/keyType.js';
import { encodeGrantSessionSignature } from '../grants/encode.js';
import { secp256k1KeyType } from '../keys/secp256k1.js';
import { grantOpOf } from './grantOps.js';
import { encodeSessionSignature, encodeSessionStubSignature, getSessionOperationDigest } from './signature.js';

export type { SessionKeySignerLike } from '../keys/keyType.js';

/**
 * Parameters of {@link toSessionKeyValidator}.
 *
 * @example
 * ```ts
 * const validator = toSessionKeyValidator({ signer, sessionKeyModule: addresses.sessionKeyModule })
 * ```
 */
export type ToSessionKeyValidatorParameters = {
  signer: SessionKeySignerLike;
  /** The session key module; the canonical address by default. */
  sessionKeyModule?: Address | undefined;
  /** The time each op states, in seconds. Default: the wall clock. */
  now?: (() => number) | undefined;
};

/**
 * A validator that routes ops to the session key module and signs them with the session key.
 *
 * @example
 * ```ts
 * const validator: SessionKeyValidator = toSessionKeyValidator({ signer })
 * console.log(validator.module, await validator.signer.getAddress())
 * ```
 */
export type SessionKeyValidator = UserOperationValidator & { module: Address; signer: SessionKeySignerLike };

/**
 * The wall clock in whole seconds.
 *
 * @example
 * ```ts
 * builder.setTimeRange({ validUntil: nowInSeconds() + DAY })
 * ```
 */
export const nowInSeconds = (): number => Math.floor(Date.now() / 1000);

/**
 * Turns a session key signer into a validator for a session key account ({@link toLeashSmartAccount},
 * {@link toErc7579SmartAccount}): ops are routed to the session key module (the account's nonce key names it), estimated with a stub that names the key, and signed as
 * `statedTime ‖ ECDSA(keccak256(userOpHash ‖ statedTime))`, so the stated time is signed too.
 *
 * @example
 * ```ts
 * const validator = toSessionKeyValidator({ signer: new SessionKeySigner() })
 * const account = await toLeashSmartAccount({ client, address, validator })
 * ```
 */
export function toSessionKeyValidator(parameters: ToSessionKeyValidatorParameters): SessionKeyValidator {
  const { signer, sessionKeyModule = getLeashAddresses().sessionKeyModule, now = nowInSeconds } = parameters;
  return {
    module: sessionKeyModule,
    signer,
    async getStubSignature(userOperation) {
      // A key's first op may carry its grant (executeWithSessionKey registers it): the grant names the key.
      const grantOp = grantOpOf(userOperation);
      const keyType = signer.keyType ?? secp256k1KeyType;
      if (grantOp) return encodeGrantSessionSignature({ ...grantOp, signature: keyType.stubSignature, keyType });
      return encodeSessionStubSignature({ statedTime: now(), sessionKey: await signer.getAddress(), keyType: signer.keyType });
    },
    async signUserOperation({ userOperation, userOpHash }) {
      const grantOp = grantOpOf(userOperation);
      const statedTime = grantOp?.statedTime ?? now();
      const digest = getSessionOperationDigest({ userOpHash, statedTime });
      const signature = await signer.signDigest(digest);
      if (grantOp) return encodeGrantSessionSignature({ ...grantOp, signature, keyType: signer.keyType });
      return encodeSessionSignature({ statedTime, signature, keyType: signer.keyType });
    },
  };
}
