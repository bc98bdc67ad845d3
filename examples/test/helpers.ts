import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { expect } from 'vitest';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const examplesDir = path.join(repoRoot, 'examples');
const tsxCli = path.join(path.dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/cli.mjs');

/** A run starts a stack and sends a few ops through Alto (about 1 s each in safe mode); slow on a busy machine. */
export const exampleTimeout = 180_000;

/** A running example with its output, and every process it started (watched until it exits). */
export type ExampleRun = {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit code (or the signal's name) once the example and its output streams are done. */
  exit: Promise<number | string | null>;
  /** Every descendant process seen while the example ran (npm, tsx, node, anvil, Alto…). */
  descendants: Set<number>;
};

/**
 * Starts an example as a user would: `npm run <script>` from the repository root, or the example's file under tsx
 * (the command the npm script runs) when the test must signal the example's own process.
 */
export function startExample(
  how: { npmScript: string } | { file: string },
  env: NodeJS.ProcessEnv = {},
): ExampleRun {
  const [command, args, cwd] =
    'npmScript' in how
      ? ['npm', ['run', how.npmScript], repoRoot]
      : [process.execPath, [tsxCli, '--conditions=source', how.file], examplesDir];
  // Unset the stack variables of the test's own environment unless the test sets them.
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, LEASH_RPC_URL: '', LEASH_BUNDLER_URL: '', LEASH_PRIVATE_KEY: '', NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const descendants = new Set<number>();
  const watch = () => descendantsOf(child.pid!).forEach((pid) => descendants.add(pid));
  const watcher = setInterval(watch, 500);
  const exit = new Promise<number | string | null>((resolve) =>
    child.once('close', (code, signal) => {
      clearInterval(watcher);
      resolve(code ?? signal);
    }),
  );
  return { child, stdout: () => out, stderr: () => err, exit, descendants };
}

/** pid, parent pid and state of every process, from one `ps` snapshot. */
function processTable(): { pid: number; ppid: number; state: string }[] {
  let table: string;
  try {
    table = execFileSync('ps', ['-A', '-o', 'pid=,ppid=,stat='], { encoding: 'utf8' });
  } catch {
    return [];
  }
  return table
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields.length === 3)
    .map(([pid, ppid, state]) => ({ pid: Number(pid), ppid: Number(ppid), state: state! }));
}

/** Every process below `root` in the process tree. */
function descendantsOf(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const { pid, ppid } of processTable()) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    for (const pid of children.get(queue.shift()!) ?? []) {
      found.push(pid);
      queue.push(pid);
    }
  }
  return found;
}

/**
 * Which of `pids` still run. A zombie (exited, not yet reaped) does not: where PID 1 does not reap orphans, as in some
 * containers, a killed child can stay one.
 */
export function running(pids: Iterable<number>): number[] {
  const states = new Map(processTable().map(({ pid, state }) => [pid, state]));
  return [...pids].filter((pid) => states.has(pid) && !states.get(pid)!.startsWith('Z'));
}

/** The processes of `run` that still run (none, once an example has cleaned up after itself). */
export function survivors(run: ExampleRun): number[] {
  return running(run.descendants);
}

/** Waits until `predicate` holds, polling every 100 ms. */
export async function waitFor(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The anvil and Alto PIDs an example prints when it starts the local stack. */
export function stackPids(output: string): { anvil: number; bundler: number } {
  const match = output.match(/\(anvil, pid (\d+)\).*\(Alto, pid (\d+)\)/);
  if (!match) throw new Error(`No local stack PIDs in the output:\n${output}`);
  return { anvil: Number(match[1]), bundler: Number(match[2]) };
}

/** Checks that an example started its own stack (anvil and Alto among its processes) and left none of it running. */
export function expectOwnStackStopped(run: ExampleRun): void {
  const out = run.stdout();
  expect(out).toContain('Local stack stopped.');
  const { anvil, bundler } = stackPids(out);
  expect(run.descendants).toContain(anvil);
  expect(run.descendants).toContain(bundler);
  expect(survivors(run)).toEqual([]);
}
