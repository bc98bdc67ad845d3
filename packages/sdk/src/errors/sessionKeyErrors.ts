import { type Address, type Hex, formatUnits } from 'viem';
import { LeashError, type LeashErrorParameters } from './LeashError.js';

/**
 * Which session key rule an op broke.
 *
 * @example
 * ```ts
 * if (error instanceof SessionKeyViolationError && error.rule === 'erc20-spend-limit') await waitForNextPeriod()
 * ```
 */
export type SessionKeyRule =
  | 'erc20-spend-limit'
  | 'native-token-spend-limit'
  | 'gas-spend-limit'
  | 'call-limit'
  | 'access-list'
  | 'erc20-function'
  | 'forbidden-target'
  | 'required-paymaster'
  | 'execution-format'
  | 'time-range'
  | 'authorization';

/**
 * A session key op was refused because it breaks one of the key's permissions. Subclasses carry the numbers.
 *
 * @example
 * ```ts
 * try {
 *   await client.executeWithSessionKey({ calls })
 * } catch (error) {
 *   if (error instanceof SessionKeyViolationError) console.log(error.rule, error.shortMessage)
 * }
 * ```
 */
export class SessionKeyViolationError extends LeashError {
  override name = 'SessionKeyViolationError';
  readonly rule: SessionKeyRule;

  constructor(rule: SessionKeyRule, shortMessage: string, parameters: LeashErrorParameters = {}) {
    super(shortMessage, parameters);
    this.rule = rule;
  }
}

type SpendNumbers = { limit: bigint; used: bigint; attempted: bigint };

/**
 * An op would spend more than one of the key's limits leaves: the ERC-20, native token and gas refusals, with their
 * numbers (the limit, what was used in the current period, what the op attempted, and what remains).
 *
 * @example
 * ```ts
 * if (error instanceof SpendLimitExceededError) console.log(error.rule, `${error.attempted} asked, ${error.remaining} left`)
 * ```
 */
export class SpendLimitExceededError extends SessionKeyViolationError {
  override name = 'SpendLimitExceededError';
  readonly limit: bigint;
  readonly used: bigint;
  readonly attempted: bigint;
  readonly remaining: bigint;

  constructor(
    rule: SessionKeyRule,
    shortMessage: string,
    numbers: SpendNumbers,
    parameters: Omit<LeashErrorParameters, 'metaMessages'> = {},
  ) {
    const { limit, used, attempted } = numbers;
    const remaining = limit > used ? limit - used : 0n;
    super(rule, shortMessage, {
      ...parameters,
      metaMessages: [`Limit:     ${limit}`, `Used:      ${used}`, `Remaining: ${remaining}`, `Attempted: ${attempted}`],
    });
    this.limit = limit;
    this.used = used;
    this.attempted = attempted;
    this.remaining = remaining;
  }
}

/**
 * The op would spend more of an ERC-20 token than the key's limit leaves.
 *
 * @example
 * ```ts
 * try {
 *   await sessionClient.executeWithSessionKey({ calls: [transfer] })
 * } catch (error) {
 *   if (error instanceof Erc20SpendLimitExceededError)
 *     console.log(`limit ${error.limit}, used ${error.used}, attempted ${error.attempted}: ${error.remaining} left`)
 * }
 * ```
 */
export class Erc20SpendLimitExceededError extends SpendLimitExceededError {
  override name = 'Erc20SpendLimitExceededError';
  readonly token: Address;

  constructor(parameters: SpendNumbers & { token: Address; cause?: Error | undefined }) {
    super('erc20-spend-limit', `ERC-20 spend limit exceeded for token ${parameters.token}.`, parameters, {
      cause: parameters.cause,
    });
    this.token = parameters.token;
  }
}

/**
 * The op's call values would exceed the key's native token limit.
 *
 * @example
 * ```ts
 * if (error instanceof NativeTokenSpendLimitExceededError)
 *   console.log(`${formatEther(error.attempted)} ETH asked, ${formatEther(error.remaining)} ETH left`)
 * ```
 */
export class NativeTokenSpendLimitExceededError extends SpendLimitExceededError {
  override name = 'NativeTokenSpendLimitExceededError';

  constructor(parameters: SpendNumbers & { cause?: Error | undefined }) {
    const { limit, attempted } = parameters;
    super(
      'native-token-spend-limit',
      `Native token spend limit exceeded: ${formatUnits(attempted, 18)} more would pass ${formatUnits(limit, 18)}.`,
      parameters,
      { cause: parameters.cause },
    );
  }
}

/**
 * The op's maximum gas cost would exceed the key's gas limit (in wei).
 *
 * @example
 * ```ts
 * // error.attempted is the op's maximum cost in wei: (all its gas limits) × maxFeePerGas
 * if (error instanceof GasSpendLimitExceededError) console.log(formatEther(error.limit), formatEther(error.used), formatEther(error.attempted))
 * ```
 */
export class GasSpendLimitExceededError extends SpendLimitExceededError {
  override name = 'GasSpendLimitExceededError';

