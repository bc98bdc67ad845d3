import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isProcessAlive } from '@leash/sdk/local';
import { isRunning } from '../src/processIdentity.js';
import { childPids, leash, runLeash, startLeashUp, waitFor } from './helpers.js';

// Each test's own state directory, so that no stack running in the repository (npm start) is in the way.
const homes: string[] = [];
const newHome = () => {
  homes.push(fs.mkdtempSync(path.join(os.tmpdir(), 'leash-up-')));
  return homes.at(-1)!;
};
afterAll(() => homes.forEach((home) => fs.rmSync(home, { recursive: true, force: true })));

describe('leash up', () => {
  it('runs the demo and, with --exit, stops the stack and leaves no process behind', async () => {
    const home = newHome();
    const run = runLeash(['up', '--demo', '--exit'], { LEASH_HOME: home });
    const children = new Set<number>();
    const watcher = setInterval(() => childPids(run.child.pid!).forEach((pid) => children.add(pid)), 100);
    const code = await run.exit;
    clearInterval(watcher);

    expect(code, run.stderr()).toBe(0);
    const out = run.stdout();
    expect(out).toMatch(/RPC URL\s+http:\/\/127\.0\.0\.1:\d+/);
    expect(out).toMatch(/Bundler URL\s+http:\/\/127\.0\.0\.1:\d+ \(Alto, safe mode on\)/);
    expect(out).toMatch(/EntryPoint v0\.8\s+0x4337084D9E255Ff0702461CF8895CE9E3b5Ff108/);
    // Two owner ops, the owner's install of the session key module, and the session key's payment.
    expect(out.match(/User op hash\s+0x[0-9a-f]{64}/g)).toHaveLength(4);
    expect(out.match(/Gas used \(tx\)\s+[\d,]+/g)).toHaveLength(4);
    expect(out).toMatch(/Numbers\s+limit 50 dUSD, used 10 dUSD, attempted 45 dUSD/);
    expect(out).toMatch(/Left today\s+40 dUSD of 50 dUSD/);
    expect(out).toMatch(/Alice\s+0\.01 ETH, 35 dUSD/);
    expect(out).toMatch(/Local stack stopped: anvil \(pid \d+\) and Alto \(pid \d+\) exited, .*stack\.json removed\./);
    expect(fs.existsSync(path.join(home, 'stack.json'))).toBe(false);

    expect(children.size).toBeGreaterThanOrEqual(2); // anvil and Alto
    for (const pid of children) expect(isProcessAlive(pid), `child ${pid}`).toBe(false);
  });

  it.each(['SIGINT', 'SIGTERM'] as const)('describes the stack in its state file while it runs; stops anvil and Alto and removes the file on %s', async (signal) => {
    const home = newHome();
    const stackFile = path.join(home, 'stack.json');
    const run = runLeash(['up', '--json'], { LEASH_HOME: home });
    await waitFor(() => run.stdout().includes('"pids"') && run.stdout().includes('is running'), 30_000, 'the stack');
    const { pids, rpcUrl } = JSON.parse(run.stdout().slice(0, run.stdout().lastIndexOf('}') + 1)) as {
      pids: { anvil: number; bundler: number };
      rpcUrl: string;
    };
    expect(isProcessAlive(pids.anvil) && isProcessAlive(pids.bundler)).toBe(true);
    expect(JSON.parse(fs.readFileSync(stackFile, 'utf8'))).toMatchObject({ pid: run.child.pid, rpcUrl, chainId: 31337, pids });

    const second = await leash(['up', '--exit'], { LEASH_HOME: home });
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`A local stack is already running here (leash up, pid ${run.child.pid}, RPC ${rpcUrl}).`);

    run.child.kill(signal);
    await run.exit;
    expect(isProcessAlive(pids.anvil)).toBe(false);
    expect(isProcessAlive(pids.bundler)).toBe(false);
    await expect(fetch(rpcUrl, { method: 'POST' })).rejects.toThrow();
    expect(fs.existsSync(stackFile)).toBe(false);
  });

  it('after kill -9 of leash up, the next leash up stops the anvil and Alto it left running, and says so', async () => {
    const home = newHome();
    const first = await startLeashUp(home);
    const { anvil, bundler } = (first.stack as unknown as { pids: { anvil: number; bundler: number } }).pids;
    try {
      first.run.child.kill('SIGKILL');
      await first.run.exit;
      // Nothing stopped them: they outlive their leash up.
      expect(isRunning(anvil) && isRunning(bundler)).toBe(true);

      const next = await leash(['up', '--exit', '--no-ui'], { LEASH_HOME: home });
      expect(next.code, next.stderr).toBe(0);
      expect(next.stderr).toContain(`${path.join(home, 'stack.json')} was left by a leash up (pid ${first.run.child.pid}, started `);
      expect(next.stderr).toContain(`Stopped what it left running: anvil (pid ${anvil}) and Alto (pid ${bundler}).`);
      expect(isRunning(anvil)).toBe(false);
      expect(isRunning(bundler)).toBe(false);
      expect(fs.existsSync(path.join(home, 'stack.json'))).toBe(false);
    } finally {
      for (const pid of [anvil, bundler]) if (isRunning(pid)) process.kill(pid, 'SIGKILL');
    }
  });

  // A stale state file's PIDs may belong to other processes by now (after a reboot, or many processes later).
  it.each([
    ['with the start times and command lines it recorded', true],
    ['from an older leash up, by the command line alone', false],
  ])('leaves alone a process that got a PID the stale state file names (%s)', async (_, recorded) => {
    const home = newHome();
    const other = spawn('sleep', ['60'], { stdio: 'ignore' });
    const exited = spawnSync('true').pid;
    // A busy --anvil-port ends this leash up right after it has dealt with the stale file: no stack to start.
    const busy = net.createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => busy.once('listening', resolve));
    const busyPort = (busy.address() as net.AddressInfo).port;
    try {
      const pid = other.pid!;
      fs.writeFileSync(
        path.join(home, 'stack.json'),
        JSON.stringify({
          // The leash up PID runs too, but it is not that leash up either (when its identity was recorded).
          pid: recorded ? pid : exited,
          rpcUrl: 'http://127.0.0.1:8545',
          bundlerUrl: 'http://127.0.0.1:4337',
          chainId: 31337,
          pids: { anvil: pid, bundler: exited },
          ...(recorded
            ? { processes: { up: { pid, startedAt: 'an earlier boot:1234', command: 'node leash up' }, anvil: { pid, startedAt: 'an earlier boot:1240', command: 'anvil --port 8545' } } }
            : {}),
          startedAt: '2026-01-01T00:00:00.000Z',
        }),
      );
      const next = await leash(['up', '--exit', '--no-ui', '--anvil-port', String(busyPort)], { LEASH_HOME: home });
      expect(next.stderr).toContain(`PID ${pid}, its anvil, now runs another process (sleep 60): left alone.`);
      expect(next.stderr).toContain(`Port ${busyPort} for anvil is already in use.`);
      expect(next.stderr).not.toContain('Stopped what it left running');
      expect(isRunning(pid)).toBe(true);
    } finally {
      other.kill('SIGKILL');
      busy.close();
    }
  });

  // Ctrl-C and a closed terminal reach every process of the terminal's foreground group: npm, its shell and leash.
  it.each(['SIGINT', 'SIGHUP'] as const)('stops the stack and says so on %s to npm start during the demo', async (signal) => {
    const home = newHome();
    const npm = spawn('npm', ['start'], {
      cwd: path.resolve(import.meta.dirname, '../../..'),
      env: { ...process.env, LEASH_HOME: home, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // its own process group, as a terminal's foreground job
    });
    let out = '';
    let err = '';
    npm.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    npm.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    // Closed once every process that holds the pipe (npm, the shell, leash) has exited.
    const closed = new Promise((resolve) => npm.stdout!.once('close', resolve));
    let pids: { anvil: number; bundler: number } | undefined;
    try {
      await waitFor(() => out.includes('1. Native transfer') || npm.exitCode !== null, 120_000, 'the demo');
      pids = JSON.parse(fs.readFileSync(path.join(home, 'stack.json'), 'utf8')).pids;
      process.kill(-npm.pid!, signal);
      await closed;

      expect(err).toContain(`Interrupted by ${signal} during the demo: stopping the local stack.`);
      expect(out).toContain(`Local stack stopped: anvil (pid ${pids!.anvil}) and Alto (pid ${pids!.bundler}) exited, the web session manager closed, ${path.join(home, 'stack.json')} removed.`);
      expect(isRunning(pids!.anvil)).toBe(false);
      expect(isRunning(pids!.bundler)).toBe(false);
      expect(fs.existsSync(path.join(home, 'stack.json'))).toBe(false);
    } finally {
      try {
        process.kill(-npm.pid!, 'SIGKILL');
      } catch {
        // the group is gone
      }
      for (const pid of Object.values(pids ?? {})) if (isRunning(pid)) process.kill(pid, 'SIGKILL');
    }
  }, 150_000);

  it('refuses a port that is not a number', async () => {
    const run = runLeash(['up', '--anvil-port', 'eighty', '--exit'], { LEASH_HOME: newHome() });
    expect(await run.exit).toBe(1);
    expect(run.stderr()).toContain('--anvil-port must be a port number, got "eighty".');
  });
});
