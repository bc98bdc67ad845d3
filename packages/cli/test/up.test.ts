import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isProcessAlive } from '@leash/sdk/local';
import { childPids, leash, runLeash, waitFor } from './helpers.js';

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
    expect(out).toContain('Local stack stopped.');
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

  it('refuses a port that is not a number', async () => {
    const run = runLeash(['up', '--anvil-port', 'eighty', '--exit'], { LEASH_HOME: newHome() });
    expect(await run.exit).toBe(1);
    expect(run.stderr()).toContain('--anvil-port must be a port number, got "eighty".');
  });
});
