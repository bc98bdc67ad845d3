import type { Chain, Client, PublicClient, Transport } from 'viem';
import { estimateFeesPerGas } from 'viem/actions';

/**
 * Fees of a user operation (EIP-1559).
 *
 * @example
 * ```ts
 * const fees: UserOperationFees = await estimateUserOperationFees(bundlerClient, publicClient)
 * await bundlerClient.sendUserOperation({ calls, ...fees })
 * ```
 */
export type UserOperationFees = { maxFeePerGas: bigint; maxPriorityFeePerGas: bigint };

type GasPriceTiers = Record<'slow' | 'standard' | 'fast', { maxFeePerGas: `0x${string}`; maxPriorityFeePerGas: `0x${string}` }>;

/**
 * The fees to give a user operation: the bundler's own recommendation (`pimlico_getUserOperationGasPrice`, served by
 * Alto and Pimlico) when it has one, else the chain's estimate with the margin viem applies (twice the estimate).
 *
 * Why not always viem's default: bundlers pay an op's priority fee in their bundle transaction, and a node that
 * suggests the tips of recent blocks then suggests twice as much for the next op, and so on (seen on anvil: 2 gwei to
 * 300 gwei in 30 ops). The bundler's recommendation has no such margin. Lower fees also matter to session keys: a gas
 * limit counts each op at its gas limits × maxFeePerGas.
 *
 * @example
 * ```ts
 * const { maxFeePerGas, maxPriorityFeePerGas } = await estimateUserOperationFees(bundlerClient, publicClient)
 * ```
 */
export async function estimateUserOperationFees(
  bundlerClient: Client,
  publicClient: PublicClient<Transport, Chain>,
): Promise<UserOperationFees> {
  try {
    const tiers = (await bundlerClient.request({ method: 'pimlico_getUserOperationGasPrice' as never, params: [] as never })) as GasPriceTiers;
    return { maxFeePerGas: BigInt(tiers.standard.maxFeePerGas), maxPriorityFeePerGas: BigInt(tiers.standard.maxPriorityFeePerGas) };
  } catch {
    const fees = await estimateFeesPerGas(publicClient, { chain: publicClient.chain, type: 'eip1559' });
    return { maxFeePerGas: 2n * fees.maxFeePerGas, maxPriorityFeePerGas: 2n * fees.maxPriorityFeePerGas };
  }
}
