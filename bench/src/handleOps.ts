import {
  type Account,
  type Address,
  type Chain,
  type Hex,
  type PublicClient,
  type Transport,
  type TransactionReceipt,
  type WalletClient,
  decodeEventLog,
  encodeFunctionData,
} from 'viem';
import {
  type UserOperation,
  entryPoint07Abi,
  entryPoint07Address,
  entryPoint08Abi,
  getUserOperationHash,
  toPackedUserOperation,
} from 'viem/account-abstraction';
import { entryPointAddress } from '@leash/sdk';
import { type CalldataBytes, countCalldataBytes } from './calldata.js';

/** Fixed gas fields, so every scenario's calldata and prefund are comparable. */
export const fixedGas = {
  verificationGasLimit: 250_000n,
  callGasLimit: 150_000n,
  preVerificationGas: 60_000n,
  maxFeePerGas: 3_000_000_000n,
  maxPriorityFeePerGas: 1_000_000_000n,
} as const;

/** What one transaction cost: receipt gasUsed and the bytes of its calldata. */
export type TransactionMeasurement = {
  /** Receipt gasUsed of the transaction. */
  gasUsed: bigint;
  calldataBytes: CalldataBytes;
  transactionHash: Hex;
};

export type OpMeasurement = TransactionMeasurement & {
  /** actualGasUsed from the UserOperationEvent. */
  actualGasUsed: bigint;
  success: boolean;
  /** The revert data of the op's execution (UserOperationRevertReason), when it reverted. */
  revertReason?: Hex;
};

export type SendOp<version extends '0.7' | '0.8' = '0.8'> = (op: UserOperation<version>) => Promise<OpMeasurement>;

/** Builds the v0.8 user op hash the signer signs. */
export function userOpHash(chainId: number, op: UserOperation<'0.8'>): Hex {
  return getUserOperationHash({ chainId, entryPointAddress, entryPointVersion: '0.8', userOperation: op });
}

/** An EntryPoint that ops are sent to: v0.8 (Leash) or v0.7 (what MetaMask's DeleGator is built for). */
export type EntryPointTarget = { address: Address; abi: typeof entryPoint08Abi | typeof entryPoint07Abi };

export const entryPoint08: EntryPointTarget = { address: entryPointAddress, abi: entryPoint08Abi };
export const entryPoint07: EntryPointTarget = { address: entryPoint07Address, abi: entryPoint07Abi };

/**
 * Sends one transaction from `executor` after a dry run (a revert throws with its reason and sends nothing), waits
 * for it to succeed, and measures it.
 */
export async function measureTransaction(
  publicClient: PublicClient<Transport, Chain>,
  executor: WalletClient<Transport, Chain, Account>,
  request: { to: Address; data: Hex },
): Promise<TransactionMeasurement & { receipt: TransactionReceipt }> {
  try {
    await publicClient.call({ account: executor.account, ...request, gas: transactionGasLimit });
  } catch (error) {
    throw new Error(`transaction would revert: ${(error as Error).message.split('\n').slice(0, 3).join(' ')}`);
  }
  const hash = await executor.sendTransaction({ ...request, gas: transactionGasLimit });
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== 'success') throw new Error(`transaction failed: ${hash}`);
  return { gasUsed: receipt.gasUsed, calldataBytes: countCalldataBytes(request.data), transactionHash: hash, receipt };
}

const transactionGasLimit = 2_000_000n;

/**
 * Sends one op per handleOps transaction from `executor`, paying `beneficiary` (a separate funded EOA), and
 * measures it. No bundler: what is measured is the op alone, as DESIGN.md's gas conditions define.
 */
export function directHandleOps<version extends '0.7' | '0.8' = '0.8'>(
  publicClient: PublicClient<Transport, Chain>,
  executor: WalletClient<Transport, Chain, Account>,
  beneficiary: Address,
  entryPoint: EntryPointTarget = entryPoint08,
): SendOp<version> {
  return async (op) => {
    const data = encodeFunctionData({
      abi: entryPoint08Abi, // handleOps has the same signature in v0.7 and v0.8
      functionName: 'handleOps',
      args: [[toPackedUserOperation(op as UserOperation<'0.8'>)], beneficiary],
    });
    const measured = await measureTransaction(publicClient, executor, { to: entryPoint.address, data });
    let event: { success: boolean; actualGasUsed: bigint } | undefined;
    let revertReason: Hex | undefined;
    for (const log of measured.receipt.logs) {
      if (log.address.toLowerCase() !== entryPoint.address.toLowerCase()) continue;
      try {
        const decoded = decodeEventLog({ abi: entryPoint.abi, data: log.data, topics: log.topics });
        if (decoded.eventName === 'UserOperationEvent') event = decoded.args;
        if (decoded.eventName === 'UserOperationRevertReason') revertReason = decoded.args.revertReason;
      } catch {
        // an EntryPoint event the bench does not read
      }
    }
    if (!event) throw new Error(`handleOps emitted no UserOperationEvent: ${measured.transactionHash}`);
    const { receipt: _receipt, ...measurement } = measured;
    return { ...measurement, actualGasUsed: event.actualGasUsed, success: event.success, ...(revertReason ? { revertReason } : {}) };
  };
}
