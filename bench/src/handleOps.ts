import {
  type Account,
  type Address,
  type Chain,
  type Hex,
  type PublicClient,
  type Transport,
  type WalletClient,
  decodeEventLog,
  hexToBytes,
} from 'viem';
import {
  type UserOperation,
  entryPoint08Abi,
  getUserOperationHash,
  toPackedUserOperation,
} from 'viem/account-abstraction';
import { encodeFunctionData } from 'viem';
import { entryPointAddress } from '@leash/sdk';

/** Fixed gas fields, so every scenario's calldata and prefund are comparable. */
export const fixedGas = {
  verificationGasLimit: 250_000n,
  callGasLimit: 150_000n,
  preVerificationGas: 60_000n,
  maxFeePerGas: 3_000_000_000n,
  maxPriorityFeePerGas: 1_000_000_000n,
} as const;

export type OpMeasurement = {
  /** Receipt gasUsed of the handleOps transaction (one op). */
  gasUsed: bigint;
  /** actualGasUsed from the UserOperationEvent. */
  actualGasUsed: bigint;
  success: boolean;
  calldataBytes: { zero: number; nonzero: number };
  transactionHash: Hex;
};

export type SendOp = (op: UserOperation<'0.8'>) => Promise<OpMeasurement>;

/** Builds the v0.8 user op hash the signer signs. */
export function userOpHash(chainId: number, op: UserOperation<'0.8'>): Hex {
  return getUserOperationHash({ chainId, entryPointAddress, entryPointVersion: '0.8', userOperation: op });
}

/**
 * Sends one op per handleOps transaction from `executor`, paying `beneficiary` (a separate funded EOA), and
 * measures it. No bundler: what is measured is the op alone, as DESIGN.md's gas conditions define.
 */
export function directHandleOps(
  publicClient: PublicClient<Transport, Chain>,
  executor: WalletClient<Transport, Chain, Account>,
  beneficiary: Address,
): SendOp {
  return async (op) => {
    const data = encodeFunctionData({
      abi: entryPoint08Abi,
      functionName: 'handleOps',
      args: [[toPackedUserOperation(op)], beneficiary],
    });
    try {
      await publicClient.call({ account: executor.account, to: entryPointAddress, data, gas: 2_000_000n });
    } catch (error) {
      throw new Error(`handleOps would revert: ${(error as Error).message.split('\n').slice(0, 3).join(' ')}`);
    }
    const hash = await executor.sendTransaction({ to: entryPointAddress, data, gas: 2_000_000n });
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    let event: { success: boolean; actualGasUsed: bigint } | undefined;
    for (const log of receipt.logs) {
      try {
        const decoded = decodeEventLog({ abi: entryPoint08Abi, data: log.data, topics: log.topics });
        if (decoded.eventName === 'UserOperationEvent') event = decoded.args;
      } catch {
        // not an EntryPoint event
      }
    }
    if (receipt.status !== 'success' || !event) throw new Error(`handleOps failed: ${hash}`);
    const bytes = hexToBytes(data);
    const zero = bytes.filter((b) => b === 0).length;
    return {
      gasUsed: receipt.gasUsed,
      actualGasUsed: event.actualGasUsed,
      success: event.success,
      calldataBytes: { zero, nonzero: bytes.length - zero },
      transactionHash: hash,
    };
  };
}
