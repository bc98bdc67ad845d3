import type { Chain, Client, Hex } from 'viem';
import {
  type UserOperation,
  type UserOperationReceipt,
  entryPoint08Abi,
  formatUserOperationReceipt,
  formatUserOperationRequest,
  getUserOperationHash,
} from 'viem/account-abstraction';
import { readContract } from 'viem/actions';
import { type LeashEntryPoint, entryPoints } from '../constants.js';
import { toSessionKeyError } from '../errors/decodeSessionKeyModuleError.js';
import { classifyBundlerRefusal } from './bundlerRefusal.js';
import {
  NonceConflictError,
  TooManyPendingOperationsError,
  UserOperationFeeTooLowError,
  UserOperationMayNotHaveBeenSentError,
} from './errors.js';
import type { DeliveryOptions } from './options.js';
import { checkUserOperationInclusion } from './inclusion.js';
import { findUserOperationReceiptOnChain } from './receiptOnChain.js';
import { isTransientError, sleep } from './retry.js';

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
// The sequence within a nonce key: the nonce's low 64 bits.
const sequenceMask = 0xffffffffffffffffn;

/**
 * What delivery needs of a client: JSON-RPC to the bundler (`request`), the chain's public client, and the polling
 * interval. A Leash account client is one.
 *
 * @example
 * ```ts
 * const client: DeliveryClient = sessionClient
 * ```
 */
export type DeliveryClient = {
  request(args: { method: string; params?: unknown }, options?: { retryCount?: number | undefined }): Promise<unknown>;
  client: Client;
  chain: Chain | undefined;
  pollingInterval: number;
  /** The EntryPoint the account's ops go to. Default: v0.8. */
  entryPoint?: LeashEntryPoint | undefined;
};

type SendOutcome = 'accepted' | 'already-known' | 'unreachable';

const entryPointOf = (client: DeliveryClient): LeashEntryPoint => client.entryPoint ?? entryPoints['0.8'];

const request = (client: DeliveryClient, method: string, params: unknown[]) =>
  // No transport-level retries: a send the transport repeats could be a second copy, and a poll that fails should
  // fall back to the chain at once rather than after the transport's own backoff.
  client.request({ method, params }, { retryCount: 0 });

/** Hands the op to the bundler once. Throws its refusal, typed; a transport failure means it may or may not be there. */
async function sendOnce(client: DeliveryClient, userOperation: UserOperation<'0.8'>): Promise<SendOutcome> {
  try {
    await request(client, 'eth_sendUserOperation', [formatUserOperationRequest(userOperation), entryPointOf(client).address]);
    return 'accepted';
  } catch (error) {
    if (isTransientError(error)) return 'unreachable';
    const refusal = classifyBundlerRefusal(error);
    if (refusal?.kind === 'already-known') return 'already-known';
    if (refusal?.kind === 'fee-too-low') throw new UserOperationFeeTooLowError({ ...refusal, cause: error as Error });
    if (refusal?.kind === 'nonce-conflict')
      throw new NonceConflictError({ sender: userOperation.sender, nonce: userOperation.nonce, cause: error as Error });
    if (refusal?.kind === 'sender-busy') throw new TooManyPendingOperationsError({ sender: userOperation.sender, cause: error as Error });
    throw toSessionKeyError(error);
  }
}

/**
 * What the bundler says of the op (Pimlico's and Alto's `pimlico_getUserOperationStatus`, an in-memory lookup): it
 * holds it, has put it in a bundle transaction (`bundled`: submitted or included), no longer has it (`gone`: never
 * had it, dropped it, threw it out, or its bundle failed), cannot say (`unknown`: the method is not served), or cannot
 * be reached.
 */
type BundlerView = 'holding' | 'bundled' | 'gone' | 'unknown' | 'unreachable';

async function bundlerStatus(client: DeliveryClient, userOpHash: Hex): Promise<BundlerView> {
  try {
    const answer = (await request(client, 'pimlico_getUserOperationStatus', [userOpHash])) as { status?: string } | null;
    const status = answer?.status;
    if (status === undefined) return 'unknown';
    if (status === 'submitted' || status === 'included') return 'bundled';
    return ['not_found', 'rejected', 'failed'].includes(status) ? 'gone' : 'holding';
  } catch (error) {
    return isTransientError(error) ? 'unreachable' : 'unknown';
  }
}

/** The bundler's receipt, `null` while it has none; throws when the bundler cannot be reached. */
async function bundlerReceipt(client: DeliveryClient, userOpHash: Hex): Promise<UserOperationReceipt<'0.8'> | null> {
  const raw = await request(client, 'eth_getUserOperationReceipt', [userOpHash]);
  return raw ? (formatUserOperationReceipt(raw as never) as UserOperationReceipt<'0.8'>) : null;
}