  constructor(parameters: SpendNumbers & { cause?: Error | undefined }) {
    super('gas-spend-limit', 'Gas spend limit exceeded: the op could cost more than the key has left.', parameters, {
      cause: parameters.cause,
      details: 'An op counts at its maximum cost, (all gas limits) × maxFeePerGas, unless a paymaster pays.',
    });
  }
}

/**
 * Why the access list refused a call.
 *
 * @example
 * ```ts
 * if (error instanceof CallNotAllowedError && error.reason === 'selector-not-on-allowlist') console.log(error.target, error.selector)
 * ```
 */
export type CallNotAllowedReason =
  | 'target-not-on-allowlist'
  | 'target-on-denylist'
  | 'selector-not-on-allowlist'
  | 'selector-on-denylist';

/**
 * The key's access list does not allow the call.
 *
 * @example
 * ```ts
 * try {
 *   await sessionClient.executeWithSessionKey({ calls: [{ to: router, data }] })
 * } catch (error) {
 *   if (error instanceof CallNotAllowedError) console.log(error.reason, error.target) // 'target-not-on-allowlist', '0x…'
 * }
 * ```
 */
export class CallNotAllowedError extends SessionKeyViolationError {
  override name = 'CallNotAllowedError';
  readonly target: Address;
  readonly selector: Hex | undefined;
  readonly reason: CallNotAllowedReason;

  constructor(parameters: { target: Address; selector?: Hex | undefined; reason: CallNotAllowedReason; cause?: Error | undefined }) {
    const { target, selector, reason } = parameters;
    const messages: Record<CallNotAllowedReason, string> = {
      'target-not-on-allowlist': `Contract ${target} is not on the session key's allowlist.`,
      'target-on-denylist': `Contract ${target} is on the session key's denylist.`,
      'selector-not-on-allowlist': `Function ${selector} of ${target} is not on the session key's allowlist.`,
      'selector-on-denylist': `Function ${selector} of ${target} is on the session key's denylist.`,
    };
    super('access-list', messages[reason], { cause: parameters.cause });
    this.target = target;
    this.selector = selector;
    this.reason = reason;
  }
}

/**
 * On a token with a spend limit, only transfer and approve may be called.
 *
 * @example
 * ```ts
 * // transferFrom on a token the key has a spend limit for
 * if (error instanceof Erc20FunctionNotAllowedError) console.log(error.token, error.selector) // '0x…', '0x23b872dd'
 * ```
 */
export class Erc20FunctionNotAllowedError extends SessionKeyViolationError {
  override name = 'Erc20FunctionNotAllowedError';
  readonly token: Address;
  readonly selector: Hex;

  constructor(parameters: { token: Address; selector: Hex; cause?: Error | undefined }) {
    super('erc20-function', `Function ${parameters.selector} may not be called on token ${parameters.token}, which has a spend limit.`, {
      cause: parameters.cause,
      details: 'On a token with a spend limit only transfer(address,uint256) and approve(address,uint256) may be called.',
    });
    this.token = parameters.token;
    this.selector = parameters.selector;
  }
}

/**
 * Session keys may never call the account itself, the session key module or the EntryPoint; and under allow-all or
 * denylist access, not a validator or executor installed on the account either.
 *
 * @example
 * ```ts
 * if (error instanceof ForbiddenCallTargetError) console.log(error.kind) // 'account', 'module', 'entry-point' or 'account-module'
 * ```
 */
export class ForbiddenCallTargetError extends SessionKeyViolationError {
  override name = 'ForbiddenCallTargetError';
  readonly target: Address | undefined;
  /** `account-module`: a validator or executor installed on the account, refused under allow-all and denylist access. */
  readonly kind: 'account' | 'module' | 'entry-point' | 'account-module';
  /** For `account-module`: the ERC-7579 module type it is installed as (1 validator, 2 executor). */
  readonly moduleType: number | undefined;

  constructor(parameters: {
    kind: 'account' | 'module' | 'entry-point' | 'account-module';
    target?: Address | undefined;
    moduleType?: number | undefined;
    cause?: Error | undefined;
  }) {
    const { kind, target, moduleType } = parameters;
    const installedAs = moduleType === 1 ? 'validator' : moduleType === 2 ? 'executor' : 'module';
    const message =
      kind === 'account-module'
        ? `Under allow-all or denylist access a session key may not call ${target}, a ${installedAs} installed on the account.`
        : `Session keys may never call ${{ account: 'the account itself', module: 'the session key module', 'entry-point': 'the EntryPoint' }[kind]}.`;
    super('forbidden-target', message, {
      cause: parameters.cause,
      ...(kind === 'account-module'
        ? {
            details:
              'Such a module trusts calls from the account, so the key could make itself its signer or operator. ' +
              'To let a key call it anyway, put it on the key\'s allowlist explicitly.',
          }
        : {}),
    });
    this.kind = kind;
    this.target = target;
    this.moduleType = moduleType;
  }
}

