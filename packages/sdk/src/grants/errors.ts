import type { Address, Hex } from 'viem';
import { LeashError, type LeashErrorParameters } from '../errors/LeashError.js';
import { SessionKeyViolationError } from '../errors/sessionKeyErrors.js';

/**
 * A grant a session key carries was refused on-chain, or cannot be built or read. Every grant error extends it.
 *
 * @example
 * ```ts
 * try {
 *   await sessionClient.executeWithSessionKey({ grant, calls })
 * } catch (error) {
 *   if (error instanceof SessionKeyGrantRefusedError) console.error(error.reason, error.shortMessage)
 * }
 * ```
 */
export class SessionKeyGrantError extends LeashError {
  override name = 'SessionKeyGrantError';
}

/**
 * A grant cannot carry this permission update: `removeErc20SpendLimit` and `removeCallLimit` remove nothing from a new
 * key (the module refuses them with `PermissionNotGrantable`).
 *
 * @example
 * ```ts
 * if (error instanceof PermissionNotGrantableError) console.log(`update ${error.index} (${error.functionName})`)
 * ```
 */
export class PermissionNotGrantableError extends SessionKeyGrantError {
  override name = 'PermissionNotGrantableError';
  readonly index: number;
  readonly functionName: string;
  readonly selector: Hex;

  constructor(parameters: { index: number; functionName: string; selector: Hex; cause?: Error | undefined }) {
    const { index, functionName, selector } = parameters;
    super(`A grant cannot carry ${functionName} (update ${index}).`, {
      cause: parameters.cause,
      details: 'It removes a limit a new key does not have: leave it out (a new key has no ERC-20 limit and no call limit until one is set).',
      metaMessages: [`Selector: ${selector}`],
    });
    this.index = index;
    this.functionName = functionName;
    this.selector = selector;
  }
}

/**
 * A grant's JSON or one of its fields is not valid (wrong type, out of range, unknown field, permissions in the wrong
 * order): thrown by {@link parseSessionKeyGrant} and by the grant's builders.
 *
 * @example
 * ```ts
 * try {
 *   parseSessionKeyGrant(text)
 * } catch (error) {
 *   if (error instanceof InvalidSessionKeyGrantError) console.error(`${error.field}: ${error.shortMessage}`)
 * }
 * ```
 */
export class InvalidSessionKeyGrantError extends SessionKeyGrantError {
  override name = 'InvalidSessionKeyGrantError';
  /** The offending field, as a path (`chains[1].generation`); empty for the whole grant. */
  readonly field: string;

  constructor(field: string, reason: string, parameters: LeashErrorParameters = {}) {
    super(field ? `Invalid session key grant: ${field} ${reason}` : `Invalid session key grant: ${reason}`, parameters);
    this.field = field;
  }
}

/**
 * The account's ERC-1271 signature names the chain it was made on (an ERC-7739 wrapper, for example), so one
 * signature cannot hold on several chains: sign one grant per chain.
 *
 * @example
 * ```ts
 * if (error instanceof MultiChainGrantNotSupportedError) for (const chain of chains) await owner.signSessionKeyGrant({ ...p, chains: [chain] })
 * ```
 */
export class MultiChainGrantNotSupportedError extends SessionKeyGrantError {
  override name = 'MultiChainGrantNotSupportedError';
  constructor(parameters: { accountType: string; chainCount: number }) {
    super(`A ${parameters.accountType} account's signature binds the chain: it cannot sign one grant for ${parameters.chainCount} chains.`, {
      details: 'Sign one grant per chain.',
    });
  }
}

/**
 * Why the module refused a grant (one per custom error of docs/grants.md).
 *
 * @example
 * ```ts
 * const retryable: SessionKeyGrantRefusalReason[] = ['expired']
 * ```
 */
export type SessionKeyGrantRefusalReason =
  | 'malformed'
  | 'another-account'
  | 'another-chain'
  | 'expired'
  | 'revoked'
  | 'already-used'
  | 'cancelled'
  | 'invalid-signature'
  | 'unsupported-key-type'
  | 'permission-not-grantable'
  | 'out-of-order';

