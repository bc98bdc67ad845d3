import fs from 'node:fs';
import path from 'node:path';
import { type Address, type Hex, getAddress } from 'viem';
import type { LeashAddresses } from '@leash/sdk';
import type { DemoSessionKey } from '@leash/web/server';
import { CliError } from './errors.js';
import { type ProcessIdentity, isRunning, isSameProcess, processIdentity } from './processIdentity.js';

/** What `leash up` records about the stack it runs, for the other commands. */
export type StackFile = {
  /** PID of the `leash up` process that owns the stack. */
  pid: number;
  rpcUrl: string;
  bundlerUrl: string;
  chainId: number;
  safeMode: boolean;
  contracts: LeashAddresses & { devToken: Address; devPaymaster: Address };
  pids: { anvil: number; bundler: number };
  /** The session key that `leash up --demo` granted, which `leash ui` offers to its demo page too. */
  demoSessionKey?: DemoSessionKey | undefined;
  /**
   * Start time and command line of `leash up` and its children, so that a later `leash up` stops only these processes,
   * not others that got their PIDs since (absent in files from older versions).
   */
  processes?: { up?: ProcessIdentity | undefined; anvil?: ProcessIdentity | undefined; bundler?: ProcessIdentity | undefined } | undefined;
  startedAt: string;
};

/**
 * The CLI's state directory: `$LEASH_HOME`, or `.leash` under the current directory. It holds the running stack's
 * description, the local development owner key and the session keys' keystores.
 */
export function stateDir(): string {
  const home = process.env.LEASH_HOME;
  return path.resolve(home && home.trim() !== '' ? home : path.join(process.cwd(), '.leash'));
}

/** Where `leash up` describes the running stack. */
export const stackFilePath = (): string => path.join(stateDir(), 'stack.json');
/** Where `account create` keeps a generated owner key (local stack only). */
export const ownerKeyPath = (): string => path.join(stateDir(), 'owner-key');
/** Where `key add` keeps a generated session key's encrypted keystore. */
export const keystorePath = (key: Address): string => path.join(stateDir(), 'keys', `${getAddress(key)}.json`);

/** The state of the stack file: absent, describing a live stack, or left behind by a `leash up` that is gone. */
export type StackFileState = { status: 'none' } | { status: 'running'; stack: StackFile } | { status: 'stale'; stack: StackFile };

/** Reads the stack file and checks that the `leash up` that wrote it still runs. */
export function readStackFile(): StackFileState {
  let text: string;
  try {
    text = fs.readFileSync(stackFilePath(), 'utf8');
  } catch {
    return { status: 'none' };
  }
  let stack: StackFile;
  try {
    stack = JSON.parse(text) as StackFile;
    if (!Number.isInteger(stack.pid) || typeof stack.rpcUrl !== 'string') throw new Error('missing pid or rpcUrl');
  } catch (cause) {
    throw new CliError(`${stackFilePath()} does not describe a stack (${(cause as Error).message}).`, {
      hint: 'Remove it; `leash up` writes a new one.',
    });
  }
  const up = stack.processes?.up;
  const running = up ? isSameProcess(up) : isRunning(stack.pid);
  return { status: running ? 'running' : 'stale', stack };
}

/** Writes the stack file for this process's stack, with who runs it (directory mode 0700). */
export function writeStackFile(stack: Omit<StackFile, 'pid' | 'startedAt' | 'processes'>): void {
  fs.mkdirSync(stateDir(), { recursive: true, mode: 0o700 });
  const processes = { up: processIdentity(process.pid), anvil: processIdentity(stack.pids.anvil), bundler: processIdentity(stack.pids.bundler) };
  const file: StackFile = { pid: process.pid, ...stack, processes, startedAt: new Date().toISOString() };
  fs.writeFileSync(stackFilePath(), `${JSON.stringify(file, null, 2)}\n`);
}

/** Removes the stack file if this process wrote it (another `leash up` may have replaced a stale one). */
export function removeStackFile(): void {
  const state = readStackFile();
  if (state.status !== 'none' && state.stack.pid === process.pid) fs.rmSync(stackFilePath(), { force: true });
}

/** The stored local development owner key, if any. */
export function readOwnerKey(): Hex | undefined {
  try {
    return fs.readFileSync(ownerKeyPath(), 'utf8').trim() as Hex;
  } catch {
    return undefined;
  }
}

/** Stores a generated local development owner key, readable by its owner only (mode 0600). */
export function writeOwnerKey(key: Hex): void {
  fs.mkdirSync(stateDir(), { recursive: true, mode: 0o700 });
  fs.writeFileSync(ownerKeyPath(), `${key}\n`, { mode: 0o600, flag: 'wx' });
}
