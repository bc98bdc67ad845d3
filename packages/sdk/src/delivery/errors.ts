import type { Address, Hex } from 'viem';
import type { UserOperation } from 'viem/account-abstraction';
import { LeashError } from '../errors/LeashError.js';

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/**
 * A request kept failing (the node or the bundler unreachable, timing out or answering 5xx) through every retry, before
 * the op was sent: nothing was sent, and the op can be tried again as a whole.
 *
 * @example
 * ```ts
 * try {
 *   await sessionClient.executeWithSessionKey({ calls })
 * } catch (error) {
 *   if (error instanceof RequestRetriesExhaustedError) log.warn(`${error.method} to ${error.url} down; nothing sent`)
 * }
 * ```
 */
export class RequestRetriesExhaustedError extends LeashError {
  override name = 'RequestRetriesExhaustedError';
  /** What was being done, e.g. "preparing the op". */
  readonly step: string;
  /** The JSON-RPC method of the last failed request, when known. */
  readonly method: string | undefined;
  /** Where it was sent, when known. */
  readonly url: string | undefined;
  readonly attempts: number;
  readonly elapsedMs: number;

  constructor(parameters: { step: string; method?: string | undefined; url?: string | undefined; attempts: number; elapsedMs: number; cause: Error }) {
    const { step, method, url, attempts, elapsedMs } = parameters;
    super(`Gave up ${step}: ${method ?? 'a request'} failed ${attempts} times in ${seconds(elapsedMs)}.`, {
      cause: parameters.cause,
      metaMessages: [
        'Nothing was sent: the node or the bundler did not answer. Try the op again later.',
        ...(url ? [`Endpoint: ${url}`] : []),
      ],
    });
    this.step = step;
    this.method = method;
    this.url = url;
    this.attempts = attempts;
    this.elapsedMs = elapsedMs;
  }
}

/**
 * Why an op's fate is unknown: the bundler could not be reached (`bundler-unreachable`), the node could not be asked
 * whether the op used its nonce (`node-unreachable`), it was not found in time (`receipt-timeout`), the bundler still
 * held it when the longer wait for held ops ran out (`held-too-long`), the bundler kept dropping it (`dropped`), or
 * it can no longer be included as things stand (`cannot-be-included`: the EntryPoint refuses it on the chain's current
 * state, e.g. its key's budget is spent or its window is over, or its nonce sits behind a gap that no op filled in time).
 *
 * @example
 * ```ts
 * if (error instanceof UserOperationMayNotHaveBeenSentError && error.reason === 'bundler-unreachable') alertOps()
 * ```
 */
export type UnknownOutcomeReason = 'bundler-unreachable' | 'node-unreachable' | 'receipt-timeout' | 'held-too-long' | 'dropped' | 'cannot-be-included';

/**
 * The op was signed and handed to the bundler, or may have been, but was neither found on chain nor refused in time.
 * Its nonce was still unused at the last check, so it may still land. Do not send the calls again as a new op (that
 * could pay twice): resume this one ({@link resumeUserOperation}), which re-sends the same signed op and waits; having
 * the same nonce, it lands at most once.
 *
 * @example
 * ```ts
 * try {
 *   await sessionClient.executeWithSessionKey({ calls })
 * } catch (error) {
 *   if (error instanceof UserOperationMayNotHaveBeenSentError) await sessionClient.resumeUserOperation(error)
 * }
 * ```
 */
export class UserOperationMayNotHaveBeenSentError extends LeashError {
  override name = 'UserOperationMayNotHaveBeenSentError';
  readonly reason: UnknownOutcomeReason;
  readonly userOpHash: Hex;
  /** The signed op, to resume. */
  readonly userOperation: UserOperation<'0.8'>;
  /** Where to start looking for it on chain. */
  readonly fromBlock: bigint;

