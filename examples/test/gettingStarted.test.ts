import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPublicClient, http, parseEther } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { type LocalStack, startLocalStack } from '@leash/sdk/local';
import { exampleTimeout, expectOwnStackStopped, startExample } from './helpers.js';

const userOp = /0x[0-9a-f]{64}/;

describe('npm run example:getting-started', () => {
  it('starts a local stack, installs the module with a session key, executes with it, and stops the stack', async () => {
    const run = startExample({ npmScript: 'example:getting-started' });
    const code = await run.exit;
    const out = run.stdout();
    expect(code, `${out}\n${run.stderr()}`).toBe(0);

    expect(out).toMatch(/Starting a local stack/);
    expect(out).toMatch(/Account 0x[0-9a-fA-F]{40} \(its address is known before it is deployed\)/);
    expect(out).toContain('- Spends at most 50 dUSD');
    expect(out).toContain('per day, through transfer and approve only');
    expect(out).toContain('The module is not installed: installing it with the session key as its first key.');
    expect(out).toMatch(new RegExp(`Installed in user op ${userOp.source}`));
    expect(out).toMatch(new RegExp(`User op\\s+${userOp.source}`));
    expect(out).toContain("Alice's balance: 0 dUSD -> 10 dUSD");
    expect(out).toMatch(/Spent 10 dUSD of 50 dUSD this day; 40 dUSD left until \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z, a day after the key was added/);
    expectOwnStackStopped(run);
  }, exampleTimeout);
});

describe('getting started on a stack it did not start (LEASH_RPC_URL, LEASH_BUNDLER_URL, LEASH_PRIVATE_KEY)', () => {
  let stack: LocalStack;
  const ownerKey = generatePrivateKey();

  beforeAll(async () => {
    stack = await startLocalStack();
    await stack.fund(privateKeyToAccount(ownerKey).address, { ether: parseEther('1') });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('installs the module on the first run, adds its key on the second, and leaves the stack running', async () => {
    const env = { LEASH_RPC_URL: stack.rpcUrl, LEASH_BUNDLER_URL: stack.bundlerUrl, LEASH_PRIVATE_KEY: ownerKey };
    const first = startExample({ file: 'src/gettingStarted.ts' }, env);
    expect(await first.exit, first.stderr()).toBe(0);
    const firstOut = first.stdout();
    expect(firstOut).toContain(`Using chain 31337 at ${stack.rpcUrl}`);
    expect(firstOut).toContain(`Owner   ${privateKeyToAccount(ownerKey).address}`);
    expect(firstOut).toContain('The module is not installed: installing it');
    expect(firstOut).toContain("Alice's balance: 0 dUSD -> 10 dUSD");
    expect(firstOut).not.toContain('Local stack stopped.');

    // The same owner, so the same account: the module is there now.
    const second = startExample({ file: 'src/gettingStarted.ts' }, env);
    expect(await second.exit, second.stderr()).toBe(0);
    const secondOut = second.stdout();
    expect(secondOut).toContain('The module is already installed: adding the session key.');
    expect(secondOut).toMatch(new RegExp(`Added in user op ${userOp.source}`));
    expect(secondOut).toContain("Alice's balance: 10 dUSD -> 20 dUSD");
    // A new key with its own budget.
    expect(secondOut).toContain('Spent 10 dUSD of 50 dUSD this day; 40 dUSD left');

    expect(await createPublicClient({ transport: http(stack.rpcUrl) }).getChainId()).toBe(31337);
  }, 2 * exampleTimeout);

  it('explains what is missing instead of starting a stack', async () => {
    const noBundler = startExample({ file: 'src/gettingStarted.ts' }, { LEASH_RPC_URL: stack.rpcUrl });
    expect(await noBundler.exit).toBe(1);
    expect(noBundler.stderr()).toContain('Set both LEASH_RPC_URL and LEASH_BUNDLER_URL, or neither');
    const noKey = startExample({ file: 'src/gettingStarted.ts' }, { LEASH_RPC_URL: stack.rpcUrl, LEASH_BUNDLER_URL: stack.bundlerUrl });
    expect(await noKey.exit).toBe(1);
    expect(noKey.stderr()).toContain('set LEASH_PRIVATE_KEY to a funded key');
    expect(noKey.stdout()).not.toContain('Starting a local stack');
  });
});