/**
 * The key requires a paymaster that does not pay for this op.
 *
 * @example
 * ```ts
 * try {
 *   await sessionClient.executeWithSessionKey({ calls })
 * } catch (error) {
 *   if (!(error instanceof RequiredPaymasterMissingError)) throw error
 *   await sessionClient.executeWithSessionKey({ calls, paymaster: { address: error.required } })
 * }
 * ```
 */
export class RequiredPaymasterMissingError extends SessionKeyViolationError {
  override name = 'RequiredPaymasterMissingError';
  readonly required: Address;
  readonly actual: Address;

  constructor(parameters: { required: Address; actual: Address; cause?: Error | undefined }) {
    super('required-paymaster', `The session key requires paymaster ${parameters.required}.`, {
      cause: parameters.cause,
      metaMessages: [`Required: ${parameters.required}`, `Actual:   ${parameters.actual}`],
    });
    this.required = parameters.required;
    this.actual = parameters.actual;
  }
}

/**
 * The op's callData is not a single or batch `execute` the module accepts.
 *
 * @example
 * ```ts
 * if (error instanceof UnsupportedExecutionError) console.log(error.reason) // e.g. 'empty batch'
 * ```
 */
export class UnsupportedExecutionError extends SessionKeyViolationError {
  override name = 'UnsupportedExecutionError';
  readonly reason: string;

  constructor(parameters: { reason: string; cause?: Error | undefined }) {
    super('execution-format', `Session keys may only execute single calls or batches: ${parameters.reason}.`, { cause: parameters.cause });
    this.reason = parameters.reason;
  }
}

/**
 * The op falls outside the key's validity (its time range, or the period it stated).
 *
 * @example
 * ```ts
 * if (error instanceof SessionKeyOutsideTimeRangeError && error.validFrom) console.log(`usable from ${new Date(error.validFrom * 1000)}`)
 * ```
 */
export class SessionKeyOutsideTimeRangeError extends SessionKeyViolationError {
  override name = 'SessionKeyOutsideTimeRangeError';
  readonly validFrom: number | undefined;
  readonly validUntil: number | undefined;

  constructor(parameters: { validFrom?: number | undefined; validUntil?: number | undefined; details?: string | undefined; cause?: Error | undefined }) {
    const { validFrom, validUntil } = parameters;
    super('time-range', 'The session key is not valid at this time.', {
      cause: parameters.cause,
      details: parameters.details,
      metaMessages: [
        `Valid from:  ${validFrom ? new Date(validFrom * 1000).toISOString() : 'open'}`,
        `Valid until: ${validUntil ? new Date(validUntil * 1000).toISOString() : 'open'}`,
      ],
    });
    this.validFrom = validFrom;
    this.validUntil = validUntil;
  }
}

/**
 * The signer is not an active session key of the account (never added, removed, revoked) or the module is missing.
 *
 * @example
 * ```ts
 * try {
 *   await sessionClient.executeWithSessionKey({ calls })
 * } catch (error) {
 *   if (error instanceof SessionKeyNotAuthorizedError) signer.removeFromStorage() // revoked: ask the owner for a new key
 * }
 * ```
 */
export class SessionKeyNotAuthorizedError extends SessionKeyViolationError {
  override name = 'SessionKeyNotAuthorizedError';

  constructor(parameters: { details?: string | undefined; cause?: Error | undefined } = {}) {
    super('authorization', 'The signer is not an active session key of this account.', {
      cause: parameters.cause,
      details:
        parameters.details ??
        'The key was never added, was removed or revoked, the module is not installed, or the signature is wrong.',
    });
  }
}

/**
 * The session key module refused an owner's management call (e.g. adding a key that exists).
 *
 * @example
 * ```ts
 * try {
 *   await client.addSessionKey({ key, permissions })
 * } catch (error) {
 *   if (!(error instanceof SessionKeyModuleError && error.errorName === 'SessionKeyAlreadyExists')) throw error
 *   await client.updateSessionKeyPermissions({ key, permissions })
 * }
 * ```
 */
export class SessionKeyModuleError extends LeashError {
  override name = 'SessionKeyModuleError';
  readonly errorName: string;
  readonly args: readonly unknown[];

  constructor(parameters: { errorName: string; args: readonly unknown[]; cause?: Error | undefined }) {
    const { errorName, args } = parameters;
    const messages: Record<string, string> = {
      SessionKeyAlreadyExists: `${args[0]} is already a session key of this account.`,
      SessionKeyNotFound: `${args[0]} is not a session key of this account.`,
      NotInstalled: 'The session key module is not installed on this account.',
      ModuleAlreadyInitialized: 'The session key module is already installed on this account.',
      InvalidSessionKey: 'The zero address cannot be a session key.',
    };
    super(messages[errorName] ?? `The session key module refused the call: ${errorName}.`, {
      cause: parameters.cause,
      metaMessages: args.length ? [`Arguments: ${args.map(String).join(', ')}`] : undefined,
    });
    this.errorName = errorName;
    this.args = args;
  }
}
