import type { Address, Hex } from 'viem';
import { type AmountUnit, formatAmount } from '../format/amounts.js';
import { noGasBudgetFix } from '../permissions/warnings.js';
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
  | 'authorization'
  | 'grant';

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

const ether: AmountUnit = { symbol: 'ETH', decimals: 18 };

/** `limit 1 ETH, used 0.25 ETH, attempted 0.8 ETH, remaining 0.75 ETH`: the numbers of a refusal, with their unit. */
function spendSummary(numbers: SpendNumbers, show: (amount: bigint) => string): string {
  const remaining = numbers.limit > numbers.used ? numbers.limit - numbers.used : 0n;
  return `limit ${show(numbers.limit)}, used ${show(numbers.used)}, attempted ${show(numbers.attempted)}, remaining ${show(remaining)}`;
}

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
    parameters: Omit<LeashErrorParameters, 'metaMessages'> & { show?: ((amount: bigint) => string) | undefined } = {},
  ) {
    const { limit, used, attempted } = numbers;
    const remaining = limit > used ? limit - used : 0n;
    const { show = String, ...rest } = parameters;
    super(rule, shortMessage, {
      ...rest,
      metaMessages: [`Limit:     ${show(limit)}`, `Used:      ${show(used)}`, `Remaining: ${show(remaining)}`, `Attempted: ${show(attempted)}`],
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

  /** The token's symbol and decimals, when the code that raised the error knew them. */
  readonly unit: AmountUnit | undefined;

  constructor(parameters: SpendNumbers & { token: Address; unit?: AmountUnit | undefined; cause?: Error | undefined }) {
    const { token, unit } = parameters;
    // Without the token's decimals the amounts stay in base units, and say so.
    const show = unit ? (amount: bigint) => formatAmount(amount, unit) : (amount: bigint) => `${amount} base units`;
    const name = unit ? `${unit.symbol} (${token})` : `token ${token}`;
    super('erc20-spend-limit', `ERC-20 spend limit exceeded for ${name}: ${spendSummary(parameters, show)}.`, parameters, {
      cause: parameters.cause,
      show,
    });
    this.token = token;
    this.unit = unit;
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
    const show = (amount: bigint) => formatAmount(amount, ether);
    const noBudget = parameters.limit === 0n;
    super(
      'native-token-spend-limit',
      noBudget
        ? `The session key may not send ETH (its native token limit is 0): the op sends ${show(parameters.attempted)}.`
        : `Native token spend limit exceeded: ${spendSummary(parameters, show)}.`,
      parameters,
      {
        cause: parameters.cause,
        show,
        details: noBudget ? 'Give it a limit: setNativeTokenSpendLimit({ spendLimit, refreshInterval }) (CLI: --native 0.1eth/day).' : undefined,
      },
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

  /** The key has no gas budget at all (a limit of 0, a new key's default): the account may not pay for its ops. */
  readonly noGasBudget: boolean;

  constructor(parameters: SpendNumbers & { cause?: Error | undefined }) {
    const show = (amount: bigint) => formatAmount(amount, ether);
    const noGasBudget = parameters.limit === 0n;
    super(
      'gas-spend-limit',
      noGasBudget
        ? 'The session key has no gas budget and the op has no paymaster: the account may not pay for this key’s ops.'
        : `Gas spend limit exceeded: the op could cost ${show(parameters.attempted)}, more than the key has left (${spendSummary(parameters, show)}).`,
      parameters,
      {
        cause: parameters.cause,
        show,
        details: noGasBudget
          ? `A new key's gas budget is 0. ${noGasBudgetFix}`
          : 'An op counts at its maximum cost, (all gas limits) × maxFeePerGas, unless a paymaster pays.',
      },
    );
    this.noGasBudget = noGasBudget;
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
 * Why a call target is forbidden: the account, the module, an EntryPoint, one of the account's validators or executors,
 * or a call that passes as sent by the account.
 *
 * @example
 * ```ts
 * const kind: ForbiddenCallTargetKind = 'account-sender'
 * ```
 */
export type ForbiddenCallTargetKind = 'account' | 'module' | 'entry-point' | 'account-module' | 'account-sender';

/**
 * Session keys may never call the account itself, the session key module or the EntryPoint; and under allow-all or
 * denylist access, not a validator or executor installed on the account either, nor with data ending in the account's address.
 *
 * @example
 * ```ts
 * if (error instanceof ForbiddenCallTargetError) console.log(error.kind) // 'account', 'module', 'entry-point', 'account-module' or 'account-sender'
 * ```
 */
export class ForbiddenCallTargetError extends SessionKeyViolationError {
  override name = 'ForbiddenCallTargetError';
  readonly target: Address | undefined;
  /**
   * `account-module`: a validator or executor installed on the account; `account-sender`: a call whose data ends with
   * the account's address (read as "sent by the account" by fallback handlers); both refused under allow-all and
   * denylist access.
   */
  readonly kind: ForbiddenCallTargetKind;
  /** For `account-module`: the ERC-7579 module type it is installed as (1 validator, 2 executor). */
  readonly moduleType: number | undefined;

  constructor(parameters: {
    kind: ForbiddenCallTargetKind;
    target?: Address | undefined;
    moduleType?: number | undefined;
    cause?: Error | undefined;
  }) {
    const { kind, target, moduleType } = parameters;
    const installedAs = moduleType === 1 ? 'validator' : moduleType === 2 ? 'executor' : 'module';
    const message =
      kind === 'account-module'
        ? `Under allow-all or denylist access a session key may not call ${target}, a ${installedAs} installed on the account.`
        : kind === 'account-sender'
          ? `Under allow-all or denylist access a session key may not call ${target} with data ending in the account's address.`
          : `Session keys may never call ${{ account: 'the account itself', module: 'the session key module', 'entry-point': 'the EntryPoint' }[kind]}.`;
    super('forbidden-target', message, {
      cause: parameters.cause,
      ...(kind === 'account-module'
        ? {
            details:
              'Such a module trusts calls from the account, so the key could make itself its signer or operator. ' +
              'To let a key call it anyway, put it on the key\'s allowlist explicitly.',
          }
        : kind === 'account-sender'
          ? {
              details:
                'Fallback handlers (a Safe\'s Safe7579 adapter, ERC-7579 fallbacks) read an appended account address as ' +
                '"sent by the account itself", so the key could reconfigure the account. To let a key make such a call, ' +
                'put the contract on the key\'s allowlist explicitly.',
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
