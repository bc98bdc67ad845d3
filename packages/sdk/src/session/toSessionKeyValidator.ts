import type { Address, Hex } from 'viem';
import { getUserOperationHash } from 'viem/account-abstraction';
import { entryPointAddress } from '../constants.js';
import { getLeashAddresses } from '../deploy/addresses.js';
import type { LeashValidator } from '../account/toLeashSmartAccount.js';
import { encodeSessionSignature, encodeSessionStubSignature, getSessionOperationDigest } from './signature.js';

/**
 * What signs a session key's user operations: a {@link SessionKeySigner}, or anything that can give its address and
 * sign a 32-byte digest with raw secp256k1 ECDSA (an HSM, a KMS, a remote agent signer).
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
  getAddress(): Promise<Address>;
  /**
   * Raw ECDSA over the op's session digest ({@link getSessionOperationDigest}: the user operation hash and the stated
   * time), no EIP-191 prefix; 65 bytes r ‖ s ‖ v.
   */
  signDigest(digest: Hex): Promise<Hex>;
};

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
export type SessionKeyValidator = LeashValidator & { module: Address; signer: SessionKeySignerLike };

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
 * Turns a session key signer into a validator for {@link toLeashSmartAccount}: ops are routed to the session key
 * module (nonce key = module ‖ lane), estimated with a stub that names the key, and signed as
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
      return encodeSessionStubSignature({ statedTime: now(), sessionKey: await signer.getAddress() });
    },
    async signUserOperation({ userOperation, chainId }) {
      const userOpHash = getUserOperationHash({ chainId, entryPointAddress, entryPointVersion: '0.8', userOperation });
      const statedTime = now();
      const digest = getSessionOperationDigest({ userOpHash, statedTime });
      return encodeSessionSignature({ statedTime, signature: await signer.signDigest(digest) });
    },
  };
}
