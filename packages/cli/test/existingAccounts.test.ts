import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Address, type Chain, type PublicClient, type Transport, createPublicClient, createWalletClient, defineChain, erc20Abi, getAddress, http, parseEther, parseUnits } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { type LeashAddresses, SessionKeyPermissionsBuilder, SessionKeySigner, WEEK, writeKeystoreFile } from '@leash/sdk';
import { devAccounts } from '@leash/sdk/local';
import { type LeashUp, leash, startLeashUp, stopLeashUp } from './helpers.js';
import { deployExistingAccount, deployExistingAccountInfrastructure, newExistingAccount } from '../../sdk/test/e2e/accounts/existingAccounts.js';

// The CLI on accounts that are not Leash accounts, given by address (`--account`): a Nexus account (EntryPoint v0.7;
// Kernel's and the reference account's test bytecode need anvil without EIP-170's size limit, which `leash up` keeps)
// and an EIP-7702 EOA (EntryPoint v0.8). The session side (`exec`, `key list`) and the owner side (`key add`, `rotate`,
// `revoke-all`, signing as the account's owner), and the errors of a wrong combination.
let home: string;
let up: LeashUp;
let env: NodeJS.ProcessEnv;
const bob = getAddress('0x000000000000000000000000000000000000b0b0');

beforeAll(async () => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'leash-cli-accounts-'));
  up = await startLeashUp(home);
  env = { LEASH_HOME: home };
}, 90_000);

afterAll(async () => {
  await stopLeashUp(up);
  fs.rmSync(home, { recursive: true, force: true });
});

let publicClient: PublicClient<Transport, Chain>;
let deployer: ReturnType<typeof createWalletClient<Transport, Chain, ReturnType<typeof privateKeyToAccount>>>;
let token: Address;
let infra: Awaited<ReturnType<typeof deployExistingAccountInfrastructure>>;
let fund: (address: Address) => Promise<void>;

const transfer = 'transfer(address,uint256)';
const balanceOf = (address: Address) => publicClient.readContract({ address: token, abi: erc20Abi, functionName: 'balanceOf', args: [address] });
/** Runs `leash <args> --json` and expects it to succeed. */
async function ok(args: string[], extra: NodeJS.ProcessEnv = {}) {
  const result = await leash([...args, '--json'], { ...env, ...extra });
  expect(result.code, `leash ${args.join(' ')}\n${result.stderr}\n${result.stdout}`).toBe(0);
  return result.json;
}

beforeAll(async () => {
  const chain = defineChain({ id: up.stack.chainId, name: 'local', nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 }, rpcUrls: { default: { http: [up.stack.rpcUrl] } } });
  publicClient = createPublicClient({ chain, transport: http(up.stack.rpcUrl) }) as PublicClient<Transport, Chain>;
  deployer = createWalletClient({ account: privateKeyToAccount(devAccounts.deployer), chain, transport: http(up.stack.rpcUrl) });
  const faucet = createWalletClient({ account: privateKeyToAccount(devAccounts.faucet), chain, transport: http(up.stack.rpcUrl) });
  token = up.stack.contracts.devToken!;
  infra = await deployExistingAccountInfrastructure(deployer, publicClient, { only: ['nexus'] });
  fund = async (address: Address) => {
    await publicClient.waitForTransactionReceipt({ hash: await faucet.sendTransaction({ to: address, value: parseEther('1') }) });
    await publicClient.waitForTransactionReceipt({
      hash: await faucet.writeContract({ address: token, abi: [{ type: 'function', name: 'mint', stateMutability: 'nonpayable', inputs: [{ name: 'to', type: 'address' }, { name: 'amount', type: 'uint256' }], outputs: [] }], functionName: 'mint', args: [address, parseUnits('1000', 6)] }),
    });
  };
}, 60_000);

