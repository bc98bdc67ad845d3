import type { Hex } from 'viem';
import type { UserOperation } from 'viem/account-abstraction';
import { LeashError } from '../errors/LeashError.js';

/**
 * Fees a caller offers for an op instead of the bundler's recommendation (per gas, in wei).
 *
 * @example
 * ```ts
 * const fees: OfferedFees = { maxFeePerGas: 2_000_000_000n, maxPriorityFeePerGas: 1_000_000_000n }
 * ```
 */
export type OfferedFees = Pick<UserOperation<'0.8'>, 'maxFeePerGas' | 'maxPriorityFeePerGas'>;

/**
 * How long to keep trying a read that failed for a transient reason (the node or the bundler unreachable, a 5xx, a
 * timeout): `attempts` tries in all, waiting `initialDelayMs`, then twice as long each time up to `maxDelayMs`, with
 * ±25 % jitter so that many agents do not retry in step. On top of the transport's own retries (viem's `http()`
 * retries 3 times within about a second).
 *
 * @example
 * ```ts
 * const patient: RetryPolicy = { attempts: 10, initialDelayMs: 500, maxDelayMs: 10_000 } // about 45 s of waiting
 * ```
 */
export type RetryPolicy = {
  /** Tries in all, the first included (1: no retry). */
  attempts: number;
  /** Wait before the second try, in ms. */
  initialDelayMs: number;
  /** Longest wait between two tries, in ms. */
  maxDelayMs: number;
};

/**
 * One retry, as reported to {@link DeliveryOptions.onRetry}: which step failed, why, and how long until the next try.
 *
 * @example
 * ```ts
 * const onRetry = ({ step, reason, attempt, delayMs }: DeliveryRetryEvent) => log.warn(`${step}: ${reason}, try ${attempt + 1} in ${delayMs} ms`)
 * ```
 */
export type DeliveryRetryEvent = {
  /** What was being done, e.g. "preparing the op" or "another op used the nonce". */
  step: string;
  /** Short reason: the failed request's method and error, or the bundler's refusal. */
  reason: string;
  /** The try that failed, from 1. */
  attempt: number;
  /** Wait before the next try, in ms. */
  delayMs: number;
};

/**
 * An op handed to the bundler, as reported to {@link DeliveryOptions.onSent}: enough to find out later whether it
 * landed ({@link findUserOperationReceipt}) or to send it again ({@link resumeUserOperation}).
 *
 * @example
 * ```ts
 * const onSent = ({ userOpHash, fromBlock }: SentUserOperation) => db.insert({ userOpHash, fromBlock, at: Date.now() })
 * ```
 */
export type SentUserOperation = {
  userOpHash: Hex;
  /** The signed op. */
  userOperation: UserOperation<'0.8'>;
  /** A block at or before the one the op can land in: where to start looking for it on chain. */
  fromBlock: bigint;
};

/**
 * How an op is delivered to the bundler and followed until it lands. Every field has a default
 * ({@link defaultDeliveryOptions}); pass only what you change.
 *
 * - Before anything is sent, failed reads are retried with backoff ({@link RetryPolicy}); when they keep failing, a
 *   {@link RequestRetriesExhaustedError} names the request and says nothing was sent.
 * - Once sent, the op is followed by its hash, at the bundler (its status each poll, its receipt once bundled) and,
 *   when the bundler cannot answer, on chain. Every `dropCheckIntervalMs` its nonce is read: used by the op itself,
 *   the receipt is returned; used by another op, a {@link NonceConflictError} (the op can never land). Otherwise, when the bundler no longer holds the op (it
 *   restarted, evicted it, or threw it out), the same signed op is sent again: same nonce, so it lands at most once;
 *   a bundler that cannot say what it holds (no `pimlico_getUserOperationStatus`) gets the op again only after it
 *   was unreachable.
 * - An op that neither lands nor fails within `receiptTimeoutMs` throws {@link UserOperationMayNotHaveBeenSentError},
 *   which carries the signed op for {@link resumeUserOperation}; while the bundler says it holds the op, the wait goes
 *   on up to `heldTimeoutMs`: an op given up on while pending can still land, and the account's next op on its nonce
 *   lane would collide with it (a busy bundler keeps some ops for minutes: Alto 0.0.20 bundles the lowest fees first).
 *
 * @example
 * ```ts
 * await sessionClient.executeWithSessionKey({
 *   calls,
 *   delivery: { receiptTimeoutMs: 300_000, onRetry: (e) => log.warn(e), onSent: ({ userOpHash }) => log.info(userOpHash) },
 * })
 * ```
 */
