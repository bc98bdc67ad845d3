import { type Address, type Hex, isAddressEqual } from 'viem';
import { getChainId } from 'viem/actions';
import { type SessionKeyClient, capabilityOf, chainClientOf } from '../account/capability.js';
import type { Call } from '../account/execution.js';
import { type DeliveryOptions, type OfferedFees, resolveDeliveryOptions } from '../delivery/options.js';
import { withRetries } from '../delivery/retry.js';
import {
  NonceConflictError,
  RequestRetriesExhaustedError,
  TooManyPendingOperationsError,
  UserOperationFeeTooLowError,
  UserOperationMayNotHaveBeenSentError,
} from '../delivery/errors.js';
import { LeashError } from '../errors/LeashError.js';
import type { SessionKeySignerLike } from '../keys/keyType.js';
import { acquireNonceLane } from '../session/lanes.js';
import { acquireSenderSlot } from '../session/senderSlots.js';
import { planSessionOpTiming, waitForSendTime } from '../session/planTiming.js';
import { planGrantOpTiming } from '../session/planGrantTiming.js';
import { withGrantOp } from '../session/grantOps.js';
import { grantChainIndex } from '../grants/encode.js';
import { InvalidSessionKeyGrantError } from '../grants/errors.js';
import { type SessionKeyGrant, assertSessionKeyGrant } from '../grants/serialize.js';
import { readSessionKeyFromLens } from '../lens/readLens.js';
import type { LensSessionKeyState } from '../lens/types.js';
import { nowInSeconds } from '../session/toSessionKeyValidator.js';
import { type UserOperationResult, sendAndWait } from './internal/sendCalls.js';
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
  /**
   * A grant of this key ({@link signSessionKeyGrant}): while the key is not registered on this chain, the op carries
   * it and enables the key; once the key exists, ops are ordinary and the grant is not sent again.
   */
  grant?: SessionKeyGrant | undefined;
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
export type ExecuteWithSessionKeyReturnType = UserOperationResult & {
  lane: bigint;
  /** Whether this op carried the key's grant (and so registered the key). */
  enabledByGrant: boolean;
};

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
 * - With `grant`, the key's first op on this chain carries the grant (also while estimating gas): the module checks
 *   the owner's signature, registers the key and charges its budgets; the op states a time a few seconds back, which
 *   starts the key's periods, and must land within an hour of it. A refused grant throws its reason
 *   ({@link InvalidGrantSignatureError}, {@link GrantAlreadyUsedError}, {@link GrantRevokedError}, …). That first op is
 *   sent once (no re-send or resume): if its fate is unknown, call again; a key already registered sends ordinary ops.
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
  const { calls, paymaster, maxWaitSeconds = 120, onWait } = parameters;
  if (calls.length === 0) throw new LeashError('No calls to execute.');
  const delivery = resolveDeliveryOptions(parameters.delivery);
  const sessionKey = await sessionKeySignerOf(client).getAddress();
  const account = client.account!.address;
  if (!parameters.grant) return sendSessionOp(client, parameters, { sessionKey, delivery });

  const grant = assertSessionKeyGrant(parameters.grant);
  if (!isAddressEqual(grant.sessionKey, sessionKey))
    throw new InvalidSessionKeyGrantError('sessionKey', `is ${grant.sessionKey}: this client signs with ${sessionKey}.`);
  if (!isAddressEqual(grant.account, account)) throw new InvalidSessionKeyGrantError('account', `is ${grant.account}: this client's account is ${account}.`);
  if (!isAddressEqual(grant.sessionKeyModule, capabilityOf(client).sessionKeyModule))
    throw new InvalidSessionKeyGrantError('sessionKeyModule', `is ${grant.sessionKeyModule}, not this account's session key module.`);
  const chainId = client.chain?.id ?? (await getChainId(chainClientOf(client)));
  const chainIndex = grantChainIndex(grant, chainId);

  // One op at a time carries a key's grant: concurrent calls wait for it, then find the key registered.
  const flightKey = `${chainId}:${account.toLowerCase()}:${sessionKey.toLowerCase()}`;
  for (let inFlight = grantsInFlight.get(flightKey); inFlight; inFlight = grantsInFlight.get(flightKey)) await inFlight.catch(() => {});
  const lensState = await withRetries(() => readSessionKeyFromLens(client, { account, key: sessionKey }), delivery.retry, {
    step: 'reading whether the key is registered',
    onRetry: delivery.onRetry,
  });
  if (lensState) return sendSessionOp(client, parameters, { sessionKey, delivery, lensState });

  const now = nowInSeconds();
  const plan = planGrantOpTiming({
    permissions: grant.chains[chainIndex]!.permissions,
    grantValidUntil: grant.validUntil,
    calls,
    paymasterPays: paymaster !== undefined,
    now,
    maxWaitSeconds,
  });
  const sending = (async () => {
    if (plan.waitSeconds > 0) {
      onWait?.(plan.waitSeconds);
      await new Promise<void>((resolve) => setTimeout(resolve, plan.waitSeconds * 1000));
    }
    return withLaneAndSlot(client, parameters.lane, async (lane) => {
      const nonce = await client.account!.getNonce({ key: lane });
      return withGrantOp(account, nonce, { grant, chainId, statedTime: plan.statedTime }, () =>
        sendAndWait(client, calls, { nonce, paymaster, verificationGasMarginPercent: grantVerificationGasMarginPercent }),
      );
    });
  })();
  grantsInFlight.set(flightKey, sending);
  try {
    const result = await sending;
    return { ...result, enabledByGrant: true };
  } finally {
    grantsInFlight.delete(flightKey);
  }
}

