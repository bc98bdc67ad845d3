import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Address, type Hex, createPublicClient, createWalletClient, erc20Abi, getAddress, http, parseEther } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { decryptKeystore } from '@leash/sdk';
import { devAccounts } from '@leash/sdk/local';
import { type LeashUp, leash, startLeashUp, stopLeashUp } from './helpers.js';
import { startLogRefusingRpc } from '../../sdk/test/e2e/helpers.js';

// One local stack (through `leash up`) for the whole file; the tests build on each other's account and keys.
let home: string;
let up: LeashUp;
let env: NodeJS.ProcessEnv;
let token: Address;
let paymaster: Address;
const bob = getAddress('0x000000000000000000000000000000000000b0b0');
const carol = getAddress('0x0000000000000000000000000000000000c4a201');
const transfer = 'transfer(address,uint256)';

let account: Address;
let agentKey: Address;

const ok = (result: Awaited<ReturnType<typeof leash>>) => {
  expect(result.code, `${result.stderr}\n${result.stdout}`).toBe(0);
  return result;
};

beforeAll(async () => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'leash-cli-'));
  up = await startLeashUp(home);
  env = { LEASH_HOME: home };
  token = up.stack.contracts.devToken!;
  paymaster = up.stack.contracts.devPaymaster!;
}, 90_000);

afterAll(async () => {
  await stopLeashUp(up);
  fs.rmSync(home, { recursive: true, force: true });
});

describe('account', () => {
  it('create generates a dev owner key (mode 0600), funds and deploys the account with the module; a second create changes nothing', async () => {
    const created = ok(await leash(['account', 'create', '--json'], env)).json;
    expect(created).toMatchObject({ created: true, ownerKeyGenerated: true, localStack: true, chainId: 31337, ownerKey: path.join(home, 'owner-key') });
    expect(created.userOpHash).toMatch(/^0x[0-9a-f]{64}$/);
    expect(fs.statSync(path.join(home, 'owner-key')).mode & 0o777).toBe(0o600);
    const ownerKey = fs.readFileSync(path.join(home, 'owner-key'), 'utf8').trim() as Hex;
    expect(privateKeyToAccount(ownerKey).address).toBe(created.owner);
    account = created.account;

    const again = ok(await leash(['account', 'create', '--json'], env)).json;
    expect(again).toMatchObject({ account, owner: created.owner, created: false, ownerKeyGenerated: false, funded: null, userOpHash: null });
  });

  it('show reports the owner, the module, balances and keys, as text and JSON', async () => {
    const shown = ok(await leash(['account', 'show', '--json'], env)).json;
    expect(shown).toMatchObject({ account, deployed: true, sessionKeyModuleInstalled: true, devTokenBalance: '10000000000', sessionKeys: [] });
    expect(BigInt(shown.balance)).toBeGreaterThan(parseEther('9.9'));
    const text = ok(await leash(['account', 'show'], env)).stdout;
    expect(text).toContain(`Account ${account}`);
    expect(text).toMatch(/Session key module\s+installed/);
    expect(text).toMatch(/Dev token\s+10000 dUSD/);
  });
});

