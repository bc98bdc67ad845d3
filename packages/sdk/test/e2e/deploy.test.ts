import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPublicClient, createWalletClient, defineChain, http, parseEther } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { entryPoint08Abi } from 'viem/account-abstraction';
import { create2DeployerAddress, deployLeash, getLeashAddresses, getDevTokenContract } from '@leash/sdk';
import { type ManagedProcess, devAccounts, getFreePort, startAnvil } from '@leash/sdk/local';

// A bare chain without the deterministic deployer, as many fresh chains are: deployLeash must bring everything.
let anvil: ManagedProcess;
let rpcUrl: string;
const chain = defineChain({
  id: 4_242,
  name: 'bare',
  nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
  rpcUrls: { default: { http: [] } },
});

beforeAll(async () => {
  anvil = await startAnvil({ port: await getFreePort(), chainId: chain.id, extraArgs: ['--disable-default-create2-deployer'] });
  rpcUrl = anvil.rpcUrl;
});

afterAll(async () => {
  await anvil?.stop();
});

describe('deployLeash on a chain without the deterministic deployer', () => {
  it('deploys the deployer, EntryPoint v0.8, the Leash contracts and stakes the factory; a second run changes nothing', async () => {
    const publicClient = createPublicClient({ chain, transport: http(rpcUrl) });
    const wallet = createWalletClient({ account: privateKeyToAccount(devAccounts.deployer), chain, transport: http(rpcUrl) });
    expect(await publicClient.getCode({ address: create2DeployerAddress })).toBeUndefined();

    const progress: string[] = [];
    const first = await deployLeash(wallet, {
      stake: { amount: parseEther('0.5'), unstakeDelaySec: 3_600 },
      extraContracts: [getDevTokenContract()],
      onProgress: (line) => progress.push(line),
    });

    expect(first.addresses).toEqual(getLeashAddresses());
    expect(await publicClient.getCode({ address: create2DeployerAddress })).toMatch(/^0x.+/);
    for (const contract of first.contracts) {
      expect(contract.transactionHash, contract.name).toMatch(/^0x[0-9a-f]{64}$/);
      expect(await publicClient.getCode({ address: contract.address }), contract.name).toMatch(/^0x.+/);
    }
    expect(first.contracts.map((c) => c.name)).toEqual(['EntryPoint v0.8', 'PermissionUpdater', 'SessionKeyModule', 'SessionKeyLens', 'LeashAccountFactory', 'DevToken']);
    expect(first.addresses.entryPoint).toBe('0x4337084D9E255Ff0702461CF8895CE9E3b5Ff108');
    expect(first.factoryStake).toEqual({ amount: parseEther('0.5'), unstakeDelaySec: 3_600 });
    expect(progress.some((line) => line.includes('Deterministic deployer missing'))).toBe(true);

    const info = await publicClient.readContract({
      address: first.addresses.entryPoint,
      abi: entryPoint08Abi,
      functionName: 'getDepositInfo',
      args: [first.addresses.accountFactory],
    });
    expect(info.staked).toBe(true);

    const blockBefore = await publicClient.getBlockNumber();
    const second = await deployLeash(wallet, {
      stake: { amount: parseEther('0.5'), unstakeDelaySec: 3_600 },
      extraContracts: [getDevTokenContract()],
    });
    expect(second.contracts.every((c) => c.transactionHash === undefined)).toBe(true);
    expect(await publicClient.getBlockNumber()).toBe(blockBefore);
  });

  it('gives a factory with another stake owner another address', () => {
    const other = getLeashAddresses({ stakeOwner: privateKeyToAccount(devAccounts.deployer).address });
    expect(other.accountFactory).not.toBe(getLeashAddresses().accountFactory);
    expect(other.entryPoint).toBe(getLeashAddresses().entryPoint);
  });
});
