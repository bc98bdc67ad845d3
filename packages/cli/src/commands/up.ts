import type { Command } from 'commander';
import type { LocalStack } from '@leash/sdk/local';
import { heading, paint, printRows, withProgress } from '../output.js';
import { runDemo } from '../demo.js';
import { CliError } from '../errors.js';
import { readStackFile, removeStackFile, stackFilePath, writeStackFile } from '../state.js';
import { printSessionManager, serveLocalStackSessionManager } from './ui.js';

type UpOptions = {
  anvilPort?: string;
  bundlerPort?: string;
  safeMode: boolean;
  demo?: boolean;
  exit?: boolean;
  ui: boolean;
  json?: boolean;
  verbose?: boolean;
};

/** `leash up`: start the local stack (and optionally the demo), keep it running until Ctrl-C. */
export function registerUp(program: Command): void {
  program
    .command('up')
    .description('start the local stack: anvil, EntryPoint v0.8, the Leash contracts and the Alto bundler')
    .option('--anvil-port <port>', 'anvil port (default: a free port)', process.env.LEASH_ANVIL_PORT)
    .option('--bundler-port <port>', 'bundler port (default: a free port)', process.env.LEASH_BUNDLER_PORT)
    .option('--no-safe-mode', 'run Alto without the ERC-7562 rule checks')
    .option('--demo', 'run the demo once the stack is up')
    .option('--exit', 'stop the stack and exit when done instead of keeping it running')
    .option('--no-ui', 'do not serve the web session manager next to the stack')
    .option('--json', 'print the stack description as JSON')
    .option('--verbose', "print anvil's and Alto's output")
    .action(async (options: UpOptions) => {
      const existing = readStackFile();
      if (existing.status === 'running')
        throw new CliError(`A local stack is already running here (leash up, pid ${existing.stack.pid}, RPC ${existing.stack.rpcUrl}).`, {
          hint: `Stop it first, or set LEASH_HOME to another directory (the state is in ${stackFilePath()}).`,
        });
      // Loaded here: @leash/sdk/local takes about a second to import, which every other command would pay.
      const { startLocalStack } = await import('@leash/sdk/local');
      const stack = await withProgress('Starting the local stack', () =>
        startLocalStack({
          anvilPort: parsePort(options.anvilPort, '--anvil-port'),
          bundlerPort: parsePort(options.bundlerPort, '--bundler-port'),
          safeMode: options.safeMode,
          onLog: options.verbose ? (line) => console.error(paint('dim', line)) : undefined,
        }),
      );
      let sessionManager: Awaited<ReturnType<typeof serveLocalStackSessionManager>> | undefined;
      try {
        // Other leash commands find the stack through this file; it goes away with the stack.
        writeStackFile(describeStack(stack));
        // The web session manager runs as long as the stack (not with --exit).
        if (options.ui && !options.exit)
          sessionManager = await withProgress('Starting the web session manager', () => serveLocalStackSessionManager(stack));
        if (options.json) console.log(JSON.stringify({ ...describeStack(stack), sessionManagerUrl: sessionManager?.url }, null, 2));
        else printStack(stack);
        if (options.demo) await runDemo(stack);
        if (options.exit) return;
        if (sessionManager && !options.json) printSessionManager(sessionManager, { devOwner: true });
        console.log(`\n${paint('green', 'The local stack is running.')} Press Ctrl-C to stop it.`);
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
      } finally {
        await sessionManager?.stop();
        removeStackFile();
        await stack.stop();
        if (!options.json) console.log(paint('dim', 'Local stack stopped.'));
      }
    });
}

function parsePort(value: string | undefined, flag: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${flag} must be a port number, got "${value}".`);
  return port;
}

export function describeStack(stack: LocalStack) {
  return {
    rpcUrl: stack.rpcUrl,
    bundlerUrl: stack.bundlerUrl,
    chainId: stack.chainId,
    safeMode: stack.safeMode,
    contracts: stack.contracts,
    pids: stack.pids,
  };
}

function printStack(stack: LocalStack): void {
  heading('Local stack');
  printRows([
    ['RPC URL', stack.rpcUrl],
    ['Bundler URL', `${stack.bundlerUrl} ${paint('dim', `(Alto, safe mode ${stack.safeMode ? 'on' : 'off'})`)}`],
    ['Chain id', String(stack.chainId)],
  ]);
  heading('Contracts');
  printRows([
    ['EntryPoint v0.8', stack.contracts.entryPoint],
    ['Account factory', stack.contracts.accountFactory],
    ['Account implementation', stack.contracts.accountImplementation],
    ['Session key module', stack.contracts.sessionKeyModule],
    ['Dev token (dUSD)', stack.contracts.devToken],
  ]);
}