/**
 * The module refused the grant a session op carried (rule `grant`), with the reason and its numbers. Each reason has
 * its own subclass ({@link InvalidGrantSignatureError}, {@link GrantAlreadyUsedError}, …).
 *
 * @example
 * ```ts
 * if (error instanceof SessionKeyGrantRefusedError && error.reason === 'already-used') console.log('the key was enabled before')
 * ```
 */
export class SessionKeyGrantRefusedError extends SessionKeyViolationError {
  override name = 'SessionKeyGrantRefusedError';
  readonly reason: SessionKeyGrantRefusalReason;

  constructor(reason: SessionKeyGrantRefusalReason, shortMessage: string, parameters: LeashErrorParameters = {}) {
    super('grant', shortMessage, parameters);
    this.reason = reason;
  }
}

type Cause = { cause?: Error | undefined };

/**
 * The grant's encoding is not canonical, its stated times differ, or its chain list is malformed (`MalformedGrant`).
 *
 * @example
 * ```ts
 * if (error instanceof MalformedGrantError) console.error('the grant was altered in transit')
 * ```
 */
export class MalformedGrantError extends SessionKeyGrantRefusedError {
  override name = 'MalformedGrantError';
  constructor(parameters: Cause = {}) {
    super('malformed', 'The grant is malformed (not canonically encoded, or its chain list is wrong).', parameters);
  }
}

/**
 * The grant names another account (`GrantForAnotherAccount`).
 *
 * @example
 * ```ts
 * if (error instanceof GrantForAnotherAccountError) console.error(`the grant is for ${error.account}`)
 * ```
 */
export class GrantForAnotherAccountError extends SessionKeyGrantRefusedError {
  override name = 'GrantForAnotherAccountError';
  readonly account: Address;
  constructor(parameters: Cause & { account: Address }) {
    super('another-account', `The grant is for account ${parameters.account}, not this one.`, { cause: parameters.cause });
    this.account = parameters.account;
  }
}

/**
 * The op carries another chain's part of the grant, or the grant does not name this chain (`GrantForAnotherChain`).
 *
 * @example
 * ```ts
 * if (error instanceof GrantForAnotherChainError) console.error(`that part is for chain ${error.chainId}`)
 * ```
 */
export class GrantForAnotherChainError extends SessionKeyGrantRefusedError {
  override name = 'GrantForAnotherChainError';
  readonly chainId: bigint;
  constructor(parameters: Cause & { chainId: bigint; details?: string | undefined }) {
    super('another-chain', `The grant's part is for chain ${parameters.chainId}, not this one.`, parameters);
    this.chainId = parameters.chainId;
  }
}

/**
 * The op states a time after the grant's deadline (`GrantExpired`).
 *
 * @example
 * ```ts
 * if (error instanceof GrantExpiredError) console.error(`the grant ended at ${new Date(Number(error.validUntil) * 1000)}`)
 * ```
 */
export class GrantExpiredError extends SessionKeyGrantRefusedError {
  override name = 'GrantExpiredError';
  readonly validUntil: bigint;
  readonly statedTime: bigint;
  constructor(parameters: Cause & { validUntil: bigint; statedTime: bigint }) {
    super('expired', `The grant expired at ${parameters.validUntil}; the op states ${parameters.statedTime}.`, { cause: parameters.cause });
    this.validUntil = parameters.validUntil;
    this.statedTime = parameters.statedTime;
  }
}

/**
 * Revoke-all or uninstall ran since the owner signed: the account's key generation moved on (`GrantRevoked`).
 *
 * @example
 * ```ts
 * if (error instanceof GrantRevokedError) console.error('ask the owner for a new grant')
 * ```
 */
export class GrantRevokedError extends SessionKeyGrantRefusedError {
  override name = 'GrantRevokedError';
  readonly grantGeneration: bigint;
  readonly generation: bigint;
  constructor(parameters: Cause & { grantGeneration: bigint; generation: bigint }) {
    super('revoked', `The grant was revoked: it was signed for key generation ${parameters.grantGeneration}, the account is at ${parameters.generation}.`, {
      cause: parameters.cause,
      details: 'Revoke-all or uninstalling the module kills every grant signed before.',
    });
    this.grantGeneration = parameters.grantGeneration;
    this.generation = parameters.generation;
  }
}

