import { describe, expect, it } from 'vitest';
import { isProcessAlive } from '@leash/sdk/local';
import { childPids, runLeash, waitFor } from './helpers.js';

describe('leash up', () => {
  it('runs the demo and, with --exit, stops the stack and leaves no process behind', async () => {
    const run = runLeash(['up', '--demo', '--exit']);
    const children = new Set<number>();
    const watcher = setInterval(() => childPids(run.child.pid!).forEach((pid) => children.add(pid)), 100);
    const code = await run.exit;
    clearInterval(watcher);

    expect(code, run.stderr()).toBe(0);
    const out = run.stdout();
    expect(out).toMatch(/RPC URL\s+http:\/\/127\.0\.0\.1:\d+/);
    expect(out).toMatch(/Bundler URL\s+http:\/\/127\.0\.0\.1:\d+ \(Alto, safe mode on\)/);
    expect(out).toMatch(/EntryPoint v0\.8\s+0x4337084D9E255Ff0702461CF8895CE9E3b5Ff108/);
    expect(out.match(/User op hash\s+0x[0-9a-f]{64}/g)).toHaveLength(2);
    expect(out.match(/Gas used \(tx\)\s+[\d,]+/g)).toHaveLength(2);
    expect(out).toMatch(/Alice\s+0\.01 ETH, 25 dUSD/);
    expect(out).toContain('Local stack stopped.');

    expect(children.size).toBeGreaterThanOrEqual(2); // anvil and Alto
    for (const pid of children) expect(isProcessAlive(pid), `child ${pid}`).toBe(false);
  });

  it.each(['SIGINT', 'SIGTERM'] as const)('stops anvil and Alto on %s', async (signal) => {
    const run = runLeash(['up', '--json']);
    await waitFor(() => run.stdout().includes('"pids"') && run.stdout().includes('is running'), 30_000, 'the stack');
    const { pids, rpcUrl } = JSON.parse(run.stdout().slice(0, run.stdout().lastIndexOf('}') + 1)) as {
      pids: { anvil: number; bundler: number };
      rpcUrl: string;
    };
    expect(isProcessAlive(pids.anvil) && isProcessAlive(pids.bundler)).toBe(true);

    run.child.kill(signal);
    await run.exit;
    expect(isProcessAlive(pids.anvil)).toBe(false);
    expect(isProcessAlive(pids.bundler)).toBe(false);
    await expect(fetch(rpcUrl, { method: 'POST' })).rejects.toThrow();
  });

  it('refuses a port that is not a number', async () => {
    const run = runLeash(['up', '--anvil-port', 'eighty', '--exit']);
    expect(await run.exit).toBe(1);
    expect(run.stderr()).toContain('--anvil-port must be a port number, got "eighty".');
  });
});