  constructor(parameters: {
    reason: UnknownOutcomeReason;
    userOpHash: Hex;
    userOperation: UserOperation<'0.8'>;
    fromBlock: bigint;
    waitedMs: number;
    cause?: Error | undefined;
    /** Why it cannot be included, when that is the reason (the EntryPoint's words, or the nonce gap). */
    explanation?: string | undefined;
  }) {
    const { reason, userOpHash, userOperation, fromBlock, waitedMs, explanation } = parameters;
    const why = {
      'bundler-unreachable': 'the bundler could not be reached',
      'node-unreachable': 'the node could not be reached to look for it',
      'receipt-timeout': 'it was not included in time',
      'held-too-long': 'the bundler still held it when the wait ran out',
      dropped: 'the bundler kept dropping it',
      'cannot-be-included': 'it can no longer be included as things stand',
    }[reason];
    const mayStillLand =
      reason === 'cannot-be-included'
        ? [
            `${explanation ?? 'The EntryPoint refuses it on the current chain state.'} A bundler may still hold it: it would land only if that changed (the owner raising a limit, the missing nonce used) while its validity lasts.`,
            'Resume it (resumeUserOperation) rather than sending the calls again, or make sure it cannot land before you do.',
          ]
        : [
            `Neither on chain nor refused ${seconds(waitedMs)} after it was sent: it may still land while its validity lasts.`,
            'Resume it (resumeUserOperation) rather than sending the calls again: the same op lands at most once.',
          ];
    super(`The user operation may not have been sent: ${why}.`, {
      cause: parameters.cause,
      metaMessages: [
        ...mayStillLand,
        `User op: ${userOpHash}`, `Sender:  ${userOperation.sender}`, `Nonce:   ${userOperation.nonce}`, `Look from block ${fromBlock}`],
    });
    this.reason = reason;
    this.userOpHash = userOpHash;
    this.userOperation = userOperation;
    this.fromBlock = fromBlock;
  }
}

/**
 * Another op of the account used this op's nonce first (another process or client sending with the same nonce lane),
 * so this op was not included and never can be. Nothing was charged for it; sending the calls again is safe.
 * `executeWithSessionKey` does that by itself, up to {@link DeliveryOptions.conflictRetries} times.
 *
 * @example
 * ```ts
 * if (error instanceof NonceConflictError) await sessionClient.executeWithSessionKey({ calls }) // a fresh nonce
 * ```
 */
export class NonceConflictError extends LeashError {
  override name = 'NonceConflictError';
  readonly sender: Address;
  readonly nonce: bigint;
  readonly userOpHash: Hex | undefined;

  constructor(parameters: { sender: Address; nonce: bigint; userOpHash?: Hex | undefined; cause?: Error | undefined }) {
    const { sender, nonce, userOpHash } = parameters;
    super('Another operation of this account used the nonce first.', {
      cause: parameters.cause,
      metaMessages: [
        'This op was not included and cannot be: nothing was charged for it. Send the calls again with a fresh nonce.',
        `Sender: ${sender}`, `Nonce:  ${nonce}`, ...(userOpHash ? [`User op: ${userOpHash}`] : [])],
    });
    this.sender = sender;
    this.nonce = nonce;
    this.userOpHash = userOpHash;
  }
}

/**
 * The bundler holds as many pending ops of the account as it allows (ERC-7562: 4 for an unstaked account), from this
 * process and others, and refused one more. Nothing was sent or charged; the op can be sent once one of them lands.
 * `executeWithSessionKey` waits and tries again by itself, up to {@link DeliveryOptions.conflictRetries} times.
 *
 * @example
 * ```ts
 * if (error instanceof TooManyPendingOperationsError) await sleep(2_000) // then send again
 * ```
 */
export class TooManyPendingOperationsError extends LeashError {
  override name = 'TooManyPendingOperationsError';
  readonly sender: Address;

  constructor(parameters: { sender: Address; cause?: Error | undefined }) {
    super('The bundler holds as many pending ops of this account as it allows.', {
      cause: parameters.cause,
      metaMessages: [
        'Nothing was sent or charged. Other processes or clients of the account have ops pending; send again once one lands.',
        `Sender: ${parameters.sender}`,
      ],
    });
    this.sender = parameters.sender;
  }
}

/**
 * The bundler refused the op because its fees are below what it accepts. Nothing was sent or charged.
 *
 * @example
 * ```ts
 * if (error instanceof UserOperationFeeTooLowError) console.log(`${error.fee}: offered ${error.offered}, needs ${error.required}`)
 * ```
 */
export class UserOperationFeeTooLowError extends LeashError {
  override name = 'UserOperationFeeTooLowError';
  readonly fee: 'maxFeePerGas' | 'maxPriorityFeePerGas';
  readonly offered: bigint | undefined;
  /** The least the bundler accepts, when it said. */
  readonly required: bigint | undefined;

  constructor(parameters: {
    fee: 'maxFeePerGas' | 'maxPriorityFeePerGas';
    offered?: bigint | undefined;
    required?: bigint | undefined;
    cause?: Error | undefined;
  }) {
    const { fee, offered, required } = parameters;
    super(`The bundler refused the op: its ${fee} is too low.`, {
      cause: parameters.cause,
      metaMessages: [
        'Nothing was sent or charged. Leave the fees to the SDK (it asks the bundler), or raise them.',
        `Offered:  ${offered ?? 'unknown'} wei`,
        `Required: ${required ?? 'unknown'} wei`,
      ],
    });
    this.fee = fee;
    this.offered = offered;
    this.required = required;
  }
}