/**
 * The grant's nonce is spent on this account and chain: used ({@link GrantAlreadyUsedError}) or cancelled
 * ({@link GrantCancelledError}).
 *
 * @example
 * ```ts
 * if (error instanceof GrantNonceSpentError) console.error(`grant nonce ${error.nonce} is spent (${error.reason})`)
 * ```
 */
export class GrantNonceSpentError extends SessionKeyGrantRefusedError {
  override name = 'GrantNonceSpentError';
  readonly nonce: bigint;
  constructor(reason: 'already-used' | 'cancelled', shortMessage: string, parameters: Cause & { nonce: bigint }) {
    super(reason, shortMessage, { cause: parameters.cause });
    this.nonce = parameters.nonce;
  }
}

/**
 * The grant (or another with its nonce) was used on this account and chain already (`GrantAlreadyUsed`): replaying it
 * after the key was removed does not bring the key back.
 *
 * @example
 * ```ts
 * if (error instanceof GrantAlreadyUsedError) console.error(`grant nonce ${error.nonce} is spent`)
 * ```
 */
export class GrantAlreadyUsedError extends GrantNonceSpentError {
  override name = 'GrantAlreadyUsedError';
  constructor(parameters: Cause & { nonce: bigint }) {
    super('already-used', `Grant nonce ${parameters.nonce} was used on this account and chain already.`, parameters);
  }
}

/**
 * The owner cancelled the grant (`GrantCancelled`).
 *
 * @example
 * ```ts
 * if (error instanceof GrantCancelledError) console.error(`grant nonce ${error.nonce} was cancelled`)
 * ```
 */
export class GrantCancelledError extends GrantNonceSpentError {
  override name = 'GrantCancelledError';
  constructor(parameters: Cause & { nonce: bigint }) {
    super('cancelled', `The owner cancelled grant nonce ${parameters.nonce}.`, parameters);
  }
}

/**
 * The account's ERC-1271 refused the owner's signature: a field of the grant (key, permissions, chains, nonce, …) was
 * changed after signing, or someone other than the owner signed it (`InvalidGrantSignature`).
 *
 * @example
 * ```ts
 * if (error instanceof InvalidGrantSignatureError) console.error('the grant was tampered with or not signed by the owner')
 * ```
 */
export class InvalidGrantSignatureError extends SessionKeyGrantRefusedError {
  override name = 'InvalidGrantSignatureError';
  constructor(parameters: Cause = {}) {
    super('invalid-signature', "The account refused the grant's owner signature.", {
      cause: parameters.cause,
      details: 'A field of the grant was changed after signing, or it was not signed by the account\'s owner.',
    });
  }
}

/**
 * The grant's key type is one the module cannot check yet (`UnsupportedKeyType`).
 *
 * @example
 * ```ts
 * if (error instanceof UnsupportedKeyTypeError) console.error(`key type ${error.keyType}`)
 * ```
 */
export class UnsupportedKeyTypeError extends SessionKeyGrantRefusedError {
  override name = 'UnsupportedKeyTypeError';
  readonly keyType: bigint;
  constructor(parameters: Cause & { keyType: bigint }) {
    super('unsupported-key-type', `The module cannot check session keys of type ${parameters.keyType} yet.`, { cause: parameters.cause });
    this.keyType = parameters.keyType;
  }
}

/**
 * The grant's updates are not in the order of the Permissions fields (`GrantPermissionsOutOfOrder`), or carry a remove
 * update that means nothing for a new key (`PermissionNotGrantable`).
 *
 * @example
 * ```ts
 * if (error instanceof GrantPermissionsRefusedError) console.error(`update ${error.index}`)
 * ```
 */
export class GrantPermissionsRefusedError extends SessionKeyGrantRefusedError {
  override name = 'GrantPermissionsRefusedError';
  readonly index: bigint;
  readonly selector: Hex | undefined;
  constructor(parameters: Cause & { index: bigint; selector?: Hex | undefined }) {
    const { index, selector } = parameters;
    super(
      selector ? 'permission-not-grantable' : 'out-of-order',
      selector ? `Update ${index} (${selector}) cannot be granted.` : `Update ${index} is out of the Permissions field order.`,
      { cause: parameters.cause },
    );
    this.index = index;
    this.selector = selector;
  }
}
