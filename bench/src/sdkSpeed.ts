import os from 'node:os';
import { type Address, type Hex, custom, createPublicClient, defineChain, encodeFunctionData, erc20Abi, numberToHex } from 'viem';
import type { UserOperation } from 'viem/account-abstraction';
import { SessionKeySigner, decodePermissionUpdates, toLeashSmartAccount, toSessionKeyValidator } from '@leash/sdk';
import { fixedGas } from './handleOps.js';
import { type MicroBenchOptions, type MicroBenchResult, defaultMicroBenchOptions, microBench } from './microbench.js';
import { fullPermissions } from './permissionSets.js';

export type SdkSpeedResult = {
  method: MicroBenchOptions;
  results: MicroBenchResult[];
  /** 1-minute load average before and after: other work on the machine shows up as noise in p95. */
  loadAverage: { before: number; after: number };
};

const chain = defineChain({
  id: 31337,
  name: 'offline',
  nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
  rpcUrls: { default: { http: ['http://offline.invalid'] } },
});

/**
 * A client that answers in-process: the nonce read (eth_call) gets a fixed nonce, anything else fails loudly, so the
 * timings contain the SDK's work and no network.
 */
function offlineClient(nonce: bigint) {
  return createPublicClient({
    chain,
    transport: custom({
      async request({ method }: { method: string }) {
        if (method === 'eth_chainId') return numberToHex(chain.id);
        if (method === 'eth_call') return numberToHex(nonce, { size: 32 });
        throw new Error(`${method}: the SDK speed benchmark has no network`);
      },
    }),
  });
}

/**
 * Times the SDK's client-side work with no network: building and signing a session user op, and encoding and
 * decoding DESIGN.md's full permission set.
 */
export async function runSdkSpeed(
  options: { method?: MicroBenchOptions; onResult?: (result: MicroBenchResult) => void } = {},
): Promise<SdkSpeedResult> {
  const method = options.method ?? defaultMicroBenchOptions;
  const loadBefore = os.loadavg()[0]!;
  const token: Address = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
  const accountAddress: Address = '0x1234567890123456789012345678901234567890';
  const recipient: Address = '0x000000000000000000000000000000000000dEaD';
  const now = Math.floor(Date.now() / 1000);
  const signer = new SessionKeySigner();
  const account = await toLeashSmartAccount({
    client: offlineClient(7n),
    address: accountAddress,
    validator: toSessionKeyValidator({ signer, now: () => now }),
  });
  const transferCall = {
    to: token,
    data: encodeFunctionData({ abi: erc20Abi, functionName: 'transfer', args: [recipient, 1_000_000n] }),
  };
  const lane = 3n;

  const buildOp = async (): Promise<UserOperation<'0.8'>> => ({
    sender: accountAddress,
    nonce: await account.getNonce({ key: lane }),
    callData: await account.encodeCalls([transferCall]),
    ...fixedGas,
    signature: '0x',
  });
  const prebuilt = await buildOp();
  const encoded: Hex[] = fullPermissions(token, now).encode();

  const results: MicroBenchResult[] = [];
  const measure = async (name: string, operation: () => unknown) => {
    const result = await microBench(name, operation, method);
    results.push(result);
    options.onResult?.(result);
  };
  await measure('Build and sign a session user op (ERC-20 transfer: calls, nonce lane, EIP-712 hash, ECDSA)', async () => {
    const op = await buildOp();
    op.signature = await account.signUserOperation(op);
  });
  await measure('Sign a built session user op (hash and ECDSA only)', () => account.signUserOperation(prebuilt));
  await measure('Encode the full permission set (builder with validation)', () => fullPermissions(token, now).encode());
  await measure('Decode the full permission set', () => decodePermissionUpdates(encoded));
  await measure('Encode and decode the full permission set (round trip)', () => decodePermissionUpdates(fullPermissions(token, now).encode()));
  return { method, results, loadAverage: { before: loadBefore, after: os.loadavg()[0]! } };
}
