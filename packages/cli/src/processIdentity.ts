import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

/**
 * What tells a process apart from a later one that got the same PID: when it started and its command line. Either
 * may be unknown where the system does not tell (no /proc and no `ps`).
 */
export type ProcessIdentity = { pid: number; startedAt?: string | undefined; command?: string | undefined };

function readProc(pid: number): { state: string; startedAt: string; command: string } | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may itself hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const bootId = fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    const command = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
    // Field 22 (start time in clock ticks since boot) is field index 19 after the name; the boot id tells boots apart.
    return { state: fields[0]!, startedAt: `${bootId}:${fields[19]}`, command };
  } catch {
    return undefined;
  }
}

function readPs(pid: number): { startedAt: string; command: string } | undefined {
  try {
    const [startedAt, command] = ['lstart=', 'command='].map((field) => execFileSync('ps', ['-o', field, '-p', String(pid)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    return startedAt ? { startedAt, command: command ?? '' } : undefined;
  } catch {
    return undefined;
  }
}

const hasProc = fs.existsSync('/proc/self/stat');

/** Whether `pid` runs: signal 0 reaches it and it is not a zombie (an exited process its parent has not reaped yet). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return !hasProc || (readProc(pid)?.state ?? 'Z') !== 'Z';
}

/** The identity of a running process (from /proc on Linux, else from `ps`), or undefined when it does not run. */
export function processIdentity(pid: number): ProcessIdentity | undefined {
  if (!isRunning(pid)) return undefined;
  const read = hasProc ? readProc(pid) : readPs(pid);
  return { pid, startedAt: read?.startedAt, command: read?.command };
}

/**
 * Whether `pid` still runs the process that `recorded` describes: the same start time and command line, as far as
 * they were recorded (a recorded one that cannot be read now does not match). When nothing was recorded (a state file
 * from an older `leash up`), `looksLike` judges the command line.
 */
export function isSameProcess(recorded: ProcessIdentity, looksLike?: (command: string) => boolean): boolean {
  const current = processIdentity(recorded.pid);
  if (!current) return false;
  if (recorded.startedAt !== undefined || recorded.command !== undefined)
    return (recorded.startedAt === undefined || recorded.startedAt === current.startedAt) && (recorded.command === undefined || recorded.command === current.command);
  return current.command !== undefined && (looksLike?.(current.command) ?? false);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitUntilGone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isRunning(pid)) {
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
  return true;
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves with whether the process is gone. */
export async function stopProcess(pid: number, graceMs = 3_000): Promise<boolean> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return !isRunning(pid);
  }
  if (await waitUntilGone(pid, graceMs)) return true;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // gone meanwhile
  }
  return waitUntilGone(pid, 2_000);
}
