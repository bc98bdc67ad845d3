import { type Address, type Hex, decodeEventLog } from 'viem';
import { type UserOperation, type UserOperationReceipt, entryPoint08Abi, formatUserOperationRequest } from 'viem/account-abstraction';
import type { Call } from '../../account/execution.js';
import type { SessionKeyClient } from '../../account/capability.js';
import { LeashError } from '../../errors/LeashError.js';
import { decodeSessionKeyModuleError, toSessionKeyError } from '../../errors/decodeSessionKeyModuleError.js';
import { acquireSenderSlot } from '../../session/senderSlots.js';

/**
 * What a write action returns: the user operation's hash and its receipt.
 *
 * @example
 * ```ts
 * const { userOpHash, receipt }: UserOperationResult = await client.addSessionKey({ key, permissions })
 * console.log(userOpHash, receipt.receipt.gasUsed)
 * ```
 */
export type UserOperationResult = { userOpHash: Hex; receipt: UserOperationReceipt };

/**
 * The user operation was included but its calls reverted.
 *
 * @example
 * ```ts
 * try {
 *   await sessionClient.executeWithSessionKey({ calls })
 * } catch (error) {
 *   if (error instanceof UserOperationRevertedError) console.log(error.userOpHash, error.revertData) // included, calls reverted
 * }
 * ```
 */
export class UserOperationRevertedError extends LeashError {
  override name = 'UserOperationRevertedError';
  readonly userOpHash: Hex;
  readonly revertData: Hex | undefined;

  constructor(parameters: { userOpHash: Hex; revertData?: Hex | undefined; cause?: Error | undefined }) {
    super('The user operation was included, but its calls reverted.', {
      cause: parameters.cause,
      metaMessages: [`User op: ${parameters.userOpHash}`, ...(parameters.revertData ? [`Revert data: ${parameters.revertData}`] : [])],
    });
    this.userOpHash = parameters.userOpHash;
    this.revertData = parameters.revertData;
  }
}

/** The revert data of a failed op, from the EntryPoint's UserOperationRevertReason event. */
export function revertDataOf(receipt: UserOperationReceipt): Hex | undefined {
  for (const log of receipt.logs) {
    try {
      const event = decodeEventLog({ abi: entryPoint08Abi, data: log.data, topics: log.topics });
      if (event.eventName === 'UserOperationRevertReason') return event.args.revertReason;
    } catch {
      // another contract's event
    }
  }
  return undefined;
}

/**
 * Prepares the op as viem does (the account's estimate), adds `percent` to its verification gas, signs and sends it.
 * EIP-150 keeps 1/64 of the gas at every call, so a validation that spends much of its gas several calls deep (a grant
 * checked through the account's ERC-1271) needs more than the gas it uses, which is what bundlers estimate. (viem's
 * sendUserOperation would estimate again and drop the margin.)
 */
async function sendWithVerificationMargin(client: SessionKeyClient, request: object, percent: bigint): Promise<Hex> {
  const prepared = (await client.prepareUserOperation(request as never)) as unknown as UserOperation<'0.8'>;
  const userOperation = { ...prepared, verificationGasLimit: prepared.verificationGasLimit + (prepared.verificationGasLimit * percent) / 100n };
  const signature = await client.account!.signUserOperation(userOperation);
  return client.request({
    method: 'eth_sendUserOperation',
    params: [formatUserOperationRequest({ ...userOperation, signature }), client.account!.entryPoint.address],
  } as never) as Promise<Hex>;
}

/** How {@link sendCallsAndWait} sends its op. */
type SendCallsOptions = {
  nonce?: bigint | undefined;
  paymaster?: { address: Address; data?: Hex | undefined } | undefined;
  /** Verification gas to add to the estimate, in percent of it (an op whose validation nests deep calls). */
  verificationGasMarginPercent?: bigint | undefined;
};

/**
 * Sends `calls` as one user op of the client's account, waits for it, and turns failures into typed errors (a module
 * error decoded from the revert data when there is one). Holds one of the account's pending-op slots meanwhile, so an
 * owner op does not become the fifth op of an account whose session keys fill the bundler's four.
 */
export async function sendCallsAndWait(
  client: SessionKeyClient,
  calls: readonly Call[],
  options: SendCallsOptions = {},
): Promise<UserOperationResult> {
  const releaseSlot = await acquireSenderSlot(client.account!.address);
  try {
    return await sendAndWait(client, calls, options);
  } finally {
    releaseSlot();
  }
}

/** {@link sendCallsAndWait} for a caller that already holds one of the account's pending-op slots. */
export async function sendAndWait(
  client: SessionKeyClient,
  calls: readonly Call[],
  options: SendCallsOptions,
): Promise<UserOperationResult> {
  let userOpHash: Hex;
  try {
    const request = {
      calls: calls.map((c) => ({ to: c.to, value: c.value ?? 0n, data: c.data ?? '0x' })),
      ...(options.nonce !== undefined ? { nonce: options.nonce } : {}),
      ...(options.paymaster ? { paymaster: options.paymaster.address, paymasterData: options.paymaster.data ?? '0x' } : {}),
    };
    userOpHash = options.verificationGasMarginPercent
      ? await sendWithVerificationMargin(client, request, options.verificationGasMarginPercent)
      : await client.sendUserOperation(request as never);
  } catch (error) {
    throw toSessionKeyError(error);
  }
  const receipt = await client.waitForUserOperationReceipt({ hash: userOpHash });
  if (!receipt.success) {
    const revertData = revertDataOf(receipt);
    const decoded = revertData ? decodeSessionKeyModuleError(revertData) : undefined;
    throw decoded ?? new UserOperationRevertedError({ userOpHash, revertData });
  }
  return { userOpHash, receipt };
}
