import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPublicClient, http } from 'viem';
import { getLeashAddresses } from '@leash/sdk';
import { type ManagedProcess, devAccounts, getFreePort, startAnvil } from '@leash/sdk/local';
import { runLeash } from './helpers.js';

let anvil: ManagedProcess;
let rpcUrl: string;

beforeAll(async () => {
  anvil = await startAnvil({ port: await getFreePort(), chainId: 8453 });
  rpcUrl = anvil.rpcUrl;
});

afterAll(async () => {
  await anvil?.stop();
});

describe('leash deploy', () => {
  it('deploys to any RPC URL with a funded key, at the canonical addresses, and reports JSON', async () => {
    const run = runLeash(['deploy', '--rpc-url', rpcUrl, '--stake', '0.25', '--unstake-delay', '7200', '--json'], {
      LEASH_PRIVATE_KEY: devAccounts.deployer,
    });
    expect(await run.exit, run.stderr()).toBe(0);
    const result = JSON.parse(run.stdout());
    expect(result.chainId).toBe(8453);
    expect(result.addresses).toEqual(getLeashAddresses());
    expect(result.factoryStake).toEqual({ amount: '250000000000000000', unstakeDelaySec: 7200 });
    const client = createPublicClient({ transport: http(rpcUrl) });
    expect(await client.getCode({ address: result.addresses.accountFactory })).toMatch(/^0x.+/);
  });

  it('explains a missing RPC URL and a bad key', async () => {
    const noUrl = runLeash(['deploy'], { LEASH_RPC_URL: '', LEASH_PRIVATE_KEY: devAccounts.deployer });
    expect(await noUrl.exit).toBe(1);
    expect(noUrl.stderr()).toContain('--rpc-url (or LEASH_RPC_URL) is required.');
    const badKey = runLeash(['deploy', '--rpc-url', rpcUrl, '--private-key', '0x1234']);
    expect(await badKey.exit).toBe(1);
    expect(badKey.stderr()).toContain('must be a 32-byte hex private key');
  });
});
