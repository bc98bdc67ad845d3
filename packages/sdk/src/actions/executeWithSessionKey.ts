import type { Address, Hex } from 'viem';
import { type SessionKeyClient, capabilityOf } from '../account/capability.js';
import type { Call } from '../account/execution.js';
import { type DeliveryOptions, type OfferedFees, resolveDeliveryOptions } from '../delivery/options.js';
import { withRetries } from '../delivery/retry.js';
import { LeashError } from '../errors/LeashError.js';
import type { SessionKeySignerLike } from '../keys/keyType.js';
import { acquireNonceLane } from '../session/lanes.js';
import { acquireSenderSlot } from '../session/senderSlots.js';
import { planSessionOpTiming, waitForSendTime } from '../session/planTiming.js';
import { nowInSeconds } from '../session/toSessionKeyValidator.js';
import type { UserOperationResult } from './internal/sendCalls.js';
import { sendSessionOperation } from './internal/sendSessionOperation.js';
import { SessionKeyViolationError } from '../errors/sessionKeyErrors.js';
import { simulateSessionKeyValidation } from './internal/simulateSessionKeyValidation.js';
import { toSessionKeyError } from '../errors/decodeSessionKeyModuleError.js';

/**
 * Parameters of {@link executeWithSessionKey}.
 *
 * @example
 * ```ts
 * await sessionClient.executeWithSessionKey({
 *   calls: [{ to: usdc, data: transferData }],
 *   paymaster: { address: paymaster },
 *   maxWaitSeconds: 60,
 *   onWait: (seconds) => console.log(`waiting ${seconds} s for the next period`),
 * })
 * ```
 */
export type ExecuteWithSessionKeyParameters = {
  /** One call, or several executed as a batch in one op. */
  calls: readonly Call[];
  /** A nonce lane to use; by default the lowest lane of the account with no op of this process pending (0 when idle). */
  lane?: bigint | undefined;
  /** A paymaster that pays for the op (its address, and the data it expects). */
  paymaster?: { address: Address; data?: Hex | undefined } | undefined;
  /** Longest wait, in seconds, for a validity window the bundler accepts (near period boundaries). Default 120. */
  maxWaitSeconds?: number | undefined;
  /**
   * Called before a wait (for the window to open, or for the next period), with the number of seconds. Without it the
   * wait is reported through the SDK's logger (`setLeashLogger`).
   */
  onWait?: ((seconds: number) => void) | undefined;
  /** Fees to offer instead of the bundler's recommendation; never raised, even when the bundler refuses them. */
  fees?: OfferedFees | undefined;
  /** Retries, re-sends and timeouts of the op's delivery; each field defaults as {@link defaultDeliveryOptions} says. */
  delivery?: Partial<DeliveryOptions> | undefined;
};

/**
 * A session op's outcome: its hash, receipt and the nonce lane it used.
 *
 * @example
 * ```ts
 * const { userOpHash, receipt, lane } = await sessionClient.executeWithSessionKey({ calls })
 * console.log(userOpHash, receipt.receipt.transactionHash, lane)
 * ```
 */
export type ExecuteWithSessionKeyReturnType = UserOperationResult & { lane: bigint };

/** The session key that signs a session key client's ops, or a clear error. */
export function sessionKeySignerOf(client: SessionKeyClient): SessionKeySignerLike {
  const signer = capabilityOf(client).sessionKeySigner;
  if (!signer)
    throw new LeashError('This client does not sign with a session key.', {
      details: 'Create it with createLeashAccountClient({ signer, accountAddress, … }).',
    });
  return signer;
}

/**
 * Executes calls with the client's session key: signs a user op with it and sends it through the bundler, where the
 * session key module checks it against the key's permissions.
 *
 * - Concurrent calls from one process get separate nonce lanes (shared by the account's keys, as the nonce is), so
 *   several ops can be pending at once; at most four per account (the ERC-7562 limit bundlers apply), the rest wait
 *   their turn.
 * - Each refreshing limit the op spends from limits its validity to the current period; near a period's end the op
 *   waits for the next period (bundlers refuse ops that are about to expire).
 * - A refused op throws a typed error naming the rule and its numbers (e.g. {@link Erc20SpendLimitExceededError}).
 * - Faults are ridden out as {@link DeliveryOptions} says: reads retried with backoff (then
 *   {@link RequestRetriesExhaustedError}: nothing was sent), a dropped op re-sent as it was (it lands at most once),
 *   a fresh nonce when another process took this one ({@link NonceConflictError}), and an op whose fate stays unknown
 *   reported as {@link UserOperationMayNotHaveBeenSentError}, to resume rather than send again.
 *
 * @example
 * ```ts
 * const sessionClient = (await createLeashAccountClient({ chain, transport, bundlerTransport, signer, accountAddress }))
 *   .extend(sessionKeyActions())
 * const { receipt } = await sessionClient.executeWithSessionKey({
 *   calls: [{ to: usdc, data: encodeFunctionData({ abi: erc20Abi, functionName: 'transfer', args: [to, 10_000_000n] }) }],
 * })
 * ```
 */
export async function executeWithSessionKey(
  client: SessionKeyClient,
  parameters: ExecuteWithSessionKeyParameters,
): Promise<ExecuteWithSessionKeyReturnType> {
  const { calls, paymaster, fees, maxWaitSeconds = 120, onWait } = parameters;
  if (calls.length === 0) throw new LeashError('No calls to execute.');
  const delivery = resolveDeliveryOptions(parameters.delivery);
  const capability = capabilityOf(client);
  const sessionKey = await sessionKeySignerOf(client).getAddress();
  const account = client.account!.address;

  const now = nowInSeconds();
  const plan = await withRetries(
    () => planSessionOpTiming(client, { sessionKey, calls, paymasterPays: paymaster !== undefined, now, maxWaitSeconds }),
    delivery.retry,
    { step: "reading the key's limits", onRetry: delivery.onRetry },
  );
  await waitForSendTime(plan, { now, onWait });

  // Bundlers hold at most 4 pending ops per account: further ops wait here for a slot instead of being refused.
  const releaseSlot = await acquireSenderSlot(account);
  try {
    const { lane, release } = acquireNonceLane(account, capability.sessionKeyModule, parameters.lane, capability.maxNonceLane);
    try {
      const result = await sendSessionOperation(client, { calls, lane, paymaster, fees, delivery }).catch((error: unknown) =>
        explainRefusal(client, parameters, error),
      );
      return { ...result, lane };
    } finally {
      release();
    }
  } finally {
    releaseSlot();
  }
}

// Some accounts do not pass a validator's revert on (Safe7579 turns it into ExecutionFailed()): when the bundler's
// refusal names no rule, the SDK asks the module itself, with the same op signed by the key, from the account.
async function explainRefusal(client: SessionKeyClient, parameters: ExecuteWithSessionKeyParameters, error: unknown): Promise<never> {
  if (error instanceof SessionKeyViolationError) throw error;
  const explained = await simulateSessionKeyValidation(client, parameters.calls).catch((simulated: unknown) => toSessionKeyError(simulated));
  if (explained instanceof SessionKeyViolationError) {
    if (explained.cause === undefined) Object.defineProperty(explained, 'cause', { value: error });
    throw explained;
  }
  throw error;
}
