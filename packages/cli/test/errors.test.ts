import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { leash } from './helpers.js';

// No stack in this file: what the CLI says when there is nothing to talk to, or when the command line is wrong.
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'leash-errors-'));
const env = { LEASH_HOME: home };
afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

describe('no stack, no URL', () => {
  it('says that no local stack runs and how to start one or point elsewhere (exit code 1, --json too)', async () => {
    const text = await leash(['key', 'list'], env);
    expect(text.code).toBe(1);
    expect(text.stderr).toBe(
      `error: No local stack is running: ${path.join(home, 'stack.json')} does not exist.\n` +
        'Start one with `leash up` (in this directory, or with the same LEASH_HOME), or pass --rpc-url and --bundler-url (env LEASH_RPC_URL, LEASH_BUNDLER_URL).\n',
    );
    const json = await leash(['account', 'show', '--json'], env);
    expect(json.code).toBe(1);
    expect(json.json.error).toMatchObject({ name: 'CliError', message: expect.stringContaining('No local stack is running'), hint: expect.stringContaining('leash up'), exitCode: 1 });
  });

  it('tells a stack file left by a leash up that has exited from a running stack', async () => {
    fs.writeFileSync(path.join(home, 'stack.json'), JSON.stringify({ pid: 2 ** 22 + 1, rpcUrl: 'http://127.0.0.1:9' }));
    try {
      const stale = await leash(['key', 'list'], env);
      expect(stale.code).toBe(1);
      expect(stale.stderr).toContain(`The local stack in ${path.join(home, 'stack.json')} is not running any more (its leash up, pid ${2 ** 22 + 1}, has exited).`);
    } finally {
      fs.rmSync(path.join(home, 'stack.json'));
    }
  });

  it('refuses a stack file it cannot read', async () => {
    fs.writeFileSync(path.join(home, 'stack.json'), '{"rpcUrl":');
    try {
      const corrupt = await leash(['key', 'list'], env);
      expect(corrupt.code).toBe(1);
      expect(corrupt.stderr).toContain(`error: ${path.join(home, 'stack.json')} does not describe a stack (`);
      expect(corrupt.stderr).toContain('Remove it; `leash up` writes a new one.');
    } finally {
      fs.rmSync(path.join(home, 'stack.json'));
    }
  });

  it('explains an RPC URL it cannot reach', async () => {
    const unreachable = await leash(['key', 'list', '--rpc-url', 'http://127.0.0.1:9'], env);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toContain('error: Cannot reach the RPC at http://127.0.0.1:9.');
  });
});

describe('bad command lines (exit code 2, before anything is sent)', () => {
  it('names the flag, the value and what was expected', async () => {
    const erc20 = await leash(['key', 'add', '--erc20', '100/week'], env);
    expect(erc20.code).toBe(2);
    expect(erc20.stderr).toContain('error: --erc20 "100/week": expected <token address>:<amount>/<period>');
    const gas = await leash(['key', 'add', '--gas', '0.01/day', '--json'], env);
    expect(gas.code).toBe(2);
    expect(gas.json.error).toMatchObject({ name: 'InvalidFlagError', flag: '--gas', value: '0.01', exitCode: 2 });
    const key = await leash(['key', 'remove', '0xnot-a-key'], env);
    expect(key.code).toBe(2);
    expect(key.stderr).toContain('error: key "0xnot-a-key": expected an address');
  });

  it('key grant, grant status and exec --grant refuse bad chains, nonces and grant files', async () => {
    const chains = await leash(['key', 'grant', '--chains', '1,x', '--out', path.join(home, 'g.json')], env);
    expect(chains.code).toBe(2);
    expect(chains.stderr).toContain('error: --chains "1,x": expected chain ids');
    const twice = await leash(['key', 'grant', '--chains', '1,1', '--out', path.join(home, 'g.json'), '--json'], env);
    expect(twice.json.error).toMatchObject({ name: 'InvalidFlagError', flag: '--chains', exitCode: 2 });
    const nonce = await leash(['key', 'grant', '--nonce', '18446744073709551616', '--out', path.join(home, 'g.json')], env);
    expect(nonce.code).toBe(2);
    expect(nonce.stderr).toContain('error: --nonce "18446744073709551616"');
    const noOut = await leash(['key', 'grant'], env);
    expect(noOut.code).toBe(2);
    expect(noOut.stderr).toContain("required option '--out <file>'");
    const bad = path.join(home, 'bad-grant.json');
    fs.writeFileSync(bad, JSON.stringify({ type: 'leash-session-key-grant', version: 1, nonce: 5 }));
    const status = await leash(['grant', 'status', bad, '--json'], env);
    expect(status.code).toBe(2);
    expect(status.json.error.message).toContain('is not a valid grant');
    const exec = await leash(['exec', '--grant', path.join(home, 'missing.json'), '--to', '0x000000000000000000000000000000000000dEaD'], env);
    expect(exec.code).toBe(2);
    expect(exec.stderr).toContain('Cannot read the grant file');
    const cancel = await leash(['grant', 'cancel'], env);
    expect(cancel.code).toBe(2);
    expect(cancel.stderr).toContain('Give a grant file or --nonce <n>');
  });

  it('refuses unknown options and an exec without calls', async () => {
    const unknown = await leash(['key', 'list', '--colour'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("error: unknown option '--colour'");
    const noCalls = await leash(['exec', '--key', '0x000000000000000000000000000000000000dEaD'], env);
    expect(noCalls.code).toBe(2);
    expect(noCalls.stderr).toContain('Give --to <address> (with --value, --data or a function and its arguments), or --calls <file>.');
  });
});
