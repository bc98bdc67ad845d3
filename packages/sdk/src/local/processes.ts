import { type ChildProcess, spawn } from 'node:child_process';
import { LeashError } from '../errors/LeashError.js';

/**
 * Thrown when a local child process (anvil, Alto) fails to start or dies.
 *
 * @example
 * ```ts
 * try {
 *   await startLocalStack({ anvilPort: 8545 })
 * } catch (error) {
 *   if (error instanceof LocalProcessError) console.error(error.shortMessage) // 'Port 8545 for anvil is already in use.'
 * }
 * ```
 */
export class LocalProcessError extends LeashError {
  override name = 'LocalProcessError';
}

/**
 * A child process the local stack owns, killed by PID on stop, on exit and on Ctrl-C.
 *
 * @example
 * ```ts
 * const anvil: ManagedProcess = await startAnvil({ port: await getFreePort(), chainId: 31337 })
 * console.log(anvil.pid, anvil.recentOutput())
 * await anvil.stop()
 * ```
 */
export type ManagedProcess = {
  name: string;
  pid: number;
  /** The last lines it printed, for error messages. */
  recentOutput(): string;
  /** Resolves when the process has exited. */
  exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after `graceMs` (at once when 0: a crash); resolves once the process is gone. */
  stop(graceMs?: number): Promise<void>;
};

const running = new Set<ChildProcess>();
let hooksInstalled = false;

// Kill every child we started when this process ends, however it ends (short of SIGKILL). `exit` handlers must be
// synchronous, so they send SIGKILL; signal handlers kill, then re-raise the signal so the default action (and the
// exit code) stay as they would have been.
function installHooks() {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', killAllNow);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const handler = () => {
      killAllNow();
      process.off(signal, handler);
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    process.on(signal, handler);
  }
}

function killAllNow() {
  for (const child of running) {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  running.clear();
}

/**
 * Starts `command` as a child process that is killed by PID when the stack stops or this process exits.
 *
 * @example
 * ```ts
 * const anvil = spawnManaged('anvil', '/path/to/anvil', ['--port', '8545'])
 * await anvil.stop()
 * ```
 */
export function spawnManaged(
  name: string,
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; onOutput?: (line: string) => void; keepLines?: number } = {},
): ManagedProcess {
  installHooks();
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: options.env ?? process.env });
  if (child.pid === undefined) throw new LocalProcessError(`Could not start ${name}.`, { details: command });
  running.add(child);

  const lines: string[] = [];
  const keep = options.keepLines ?? 200;
  for (const stream of [child.stdout, child.stderr]) {
    let partial = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) {
        lines.push(line);
        if (lines.length > keep) lines.shift();
        options.onOutput?.(line);
      }
    });
  }

  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      running.delete(child);
      resolve(code);
    });
    child.once('error', () => {
      running.delete(child);
      resolve(null);
    });
  });

  return {
    name,
    pid: child.pid,
    recentOutput: () => lines.join('\n'),
    exited,
    async stop(graceMs = 3000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(graceMs > 0 ? 'SIGTERM' : 'SIGKILL');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * Whether a process with this PID is alive (signal 0 probes without killing).
 *
 * @example
 * ```ts
 * await stack.stop()
 * isProcessAlive(stack.pids.anvil) // false
 * ```
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
