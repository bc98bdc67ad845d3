import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Address, type Hex, createPublicClient, encodeFunctionData, erc20Abi, http, pad, parseUnits, toFunctionSelector, toHex } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import {
  DAY,
  SessionKeyPermissionsBuilder,
  SessionKeySigner,
  sessionKeyModuleAbi,
  sessionKeyPermissionUpdatesAbi,
} from '@leash/sdk';
import { type LocalStack, startLocalStack } from '@leash/sdk/local';
import { newOwnerClient, newSessionClient } from './helpers.js';

// Issue 18's agent key through the real bundler (Alto in safe mode, so the call-policy checks in validation pass
// ERC-7562): "transfer to alice or bob, at most 10 tokens each, 8 times a day" (20 in the forge regression). The key
// is added with raw module calls (the SDK's call-policy builder is the SDK side's); each breach is refused and moves
// nothing.

let stack: LocalStack;
let token: Address;
const units = (amount: string) => parseUnits(amount, 6);
const newAddress = () => privateKeyToAccount(generatePrivateKey()).address;
const transferSelector = toFunctionSelector('transfer(address,uint256)');
const update = (functionName: string, args: readonly unknown[]): Hex =>
  encodeFunctionData({ abi: sessionKeyPermissionUpdatesAbi, functionName, args } as never);

beforeAll(async () => {
  stack = await startLocalStack();
  token = stack.contracts.devToken;
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

describe('call policies through Alto in safe mode', () => {
  it('the agent key works, and a recipient outside the set, an amount over 10 and a call past the function limit are refused', async () => {
    const alice = newAddress();
    const bob = newAddress();
    const owner = await newOwnerClient(stack, { ether: '5' });
    const signer = new SessionKeySigner();
    const permissions = [
      ...new SessionKeyPermissionsBuilder()
        .addContractAddressAccessEntry({ contractAddress: token, isOnList: true, checkSelectors: true })
        .addContractFunctionAccessEntry({ contractAddress: token, methodSelector: 'transfer(address,uint256)', isOnList: true })
        .removeGasSpendLimit()
        .encode(),
      update('addArgumentOneOf', [token, transferSelector, 0, pad(alice)]),
      update('addArgumentOneOf', [token, transferSelector, 0, pad(bob)]),
      update('addArgumentCondition', [token, transferSelector, 1, 3, toHex(units('10'), { size: 32 })]),
      update('setFunctionCallLimit', [token, transferSelector, 8n, DAY]),
      // Periods from an hour ago: Alto refuses an op whose window opened less than 5 s ago, and the SDK's dry run
      // (the SDK side's) does not yet wait for a function call limit's fresh period.
      update('setRefreshAnchor', [Math.floor(Date.now() / 1000) - 3_600]),
    ];
    const addKey = encodeFunctionData({
      abi: sessionKeyModuleAbi,
      functionName: 'addSessionKey',
      args: [await signer.getAddress(), pad('0x'), permissions],
    });
    const hash = await owner.sendUserOperation({ calls: [{ to: stack.contracts.sessionKeyModule, data: addKey }] });
    expect((await owner.waitForUserOperationReceipt({ hash })).success).toBe(true);

    const session = await newSessionClient(stack, owner.account.address, signer);
    const publicClient = createPublicClient({ chain: stack.chain, transport: http(stack.rpcUrl) });
    const balanceOf = (who: Address) => publicClient.readContract({ address: token, abi: erc20Abi, functionName: 'balanceOf', args: [who] });
    const transfer = (to: Address, amount: bigint) => ({
      to: token,
      data: encodeFunctionData({ abi: erc20Abi, functionName: 'transfer', args: [to, amount] }),
    });

    expect((await session.executeWithSessionKey({ calls: [transfer(alice, units('10'))] })).receipt.success).toBe(true);
    expect((await session.executeWithSessionKey({ calls: [transfer(bob, units('1'))] })).receipt.success).toBe(true);
    expect(await balanceOf(alice)).toBe(units('10'));

    const outsider = newAddress();
    const before = await balanceOf(owner.account.address);
    await expect(session.executeWithSessionKey({ calls: [transfer(outsider, 1n)] })).rejects.toThrow();
    await expect(session.executeWithSessionKey({ calls: [transfer(alice, units('10') + 1n)] })).rejects.toThrow();
    expect(await balanceOf(owner.account.address)).toBe(before);
    expect(await balanceOf(outsider)).toBe(0n);

    // Six more calls, in batches of three (each call of a batch counts), reach the limit of 8; the next is refused.
    for (let i = 0; i < 2; i++) {
      const batch = Array.from({ length: 3 }, () => transfer(bob, 1n));
      expect((await session.executeWithSessionKey({ calls: batch })).receipt.success).toBe(true);
    }
    await expect(session.executeWithSessionKey({ calls: [transfer(alice, 1n)] })).rejects.toThrow();
    expect(await balanceOf(bob)).toBe(units('1') + 6n);
  }, 120_000);
});
