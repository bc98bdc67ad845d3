import type { UserOperation, UserOperationReceipt } from 'viem/account-abstraction';
import {
  type Call,
  type DeliveryClient,
  type LeashAccountClient,
  TooManyPendingOperationsError,
  deliverUserOperation,
  prefundGas,
  resolveDeliveryOptions,
} from '@leash/sdk';

/**
 * An op of these calls, estimated and priced once (on lane 0's nonce), to copy with other calls and nonces. It carries
 * the verification gas of the account's prefund payment whatever the account's deposit is now: copies sent later find
 * the deposit drawn down (by each other) or grown (by refunds), and one without that gas fails validation out of gas.
 */
export async function opTemplate(session: LeashAccountClient, calls: Call[]): Promise<UserOperation<'0.8'>> {
  const op = (await session.prepareUserOperation({ calls, nonce: await session.account.getNonce({ key: 0n }) } as never)) as unknown as UserOperation<'0.8'>;
  return { ...op, verificationGasLimit: op.verificationGasLimit + prefundGas.depositUpdate };
}

/** A copy of `template` with other calls and nonce, signed by the session key. */
export async function signedCopy(session: LeashAccountClient, template: UserOperation<'0.8'>, calls: Call[], nonce: bigint): Promise<UserOperation<'0.8'>> {
  const op: UserOperation<'0.8'> = { ...template, nonce, callData: await session.account.encodeCalls(calls) };
  op.signature = await session.account.signUserOperation(op);
  return op;
}

/**
 * Sends a signed op straight to the bundler and follows it to its receipt with the SDK's delivery loop (the same
 * polling as an agent's op, and riding out a slow or restarting bundler); throws when its calls reverted. When the
 * bundler already holds as many ops of the account as it allows, it tries again every second (for up to 5 minutes)
 * and calls `onBusy` each time.
 */
export async function submitAndWait(session: LeashAccountClient, op: UserOperation<'0.8'>, onBusy?: () => void): Promise<UserOperationReceipt> {
  const fromBlock = await session.client.getBlockNumber({ cacheTime: 0 });
  const delivery = resolveDeliveryOptions({ receiptTimeoutMs: 300_000 });
  for (let attempt = 0; ; attempt++) {
    try {
      const receipt = await deliverUserOperation(session as unknown as DeliveryClient, { userOperation: op, fromBlock, delivery });
      if (!receipt.success) throw new Error(`pre-signed op ${receipt.userOpHash} reverted`);
      return receipt;
    } catch (error) {
      if (!(error instanceof TooManyPendingOperationsError) || attempt >= 300) throw error;
      onBusy?.();
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }
}