export type DeliveryOptions = {
  /** Retries of reads before the op is sent (and of the nonce and status reads while it is pending). Default 6 tries, 250 ms doubling to 4 s (about 8 s of waiting). */
  retry: RetryPolicy;
  /** Longest wait for the op to land once sent while the bundler does not vouch for it, in ms. Default 120,000. */
  receiptTimeoutMs: number;
  /** Longest wait for an op the bundler says it still holds (or has bundled), in ms. Default 600,000. */
  heldTimeoutMs: number;
  /** How often a pending op's nonce and place in the bundler are checked (and the op re-sent if it was dropped), in ms. Default 5,000. */
  dropCheckIntervalMs: number;
  /** Most re-sends of one op the bundler dropped. Default 5. */
  maxResends: number;
  /**
   * Most new tries, each with a fresh nonce after a backoff, when another op (another process's, with this account)
   * took the nonce first, or the bundler already holds as many ops of the account as it allows. Default 5.
   */
  conflictRetries: number;
  /** Most new tries, with freshly estimated fees, when the bundler refuses the fees the SDK estimated as too low. Fees the caller set are never raised. Default 1. */
  feeRetries: number;
  /** Called before each retry. */
  onRetry?: ((event: DeliveryRetryEvent) => void) | undefined;
  /** Called when the op was handed to the bundler (or may have been: the bundler could not answer). Persist it to find the op after a crash. */
  onSent?: ((sent: SentUserOperation) => void) | undefined;
};

/**
 * The defaults of {@link DeliveryOptions}.
 *
 * @example
 * ```ts
 * const delivery = { ...defaultDeliveryOptions, receiptTimeoutMs: 300_000 }
 * ```
 */
export const defaultDeliveryOptions: Readonly<DeliveryOptions> = Object.freeze({
  retry: Object.freeze({ attempts: 6, initialDelayMs: 250, maxDelayMs: 4_000 }),
  receiptTimeoutMs: 120_000,
  heldTimeoutMs: 600_000,
  dropCheckIntervalMs: 5_000,
  maxResends: 5,
  conflictRetries: 5,
  feeRetries: 1,
});

/**
 * Fills in the defaults and checks the numbers.
 *
 * @example
 * ```ts
 * const delivery = resolveDeliveryOptions({ receiptTimeoutMs: 60_000 }) // every other field from defaultDeliveryOptions
 * ```
 */
export function resolveDeliveryOptions(options: Partial<DeliveryOptions> | undefined): DeliveryOptions {
  const resolved: DeliveryOptions = {
    ...defaultDeliveryOptions,
    ...options,
    retry: { ...defaultDeliveryOptions.retry, ...options?.retry },
  };
  const wholeNumbers: [string, number, number][] = [
    ['retry.attempts', resolved.retry.attempts, 1],
    ['maxResends', resolved.maxResends, 0],
    ['conflictRetries', resolved.conflictRetries, 0],
    ['feeRetries', resolved.feeRetries, 0],
  ];
  for (const [name, value, least] of wholeNumbers)
    if (!Number.isInteger(value) || value < least) throw new LeashError(`delivery.${name} must be a whole number of at least ${least}, not ${value}.`);
  const durations: [string, number][] = [
    ['retry.initialDelayMs', resolved.retry.initialDelayMs],
    ['retry.maxDelayMs', resolved.retry.maxDelayMs],
    ['receiptTimeoutMs', resolved.receiptTimeoutMs],
    ['heldTimeoutMs', resolved.heldTimeoutMs],
    ['dropCheckIntervalMs', resolved.dropCheckIntervalMs],
  ];
  for (const [name, value] of durations)
    if (!Number.isFinite(value) || value < 0) throw new LeashError(`delivery.${name} must be a number of milliseconds, at least 0, not ${value}.`);
  return resolved;
}
