import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import path from 'node:path';

export const leashBin = path.resolve(import.meta.dirname, '../bin/leash.mjs');

/** A running `leash` process with its output collected. */
export type LeashRun = { child: ChildProcess; stdout: () => string; stderr: () => string; exit: Promise<number | null> };

/** Starts `leash <args>` (the built CLI) with NO_COLOR, collecting its output. */
export function runLeash(args: string[], env: NodeJS.ProcessEnv = {}): LeashRun {
  const child = spawn(process.execPath, [leashBin, ...args], {
    env: { ...process.env, NO_COLOR: '1', ...env },
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
