import type { UserOperation } from 'viem/account-abstraction';
import type { SessionKeyClient } from '../account/capability.js';
import { deliverUserOperation } from '../delivery/deliverUserOperation.js';
import { type DeliveryOptions, resolveDeliveryOptions } from '../delivery/options.js';
import { acquireSenderSlot } from '../session/senderSlots.js';
import type { UserOperationResult } from './internal/sendCalls.js';
import { deliveryClientOf, resultOf } from './internal/sendSessionOperation.js';

/**
 * Parameters of {@link resumeUserOperation}: the signed op and where to look for it on chain. A
 * {@link UserOperationMayNotHaveBeenSentError} has both, and so has what {@link DeliveryOptions.onSent} reports.
 *
 * @example
 * ```ts
 * const parameters: ResumeUserOperationParameters = { userOperation: error.userOperation, fromBlock: error.fromBlock }
 * ```
 */
export type ResumeUserOperationParameters = {
  userOperation: UserOperation<'0.8'>;
  /** A block at or before the one the op can land in. */
  fromBlock: bigint;
  /** As for executeWithSessionKey. */
  delivery?: Partial<DeliveryOptions> | undefined;
};

/**
 * Follows an op whose fate was unknown to its end, without ever paying twice: returns its receipt if it landed, or
 * sends the same signed op again and waits (same nonce: it lands at most once). Throws {@link NonceConflictError}
 * when another op used its nonce (it can never land: send the calls again), a typed refusal when the bundler refuses
 * it now, or {@link UserOperationMayNotHaveBeenSentError} again.
 *
 * @example
 * ```ts
 * try {
 *   await sessionClient.executeWithSessionKey({ calls })
 * } catch (error) {
 *   if (!(error instanceof UserOperationMayNotHaveBeenSentError)) throw error
 *   const { receipt } = await sessionClient.resumeUserOperation(error) // the same op: paid once at most
 * }
 * ```
 */
export async function resumeUserOperation(client: SessionKeyClient, parameters: ResumeUserOperationParameters): Promise<UserOperationResult> {
  const delivery = resolveDeliveryOptions(parameters.delivery);
  const releaseSlot = await acquireSenderSlot(parameters.userOperation.sender);
  try {
    const receipt = await deliverUserOperation(deliveryClientOf(client), {
      userOperation: parameters.userOperation,
      fromBlock: parameters.fromBlock,
      delivery,
    });
    return resultOf(receipt);
  } finally {
    releaseSlot();
  }
}
