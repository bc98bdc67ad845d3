import { createRequire } from 'node:module';
import path from 'node:path';
import fs from 'node:fs';
import {
  type Address,
  type Chain,
  type Hex,
  createPublicClient,
  createNonceManager,
  createWalletClient,
  defineChain,
  http,
  parseEther,
} from 'viem';
import { jsonRpc } from 'viem/nonce';
import { privateKeyToAccount } from 'viem/accounts';
import { devTokenAbi } from '../generated/DevToken.js';
import { canonicalStakeOwner, entryPoints } from '../constants.js';
import { type LeashAddresses, getDevPaymasterContract, getDevTokenContract } from '../deploy/addresses.js';
import { devPaymasterAbi } from '../generated/DevPaymaster.js';
import { type DeployedContract, deployLeash, defaultFactoryStake } from '../deploy/deployLeash.js';
import { devAccounts } from './devAccounts.js';
import { getFreePort, isPortInUse } from './ports.js';
import { LocalProcessError, type ManagedProcess, spawnManaged } from './processes.js';

/**
 * Options of {@link startLocalStack}. Every one has a default.
 *
 * @example
 * ```ts
 * const stack = await startLocalStack({ anvilPort: 8545, safeMode: false, onProgress: console.log })
 * ```
 */
export type LocalStackOptions = {
  /** anvil's port; a free one by default. */
  anvilPort?: number | undefined;
  /** Alto's port; a free one by default. */
  bundlerPort?: number | undefined;
  /** Chain id of the local chain. Default 31337. */
  chainId?: number | undefined;
  /** Run Alto in safe mode, which enforces the ERC-7562 validation rules. Default true. */
  safeMode?: boolean | undefined;
  /** Owner of the factory stake; the canonical one by default, so local addresses equal the canonical ones. */
  stakeOwner?: Address | undefined;
  /** Receives every line anvil and Alto print, prefixed with their name. */
  onLog?: ((line: string) => void) | undefined;
  /** Receives a line for each start-up step. */
  onProgress?: ((message: string) => void) | undefined;
  /** Alto's log level. Default "warn". */
  bundlerLogLevel?: 'error' | 'warn' | 'info' | 'debug' | undefined;
  /**
   * Lift the 24 KiB contract size limit (EIP-170) on the local chain. Off by default so our own contracts stay within it;
   * the tests turn it on to run accounts compiled for tests without the limit (modulekit's Kernel and reference account).
   */
  disableCodeSizeLimit?: boolean | undefined;
};

/**
 * A running local stack: anvil, EntryPoints v0.8 and v0.7, the Leash contracts and Alto.
 *
 * @example
 * ```ts
 * const stack: LocalStack = await startLocalStack()
 * await stack.fund(account, { ether: parseEther('1'), devTokens: 100_000_000n })
 * console.log(stack.rpcUrl, stack.bundlerUrl, stack.contracts.sessionKeyModule)
 * await stack.stop()
 * ```
 */
export type LocalStack = {
  chain: Chain;
  chainId: number;
  rpcUrl: string;
  bundlerUrl: string;
  /** Whether Alto checks the ERC-7562 rules. */
  safeMode: boolean;
  contracts: LeashAddresses & { devToken: Address; devPaymaster: Address };
  /** What the deployment did, contract by contract. */
  deployment: DeployedContract[];
  /** Funded development keys by role (public anvil keys). */
  keys: typeof devAccounts;
  /** PIDs of the child processes (the bundler's changes when it is restarted). */
  pids: { anvil: number; bundler: number };
  /**
   * Alto, stoppable and restartable on the same port: to see how clients ride out a bundler that crashes (its mempool
   * is lost) or is redeployed.
   */
  bundler: LocalBundlerControl;
  /** Sends `ether` (wei) from the faucet key and mints `devTokens` (base units) of the dev token to `address`. */
  fund(address: Address, amounts: { ether?: bigint; devTokens?: bigint }): Promise<void>;
  /** Stops Alto and anvil (by PID) and waits until both are gone. Safe to call twice. */
  stop(): Promise<void>;
};