describe('a Nexus account given by address', () => {
  it('exec acts as a session key of it and key list reads its keys; an op over the limit is refused with the rule', async () => {
    const addresses = up.stack.contracts as unknown as LeashAddresses;
    const nexus = await newExistingAccount('nexus', { publicClient, deployer, bundlerUrl: up.stack.bundlerUrl, addresses, infra, fund });

    // The owner grants a key (with the SDK); the CLI finds its keystore by address, under the dev password.
    const signer = new SessionKeySigner();
    const key = await signer.getAddress();
    const permissions = new SessionKeyPermissionsBuilder()
      .addContractAddressAccessEntry({ contractAddress: token, isOnList: true, checkSelectors: true })
      .addContractFunctionAccessEntry({ contractAddress: token, methodSelector: 'transfer(address,uint256)', isOnList: true })
      .addErc20TokenSpendLimit({ tokenAddress: token, spendLimit: parseUnits('10', 6), refreshInterval: WEEK })
      .removeGasSpendLimit();
    await nexus.owner.installSessionKeyModule({ keys: [key], tags: ['nexus'], permissions: [permissions.encode()] });
    await writeKeystoreFile(path.join(home, 'keys', `${key}.json`), await signer.toKeystore('leash-local-dev'));

    const sent = await leash(['exec', '--account', nexus.address, '--key', key, '--to', token, transfer, bob, '4e6', '--json'], env);
    expect(sent.code, `${sent.stderr}\n${sent.stdout}`).toBe(0);
    expect(sent.json).toMatchObject({ account: nexus.address, key });
    expect(await balanceOf(bob)).toBe(4_000_000n);

    const listed = await leash(['key', 'list', '--account', nexus.address, '--json'], env);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.json.keys).toHaveLength(1);
    expect(listed.json.keys[0]).toMatchObject({ key, tag: 'nexus' });
    expect(listed.json.keys[0].limits.find((l: { kind: string }) => l.kind === 'erc20')).toMatchObject({ used: '4000000', remaining: '6000000' });

    const refused = await leash(['exec', '--account', nexus.address, '--key', key, '--to', token, transfer, bob, '7e6'], env);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('ERC-20 spend limit of 10 dUSD per week: used 4, attempted 7, remaining 6');
  }, 240_000);

  it('the owner side by address: key add installs the module with its first key, update, exec, rotate, revoke-all; account show names the kind', async () => {
    const ownerKey = generatePrivateKey();
    const nexus = await deployExistingAccount('nexus', privateKeyToAccount(ownerKey).address, infra, deployer, publicClient);
    await fund(nexus);
    const owner = { LEASH_OWNER_KEY: ownerKey };
    const carol = getAddress('0x000000000000000000000000000000000000ca01');

    const shown = await ok(['account', 'show', '--account', nexus]);
    expect(shown).toMatchObject({ account: nexus, accountKind: 'nexus', accountKindName: 'Nexus', entryPoint: { version: '0.7' }, sessionKeyModuleInstalled: false });

    // Wrong combinations, before any op: the module not installed yet, a key that does not own the account.
    const notInstalled = await leash(['key', 'revoke-all', '--account', nexus, '--json'], { ...env, ...owner });
    expect(notInstalled.code).toBe(1);
    expect(notInstalled.json.error).toMatchObject({ reason: 'module-not-installed', accountKind: 'nexus' });
    expect(notInstalled.json.error.message).toBe(`The session key module is not installed on the Nexus account ${nexus}.`);
    expect(notInstalled.json.error.hint).toContain(`leash key add --account ${nexus}`);
    const notOwner = await leash(['key', 'add', '--account', nexus, '--allow', `${token}:${transfer}`, '--gas', '0.05eth/day', '--json'], { ...env, LEASH_OWNER_KEY: generatePrivateKey() });
    expect(notOwner.code).toBe(1);
    expect(notOwner.json.error).toMatchObject({ reason: 'not-owner', accountKind: 'nexus' });
    expect(notOwner.json.error.message).toMatch(/^The owner key \(0x[0-9a-fA-F]{40}\) does not own the Nexus account /);
    expect(notOwner.json.error.hint).toContain('--owner-key');

    // A contract that is no account: the dev token.
    const unknown = await leash(['key', 'revoke-all', '--account', token, '--json'], { ...env, ...owner });
    expect(unknown.code).toBe(1);
    expect(unknown.json.error).toMatchObject({ reason: 'unknown-account-kind', accountId: null });
    expect(unknown.json.error.message).toBe(`${token} is not an account Leash knows how to manage (it does not answer ERC-7579 accountId()).`);

    const added = await ok(['key', 'add', '--account', nexus, '--tag', 'agent', '--allow', `${token}:${transfer}`, '--erc20', `${token}:10/week`, '--gas', '0.05eth/day'], owner);
    expect(added).toMatchObject({ account: nexus, accountKind: 'nexus', moduleInstalled: true, tag: 'agent' });
    const firstKey = added.key as Address;
    expect((await ok(['account', 'show', '--account', nexus])).sessionKeyModuleInstalled).toBe(true);
    const updated = await ok(['key', 'update', 'agent', '--account', nexus, '--gas', '0.06eth/day'], owner);
    expect(updated).toMatchObject({ account: nexus, key: firstKey });
    expect((await ok(['key', 'show', 'agent', '--account', nexus])).limits.find((l: { kind: string }) => l.kind === 'gas').limit).toBe('60000000000000000');

    await ok(['exec', '--account', nexus, '--key', 'agent', '--to', token, transfer, carol, '3e6']);
    expect(await balanceOf(carol)).toBe(3_000_000n);

    const rotated = await ok(['key', 'rotate', 'agent', '--account', nexus], owner);
    expect(rotated).toMatchObject({ account: nexus, oldKey: firstKey });
    expect(rotated.newKey).not.toBe(firstKey);
    // The new key carries the tag, the permissions and the spend: 3 of 10 used, so 8 more is refused.
    await ok(['exec', '--account', nexus, '--key', 'agent', '--to', token, transfer, carol, '2e6']);
    const over = await leash(['exec', '--account', nexus, '--key', 'agent', '--to', token, transfer, carol, '8e6'], env);
    expect(over.code, over.stderr).toBe(3);
    expect(over.stderr).toContain('used 5, attempted 8, remaining 5');

    const revoked = await ok(['key', 'revoke-all', '--account', nexus], owner);
    expect(revoked.revoked).toEqual([rotated.newKey]);
    expect((await ok(['key', 'list', '--account', nexus])).keys).toEqual([]);
    expect(await balanceOf(carol)).toBe(5_000_000n);
  }, 240_000);
});

