import type { Hex } from 'viem';
import { type UserOperationReceipt, getUserOperationReceipt } from 'viem/account-abstraction';
import { type SessionKeyClient, capabilityOf, chainClientOf } from '../account/capability.js';
import { findUserOperationReceiptOnChain } from '../delivery/receiptOnChain.js';
import { isTransientError } from '../delivery/retry.js';

/**
 * Parameters of {@link findUserOperationReceipt}.
 *
 * @example
 * ```ts
 * const parameters: FindUserOperationReceiptParameters = { userOpHash, fromBlock: 21_000_000n }
 * ```
 */
export type FindUserOperationReceiptParameters = {
  userOpHash: Hex;
  /** A block at or before the one the op can have landed in (public nodes refuse long log ranges). */
  fromBlock: bigint;
};

/**
 * Did my op land? Its receipt by its hash: from the bundler, or, when the bundler does not know it (restarted,
 * another bundler) or cannot be reached, from the chain (the EntryPoint's UserOperationEvent). `null` when it is not
 * on chain (yet).
 *
 * @example
 * ```ts
 * const receipt = await sessionClient.findUserOperationReceipt({ userOpHash, fromBlock })
 * console.log(receipt ? `landed, success ${receipt.success}` : 'not on chain')
 * ```
 */
export async function findUserOperationReceipt(
  client: SessionKeyClient,
  parameters: FindUserOperationReceiptParameters,
): Promise<UserOperationReceipt<'0.8'> | null> {
  try {
    return (await getUserOperationReceipt(client, { hash: parameters.userOpHash })) as UserOperationReceipt<'0.8'>;
  } catch (error) {
    const notFound = (error as Error).name === 'UserOperationReceiptNotFoundError';
    if (!notFound && !isTransientError(error)) throw error;
  }
  return findUserOperationReceiptOnChain(chainClientOf(client), {
    userOpHashes: [parameters.userOpHash],
    fromBlock: parameters.fromBlock,
    entryPoint: capabilityOf(client).entryPoint.address,
  });
}
