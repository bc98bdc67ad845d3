import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Address, type PublicClient, encodeFunctionData, erc20Abi, parseEther, parseUnits } from 'viem';
import {
  ArgumentConditionFailedError,
  ArgumentNotOneOfError,
  DAY,
  FunctionCallLimitExceededError,
  SessionKeySigner,
  ValuePerCallExceededError,
  allowCall,
  decodePermissionUpdates,
  describePermissions,
  lte,
  oneOf,
} from '@leash/sdk';
import type { LocalStack } from '@leash/sdk/local';
import { expectRefusal, newOwnerClient, newSessionClient, startTestStack } from './helpers.js';

// Call policies through the bundler (Alto in safe mode): an agent key that may only "transfer to alice or bob, at most
// 10 USDC each, 20 times a day", and each way of breaking it.
let stack: LocalStack;
let token: Address;
let publicClient: PublicClient;
const units = (amount: string) => parseUnits(amount, 6);
const alice: Address = '0x00000000000000000000000000000000000A11cE';
const bob: Address = '0x0000000000000000000000000000000000000B0b';
const carol: Address = '0x000000000000000000000000000000000000ca01';
const transfer = (to: Address, amount: bigint, value = 0n) => ({ to: token, value, data: encodeFunctionData({ abi: erc20Abi, functionName: 'transfer', args: [to, amount] }) });
const balanceOf = (address: Address) => publicClient.readContract({ address: token, abi: erc20Abi, functionName: 'balanceOf', args: [address] });

beforeAll(async () => {
  ({ stack, token, publicClient } = await startTestStack());
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

describe('an agent key limited by a call policy', () => {
  it('works within its rules and refuses each breach with its typed error, changing nothing', async () => {
    const owner = await newOwnerClient(stack);
    const account = owner.account.address;
    const permissions = allowCall({
      target: token,
      abi: erc20Abi,
      functionName: 'transfer',
      args: [oneOf([alice, bob]), lte(units('10'))],
      maxCalls: { count: 20, per: 'day' },
      maxValue: 0n,
    })
      // A native budget, so that the per-call cap (not the cumulative limit) is what refuses a call with value.
      .setNativeTokenSpendLimit({ spendLimit: parseEther('1') })
      .setGasSpendLimit({ spendLimit: parseEther('1'), refreshInterval: DAY });
    const signer = new SessionKeySigner();
    const key = await signer.getAddress();
    await owner.addSessionKey({ key, tag: 'agent', permissions: permissions.encode() });
    const session = await newSessionClient(stack, account, signer);

    // Read back: the same policy, its budget, and in words.
    const state = await owner.getSessionKeyPermissions({ key });
    expect(state.permissions.callPolicies).toEqual(decodePermissionUpdates(permissions.encode()).callPolicies);
    expect(state.permissions.maxValuePerCall).toBe(0n);
    expect(describePermissions(state.permissions, { tokens: { [token]: { symbol: 'USDC', decimals: 6 } }, addressNames: { [alice]: 'alice', [bob]: 'bob' } })).toContain(
      'May call USDC.transfer with to ∈ {alice, bob} and amount ≤ 10 USDC, at most 20 times a day',
    );

    // Within the rules.
    await session.executeWithSessionKey({ calls: [transfer(alice, units('10'))] });
    expect(await balanceOf(alice)).toBe(units('10'));

    const before = async () => ({
      account: await balanceOf(account),
      alice: await balanceOf(alice),
      bob: await balanceOf(bob),
      carol: await balanceOf(carol),
      calls: (await owner.getSessionKeyPermissions({ key })).spending.callPolicies[0]!.calls,
    });
    const snapshot = await before();
    expect(snapshot.calls).toMatchObject({ limit: 20n, used: 1n, remaining: 19n, refreshInterval: DAY });

    // The dry run names the rule before anything is sent.
    const dry = await session.checkSessionKeyCalls({ calls: [transfer(carol, 1n)] });
    expect(dry.ok).toBe(false);
    expect(!dry.ok && dry.error).toBeInstanceOf(ArgumentNotOneOfError);

    // Each breach, refused in validation by the module through Alto.
    const otherRecipient = await expectRefusal(session.executeWithSessionKey({ calls: [transfer(carol, 1n)] }), ArgumentNotOneOfError);
    expect(otherRecipient).toMatchObject({ argument: 'to', argIndex: 0 });
    const tooMuch = await expectRefusal(session.executeWithSessionKey({ calls: [transfer(bob, units('10') + 1n)] }), ArgumentConditionFailedError);
    expect(tooMuch).toMatchObject({ argument: 'amount', allowed: expect.stringMatching(/989680$/), actual: expect.stringMatching(/989681$/) });
    await expectRefusal(session.executeWithSessionKey({ calls: [transfer(alice, 1n, 1n)] }), ValuePerCallExceededError);
    expect(await before()).toEqual(snapshot);

    // Up to the 20th call in batches (each call of a batch counts), up to 10 calls under the policy in one op.
    const batch = (size: number) => Array.from({ length: size }, () => transfer(bob, 1n));
    await session.executeWithSessionKey({ calls: batch(10) });
    await session.executeWithSessionKey({ calls: batch(5) });
    await session.executeWithSessionKey({ calls: batch(3) });
    const beforeCrossing = await before();
    expect(beforeCrossing.calls).toMatchObject({ used: 19n, remaining: 1n });
    // A batch that crosses the count is refused whole.
    const crossing = await expectRefusal(session.executeWithSessionKey({ calls: batch(2) }), FunctionCallLimitExceededError);
    expect(crossing).toMatchObject({ limit: 20n, functionName: 'transfer' });
    expect(await before()).toEqual(beforeCrossing);
    await session.executeWithSessionKey({ calls: batch(1) });
    expect(await balanceOf(bob)).toBe(19n);
    expect((await owner.getSessionKeyPermissions({ key })).spending.callPolicies[0]!.calls).toMatchObject({ used: 20n, remaining: 0n });
    // The 21st call.
    const twentyFirst = await expectRefusal(session.executeWithSessionKey({ calls: [transfer(alice, 1n)] }), FunctionCallLimitExceededError);
    expect(twentyFirst).toMatchObject({ limit: 20n, used: 20n });
    expect(await balanceOf(alice)).toBe(units('10'));
  }, 120_000);
});