describe('granting and using a session key', () => {
  it('key add generates the key and stores it as an encrypted keystore; the grant reads back in plain words', async () => {
    const added = ok(
      await leash(['key', 'add', '--tag', 'agent', '--allow', `${token}:${transfer}`, '--erc20', `${token}:100/week`, '--gas', '0.05eth/day', '--valid-for', '2h', '--json'], env),
    ).json;
    agentKey = added.key;
    expect(added).toMatchObject({ account, tag: 'agent', devPassword: true, keystore: path.join(home, 'keys', `${agentKey}.json`), notes: [] });
    expect(added.description).toContain(`Spends at most 100 dUSD (${token}) per week, through transfer and approve only`);
    expect(added.description).toContain(`May call dUSD ${token}: only ${transfer}`);
    const keystore = JSON.parse(fs.readFileSync(added.keystore, 'utf8'));
    expect(keystore).toMatchObject({ version: 3, address: agentKey.slice(2).toLowerCase(), crypto: { kdf: 'scrypt' } });
    // Encrypted with the public dev password the CLI names, and the key itself appears nowhere in the file.
    const privateKey = await decryptKeystore(keystore, 'leash-local-dev');
    expect(privateKeyToAccount(privateKey).address).toBe(agentKey);
    expect(fs.readFileSync(added.keystore, 'utf8')).not.toContain(privateKey.slice(2));
    expect(fs.statSync(added.keystore).mode & 0o777).toBe(0o600);
  });

  it('exec acts as the key; key list shows the validity window and each limit\'s used, remaining and next refresh', async () => {
    const sent = ok(await leash(['exec', '--key', agentKey, '--to', token, transfer, bob, '90e6', '--json'], env)).json;
    expect(sent).toMatchObject({ account, key: agentKey, lane: '0' });
    expect(sent.userOpHash).toMatch(/^0x[0-9a-f]{64}$/);
    const publicClient = createPublicClient({ transport: http(up.stack.rpcUrl) });
    expect(await publicClient.readContract({ address: token, abi: erc20Abi, functionName: 'balanceOf', args: [bob] })).toBe(90_000_000n);

    const table = ok(await leash(['key', 'list'], env)).stdout.split('\n');
    expect(table[0]).toMatch(/^KEY\s+TAG\s+VALID\s+LIMIT ON\s+LIMIT\s+USED\s+REMAINING\s+NEXT REFRESH$/);
    expect(table[1]).toMatch(new RegExp(`^${agentKey}\\s+agent\\s+until \\S+ \\S+ \\(in 1h 5\\dm\\)\\s+dUSD \\(0x\\w{4}…\\w{4}\\)\\s+100 dUSD per week\\s+90 dUSD\\s+10 dUSD\\s+\\S+ \\S+Z \\(in 6d `));
    expect(table[2]).toMatch(/^\s+native\s+0 ETH in total\s+0 ETH\s+0 ETH\s+never$/);
    expect(table[3]).toMatch(/^\s+gas\s+0\.05 ETH per day\s+≈?0\.\d+ ETH\s+≈?0\.\d+ ETH\s+\S+ \S+Z \(in 2\dh /);

    const listed = ok(await leash(['key', 'list', '--json'], env)).json;
    expect(listed.keys).toHaveLength(1);
    const [key] = listed.keys;
    expect(key).toMatchObject({ key: agentKey, tag: 'agent', accessListType: 'allowlist', validFrom: null, requiredPaymaster: null, keystore: expect.any(String) });
    expect(key.validUntil - Math.floor(Date.now() / 1000)).toBeGreaterThan(7000);
    const erc20 = key.limits.find((l: { kind: string }) => l.kind === 'erc20');
    expect(erc20).toMatchObject({ token, symbol: 'dUSD', decimals: 6, unlimited: false, limit: '100000000', used: '90000000', remaining: '10000000', refreshInterval: 604800 });
    // Periods start when the key was added (issue 19, item 6): the first week ends a week after the grant.
    expect(Math.floor(Date.now() / 1000) - key.refreshAnchor).toBeLessThan(600);
    expect(erc20.nextRefresh).toBe(key.refreshAnchor + 604800);
    expect(key.limits.find((l: { kind: string }) => l.kind === 'native')).toMatchObject({ limit: '0', refreshInterval: 0, unlimited: false });
  });

  it('a key is named by its tag wherever an address is taken; an unknown tag is a usage error (issue 19, item 5)', async () => {
    expect(ok(await leash(['key', 'show', 'agent', '--json'], env)).json).toMatchObject({ key: agentKey, tag: 'agent' });
    const checked = ok(await leash(['exec', '--key', 'agent', '--check', '--to', token, transfer, bob, '1e6', '--json'], env)).json;
    expect(checked).toMatchObject({ key: agentKey, wouldPass: true });
  });

  it('exec reads token amounts in token units (25dusd or --decimals), refuses a bare one, and describes each call (issue 19, item 7)', async () => {
    const inUnits = ok(await leash(['exec', '--key', agentKey, '--check', '--to', token, transfer, bob, '2.5dusd', '--json'], env)).json;
    expect(inUnits.calls[0].data).toContain((2_500_000).toString(16).padStart(64, '0'));
    expect(inUnits.description).toEqual([`transfer 2.5 dUSD (token ${token}) to ${bob}`]);
    const withDecimals = ok(await leash(['exec', '--key', agentKey, '--check', '--decimals', '6', '--to', token, transfer, bob, '2.5', '--json'], env)).json;
    expect(withDecimals.calls[0].data).toBe(inUnits.calls[0].data);
    const bare = await leash(['exec', '--key', agentKey, '--check', '--to', token, transfer, bob, '25'], env);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain('ambiguous amount: 25 dUSD or 25 base units (0.000025 dUSD)? Write 25dusd for token units, 25e0 for base units');
    const text = ok(await leash(['exec', '--key', agentKey, '--check', '--to', token, transfer, bob, '1dusd'], env)).stdout;
    expect(text).toMatch(new RegExp(`Call\\s+transfer 1 dUSD \\(token ${token}\\) to ${bob}`));
    const unknown = await leash(['key', 'remove', 'nobody'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(`key: "nobody" is neither an address nor the tag of a session key of ${account}.`);
  });

  it('an op past the ERC-20 limit is refused with the rule and its numbers in token units (exit code 3), and --check tells before sending', async () => {
    const refused = await leash(['exec', '--key', agentKey, '--to', token, transfer, bob, '20e6'], env);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('error: refused: ERC-20 spend limit of 100 dUSD per week: used 90, attempted 20, remaining 10');

    const asJson = await leash(['exec', '--key', agentKey, '--to', token, transfer, bob, '20e6', '--json'], env);
    expect(asJson.code).toBe(3);
    expect(asJson.json.error).toMatchObject({
      name: 'Erc20SpendLimitExceededError',
      rule: 'erc20-spend-limit',
      token,
      symbol: 'dUSD',
      decimals: 6,
      refreshInterval: 604800,
      limit: '100000000',
      used: '90000000',
      attempted: '20000000',
      remaining: '10000000',
      exitCode: 3,
    });

    const checkPasses = ok(await leash(['exec', '--key', agentKey, '--to', token, transfer, bob, '5e6', '--check', '--json'], env)).json;
    expect(checkPasses).toMatchObject({ wouldPass: true, key: agentKey });
    expect(BigInt(checkPasses.gas.maxCost)).toBeGreaterThan(0n);
  });

  it('the access list refuses another target; key update changes only what its flags name', async () => {
    const notAllowed = await leash(['exec', '--key', agentKey, '--to', bob, '--value', '0.01eth'], env);
    expect(notAllowed.code).toBe(3);
    expect(notAllowed.stderr).toContain(`refused: Contract ${bob} is not on the session key's allowlist.`);

    const before = ok(await leash(['key', 'show', agentKey, '--json'], env)).json;
    const updated = ok(await leash(['key', 'update', agentKey, '--erc20', `${token}:200/week`, '--allow', bob, '--native', '0.02eth/day', '--json'], env)).json;
    expect(updated.changes).toEqual({
      contracts: [{ contractAddress: bob, isOnList: true, checkSelectors: false }],
      nativeTokenSpendLimit: { spendLimit: '20000000000000000', refreshInterval: 86400 },
      erc20SpendLimits: [{ tokenAddress: token, limit: { spendLimit: '200000000', refreshInterval: 604800 } }],
    });
    const after = ok(await leash(['key', 'show', agentKey, '--json'], env)).json;
    expect(after.limits.find((l: { kind: string }) => l.kind === 'erc20')).toMatchObject({ limit: '200000000', used: '90000000' });
    expect(after.limits.find((l: { kind: string }) => l.kind === 'gas').limit).toBe('50000000000000000');
    expect(after.validUntil).toBe(before.validUntil);
    expect(after.accessListType).toBe('allowlist');

    const nothing = await leash(['key', 'update', agentKey], env);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toContain('Nothing to update: give at least one permission flag');
  });

  it('exec sends a batch from a --calls file; the native limit counts the values and refuses past it', async () => {
    const calls = path.join(home, 'calls.json');
    fs.writeFileSync(calls, JSON.stringify([{ to: bob, value: '0.01eth' }, { to: token, function: transfer, args: [carol, '5e6'] }]));
    const batch = ok(await leash(['exec', '--key', agentKey, '--calls', calls, '--json'], env)).json;
    expect(batch.calls).toHaveLength(2);

    const refused = await leash(['exec', '--key', agentKey, '--to', bob, '--value', '0.015eth'], env);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('refused: native token spend limit of 0.02 ETH per day: used 0.01, attempted 0.015, remaining 0.01');

    const text = ok(await leash(['key', 'show', agentKey], env)).stdout;
    expect(text).toMatch(/dUSD \(0x\w{4}…\w{4}\)\s+95 dUSD used of 200 dUSD per week, 105 dUSD left; refreshes /);
    expect(text).toMatch(/native\s+0\.01 ETH used of 0\.02 ETH per day, 0\.01 ETH left; refreshes /);
    expect(text).toContain(`May call contract ${bob}: any function`);
  });

  it('--max-calls counts every call of a batch, key list shows the count, and the call past it is refused with the numbers', async () => {
    const added = ok(
      await leash(['key', 'add', '--tag', 'counted', '--allow', `${token}:${transfer}`, '--gas', '0.05eth/day', '--max-calls', '2/day', '--json'], env),
    ).json;
    expect(added.description).toContain('At most 2 calls a day (each call of a batch counts)');
    const calls = path.join(home, 'two-calls.json');
    fs.writeFileSync(calls, JSON.stringify([{ to: token, function: transfer, args: [carol, '1e6'] }, { to: token, function: transfer, args: [carol, '1e6'] }]));
    ok(await leash(['exec', '--key', added.key, '--calls', calls], env));

    const refused = await leash(['exec', '--key', added.key, '--to', token, transfer, carol, '1e6'], env);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('refused: call limit of 2 calls a day: used 2, attempted 1, remaining 0');
    const check = await leash(['exec', '--check', '--key', added.key, '--to', token, transfer, carol, '1e6', '--json'], env);
    expect(check.code).toBe(3);
    expect(check.json.error).toMatchObject({ name: 'CallLimitExceededError', rule: 'call-limit', limit: '2', used: '2', attempted: '1', remaining: '0', refreshInterval: 86400 });

    const listed = ok(await leash(['key', 'list', '--json'], env)).json;
    const counted = listed.keys.find((k: { key: Address }) => k.key === added.key);
    expect(counted.limits.find((l: { kind: string }) => l.kind === 'calls')).toMatchObject({ unlimited: false, limit: '2', used: '2', remaining: '0', refreshInterval: 86400 });
    expect(ok(await leash(['key', 'show', added.key], env)).stdout).toMatch(/calls\s+2 calls used of 2 calls per day, 0 calls left; refreshes /);

    ok(await leash(['key', 'update', added.key, '--max-calls', 'unlimited'], env));
    ok(await leash(['exec', '--key', added.key, '--to', token, transfer, carol, '1e6'], env));
    ok(await leash(['key', 'remove', added.key], env));
  });

  it('a required paymaster: ops it does not pay for are refused; with it the op passes', async () => {
    const sponsored = ok(await leash(['key', 'add', '--tag', 'sponsored', '--allow-all', '--paymaster', paymaster, '--json'], env)).json;
    expect(sponsored.notes).toEqual([]);
    const refused = await leash(['exec', '--key', sponsored.key, '--to', carol, '--json'], env);
    expect(refused.code).toBe(3);
    expect(refused.json.error).toMatchObject({ name: 'RequiredPaymasterMissingError', rule: 'required-paymaster', required: paymaster });
    const paid = ok(await leash(['exec', '--key', sponsored.key, '--to', carol, '--paymaster', paymaster], env));
    expect(paid.stdout).toContain('paid by the paymaster');
    const removed = ok(await leash(['key', 'remove', sponsored.key, '--json'], env)).json;
    expect(removed.deletedKeystores).toEqual([path.join(home, 'keys', `${sponsored.key}.json`)]);
    const gone = await leash(['key', 'show', sponsored.key], env);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain(`${sponsored.key} is not a session key of ${account}.`);
  });
});

describe('granting a key with one owner signature (no transaction)', () => {
  it('key grant writes a grant file and sends nothing; exec --grant enables the key with its first op; grant status follows it', async () => {
    const file = path.join(home, 'grant.json');
    const signed = ok(
      await leash(['key', 'grant', '--tag', 'granted', '--allow', `${token}:${transfer}`, '--erc20', `${token}:20/total`, '--gas', '0.05eth/day', '--valid-for', '1h', '--expires-in', '1d', '--out', file, '--json'], env),
    ).json;
    expect(signed).toMatchObject({ account, tag: 'granted', file, chains: [{ chainId: 31337, generation: 0 }] });
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const grant = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(grant).toMatchObject({ type: 'leash-session-key-grant', account, sessionKey: signed.key, nonce: expect.stringMatching(/^\d+$/) });
    // No transaction: the key is not on-chain yet.
    expect(ok(await leash(['key', 'list', '--json'], env)).json.keys.map((k: { key: string }) => k.key)).not.toContain(signed.key);
    expect(ok(await leash(['grant', 'status', file, '--json'], env)).json).toMatchObject({ status: 'usable', chainId: 31337 });

    const first = ok(await leash(['exec', '--grant', file, '--to', token, transfer, carol, '5e6', '--json'], env)).json;
    expect(first).toMatchObject({ account, key: signed.key, enabledByGrant: true });
    const later = ok(await leash(['exec', '--grant', file, '--to', token, transfer, carol, '5e6'], env)).stdout;
    expect(later).toContain('not needed: the key was enabled before');
    const listed = ok(await leash(['key', 'list', '--json'], env)).json.keys.find((k: { key: string }) => k.key === signed.key);
    expect(listed).toMatchObject({ tag: 'granted' });
    expect(listed.limits.find((l: { kind: string }) => l.kind === 'erc20')).toMatchObject({ limit: '20000000', used: '10000000' });
    expect(ok(await leash(['grant', 'status', file], env)).stdout).toMatch(/Grant of 0x[0-9a-fA-F]{40}: used/);
  });

  it('grant cancel cancels an unused grant; its key is then refused with the reason (exit code 3)', async () => {
    const file = path.join(home, 'cancelled.json');
    ok(await leash(['key', 'grant', '--allow', `${token}:${transfer}`, '--gas', '0.05eth/day', '--nonce', 'small', '--out', file], env));
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).nonce).toMatch(/^\d{1,3}$/);
    ok(await leash(['grant', 'cancel', file], env));
    expect(ok(await leash(['grant', 'status', file, '--json'], env)).json.status).toBe('cancelled');
    const refused = await leash(['exec', '--grant', file, '--to', token, transfer, carol, '1e6', '--json'], env);
    expect(refused.code).toBe(3);
    expect(refused.json.error).toMatchObject({ rule: 'grant', reason: 'cancelled' });
    const unlimited = await leash(['key', 'grant', '--erc20', `${token}:unlimited`, '--out', path.join(home, 'never.json')], env);
    expect(unlimited.code).toBe(2);
    expect(unlimited.stderr).toContain('A grant cannot carry removeErc20SpendLimit');
  });
});

describe('rotating and revoking', () => {
  it('rotate moves the permissions and the spend to a new stored key and deletes the old keystore', async () => {
    const rotated = ok(await leash(['key', 'rotate', agentKey, '--json'], env)).json;
    expect(rotated).toMatchObject({ oldKey: agentKey, deletedKeystores: [path.join(home, 'keys', `${agentKey}.json`)], devPassword: true });
    const newKey: Address = rotated.newKey;
    const shown = ok(await leash(['key', 'show', newKey, '--json'], env)).json;
    expect(shown).toMatchObject({ tag: 'agent', keystore: rotated.keystore });
    expect(shown.limits.find((l: { kind: string }) => l.kind === 'erc20')).toMatchObject({ limit: '200000000', used: '95000000' });

    const oldKey = await leash(['exec', '--key', agentKey, '--to', token, transfer, bob, '1e6'], env);
    expect(oldKey.code).toBe(1);
    expect(oldKey.stderr).toContain(`No keystore at ${path.join(home, 'keys', `${agentKey}.json`)}.`);
    ok(await leash(['exec', '--key', newKey, '--to', token, transfer, bob, '1e6'], env));
    agentKey = newKey;
  });

  it('revoke-all revokes every key; a revoked key is refused as not authorized', async () => {
    ok(await leash(['key', 'add', '--key', carol, '--tag', 'external', '--allow-all', '--gas', 'unlimited'], env));
    const saved = path.join(home, 'saved-keystore.json');
    fs.copyFileSync(path.join(home, 'keys', `${agentKey}.json`), saved);

    // Every key the account has (earlier tests granted others too), the agent's and carol's among them.
    const before = ok(await leash(['key', 'list', '--json'], env)).json.keys.map((k: { key: string }) => k.key);
    expect(before).toEqual(expect.arrayContaining([agentKey, carol]));
    const revoked = ok(await leash(['key', 'revoke-all', '--json'], env)).json;
    expect(new Set(revoked.revoked)).toEqual(new Set(before));
    // The keystores of the revoked keys this home created (the agent's, and granted keys'); carol's is external.
    expect(revoked.deletedKeystores).toContain(path.join(home, 'keys', `${agentKey}.json`));
    expect(revoked.deletedKeystores).not.toContain(path.join(home, 'keys', `${carol}.json`));
    for (const file of revoked.deletedKeystores) expect(before.map((k: string) => path.join(home, 'keys', `${k}.json`))).toContain(file);
    expect(ok(await leash(['key', 'list', '--json'], env)).json.keys).toEqual([]);
    expect(ok(await leash(['key', 'list'], env)).stdout).toContain(`${account} has no session keys.`);

    const refused = await leash(['exec', '--keystore', saved, '--to', token, transfer, bob, '1e6', '--json'], env);
    expect(refused.code).toBe(3);
    expect(refused.json.error).toMatchObject({ name: 'SessionKeyNotAuthorizedError', rule: 'authorization' });
  });
});

describe('any chain and bundler, through flags and environment variables', () => {
  let remoteEnv: NodeJS.ProcessEnv;
  let ownerKey: Hex;

  beforeAll(() => {
    // Another state directory: no stack file there, so the same chain counts as "any chain" (no dev conveniences).
    const remoteHome = fs.mkdtempSync(path.join(os.tmpdir(), 'leash-remote-'));
    remoteEnv = { LEASH_HOME: remoteHome, LEASH_RPC_URL: up.stack.rpcUrl, LEASH_BUNDLER_URL: up.stack.bundlerUrl };
    ownerKey = generatePrivateKey();
    return () => fs.rmSync(remoteHome, { recursive: true, force: true });
  });

  it('needs an owner key and a funded account; sends ops through the given bundler', async () => {
    const noOwner = await leash(['account', 'create'], remoteEnv);
    expect(noOwner.code).toBe(1);
    expect(noOwner.stderr).toContain('--owner-key (or LEASH_OWNER_KEY) is required on chain 31337.');

    const withOwner = { ...remoteEnv, LEASH_OWNER_KEY: ownerKey };
    const unfunded = await leash(['account', 'create', '--json'], withOwner);
    expect(unfunded.code).toBe(1);
    expect(unfunded.json.error.message).toMatch(/^The account 0x[0-9a-fA-F]{40} has no ETH to pay for its deployment\.$/);

    const address = unfunded.json.error.message.split(' ')[2] as Address;
    const faucet = createWalletClient({ account: privateKeyToAccount(devAccounts.faucet), transport: http(up.stack.rpcUrl) });
    const publicClient = createPublicClient({ transport: http(up.stack.rpcUrl) });
    await publicClient.waitForTransactionReceipt({ hash: await faucet.sendTransaction({ to: address, value: parseEther('1'), chain: null }) });
    const created = ok(await leash(['account', 'create', '--json'], withOwner)).json;
    expect(created).toMatchObject({ account: address, created: true, localStack: false, funded: null, ownerKey: 'given' });
  });

  it('needs a keystore password, and the key works with it (and only with it)', async () => {
    const withOwner = { ...remoteEnv, LEASH_OWNER_KEY: ownerKey };
    const noPassword = await leash(['key', 'add', '--allow-all', '--gas', '0.1eth/day'], withOwner);
    expect(noPassword.code).toBe(1);
    expect(noPassword.stderr).toContain('--password (or LEASH_KEY_PASSWORD) is required on chain 31337');

    const added = ok(await leash(['key', 'add', '--allow-all', '--gas', '0.1eth/day', '--json'], { ...withOwner, LEASH_KEY_PASSWORD: 's3cret' })).json;
    expect(added.devPassword).toBe(false);
    expect(JSON.parse(fs.readFileSync(added.keystore, 'utf8')).crypto.kdfparams.n).toBe(262144);

    const wrong = await leash(['exec', '--key', added.key, '--to', carol, '--password', 'guess'], withOwner);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('Wrong password for the keystore');
    ok(await leash(['exec', '--key', added.key, '--to', carol], { ...withOwner, LEASH_KEY_PASSWORD: 's3cret' }));

    // Reading needs no bundler; sending does. Reads go through the session key lens, so an RPC that refuses
    // eth_getLogs (as public ones do for long ranges) serves key list and key show.
    const rpc = await startLogRefusingRpc(up.stack.rpcUrl);
    try {
      const readEnv = { ...remoteEnv, LEASH_RPC_URL: rpc.url, LEASH_BUNDLER_URL: '' };
      const listed = ok(await leash(['key', 'list', '--json', '--account', added.account], readEnv)).json;
      expect(listed.keys.map((k: { key: Address }) => k.key)).toEqual([added.key]);
      ok(await leash(['key', 'show', added.key, '--account', added.account], readEnv));
      expect(rpc.methods).not.toContain('eth_getLogs');
    } finally {
      await rpc.close();
    }
    const noBundler = await leash(['key', 'remove', added.key], { ...withOwner, LEASH_BUNDLER_URL: '' });
    expect(noBundler.code).toBe(1);
    expect(noBundler.stderr).toContain('--bundler-url (or LEASH_BUNDLER_URL) is required with --rpc-url');
  });
});
