import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import type { LocalStack } from '@leash/sdk/local';
import { heading, note, paint, printRows, withProgress } from '../output.js';
import { createDemoSessionKey, runDemo } from '../demo.js';
import { CliError } from '../errors.js';
import { describeLeftovers, stopStaleStack } from '../staleStack.js';
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
      const anvilPort = parsePort(options.anvilPort, '--anvil-port');
      const bundlerPort = parsePort(options.bundlerPort, '--bundler-port');
      const existing = readStackFile();
      if (existing.status === 'running')
        throw new CliError(`A local stack is already running here (leash up, pid ${existing.stack.pid}, RPC ${existing.stack.rpcUrl}).`, {
          hint: `Stop it first, or set LEASH_HOME to another directory (the state is in ${stackFilePath()}).`,
        });
      // From here on, Ctrl-C, SIGTERM and a closed terminal (SIGHUP) stop the stack in order, whatever it is doing.
      const stop = catchStopSignals();
      let phase: 'starting' | 'demo' | 'running' = 'starting';
      let stack: LocalStack | undefined;
      let sessionManager: Awaited<ReturnType<typeof serveLocalStackSessionManager>> | undefined;
      try {
        // A leash up killed with SIGKILL left its anvil and Alto running: stop them (only if they still are those).
        const leftovers = existing.status === 'stale' ? await stopStaleStack(existing.stack) : undefined;
        if (existing.status === 'stale') note(describeLeftovers(existing.stack, stackFilePath(), leftovers!));
        // Loaded here: @leash/sdk/local takes about a second to import, which every other command would pay.
        const { startLocalStack } = await import('@leash/sdk/local');
        if (stop.signal()) throw new StopRequested(); // stopped before anything started
        stack = await stop.unlessStopped(
          withProgress('Starting the local stack', () =>
            startLocalStack({
              anvilPort,
              bundlerPort,
              safeMode: options.safeMode,
              onLog: options.verbose ? (line) => console.error(paint('dim', line)) : undefined,
            }),
          ),
        );
        // The demo's session key, made now so that the web session manager's demo page can tip with it.
        const demoSessionKey = options.demo ? createDemoSessionKey(stack) : undefined;
        // Other leash commands find the stack through this file; it goes away with the stack.
        writeStackFile({ ...describeStack(stack), demoSessionKey });
        // The web session manager runs as long as the stack (not with --exit).
        if (options.ui && !options.exit)
          sessionManager = await stop.unlessStopped(
            withProgress('Starting the web session manager', () => serveLocalStackSessionManager(stack!, demoSessionKey)),
          );
        if (options.json) console.log(JSON.stringify({ ...describeStack(stack), sessionManagerUrl: sessionManager?.url, ...(leftovers ? { leftovers } : {}) }, null, 2));
        else printStack(stack);
        phase = 'demo';
        if (demoSessionKey) await stop.unlessStopped(runDemo(stack, demoSessionKey));
        if (options.exit) return;
        if (sessionManager && !options.json) printSessionManager(sessionManager, { devOwner: true, demoSessionKey });
        console.log(`\n${paint('green', 'The local stack is running.')} Press Ctrl-C to stop it.`);
        phase = 'running';
        await stop.received;
      } catch (error) {
        // Interrupted: what was under way is abandoned (its processes are stopped below).
        if (!(error instanceof StopRequested)) throw error;
      } finally {
        const signal = stop.signal();
        const interrupted = signal !== undefined && phase !== 'running';
        if (interrupted)
          console.error(`\n${paint('yellow', `Interrupted by ${signal}`)} ${phase === 'demo' ? 'during the demo' : 'while the local stack was starting'}: stopping the local stack.`);
        await sessionManager?.stop();
        removeStackFile();
        await stack?.stop();
        if (!options.json || interrupted) (options.json ? console.error : console.log)(paint('dim', stoppedSummary(stack, sessionManager !== undefined)));
        stop.release();
        // Exit now with the signal's status: an interrupted step may still have timers or requests pending. The exit
        // hooks of @leash/sdk/local kill any child that was still starting.
        if (interrupted) process.exit(128 + os.constants.signals[signal]);
      }
    });
}

/** Thrown by {@link catchStopSignals}' `unlessStopped` when a stop signal arrives first. */
class StopRequested extends Error {}

const stopSignals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
type StopSignal = (typeof stopSignals)[number];

/**
 * Catches SIGINT, SIGTERM and SIGHUP until `release()`: the first one resolves `received`; later ones are ignored while
 * the stack stops. After SIGHUP the terminal is gone, so writing to it must not crash the clean-up.
 */
function catchStopSignals() {
  let received: StopSignal | undefined;
  let resolve!: (signal: StopSignal) => void;
  const promise = new Promise<StopSignal>((r) => (resolve = r));
  const ignoreWriteErrors = () => {};
  const handler = (signal: StopSignal) => {
    if (received) return;
    received = signal;
    if (signal === 'SIGHUP') for (const stream of [process.stdout, process.stderr]) stream.on('error', ignoreWriteErrors);
    resolve(signal);
  };
  for (const signal of stopSignals) process.on(signal, handler);
  return {
    received: promise,
    signal: () => received,
    /** `task`'s result, or StopRequested as soon as a stop signal arrives (the task is then abandoned). */
    unlessStopped<T>(task: Promise<T>): Promise<T> {
      task.catch(() => {}); // an abandoned task's failure is expected: its processes were killed
      return Promise.race([task, promise.then((): never => { throw new StopRequested(); })]);
    },
    release: () => stopSignals.forEach((signal) => process.off(signal, handler)),
  };
}

/** What stopping the stack did: which processes exited, and that the state file is gone. */
function stoppedSummary(stack: LocalStack | undefined, hadSessionManager: boolean): string {
  if (!stack) return 'Local stack stopped: nothing of it is left running.';
  const parts = [`anvil (pid ${stack.pids.anvil}) and Alto (pid ${stack.pids.bundler}) exited`];
  if (hadSessionManager) parts.push('the web session manager closed');
  const relative = path.relative(process.cwd(), stackFilePath());
  parts.push(`${relative.startsWith('..') || path.isAbsolute(relative) ? stackFilePath() : relative} removed`);
  return `Local stack stopped: ${parts.join(', ')}.`;
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
