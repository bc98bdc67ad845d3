import type { Address, Hex } from 'viem';
import { getUserOperationHash } from 'viem/account-abstraction';
import { entryPointAddress } from '../constants.js';
import { getLeashAddresses } from '../deploy/addresses.js';
import type { UserOperationValidator } from '../account/capability.js';
import type { SessionKeySignerLike } from '../keys/keyType.js';
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
    async getStubSignature() {
      return encodeSessionStubSignature({ statedTime: now(), sessionKey: await signer.getAddress(), keyType: signer.keyType });
    },
    async signUserOperation({ userOperation, chainId }) {
      const userOpHash = getUserOperationHash({ chainId, entryPointAddress, entryPointVersion: '0.8', userOperation });
      const statedTime = now();
      const digest = getSessionOperationDigest({ userOpHash, statedTime });
      return encodeSessionSignature({ statedTime, signature: await signer.signDigest(digest), keyType: signer.keyType });
    },
  };
}
