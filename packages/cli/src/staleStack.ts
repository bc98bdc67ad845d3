import { type ProcessIdentity, isRunning, isSameProcess, processIdentity, stopProcess } from './processIdentity.js';
import type { StackFile } from './state.js';

/** What became of a process that a stale stack file names. */
export type LeftoverProcess = {
  name: 'anvil' | 'Alto';
  pid: number;
  /**
   * `stopped`: it was still running and is now stopped; `not running`: it had exited; `another process`: the PID now
   * belongs to a process that is not the one `leash up` started (left alone); `still running`: it would not stop.
   */
  outcome: 'stopped' | 'not running' | 'another process' | 'still running';
  /** The command line now running under the PID, for `another process`. */
  command?: string | undefined;
};

const portOf = (url: string): string => new URL(url).port;

/**
 * Stops the anvil and Alto that a `leash up` which did not clean up (killed with SIGKILL, or its machine's power cut)
 * left running, as its stack file names them. A PID is only signalled when it still runs the same process: the start
 * time and command line recorded in the file, or for an older file one whose command line is that anvil or Alto on
 * the file's port.
 */
export async function stopStaleStack(stack: StackFile): Promise<LeftoverProcess[]> {
  const processes: { name: LeftoverProcess['name']; recorded: ProcessIdentity; looksLike: (command: string) => boolean }[] = [
    {
      name: 'anvil',
      recorded: stack.processes?.anvil ?? { pid: stack.pids.anvil },
      looksLike: (command) => /\banvil\b/.test(command) && command.includes(`--port ${portOf(stack.rpcUrl)}`),
    },
    {
      name: 'Alto',
      recorded: stack.processes?.bundler ?? { pid: stack.pids.bundler },
      looksLike: (command) => command.includes('alto') && command.includes(`--port ${portOf(stack.bundlerUrl)}`),
    },
  ];
  return Promise.all(
    processes.map(async ({ name, recorded, looksLike }): Promise<LeftoverProcess> => {
      const { pid } = recorded;
      if (!isRunning(pid)) return { name, pid, outcome: 'not running' };
      if (!isSameProcess(recorded, looksLike)) return { name, pid, outcome: 'another process', command: processIdentity(pid)?.command };
      return { name, pid, outcome: (await stopProcess(pid)) ? 'stopped' : 'still running' };
    }),
  );
}

/** Says what {@link stopStaleStack} did, in a sentence or two. */
export function describeLeftovers(stack: StackFile, stackFile: string, leftovers: LeftoverProcess[]): string {
  const list = (outcome: LeftoverProcess['outcome']) =>
    leftovers
      .filter((leftover) => leftover.outcome === outcome)
      .map(({ name, pid }) => `${name} (pid ${pid})`)
      .join(' and ');
  const sentences = [`${stackFile} was left by a leash up (pid ${stack.pid}, started ${stack.startedAt}) that exited without stopping its stack.`];
  if (list('stopped')) sentences.push(`Stopped what it left running: ${list('stopped')}.`);
  if (list('not running') && !list('stopped')) sentences.push(`Its ${list('not running')} had exited too.`);
  for (const { name, pid, command } of leftovers.filter((leftover) => leftover.outcome === 'another process'))
    sentences.push(`PID ${pid}, its ${name}, now runs another process${command ? ` (${command.length > 80 ? `${command.slice(0, 77)}…` : command})` : ''}: left alone.`);
  if (list('still running')) sentences.push(`Could not stop ${list('still running')}: stop ${leftovers.filter((l) => l.outcome === 'still running').length > 1 ? 'them' : 'it'} yourself.`);
  return sentences.join(' ');
}