/**
 * Sends a signed op to the bundler and follows it by its hash until it lands (see {@link DeliveryOptions}):
 * - the bundler's status, then its receipt once the op is in a bundle (or at every poll, for a bundler without a
 *   status method), or the chain's (the EntryPoint's event) while the bundler cannot be reached;
 * - every `dropCheckIntervalMs`, the op's nonce: used by this op, its receipt; by another op, {@link NonceConflictError};
 *   unused while the bundler no longer holds the op, the same signed op is sent again (it can land at most once);
 *   while the bundler holds it, whether the EntryPoint would still include it ({@link checkUserOperationInclusion}):
 *   refused at two checks in a row, {@link UserOperationMayNotHaveBeenSentError} (`cannot-be-included`, the refusal as
 *   its cause) rather than a wait the bundler would never end; behind a nonce gap (the lane's next nonce below the
 *   op's) it is not re-sent, and a gap that no op fills within `receiptTimeoutMs` ends the same way;
 * - a refusal is thrown typed: the module's rule ({@link toSessionKeyError}), {@link UserOperationFeeTooLowError},
 *   {@link NonceConflictError}; no outcome in `receiptTimeoutMs` (`heldTimeoutMs` while the bundler says it holds the
 *   op), {@link UserOperationMayNotHaveBeenSentError}.
 * Returns the receipt whether or not the op's calls succeeded.
 *
 * @example
 * ```ts
 * const receipt = await deliverUserOperation(sessionClient, { userOperation: signedOp, fromBlock, delivery: resolveDeliveryOptions({}) })
 * ```
 */
