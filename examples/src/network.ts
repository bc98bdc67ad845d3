// Where the examples run. Not part of the flows they show: read gettingStarted.ts or backendAgent.ts first.
import {
  type Address,
  type Chain,
  type Hex,
  type LocalAccount,
  type PublicClient,
  createPublicClient,
  createWalletClient,
  defineChain,
  erc20Abi,
  formatUnits,
  http,
} from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import {
  deployDeterministic,
  devTokenAbi,
  devTokenParameters,
  getDevTokenContract,
  getLeashAddresses,
} from '@leash/sdk';
import { startLocalStack } from '@leash/sdk/local';

/** A chain with the Leash contracts and a bundler, and what the examples need on it. */
export type ExampleNetwork = {
  chain: Chain;
  rpcUrl: string;
  bundlerUrl: string;
  /** Owns the example's account: a new key on the local stack, LEASH_PRIVATE_KEY elsewhere. */
  owner: LocalAccount;
  /** The development ERC-20 (open minting) the examples pay with. */
  token: { address: Address; symbol: string; decimals: number };
  /** How much of the token `address` holds (base units). */
  tokenBalance(address: Address): Promise<bigint>;
  /** Sends ETH and mints tokens to `address` until it holds at least these amounts (base units). */
  topUp(address: Address, amounts: { ether: bigint; tokens: bigint }): Promise<void>;
  /** Stops the local stack if this process started it; leaves any other stack running. */
  close(): Promise<void>;
};

const exampleToken = { address: getDevTokenContract().address, symbol: devTokenParameters.symbol, decimals: devTokenParameters.decimals };

/** `12.5 dUSD`: an amount of the examples' token. */
export const formatToken = (amount: bigint) => `${formatUnits(amount, exampleToken.decimals)} ${exampleToken.symbol}`;

/**
 * The local stack (started here: anvil, EntryPoint v0.8, the Leash contracts and Alto in safe mode), or, when
 * LEASH_RPC_URL and LEASH_BUNDLER_URL are set, that chain and bundler with LEASH_PRIVATE_KEY as the owner.
 */
export async function connectToNetwork(log: (line: string) => void): Promise<ExampleNetwork> {
  const rpcUrl = process.env.LEASH_RPC_URL;
  const bundlerUrl = process.env.LEASH_BUNDLER_URL;
  if (rpcUrl && bundlerUrl) return connectToExistingStack(rpcUrl, bundlerUrl, log);
  if (rpcUrl || bundlerUrl) throw new Error('Set both LEASH_RPC_URL and LEASH_BUNDLER_URL, or neither (to start a local stack).');

  log('Starting a local stack: anvil, EntryPoint v0.8, the Leash contracts and the Alto bundler in safe mode...');
  // Ctrl-C or a crash: @leash/sdk/local kills anvil and Alto by PID itself.
  const stack = await startLocalStack();
  log(`RPC ${stack.rpcUrl} (anvil, pid ${stack.pids.anvil}), bundler ${stack.bundlerUrl} (Alto, pid ${stack.pids.bundler})`);
  const balances = balanceReader(createPublicClient({ chain: stack.chain, transport: http(stack.rpcUrl) }));
  return {
    chain: stack.chain,
    rpcUrl: stack.rpcUrl,
    bundlerUrl: stack.bundlerUrl,
    owner: privateKeyToAccount(generatePrivateKey()),
    token: exampleToken,
    tokenBalance: balances.token,
    async topUp(address, amounts) {
      const missing = await balances.missing(address, amounts);
      await stack.fund(address, { ether: missing.ether, devTokens: missing.tokens });
    },
    async close() {
      await stack.stop();
      console.log('\nLocal stack stopped.');
    },
  };
}

