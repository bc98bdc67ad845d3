import type { Address, Hex } from 'viem';
import { getBlockNumber } from 'viem/actions';
import type { UserOperation, UserOperationReceipt } from 'viem/account-abstraction';
import type { Call } from '../../account/execution.js';
import { type SessionKeyClient, capabilityOf, chainClientOf } from '../../account/capability.js';
import { decodeSessionKeyModuleError, toSessionKeyError } from '../../errors/decodeSessionKeyModuleError.js';
import { classifyBundlerRefusal } from '../../delivery/bundlerRefusal.js';
import { type DeliveryClient, deliverUserOperation } from '../../delivery/deliverUserOperation.js';
import { NonceConflictError, TooManyPendingOperationsError, UserOperationFeeTooLowError } from '../../delivery/errors.js';
import type { DeliveryOptions, OfferedFees } from '../../delivery/options.js';
import { backoffDelay, firstLine, sleep, withRetries } from '../../delivery/retry.js';
import { type UserOperationResult, UserOperationRevertedError, revertDataOf } from './sendCalls.js';

/** What delivery uses of a session key client: its bundler RPC, chain, polling interval and the chain's public client. */
export function deliveryClientOf(client: SessionKeyClient): DeliveryClient {
  return {
    request: client.request as DeliveryClient['request'],
    client: chainClientOf(client),
    chain: client.chain,
    pollingInterval: client.pollingInterval,
    entryPoint: capabilityOf(client).entryPoint,
  };
}

/** A delivered op's result, or the typed error of its reverted calls. */
export function resultOf(receipt: UserOperationReceipt<'0.8'>): UserOperationResult {
  if (receipt.success) return { userOpHash: receipt.userOpHash, receipt };
  const revertData = revertDataOf(receipt);
  const decoded = revertData ? decodeSessionKeyModuleError(revertData) : undefined;
  throw decoded ?? new UserOperationRevertedError({ userOpHash: receipt.userOpHash, revertData });
}

// Alto's safe-mode tracer refused, at Alto's own estimate, ops whose calls are checked against a call policy (5 or
// more calls to a function with one: "account internally reverts on oog"); 10% more verification gas let a batch of
// 10 through (measured in the call-policy e2e test). Costs nothing unless used, beyond a gas-limited key's budget
// counting the op at its maximum cost.
const sessionVerificationGasMarginPercent = 10n;

/** Builds, estimates and signs the op on `lane` with its current nonce; notes the block to look for it from. */
async function prepareSigned(
  client: SessionKeyClient,
  parameters: { calls: readonly Call[]; lane: bigint; paymaster?: { address: Address; data?: Hex | undefined } | undefined; fees?: OfferedFees | undefined },
): Promise<{ userOperation: UserOperation<'0.8'>; fromBlock: bigint }> {
  const { calls, lane, paymaster, fees } = parameters;
  const account = client.account!;
  const fromBlock = await getBlockNumber(chainClientOf(client), { cacheTime: 0 });
  const nonce = await account.getNonce({ key: lane });
  let userOperation: UserOperation<'0.8'>;
  try {
    userOperation = (await client.prepareUserOperation({
      calls: calls.map((c) => ({ to: c.to, value: c.value ?? 0n, data: c.data ?? '0x' })),
      nonce,
      ...(paymaster ? { paymaster: paymaster.address, paymasterData: paymaster.data ?? '0x' } : {}),
      ...(fees ?? {}),
    } as never)) as unknown as UserOperation<'0.8'>;
  } catch (error) {
    // Another op took the nonce between the read and the estimate.
    if (classifyBundlerRefusal(error)?.kind === 'nonce-conflict')
      throw new NonceConflictError({ sender: account.address, nonce, cause: error as Error });
    throw toSessionKeyError(error);
  }
  userOperation.verificationGasLimit += (userOperation.verificationGasLimit * sessionVerificationGasMarginPercent) / 100n;
  userOperation.signature = await account.signUserOperation(userOperation as never);
  return { userOperation, fromBlock };
}

/**
 * Sends a session op of `calls` on nonce lane `lane` and waits for it, with the recoveries of {@link DeliveryOptions}:
 * reads retried with backoff before anything is sent, the op followed by its hash and re-sent when dropped, a fresh
 * nonce when another op took the nonce, fresh fees once when the bundler refuses the estimated ones.
 */
export async function sendSessionOperation(
  client: SessionKeyClient,
  parameters: {
    calls: readonly Call[];
    lane: bigint;
    paymaster?: { address: Address; data?: Hex | undefined } | undefined;
    fees?: OfferedFees | undefined;
    delivery: DeliveryOptions;
  },
): Promise<UserOperationResult> {
  const { delivery, fees } = parameters;
  let conflicts = 0;
  let feeRetries = 0;
  for (;;) {
    try {
      const prepared = await withRetries(() => prepareSigned(client, parameters), delivery.retry, { step: 'preparing the op', onRetry: delivery.onRetry });
      return resultOf(await deliverUserOperation(deliveryClientOf(client), { ...prepared, delivery }));
    } catch (error) {
      const conflict = error instanceof NonceConflictError || error instanceof TooManyPendingOperationsError;
      if (conflict && conflicts < delivery.conflictRetries) {
        conflicts++;
        const delayMs = backoffDelay(delivery.retry, conflicts);
        const step = error instanceof NonceConflictError ? 'another op used the nonce' : 'the bundler holds enough ops of the account';
        delivery.onRetry?.({ step, reason: firstLine(error), attempt: conflicts, delayMs });
        await sleep(delayMs);
        continue;
      }
      if (error instanceof UserOperationFeeTooLowError && !fees && feeRetries < delivery.feeRetries) {
        feeRetries++;
        delivery.onRetry?.({ step: 'the bundler refused the estimated fees', reason: firstLine(error), attempt: feeRetries, delayMs: 0 });
        continue;
      }
      throw error;
    }
  }
}