/**
 * Stops and starts the local stack's bundler.
 *
 * @example
 * ```ts
 * await stack.bundler.stop({ kill: true }) // a crash: SIGKILL, pending ops are lost
 * await stack.bundler.start() // same port, same keys; `{ safeMode: false }` for Alto's unsafe mode
 * ```
 */
export type LocalBundlerControl = {
  /** Whether Alto is running. */
  readonly running: boolean;
  /** Stops Alto: SIGTERM (SIGKILL after 3 s), or at once with SIGKILL (`kill: true`, like a crash). */
  stop(options?: { kill?: boolean | undefined }): Promise<void>;
  /** Starts Alto again on the same port (refused while it runs); `safeMode` defaults to the stack's. */
  start(options?: { safeMode?: boolean | undefined }): Promise<void>;
};

const require = createRequire(import.meta.url);

/**
 * Path of the anvil binary from @foundry-rs/anvil's platform package (not its Node wrapper, so the PID we kill is anvil's).
 *
 * @example
 * ```ts
 * const anvil = spawnManaged('anvil', resolveAnvilBinary(), ['--port', '8545'])
 * ```
 */
export function resolveAnvilBinary(): string {
  if (process.env.LEASH_ANVIL_BIN) return process.env.LEASH_ANVIL_BIN;
  const arch = process.arch === 'x64' ? 'amd64' : process.arch;
  const platformPackage = `@foundry-rs/anvil-${process.platform}-${arch}`;
  try {
    const packageDir = path.dirname(require.resolve(`${platformPackage}/package.json`));
    const binary = path.join(packageDir, 'bin', process.platform === 'win32' ? 'anvil.exe' : 'anvil');
    if (fs.existsSync(binary)) return binary;
  } catch {
    // fall through
  }
  throw new LocalProcessError('anvil is not installed.', {
    details: `Install @foundry-rs/anvil (with optional dependencies, for ${platformPackage}) or set LEASH_ANVIL_BIN.`,
  });
}

function resolveAltoEntry(): string {
  try {
    // Alto exports only its library entry (esm/index.js); the CLI sits next to it.
    return path.join(path.dirname(require.resolve('@pimlico/alto')), 'cli/alto.js');
  } catch (cause) {
    throw new LocalProcessError('The Alto bundler is not installed.', {
      cause: cause as Error,
      details: 'Install @pimlico/alto 0.0.20 (with the patch in patches/, applied by patch-package).',
    });
  }
}

async function pickPort(requested: number | undefined, what: string): Promise<number> {
  if (requested === undefined) return getFreePort();
  if (await isPortInUse(requested)) throw new LocalProcessError(`Port ${requested} for ${what} is already in use.`);
  return requested;
}

async function waitForRpc(
  url: string,
  method: string,
  child: ManagedProcess,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void child.exited.then(() => (exited = true));
  while (Date.now() < deadline) {
    if (exited)
      throw new LocalProcessError(`${child.name} exited during start-up.`, { details: child.recentOutput().slice(-4000) });
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params: [] }),
      });
      const body = (await response.json()) as { result?: unknown };
      if (body.result !== undefined) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new LocalProcessError(`${child.name} did not answer ${method} within ${timeoutMs} ms.`, {
    details: child.recentOutput().slice(-4000),
  });
}

/**
 * Options of {@link startAnvil}.
 *
 * @example
 * ```ts
 * const anvil = await startAnvil({ port: await getFreePort(), chainId: 8453, extraArgs: ['--block-time', '2'] })
 * ```
 */
export type StartAnvilOptions = {
  port: number;
  chainId: number;
  /** More anvil flags, e.g. `--disable-default-create2-deployer`. */
  extraArgs?: string[] | undefined;
  onLog?: ((line: string) => void) | undefined;
};