describe('an EIP-7702 EOA', () => {
  it('account create --eip7702 delegates it; key add, exec, rotate, revoke-all sign with the EOA key', async () => {
    const eoaKey = generatePrivateKey();
    const eoa = privateKeyToAccount(eoaKey).address;
    const owner = { LEASH_OWNER_KEY: eoaKey };
    const dave = getAddress('0x000000000000000000000000000000000000da7e');

    // Not delegated yet: owner commands say how to delegate it.
    const notDelegated = await leash(['key', 'add', '--account', eoa, '--allow', `${token}:${transfer}`, '--gas', '0.05eth/day', '--json'], { ...env, ...owner });
    expect(notDelegated.code).toBe(1);
    expect(notDelegated.json.error).toMatchObject({ reason: 'not-delegated' });
    expect(notDelegated.json.error.hint).toContain('leash account create --eip7702');

    const created = await ok(['account', 'create', '--eip7702'], owner);
    expect(created).toMatchObject({ account: eoa, accountKind: 'eip7702', owner: eoa, created: true });
    const shown = await ok(['account', 'show', '--account', eoa]);
    expect(shown).toMatchObject({ account: eoa, accountKind: 'eip7702', entryPoint: { version: '0.8' }, owner: eoa, sessionKeyModuleInstalled: true });

    // Another key cannot act as the EOA's owner.
    const notOwner = await leash(['key', 'revoke-all', '--account', eoa, '--json'], { ...env, LEASH_OWNER_KEY: generatePrivateKey() });
    expect(notOwner.code).toBe(1);
    expect(notOwner.json.error).toMatchObject({ reason: 'not-owner', accountKind: 'eip7702' });

    const added = await ok(['key', 'add', '--account', eoa, '--tag', 'eoa-agent', '--allow', `${token}:${transfer}`, '--erc20', `${token}:10/week`, '--gas', '0.05eth/day'], owner);
    expect(added).toMatchObject({ account: eoa, accountKind: 'eip7702', moduleInstalled: false });
    await ok(['exec', '--account', eoa, '--key', 'eoa-agent', '--to', token, transfer, dave, '4e6']);
    expect(await balanceOf(dave)).toBe(4_000_000n);
    const rotated = await ok(['key', 'rotate', 'eoa-agent', '--account', eoa], owner);
    await ok(['exec', '--account', eoa, '--key', 'eoa-agent', '--to', token, transfer, dave, '1e6']);
    expect(await balanceOf(dave)).toBe(5_000_000n);
    const revoked = await ok(['key', 'revoke-all', '--account', eoa], owner);
    expect(revoked.revoked).toEqual([rotated.newKey]);
    expect((await ok(['key', 'list', '--account', eoa])).keys).toEqual([]);
  }, 240_000);
});
