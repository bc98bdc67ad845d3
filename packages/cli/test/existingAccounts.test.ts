import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Address, type Chain, type PublicClient, type Transport, createPublicClient, createWalletClient, defineChain, erc20Abi, getAddress, http, parseEther, parseUnits } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { type LeashAddresses, SessionKeyPermissionsBuilder, SessionKeySigner, WEEK, writeKeystoreFile } from '@leash/sdk';
import { devAccounts } from '@leash/sdk/local';
import { type LeashUp, leash, startLeashUp, stopLeashUp } from './helpers.js';
import { deployExistingAccountInfrastructure, newExistingAccount } from '../../sdk/test/e2e/accounts/existingAccounts.js';

// `leash exec --account` and `leash key list --account` on an account that is not a Leash account: a Nexus account
// (Kernel's and the reference account's test bytecode need anvil without EIP-170's size limit, which `leash up` keeps).
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

describe('a Nexus account given by address', () => {
  it('exec acts as a session key of it and key list reads its keys; an op over the limit is refused with the rule', async () => {
    const chain = defineChain({ id: up.stack.chainId, name: 'local', nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 }, rpcUrls: { default: { http: [up.stack.rpcUrl] } } });
    const publicClient = createPublicClient({ chain, transport: http(up.stack.rpcUrl) }) as PublicClient<Transport, Chain>;
    const deployer = createWalletClient({ account: privateKeyToAccount(devAccounts.deployer), chain, transport: http(up.stack.rpcUrl) });
    const faucet = createWalletClient({ account: privateKeyToAccount(devAccounts.faucet), chain, transport: http(up.stack.rpcUrl) });
    const token = up.stack.contracts.devToken!;
    const infra = await deployExistingAccountInfrastructure(deployer, publicClient, { only: ['nexus'] });
    const fund = async (address: Address) => {
      await publicClient.waitForTransactionReceipt({ hash: await faucet.sendTransaction({ to: address, value: parseEther('1') }) });
      await publicClient.waitForTransactionReceipt({
        hash: await faucet.writeContract({ address: token, abi: [{ type: 'function', name: 'mint', stateMutability: 'nonpayable', inputs: [{ name: 'to', type: 'address' }, { name: 'amount', type: 'uint256' }], outputs: [] }], functionName: 'mint', args: [address, parseUnits('1000', 6)] }),
      });
    };
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

    const transfer = 'transfer(address,uint256)';
    const sent = await leash(['exec', '--account', nexus.address, '--key', key, '--to', token, transfer, bob, '4e6', '--json'], env);
    expect(sent.code, `${sent.stderr}\n${sent.stdout}`).toBe(0);
    expect(sent.json).toMatchObject({ account: nexus.address, key });
    expect(await publicClient.readContract({ address: token, abi: erc20Abi, functionName: 'balanceOf', args: [bob] })).toBe(4_000_000n);

    const listed = await leash(['key', 'list', '--account', nexus.address, '--json'], env);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.json.keys).toHaveLength(1);
    expect(listed.json.keys[0]).toMatchObject({ key, tag: 'nexus' });
    expect(listed.json.keys[0].limits.find((l: { kind: string }) => l.kind === 'erc20')).toMatchObject({ used: '4000000', remaining: '6000000' });

    const refused = await leash(['exec', '--account', nexus.address, '--key', key, '--to', token, transfer, bob, '7e6'], env);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('ERC-20 spend limit of 10 dUSD per week: used 4, attempted 7, remaining 6');
  }, 240_000);
});
