import { type Address, type Hex, isAddressEqual } from 'viem';
import { getChainId } from 'viem/actions';
import { type SessionKeyClient, capabilityOf, chainClientOf } from '../account/capability.js';
import type { Call } from '../account/execution.js';
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
import { type UserOperationResult, sendCallsAndWait } from './internal/sendCalls.js';
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
  /** A nonce lane to use; by default the lowest lane this key has no op pending on (0 when idle). */
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

const sleep = (seconds: number) => new Promise((resolve) => setTimeout(resolve, seconds * 1000));

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
 * - Concurrent calls from one process get separate nonce lanes, so several ops of one key can be pending at once; at
 *   most four per account (the ERC-7562 limit bundlers apply), the rest wait their turn.
 * - Each refreshing limit the op spends from limits its validity to the current period; near a period's end the op
 *   waits for the next period (bundlers refuse ops that are about to expire).
 * - A refused op throws a typed error naming the rule and its numbers (e.g. {@link Erc20SpendLimitExceededError}).
 * - With `grant`, the key's first op on this chain carries the grant (also while estimating gas): the module checks
 *   the owner's signature, registers the key and charges its budgets; the op states a time a few seconds back, which
 *   starts the key's periods, and must land within an hour of it. A refused grant throws its reason
 *   ({@link InvalidGrantSignatureError}, {@link GrantAlreadyUsedError}, {@link GrantRevokedError}, …).
 *
 * @example
 * ```ts
 * const sessionClient = (await createLeashAccountClient({ chain, transport, bundlerTransport, signer, accountAddress }))
 *   .extend(sessionKeyActions())
 * const { receipt } = await sessionClient.executeWithSessionKey({
 *   calls: [{ to: usdc, data: encodeFunctionData({ abi: erc20Abi, functionName: 'transfer', args: [to, 10_000_000n] }) }],
 * })
 * // A key granted by the owner's signature: its first op enables it.
 * await sessionClient.executeWithSessionKey({ grant: parseSessionKeyGrant(json), calls })
 * ```
 */
export async function executeWithSessionKey(
  client: SessionKeyClient,
  parameters: ExecuteWithSessionKeyParameters,
): Promise<ExecuteWithSessionKeyReturnType> {
  const { calls, paymaster, maxWaitSeconds = 120, onWait } = parameters;
  if (calls.length === 0) throw new LeashError('No calls to execute.');
  const sessionKey = await sessionKeySignerOf(client).getAddress();
  const account = client.account!.address;
  if (!parameters.grant) return sendSessionOp(client, parameters, { sessionKey });

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
  const lensState = await readSessionKeyFromLens(client, { account, key: sessionKey });
  if (lensState) return sendSessionOp(client, parameters, { sessionKey, lensState });

  const plan = planGrantOpTiming({
    permissions: grant.chains[chainIndex]!.permissions,
    grantValidUntil: grant.validUntil,
    calls,
    paymasterPays: paymaster !== undefined,
    now: nowInSeconds(),
    maxWaitSeconds,
  });
  const sending = (async () => {
    if (plan.waitSeconds > 0) {
      onWait?.(plan.waitSeconds);
      await sleep(plan.waitSeconds);
    }
    return withLaneAndSlot(client, sessionKey, parameters.lane, (nonce) =>
      withGrantOp(account, nonce, { grant, chainId, statedTime: plan.statedTime }, () =>
        sendCallsAndWait(client, calls, { nonce, paymaster, verificationGasMarginPercent: grantVerificationGasMarginPercent }),
      ),
    );
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
// estimate (about 341,000 for the full permission set) its safe-mode tracer reports the account running out of gas
// (OP-020); 25% more still did, 32% did not: 40% leaves room. The key's gas budget counts the first op at this limit.
const grantVerificationGasMarginPercent = 40n;

// An ordinary session op: planned from the key's state (read through the lens unless given).
async function sendSessionOp(
  client: SessionKeyClient,
  parameters: ExecuteWithSessionKeyParameters,
  context: { sessionKey: Address; lensState?: LensSessionKeyState | undefined },
): Promise<ExecuteWithSessionKeyReturnType> {
  const { calls, paymaster, maxWaitSeconds = 120, onWait } = parameters;
  const now = nowInSeconds();
  const plan = await planSessionOpTiming(client, {
    sessionKey: context.sessionKey,
    calls,
    paymasterPays: paymaster !== undefined,
    now,
    maxWaitSeconds,
    lensState: context.lensState,
  });
  await waitForSendTime(plan, { now, onWait });
  const result = await withLaneAndSlot(client, context.sessionKey, parameters.lane, (nonce) =>
    sendCallsAndWait(client, calls, { nonce, paymaster }).catch((error: unknown) => explainRefusal(client, parameters, error)),
  );
  return { ...result, enabledByGrant: false };
}

// Bundlers hold at most 4 pending ops per account: further ops wait here for a slot instead of being refused.
async function withLaneAndSlot(
  client: SessionKeyClient,
  sessionKey: Address,
  requestedLane: bigint | undefined,
  send: (nonce: bigint) => Promise<UserOperationResult>,
): Promise<UserOperationResult & { lane: bigint }> {
  const releaseSlot = await acquireSenderSlot(client.account!.address);
  try {
    const { lane, release } = acquireNonceLane(client.account!.address, sessionKey, requestedLane, capabilityOf(client).maxNonceLane);
    try {
      const nonce = await client.account!.getNonce({ key: lane });
      return { ...(await send(nonce)), lane };
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
