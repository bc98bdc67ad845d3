import { type Address, type Client, type Hex, type Log, decodeEventLog, getAbiItem, zeroAddress } from 'viem';
import { type UserOperationReceipt, entryPoint08Abi } from 'viem/account-abstraction';
import { getBlockNumber, getLogs, getTransactionReceipt, readContract } from 'viem/actions';
import { entryPointAddress } from '../constants.js';

const userOperationEvent = getAbiItem({ abi: entryPoint08Abi, name: 'UserOperationEvent' });
const opBoundaries = [userOperationEvent, getAbiItem({ abi: entryPoint08Abi, name: 'BeforeExecution' })];

/** The widest block range one `eth_getLogs` asks for: public RPCs refuse wider ones (many cap at 1,000 blocks). */
export const maxLogBlockRange = 1_000n;

/** Whether a log is the EntryPoint's BeforeExecution or a UserOperationEvent: the boundaries between ops' logs. */
function isBoundary(log: Log, entryPoint: Address): boolean {
  try {
    decodeEventLog({ abi: opBoundaries, data: log.data, topics: log.topics });
    return log.address.toLowerCase() === entryPoint.toLowerCase();
  } catch {
    return false;
  }
}

/**
 * Finds an op on chain by its hash, without the bundler: the EntryPoint's UserOperationEvent from `fromBlock` on,
 * and its transaction's receipt, shaped like a bundler's `eth_getUserOperationReceipt` answer (the op's own logs are
 * those between the previous op's event, or BeforeExecution, and its own). Any of `userOpHashes` (ops that share one
 * nonce: at most one of them can be on chain). `null` when none is there.
 *
 * Given the ops' `sender` and `nonce`, the EntryPoint's nonce (state) answers "not on chain" without reading logs;
 * logs are read newest first, at most {@link maxLogBlockRange} blocks per request, down to `fromBlock`.
 *
 * @example
 * ```ts
 * const receipt = await findUserOperationReceiptOnChain(publicClient, { userOpHashes: [hash], fromBlock })
 * if (receipt) console.log(receipt.success, receipt.actualGasCost)
 * ```
 */
export async function findUserOperationReceiptOnChain(
  publicClient: Client,
  parameters: {
    userOpHashes: readonly Hex[];
    fromBlock: bigint;
    /** The EntryPoint the op went to (v0.7 and v0.8 emit the same events). Default: v0.8's. */
    entryPoint?: Address | undefined;
    /** The ops' sender and (shared) nonce: when given, an unused nonce answers `null` without reading logs. */
    sender?: Address | undefined;
    nonce?: bigint | undefined;
  },
): Promise<UserOperationReceipt<'0.8'> | null> {
  const entryPoint = parameters.entryPoint ?? entryPointAddress;
  const { sender, nonce } = parameters;
  if (sender !== undefined && nonce !== undefined) {
    const next = await readContract(publicClient, { address: entryPoint, abi: entryPoint08Abi, functionName: 'getNonce', args: [sender, nonce >> 64n] });
    if (next <= nonce) return null;
  }
  const event = await findUserOperationEvent(publicClient, entryPoint, parameters.userOpHashes, parameters.fromBlock);
  if (!event || !event.transactionHash) return null;
  const receipt = await getTransactionReceipt(publicClient, { hash: event.transactionHash });
  const index = receipt.logs.findIndex((log) => log.logIndex === event.logIndex);
  let start = index;
  while (start > 0 && !isBoundary(receipt.logs[start - 1]!, entryPoint)) start--;
  const { args } = event;
  return {
    userOpHash: args.userOpHash!,
    entryPoint,
    sender: args.sender!,
    nonce: args.nonce!,
    paymaster: args.paymaster === zeroAddress ? undefined : args.paymaster,
    actualGasCost: args.actualGasCost!,
    actualGasUsed: args.actualGasUsed!,
    success: args.success!,
    logs: receipt.logs.slice(start, index),
    receipt,
  } as UserOperationReceipt<'0.8'>;
}

/** The first UserOperationEvent of `userOpHashes` from `fromBlock` on, read newest first in bounded ranges. */
async function findUserOperationEvent(publicClient: Client, entryPoint: Address, userOpHashes: readonly Hex[], fromBlock: bigint) {
  const latest = await getBlockNumber(publicClient, { cacheTime: 0 });
  for (let toBlock = latest; toBlock >= fromBlock; ) {
    const from = toBlock - maxLogBlockRange + 1n > fromBlock ? toBlock - maxLogBlockRange + 1n : fromBlock;
    const [event] = await getLogs(publicClient, { address: entryPoint, event: userOperationEvent, args: { userOpHash: [...userOpHashes] }, fromBlock: from, toBlock });
    if (event) return event;
    toBlock = from - 1n;
  }
  return undefined;
}
