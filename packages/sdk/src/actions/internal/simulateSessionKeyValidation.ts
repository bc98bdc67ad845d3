import { type Hex, encodeFunctionData } from 'viem';
import { getUserOperationHash, toPackedUserOperation } from 'viem/account-abstraction';
import { call } from 'viem/actions';
import { type SessionKeyClient, capabilityOf } from '../../account/capability.js';
import type { Call } from '../../account/execution.js';
import { sessionKeyModuleAbi } from '../../generated/SessionKeyModule.js';

/**
 * Calls the session key module's `validateUserOp` from the account, as the account would, with an op of `calls` signed
 * by the client's session key (generous gas, no fees). Resolves when the module accepts it; rejects with the module's
 * revert (a typed error through toSessionKeyError) otherwise. For accounts that swallow a validator's revert data.
 */
export async function simulateSessionKeyValidation(client: SessionKeyClient, calls: readonly Call[]): Promise<void> {
  const account = client.account!;
  const capability = capabilityOf(client);
  const unsigned = {
    sender: account.address,
    nonce: await account.getNonce({ key: 0n }),
    callData: capability.encodeExecute(calls),
    callGasLimit: 10_000_000n,
    verificationGasLimit: 10_000_000n,
    preVerificationGas: 100_000n,
    maxFeePerGas: 0n,
    maxPriorityFeePerGas: 0n,
    signature: '0x' as Hex,
  };
  const chainId = client.chain?.id ?? account.client.chain!.id;
  const signature = await account.signUserOperation({ ...unsigned, chainId } as never);
  const userOperation = { ...unsigned, signature };
  const userOpHash = getUserOperationHash({
    chainId,
    entryPointAddress: capability.entryPoint.address,
    entryPointVersion: capability.entryPoint.version,
    userOperation,
  });
  await call(account.client, {
    account: account.address,
    to: capability.sessionKeyModule,
    data: encodeFunctionData({ abi: sessionKeyModuleAbi, functionName: 'validateUserOp', args: [toPackedUserOperation(userOperation), userOpHash] }),
    gas: 30_000_000n,
  });
}