async function connectToExistingStack(rpcUrl: string, bundlerUrl: string, log: (line: string) => void): Promise<ExampleNetwork> {
  const privateKey = process.env.LEASH_PRIVATE_KEY;
  if (!privateKey || !/^0x[0-9a-fA-F]{64}$/.test(privateKey))
    throw new Error('With LEASH_RPC_URL, set LEASH_PRIVATE_KEY to a funded key (32-byte hex): it owns the account and funds it.');
  const id = await createPublicClient({ transport: http(rpcUrl) }).getChainId();
  const chain = defineChain({
    id,
    name: `Chain ${id}`,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  });
  const owner = privateKeyToAccount(privateKey as Hex);
  const wallet = createWalletClient({ account: owner, chain, transport: http(rpcUrl) });
  const publicClient = createPublicClient({ chain, transport: http(rpcUrl) });
  if (!(await publicClient.getCode({ address: getLeashAddresses().sessionKeyModule })))
    throw new Error(`The Leash contracts are not deployed on chain ${id}: run \`npm run deploy -- --rpc-url ${rpcUrl}\` first.`);
  // The dev token has a fixed CREATE2 address: deploy it where it is missing.
  await deployDeterministic(wallet, getDevTokenContract());
  log(`Using chain ${id} at ${rpcUrl} and the bundler at ${bundlerUrl}; owner ${owner.address} (LEASH_PRIVATE_KEY)`);

  const balances = balanceReader(publicClient);
  return {
    chain,
    rpcUrl,
    bundlerUrl,
    owner,
    token: exampleToken,
    tokenBalance: balances.token,
    async topUp(address, amounts) {
      const missing = await balances.missing(address, amounts);
      const hashes: Hex[] = [];
      if (missing.ether > 0n) hashes.push(await wallet.sendTransaction({ to: address, value: missing.ether }));
      if (missing.tokens > 0n)
        hashes.push(await wallet.writeContract({ address: exampleToken.address, abi: devTokenAbi, functionName: 'mint', args: [address, missing.tokens] }));
      for (const hash of hashes) {
        const receipt = await publicClient.waitForTransactionReceipt({ hash });
        if (receipt.status !== 'success') throw new Error(`Funding ${address} failed in transaction ${hash}.`);
      }
    },
    async close() {},
  };
}

function balanceReader(client: PublicClient) {
  const token = (address: Address) =>
    client.readContract({ address: exampleToken.address, abi: erc20Abi, functionName: 'balanceOf', args: [address] });
  return {
    token,
    async missing(address: Address, wanted: { ether: bigint; tokens: bigint }) {
      const [ether, tokens] = await Promise.all([client.getBalance({ address }), token(address)]);
      return { ether: ether < wanted.ether ? wanted.ether - ether : 0n, tokens: tokens < wanted.tokens ? wanted.tokens - tokens : 0n };
    },
  };
}

/**
 * Runs an example against the network and always releases it; prints a failure's short message and sets exit code 1.
 */
export async function runExample(title: string, example: (network: ExampleNetwork) => Promise<void>): Promise<void> {
  console.log(`${title}\n\nNetwork`);
  let network: ExampleNetwork | undefined;
  try {
    network = await connectToNetwork((line) => console.log(`   ${line}`));
    await example(network);
  } catch (error) {
    reportExampleFailure(error);
  } finally {
    await network?.close();
  }
}

/**
 * Says why an example failed (the error's short message; the whole error with LEASH_DEBUG) and sets a failing exit code.
 *
 * @example
 * ```ts
 * try { await run() } catch (error) { reportExampleFailure(error) }
 * ```
 */
export function reportExampleFailure(error: unknown): void {
  const short = (error as { shortMessage?: string }).shortMessage;
  console.error(`\nThe example failed: ${short ?? (error as Error).message ?? String(error)}`);
  if (process.env.LEASH_DEBUG) console.error(error);
  process.exitCode = 1;
}

/** Prints a numbered step's heading. */
export function step(number: number, title: string): void {
  console.log(`\n${number}. ${title}`);
}

/** Prints a line under the current step. */
export function say(line: string): void {
  console.log(`   ${line}`);
}
