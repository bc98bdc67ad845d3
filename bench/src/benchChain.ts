import {
  type Account,
  type Address,
  type Chain,
  type Hex,
  type PublicClient,
  type Transport,
  type WalletClient,
  createPublicClient,
  createWalletClient,
  defineChain,
  http,
  keccak256,
  stringToHex,
} from 'viem';
import { type PrivateKeyAccount, privateKeyToAccount } from 'viem/accounts';
import { type LeashAddresses, deployLeash, getDevTokenContract } from '@leash/sdk';
import { devAccounts, getFreePort, startAnvil } from '@leash/sdk/local';
import { type SendOp, directHandleOps } from './handleOps.js';

/**
 * The chain's genesis time, and the time every op states: 01:00 UTC on a Monday, so the daily and weekly periods the
 * ops spend in cannot end during a run. With it, and keys derived from a counter, every op's calldata (hence its gas)
 * is the same on every run; random keys and times would move figures by a few times 12 gas (zero vs nonzero bytes).
 */
export const genesisTime = 1_767_574_800; // 2026-01-05T01:00:00Z

/** A fresh anvil with EntryPoint v0.8, Leash and the dev token deployed, and what the gas scenarios need around it. */
export type BenchChain = {
  chain: Chain;
  rpcUrl: string;
  publicClient: PublicClient<Transport, Chain>;
  /** A wallet client for a dev key or a fresh key's account. */
  wallet: (key: Hex | PrivateKeyAccount) => WalletClient<Transport, Chain, Account>;
  addresses: LeashAddresses;
  /** The dev token (an OpenZeppelin ERC-20 with a public mint). */
  token: Address;
  /** Funds accounts and mints tokens. */
  faucet: WalletClient<Transport, Chain, Account>;
  /** Submits handleOps; paid by the EntryPoint to `beneficiary`, a separate funded EOA. */
  bundler: WalletClient<Transport, Chain, Account>;
  beneficiary: Address;
  /** Sends one op per handleOps to EntryPoint v0.8 and measures it. */
  send: SendOp;
  wait: (hash: Hex) => Promise<unknown>;
  /** A new key, derived from a counter: the same sequence on every run. */
  freshKey: () => PrivateKeyAccount;
};

/** What a run exposes once Leash is deployed, e.g. to read what exactly is being measured. */
export type DeployedContext = Pick<BenchChain, 'publicClient' | 'addresses'>;

/**
 * Starts anvil (pinned genesis time) with Leash deployed at its CREATE2 addresses, runs `body`, and stops anvil
 * whatever happens.
 */
export async function withBenchChain<T>(keyPrefix: string, body: (bench: BenchChain) => Promise<T>): Promise<T> {
  const anvil = await startAnvil({ port: await getFreePort(), chainId: 31337, extraArgs: ['--timestamp', String(genesisTime)] });
  try {
    const chain = defineChain({
      id: 31337,
      name: 'bench',
      nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
      rpcUrls: { default: { http: [anvil.rpcUrl] } },
    });
    const transport = http(anvil.rpcUrl);
    const publicClient = createPublicClient({ chain, transport, pollingInterval: 50 });
    const wallet = (key: Hex | PrivateKeyAccount) =>
      createWalletClient({ account: typeof key === 'string' ? privateKeyToAccount(key) : key, chain, transport });
    const { addresses } = await deployLeash(wallet(devAccounts.deployer), { extraContracts: [getDevTokenContract()] });
    const bundler = wallet(devAccounts.bundlerExecutor);
    const beneficiary = privateKeyToAccount(devAccounts.bundlerUtility).address;
    let keyCounter = 0;
    return await body({
      chain,
      rpcUrl: anvil.rpcUrl,
      publicClient,
      wallet,
      addresses,
      token: getDevTokenContract().address,
      faucet: wallet(devAccounts.faucet),
      bundler,
      beneficiary,
      send: directHandleOps(publicClient, bundler, beneficiary),
      wait: (hash) => publicClient.waitForTransactionReceipt({ hash }),
      freshKey: () => privateKeyToAccount(keccak256(stringToHex(`${keyPrefix}-${keyCounter++}`))),
    });
  } finally {
    await anvil.stop();
  }
}