export async function deliverUserOperation(
  client: DeliveryClient,
  parameters: { userOperation: UserOperation<'0.8'>; fromBlock: bigint; delivery: DeliveryOptions },
): Promise<UserOperationReceipt<'0.8'>> {
  const { userOperation, fromBlock, delivery } = parameters;
  const entryPoint = entryPointOf(client);
  const userOpHash = getUserOperationHash({
    chainId: client.chain!.id,
    entryPointAddress: entryPoint.address,
    entryPointVersion: entryPoint.version,
    userOperation: userOperation as never,
  });
  const started = Date.now();
  const onChain = () =>
    findUserOperationReceiptOnChain(client.client, { userOpHashes: [userOpHash], fromBlock, entryPoint: entryPoint.address, sender: userOperation.sender, nonce: userOperation.nonce });
  const conflict = (cause?: Error) => new NonceConflictError({ sender: userOperation.sender, nonce: userOperation.nonce, userOpHash, cause });
  // Reads while the op is pending: a transient failure only skips this round.
  const tryRead = async <T>(read: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await read();
    } catch (error) {
      if (isTransientError(error)) return undefined;
      throw error;
    }
  };

  const cannotBeIncluded = (explanation: string, cause?: Error) =>
    new UserOperationMayNotHaveBeenSentError({ reason: 'cannot-be-included', explanation, userOpHash, userOperation, fromBlock, waitedMs: Date.now() - started, cause });
  const behindGap = ({ nonce, since }: { nonce: bigint; since: number }) =>
    cannotBeIncluded(
      `Its nonce ${userOperation.nonce & sequenceMask} on its lane sits behind a gap: the lane's next nonce is ${nonce & sequenceMask}, and no op used it in ${seconds(Date.now() - since)}.`,
    );
  const laneNonce = () =>
    readContract(client.client, {
      address: entryPoint.address,
      abi: entryPoint08Abi,
      functionName: 'getNonce',
      args: [userOperation.sender, userOperation.nonce >> 64n],
    });

  let outcome: SendOutcome;
  try {
    outcome = await sendOnce(client, userOperation);
  } catch (error) {
    if (!(error instanceof NonceConflictError)) throw error;
    // A re-sent op (resumeUserOperation) whose nonce is used may be the one that used it.
    const found = await tryRead(onChain);
    if (found) return found;
    // Or its nonce is ahead of the lane's (a bundler refuses that too unless it holds the ops before it).
    const nonce = found === null ? await tryRead(laneNonce) : undefined;
    if (nonce !== undefined && nonce < userOperation.nonce) throw behindGap({ nonce, since: started });
    if (found === null) throw conflict(error);
    throw new UserOperationMayNotHaveBeenSentError({ reason: 'node-unreachable', userOpHash, userOperation, fromBlock, waitedMs: Date.now() - started, cause: error });
  }
  delivery.onSent?.({ userOpHash, userOperation, fromBlock });

  // A nonce gap in view since (the lane's next nonce then), and the EntryPoint's refusal at the last check.
  let gap: { nonce: bigint; since: number } | undefined;
  let unincludable: { includable: false } | undefined;
  let bundlerReachable = outcome !== 'unreachable';
  // Whether the bundler was out of reach since the op was last handed to it: it may have restarted and lost it.
  let outageSinceSent = !bundlerReachable;
  let statusServed = true;
  let resends = 0;
  let nextCheck = started + (bundlerReachable ? delivery.dropCheckIntervalMs : 0);
  for (;;) {
    // The status first: a bundler that serves it is asked for the receipt (a log search on its node) only once the
    // op is in a bundle, which keeps each pending op to one cheap request per poll.
    const view = statusServed ? await bundlerStatus(client, userOpHash) : 'unknown';
    if (view === 'unknown') statusServed = false;
    let receipt: UserOperationReceipt<'0.8'> | null | undefined;
    if (view === 'bundled' || view === 'unknown') {
      try {
        receipt = await bundlerReceipt(client, userOpHash);
      } catch (error) {
        if (!isTransientError(error)) throw error;
        receipt = await tryRead(onChain);
      }
    } else if (view === 'unreachable') receipt = await tryRead(onChain);
    bundlerReachable = view !== 'unreachable';
    if (!bundlerReachable) outageSinceSent = true;
    if (receipt) return receipt;

    if (Date.now() >= nextCheck) {
      nextCheck = Date.now() + delivery.dropCheckIntervalMs;
      const nonce = await tryRead(laneNonce);
      if (nonce !== undefined && nonce > userOperation.nonce) {
        // The nonce is used: by this op (its event is in the same block as the nonce's increment), or by another.
        const found = await tryRead(onChain);
        if (found) return found;
        if (found === null) throw conflict();
      } else if (nonce !== undefined && nonce < userOperation.nonce && view !== 'bundled') {
        // A gap: the lane's next nonce is below the op's. The op waits for another op to use the missing nonces (a
        // bundler accepts it as "queued" without validating it); re-sending it changes nothing.
        unincludable = undefined;
        if (gap?.nonce !== nonce) gap = { nonce, since: Date.now() };
        else if (Date.now() - gap.since >= delivery.receiptTimeoutMs) throw behindGap(gap);
      } else if (nonce !== undefined && view === 'holding') {
        gap = undefined;
        // Held but not bundled: a bundler may keep an op that no longer validates (Alto 0.0.20 re-validates it before
        // every bundle and puts it back), so ask the EntryPoint whether it would include it now.
        // A check that fails (the node down, a revert it cannot read) gives no verdict: the op is followed as before.
        const check = await checkUserOperationInclusion(client.client, { userOperation, entryPoint: entryPoint.address }).catch(() => undefined);
        if (check?.includable === false) {
          if (unincludable) throw cannotBeIncluded(`The EntryPoint refuses it: ${check.reason}.`, check.refusal);
          unincludable = check;
        } else if (check) unincludable = undefined;
      } else if (nonce !== undefined && (view === 'gone' || (view === 'unknown' && outageSinceSent))) {
        gap = undefined;
        unincludable = undefined;
        if (resends >= delivery.maxResends)
          throw new UserOperationMayNotHaveBeenSentError({ reason: 'dropped', userOpHash, userOperation, fromBlock, waitedMs: Date.now() - started });
        try {
          const again = await sendOnce(client, userOperation);
          if (again !== 'unreachable') outageSinceSent = false;
          if (again === 'accepted') {
            resends++;
            delivery.onRetry?.({ step: 'following the op', reason: `the bundler no longer held ${userOpHash}: sent it again`, attempt: resends, delayMs: 0 });
          }
        } catch (error) {
          // A used nonce shows at the next check (this op's receipt, or a conflict), a full mempool clears; any
          // other refusal is final.
          if (!(error instanceof NonceConflictError || error instanceof TooManyPendingOperationsError)) throw error;
        }
      }
    }

    const held = view === 'holding' || view === 'bundled';
    if (Date.now() - started >= (held ? Math.max(delivery.heldTimeoutMs, delivery.receiptTimeoutMs) : delivery.receiptTimeoutMs)) {
      const found = await tryRead(onChain);
      if (found) return found;
      if (gap) throw behindGap(gap);
      throw new UserOperationMayNotHaveBeenSentError({
        reason: held ? 'held-too-long' : bundlerReachable ? 'receipt-timeout' : 'bundler-unreachable',
        userOpHash,
        userOperation,
        fromBlock,
        waitedMs: Date.now() - started,
      });
    }
    await sleep(client.pollingInterval);
  }
}
