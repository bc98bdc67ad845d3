import type { Command } from 'commander';
import { type Hex, getAddress } from 'viem';
import type { LocalStack } from '@leash/sdk/local';
import {
  type DemoSessionKey,
  type SessionManager,
  type SessionManagerConfig,
  sessionManagerConfigFromStack,
  startSessionManager,
} from '@leash/web/server';
import { CliError } from '../errors.js';
import { heading, note, paint, printJson, printRows, withProgress } from '../output.js';
import { readOwnerKey } from '../state.js';
import { type ConnectionOptions, type Target, connectionOptions, ownerOption, resolveTarget } from '../target.js';

type UiOptions = ConnectionOptions & { ownerKey?: string; port?: string; host: string; json?: boolean };

/**
 * `leash ui`: serve the web session manager for the running local stack (`leash up`), or for any chain and bundler
 * given by `--rpc-url` / `--bundler-url`, until Ctrl-C.
 */
export function registerUi(program: Command): void {
  const command = program
    .command('ui')
    .description('serve the web session manager (see, grant, rotate and revoke session keys in the browser) until Ctrl-C')
    .option('--port <port>', 'port to serve on (default: a free port)', process.env.LEASH_UI_PORT)
    .option('--host <host>', 'interface to listen on; the local stack\'s page carries development keys, keep it local', '127.0.0.1');
  connectionOptions(ownerOption(command)).action(async (options: UiOptions) => {
    const target = await resolveTarget(options, { bundler: true });
    const config = await sessionManagerConfigOf(target, options.ownerKey);
    if (!target.local && options.ownerKey) note('--owner-key is not passed to the page for a chain other than the local stack: connect a browser wallet there.');
    const manager = await withProgress('Starting the web session manager', (progress) =>
      // Stale assets are rebuilt first (about half a minute): say so.
      startSessionManager({ config, port: parsePort(options.port), host: options.host, onProgress: (line) => progress.update(line) }),
    );
    if (options.json) printJson({ url: manager.url, rpcUrl: config.rpcUrl, bundlerUrl: config.bundlerUrl, chainId: config.chainId, local: target.local !== undefined });
    else printSessionManager(manager, { devOwner: config.devOwnerKey !== undefined });
    await untilInterrupted();
    await manager.stop();
  });
}

/**
 * For `leash up`: serves the web session manager for the local stack this process runs. It serves the assets as
 * installed (building them only when missing), so a stack never waits for a rebuild.
 */
export function serveLocalStackSessionManager(stack: LocalStack, demoSessionKey?: DemoSessionKey): Promise<SessionManager> {
  const config = sessionManagerConfigFromStack(stack);
  // The same owner as the CLI's commands: the stored development owner key when `leash account create` made one.
  return startSessionManager({ config: { ...config, devOwnerKey: readOwnerKey() ?? config.devOwnerKey, demoSessionKey }, build: 'if-missing' });
}

/** Prints where the web session manager is served and who can act as the owner there. */
export function printSessionManager(manager: SessionManager, options: { devOwner: boolean; demoSessionKey?: DemoSessionKey | undefined }): void {
  heading('Web session manager');
  const { demoSessionKey } = options;
  printRows([
    ['URL', paint('bold', manager.url)],
    ['Owner', options.devOwner ? 'the development owner key, or a browser wallet' : 'a browser wallet'],
    ...(demoSessionKey
      ? [['Demo app', `${new URL('#/demo', manager.url)} tips with the demo's key ${demoSessionKey.label} (${demoSessionKey.address})`] as [string, string]]
      : []),
  ]);
}

/**
 * What the page gets: the chain, bundler and contracts; on the local stack also the development owner key (the CLI's
 * owner: --owner-key, else the stored one, else the stack's dev owner) and the faucet key. Never a key for another chain.
 */
export async function sessionManagerConfigOf(target: Target, ownerKey: string | undefined): Promise<SessionManagerConfig> {
  const { local } = target;
  const base: SessionManagerConfig = {
    chainId: target.chain.id,
    chainName: target.chain.name,
    rpcUrl: target.rpcUrl,
    bundlerUrl: target.bundlerUrl!,
    contracts: { ...target.addresses, ...(local ? { devToken: getAddress(local.contracts.devToken) } : {}) },
  };
  if (!local) return base;
  // Loaded here: @leash/sdk/local is slow to import, and every other command would pay for it.
  const { devAccounts } = await import('@leash/sdk/local');
  const devOwnerKey = (ownerKey?.trim() || readOwnerKey() || devAccounts.devOwner) as Hex;
  if (!/^0x[0-9a-fA-F]{64}$/.test(devOwnerKey)) throw new CliError('--owner-key (or LEASH_OWNER_KEY) must be a 32-byte hex private key (0x and 64 hex digits).');
  return { ...base, devOwnerKey, devFaucetKey: devAccounts.faucet, demoSessionKey: local.demoSessionKey };
}

function parsePort(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`--port must be a port number, got "${value}".`, { exitCode: 2 });
  return port;
}

function untilInterrupted(): Promise<void> {
  return new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
}
