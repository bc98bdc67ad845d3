import { describe, expect, it } from 'vitest';
import { createClient, createPublicClient, custom } from 'viem';
import { foundry } from 'viem/chains';
import { estimateUserOperationFees } from '@leash/sdk';

/** A node that answers the fee methods viem's estimate uses. */
const node = createPublicClient({
  chain: foundry,
  transport: custom({
    async request({ method }) {
      if (method === 'eth_getBlockByNumber') return { baseFeePerGas: '0x3b9aca00', number: '0x1', timestamp: '0x1' };
      if (method === 'eth_maxPriorityFeePerGas') return '0x77359400'; // 2 gwei
      throw new Error(`unexpected ${method}`);
    },
  }),
});

describe('estimateUserOperationFees', () => {
  it("takes the bundler's standard recommendation when it has one", async () => {
    const bundler = createClient({
      transport: custom({
        async request({ method }) {
          if (method !== 'pimlico_getUserOperationGasPrice') throw new Error(`unexpected ${method}`);
          const tier = { maxFeePerGas: '0x10', maxPriorityFeePerGas: '0x8' };
          return { slow: { maxFeePerGas: '0x1', maxPriorityFeePerGas: '0x1' }, standard: tier, fast: { maxFeePerGas: '0x99', maxPriorityFeePerGas: '0x99' } };
        },
      }),
    });
    expect(await estimateUserOperationFees(bundler, node)).toEqual({ maxFeePerGas: 16n, maxPriorityFeePerGas: 8n });
  });

  it("falls back to twice the chain's estimate on a bundler without it", async () => {
    const bundler = createClient({
      transport: custom({
        async request({ method }) {
          throw new Error(`the method ${method} does not exist`);
        },
      }),
    });
    const fees = await estimateUserOperationFees(bundler, node);
    expect(fees.maxPriorityFeePerGas).toBe(2n * 2_000_000_000n);
    // viem's EIP-1559 estimate: base fee × 1.2 + tip, doubled.
    expect(fees.maxFeePerGas).toBe(2n * (1_200_000_000n + 2_000_000_000n));
  });
});
