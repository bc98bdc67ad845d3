import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const leashBin = path.resolve(import.meta.dirname, '../bin/leash.mjs');

/** A running `leash` process with its output collected. */
export type LeashRun = { child: ChildProcess; stdout: () => string; stderr: () => string; exit: Promise<number | null> };

/** The CLI's configuration variables: a test sets the ones it means, never inherits them. */
const leashVariables = ['LEASH_HOME', 'LEASH_RPC_URL', 'LEASH_BUNDLER_URL', 'LEASH_OWNER_KEY', 'LEASH_ACCOUNT', 'LEASH_KEY_PASSWORD', 'LEASH_PRIVATE_KEY'];

/** Starts `leash <args>` (the built CLI) with NO_COLOR, collecting its output. */
export function runLeash(args: string[], env: NodeJS.ProcessEnv = {}): LeashRun {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !leashVariables.includes(name)));
  const child = spawn(process.execPath, [leashBin, ...args], {
    env: { ...inherited, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exit };
}

/** Waits until `predicate` holds, polling every 100 ms. */
export async function waitFor(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** PIDs of the direct children of `pid` (Linux `ps`). */
export function childPids(pid: number): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .map((line) => Number(line.trim()))
      .filter((n) => n > 0);
  } catch {
    return [];
  }
}

/** The finished run of a `leash` command: exit code and output, stdout parsed when it is JSON. */
export type LeashResult = { code: number | null; stdout: string; stderr: string; json: any };

/** Runs `leash <args>` to completion. */
export async function leash(args: string[], env: NodeJS.ProcessEnv = {}): Promise<LeashResult> {
  const run = runLeash(args, env);
  const code = await run.exit;
  let json: unknown;
  try {
    json = JSON.parse(run.stdout());
  } catch {
    json = undefined;
  }
  return { code, stdout: run.stdout(), stderr: run.stderr(), json };
}

/** A `leash up` child process and the stack file it wrote. */
export type LeashUp = { run: LeashRun; stack: { pid: number; rpcUrl: string; bundlerUrl: string; chainId: number; contracts: Record<string, `0x${string}`> } };

/** Starts `leash up --json --no-ui` (the web session manager is not needed here) with `LEASH_HOME=home` and waits until its stack runs. */
export async function startLeashUp(home: string): Promise<LeashUp> {
  const run = runLeash(['up', '--json', '--no-ui'], { LEASH_HOME: home });
  await waitFor(() => run.stdout().includes('is running') || run.child.exitCode !== null, 60_000, 'leash up');
  if (run.child.exitCode !== null) throw new Error(`leash up exited: ${run.stderr()}`);
  const stack = JSON.parse(fs.readFileSync(path.join(home, 'stack.json'), 'utf8'));
  return { run, stack };
}

/** Stops a `leash up` child with SIGTERM and waits for it. */
export async function stopLeashUp(up: LeashUp | undefined): Promise<void> {
  if (!up || up.run.child.exitCode !== null) return;
  up.run.child.kill('SIGTERM');
  await up.run.exit;
}