const grantsInFlight = new Map<string, Promise<unknown>>();

// A grant's owner signature is checked through the account's ERC-1271 several calls deep in validation. With Alto's
// estimate (about 341,000 for the full permission set) its safe-mode tracer reported the account running out of gas
// (OP-020); 25% more still did, 32% did not: 40% leaves room. The key's gas budget counts the first op at this limit.
const grantVerificationGasMarginPercent = 40n;

// An ordinary session op: planned from the key's state (read through the lens unless given), delivered with retries.
async function sendSessionOp(
  client: SessionKeyClient,
  parameters: ExecuteWithSessionKeyParameters,
  context: { sessionKey: Address; delivery: DeliveryOptions; lensState?: LensSessionKeyState | undefined },
): Promise<ExecuteWithSessionKeyReturnType> {
  const { calls, paymaster, fees, maxWaitSeconds = 120, onWait } = parameters;
  const { delivery } = context;
  const now = nowInSeconds();
  const plan = await withRetries(
    () =>
      planSessionOpTiming(client, {
        sessionKey: context.sessionKey,
        calls,
        paymasterPays: paymaster !== undefined,
        now,
        maxWaitSeconds,
        lensState: context.lensState,
      }),
    delivery.retry,
    { step: "reading the key's limits", onRetry: delivery.onRetry },
  );
  await waitForSendTime(plan, { now, onWait });
  const result = await withLaneAndSlot(client, parameters.lane, (lane) =>
    sendSessionOperation(client, { calls, lane, paymaster, fees, delivery }).catch((error: unknown) =>
      explainRefusal(client, parameters, error),
    ),
  );
  return { ...result, enabledByGrant: false };
}

// Bundlers hold at most 4 pending ops per account: further ops wait here for a slot instead of being refused. Lanes
// are per account and module (the nonce key is module ‖ lane), shared by the account's keys.
async function withLaneAndSlot(
  client: SessionKeyClient,
  requestedLane: bigint | undefined,
  send: (lane: bigint) => Promise<UserOperationResult>,
): Promise<UserOperationResult & { lane: bigint }> {
  const capability = capabilityOf(client);
  const account = client.account!.address;
  const releaseSlot = await acquireSenderSlot(account);
  try {
    const { lane, release } = acquireNonceLane(account, capability.sessionKeyModule, requestedLane, capability.maxNonceLane);
    try {
      return { ...(await send(lane)), lane };
    } finally {
      release();
    }
  } finally {
    releaseSlot();
  }
}

const isDeliveryError = (error: unknown): boolean =>
  error instanceof UserOperationMayNotHaveBeenSentError ||
  error instanceof RequestRetriesExhaustedError ||
  error instanceof NonceConflictError ||
  error instanceof TooManyPendingOperationsError ||
  error instanceof UserOperationFeeTooLowError;

// Some accounts do not pass a validator's revert on (Safe7579 turns it into ExecutionFailed()): when the bundler's
// refusal names no rule, the SDK asks the module itself, with the same op signed by the key, from the account.
async function explainRefusal(client: SessionKeyClient, parameters: ExecuteWithSessionKeyParameters, error: unknown): Promise<never> {
  // Typed refusals, and delivery's own outcomes (an op that may not have been sent must be resumed, not re-simulated).
  if (error instanceof SessionKeyViolationError || isDeliveryError(error)) throw error;
  const explained = await simulateSessionKeyValidation(client, parameters.calls).catch((simulated: unknown) => toSessionKeyError(simulated));
  if (explained instanceof SessionKeyViolationError) {
    if (explained.cause === undefined) Object.defineProperty(explained, 'cause', { value: error });
    throw explained;
  }
  throw error;
}