const anvilUrl = (port: number) => `http://127.0.0.1:${port}`;

/**
 * Starts anvil on 127.0.0.1:`port` and resolves once it answers RPC calls. Killed by PID like every managed process.
 *
 * @example
 * ```ts
 * const anvil = await startAnvil({ port: await getFreePort(), chainId: 31337 })
 * await anvil.stop()
 * ```
 */
export async function startAnvil(options: StartAnvilOptions): Promise<ManagedProcess & { rpcUrl: string }> {
  const { port, chainId, extraArgs = [], onLog } = options;
  const anvil = spawnManaged(
    'anvil',
    resolveAnvilBinary(),
    // The hardfork is pinned so gas figures do not move with anvil's default.
    ['--port', String(port), '--host', '127.0.0.1', '--chain-id', String(chainId), '--hardfork', 'prague', '--silent', ...extraArgs],
    { onOutput: onLog && ((line) => onLog(`[anvil] ${line}`)) },
  );
  try {
    await waitForRpc(anvilUrl(port), 'eth_chainId', anvil, 15_000);
  } catch (error) {
    await anvil.stop();
    throw error;
  }
  return { ...anvil, rpcUrl: anvilUrl(port) };
}

/**
 * Starts the local stack: anvil, EntryPoints v0.8 and v0.7 at their canonical addresses, the Leash contracts at their CREATE2
 * addresses (factory staked), a development ERC-20, and the Alto bundler (safe mode by default). Children are killed
 * by PID on `stop()`, on process exit and on Ctrl-C.
 *
 * @example
 * ```ts
 * import { startLocalStack } from '@leash/sdk/local'
 *
 * const stack = await startLocalStack()
 * console.log(stack.rpcUrl, stack.bundlerUrl, stack.contracts.accountFactory)
 * await stack.stop()
 * ```
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const { chainId = 31337, safeMode = true, onProgress = () => {} } = options;
  // LEASH_STACK_LOG=<file> appends anvil's and Alto's output there (with Alto at info level), for debugging.
  const logFile = process.env.LEASH_STACK_LOG;
  const bundlerLogLevel = options.bundlerLogLevel ?? (logFile ? 'info' : 'warn');
  const onLog = logFile
    ? (line: string) => {
        fs.appendFileSync(logFile, `${line}\n`);
        options.onLog?.(line);
      }
    : options.onLog;
  const anvilPort = await pickPort(options.anvilPort, 'anvil');
  const rpcUrl = anvilUrl(anvilPort);
  const children: ManagedProcess[] = [];
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    // Alto first: it polls anvil and would log errors if anvil went first.
    for (const child of [...children].reverse()) await child.stop();
  };

  try {
    // Blocks every second on top of mining each transaction: an idle anvil would otherwise keep the timestamp of its
    // last transaction, and bundler simulations would see an old clock (ops valid from a new period: "not due").
    const anvil = await startAnvil({ port: anvilPort, chainId, onLog, extraArgs: ['--block-time', '1', '--mixed-mining', ...(options.disableCodeSizeLimit ? ['--disable-code-size-limit'] : [])] });
    children.push(anvil);
    onProgress(`anvil listening on ${rpcUrl} (pid ${anvil.pid})`);

    const chain = defineChain({
      id: chainId,
      name: 'Leash local',
      nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
      rpcUrls: { default: { http: [rpcUrl] } },
      testnet: true,
    });
    const deployer = createWalletClient({ account: privateKeyToAccount(devAccounts.deployer), chain, transport: http(rpcUrl) });
    const devToken = getDevTokenContract();
    const devPaymaster = getDevPaymasterContract();
    const deployment = await deployLeash(deployer, {
      stakeOwner: options.stakeOwner ?? canonicalStakeOwner,
      stake: defaultFactoryStake,
      // Accounts built for EntryPoint v0.7 (Safe7579, the ERC-7579 reference account) run on the local stack too.
      entryPoint07: true,
      extraContracts: [devToken, devPaymaster],
      onProgress,
    });
    const publicClient = createPublicClient({ chain, transport: http(rpcUrl), pollingInterval: 100 });
    await publicClient.waitForTransactionReceipt({
      hash: await deployer.writeContract({ address: devPaymaster.address, abi: devPaymasterAbi, functionName: 'deposit', value: parseEther('100') }),
    });
    onProgress(`DevPaymaster funded with 100 ETH of EntryPoint deposit`);

    const bundlerPort = await pickPort(options.bundlerPort, 'the bundler');
    const bundlerUrl = `http://127.0.0.1:${bundlerPort}`;
    let alto: ManagedProcess | undefined;
    const startBundler = async (mode = safeMode) => {
      if (stopped) throw new LocalProcessError('The local stack is stopped.');
      if (alto) throw new LocalProcessError('The bundler is already running.');
      const child = spawnManaged(
        'alto',
        process.execPath,
        [
          resolveAltoEntry(),
          '--entrypoints', `${deployment.addresses.entryPoint},${entryPoints['0.7'].address}`,
          '--rpc-url', rpcUrl,
          '--executor-private-keys', devAccounts.bundlerExecutor,
          '--utility-private-key', devAccounts.bundlerUtility,
          '--safe-mode', String(mode),
          '--deploy-simulations-contract', 'true',
          '--port', String(bundlerPort),
          '--log-level', bundlerLogLevel,
          '--enable-cors', 'true',
        ],
        { onOutput: onLog && ((line) => onLog(`[alto] ${line}`)) },
      );
      alto = child;
      children.push(child);
      try {
        await waitForRpc(bundlerUrl, 'eth_supportedEntryPoints', child, 30_000);
      } catch (error) {
        await stopBundler();
        throw error;
      }
      pids.bundler = child.pid;
      onProgress(`Alto bundler listening on ${bundlerUrl} (pid ${child.pid}, safe mode ${mode ? 'on' : 'off'})`);
    };
    const stopBundler = async ({ kill = false } = {}) => {
      const child = alto;
      if (!child) return;
      alto = undefined;
      await child.stop(kill ? 0 : undefined);
      children.splice(children.indexOf(child), 1);
    };
    const pids = { anvil: anvil.pid, bundler: 0 };
    await startBundler();

    // A nonce manager of this stack's own (viem's shared one is keyed by address and chain id, which every local
    // stack has in common), so that concurrent fund() calls do not collide.
    const faucet = createWalletClient({
      account: privateKeyToAccount(devAccounts.faucet, { nonceManager: createNonceManager({ source: jsonRpc() }) }),
      chain,
      transport: http(rpcUrl),
    });
    const fund: LocalStack['fund'] = async (address, { ether = 0n, devTokens = 0n }) => {
      const hashes: Hex[] = [];
      if (ether > 0n) hashes.push(await faucet.sendTransaction({ to: address, value: ether }));
      if (devTokens > 0n)
        hashes.push(
          await faucet.writeContract({ address: devToken.address, abi: devTokenAbi, functionName: 'mint', args: [address, devTokens] }),
        );
      for (const hash of hashes) {
        const receipt = await publicClient.waitForTransactionReceipt({ hash });
        if (receipt.status !== 'success') throw new LocalProcessError(`Funding ${address} failed (${hash}).`);
      }
    };

    return {
      chain,
      chainId,
      rpcUrl,
      bundlerUrl,
      safeMode,
      contracts: { ...deployment.addresses, devToken: devToken.address, devPaymaster: devPaymaster.address },
      deployment: deployment.contracts,
      keys: devAccounts,
      pids,
      bundler: {
        get running() {
          return alto !== undefined;
        },
        stop: stopBundler,
        start: (startOptions) => startBundler(startOptions?.safeMode ?? safeMode),
      },
      fund,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
