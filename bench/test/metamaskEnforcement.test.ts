// The peer's ops in the side-by-side bench must do the work under the rules they claim: here, on a chain deployed the
// way the bench deploys it, every caveat set refuses what it should, through ERC-4337 and through an EOA's call.
import { type Address, type Hex, decodeErrorResult, encodeFunctionData, parseEther, parseUnits, toFunctionSelector } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY, devTokenAbi } from '@leash/sdk';
import { type BenchChain, genesisTime, withBenchChain } from '../src/benchChain.js';
import { sessionRules } from '../src/permissionSets.js';
import {
  MetaMaskDelegator,
  MetaMaskEoaDelegate,
  MetaMaskSmartAccountDelegate,
  type Redemption,
  transferData,
} from '../src/peers/metamask/accounts.js';
import { type CaveatSetId, buildCaveats } from '../src/peers/metamask/caveats.js';
import { type MetaMaskDeployment, deployMetaMask } from '../src/peers/metamask/deploy.js';

type Setup = {
  bench: BenchChain;
  deployment: MetaMaskDeployment;
  delegator: MetaMaskDelegator;
  smart: MetaMaskSmartAccountDelegate;
  eoa: MetaMaskEoaDelegate;
};

let setup: Setup;
let release: () => void;
let finished: Promise<void>;

beforeAll(async () => {
  // withBenchChain stops anvil when its body settles: hold the body open until afterAll.
  let ready!: (s: Setup) => void;
  const started = new Promise<Setup>((resolve) => (ready = resolve));
  const held = new Promise<void>((resolve) => (release = resolve));
  finished = withBenchChain('metamask-enforcement', async (bench) => {
    const deployment = await deployMetaMask(bench);
    ready({
      bench,
      deployment,
      delegator: await MetaMaskDelegator.create(bench, deployment),
      smart: await MetaMaskSmartAccountDelegate.create(bench, deployment),
      eoa: await MetaMaskEoaDelegate.create(bench, deployment),
    });
    await held;
  });
  setup = await Promise.race([started, finished.then(() => Promise.reject(new Error('the chain stopped before the setup finished')))]);
});

afterAll(async () => {
  release?.();
  await finished;
});

const balanceOf = (account: Address) =>
  setup.bench.publicClient.readContract({ address: setup.bench.token, abi: devTokenAbi, functionName: 'balanceOf', args: [account] });

/** The Error(string) an enforcer reverted with. */
const reasonOf = (revertData: Hex | undefined): string => {
  if (!revertData) throw new Error('no revert data');
  return String(decodeErrorResult({ abi: [], data: revertData }).args?.[0]);
};

const limit = sessionRules.erc20Limit;
const overHalf = limit / 2n + 1n;

async function grantTo(delegate: Address, set: CaveatSetId, target: Address, now = genesisTime) {
  return setup.delegator.grant(delegate, buildCaveats(setup.deployment.environment, set, target, now));
}

describe('MetaMask caveat sets, through ERC-4337 (a smart account delegate, EntryPoint v0.7)', () => {
  let nonceKey = 100n;

  it.each(['erc20-full', 'erc20-minimal'] as const)('%s: a transfer within the periodic limit lands; one past it is refused', async (set) => {
    const { bench, smart } = setup;
    const delegation = await grantTo(smart.address, set, bench.token);
    const recipient = bench.freshKey().address;
    const transfer = (amount: bigint): Redemption => ({ delegation, to: bench.token, data: transferData(recipient, amount) });
    const key = nonceKey++;

    expect((await smart.redeem([transfer(overHalf)], 'self-call', key)).success).toBe(true);
    const refused = await smart.redeem([transfer(overHalf)], 'self-call', key, true);
    expect(refused.success).toBe(false);
    expect(reasonOf(refused.revertReason)).toBe('ERC20PeriodTransferEnforcer:transfer-amount-exceeded');
    // What is left of the period still goes through: the refusal was the limit, not the op.
    expect((await smart.redeem([transfer(limit - overHalf)], 'self-call', key)).success).toBe(true);
    expect(await balanceOf(recipient)).toBe(limit);
  });

  it('the kit’s execute encoding is refused past the limit as well', async () => {
    const { bench, smart } = setup;
    const delegation = await grantTo(smart.address, 'erc20-full', bench.token);
    const recipient = bench.freshKey().address;
    const transfer: Redemption = { delegation, to: bench.token, data: transferData(recipient, overHalf) };
    const key = nonceKey++;
    expect((await smart.redeem([transfer], 'execute', key)).success).toBe(true);
    expect((await smart.redeem([transfer], 'execute', key, true)).success).toBe(false);
    expect(await balanceOf(recipient)).toBe(overHalf);
  });

  it('a batch whose second transfer passes the limit is refused whole', async () => {
    const { bench, smart } = setup;
    const delegation = await grantTo(smart.address, 'erc20-full', bench.token);
    const recipient = bench.freshKey().address;
    const transfer: Redemption = { delegation, to: bench.token, data: transferData(recipient, overHalf) };
    const refused = await smart.redeem([transfer, transfer], 'self-call', nonceKey++, true);
    expect(reasonOf(refused.revertReason)).toBe('ERC20PeriodTransferEnforcer:transfer-amount-exceeded');
    expect(await balanceOf(recipient)).toBe(0n);
  });

  it('the full set refuses another method of the token; the window refuses an expired delegation', async () => {
    const { bench, smart } = setup;
    const approve = encodeFunctionData({ abi: devTokenAbi, functionName: 'approve', args: [bench.freshKey().address, 1n] });
    const full = await grantTo(smart.address, 'erc20-full', bench.token);
    const wrongMethod = await smart.redeem([{ delegation: full, to: bench.token, data: approve }], 'self-call', nonceKey++, true);
    expect(reasonOf(wrongMethod.revertReason)).toBe('AllowedMethodsEnforcer:method-not-allowed');

    const expired = await grantTo(smart.address, 'erc20-minimal', bench.token, genesisTime - sessionRules.validUntilOffset - DAY);
    const recipient = bench.freshKey().address;
    const late = await smart.redeem([{ delegation: expired, to: bench.token, data: transferData(recipient, 1n) }], 'self-call', nonceKey++, true);
    expect(reasonOf(late.revertReason)).toBe('TimestampEnforcer:expired-delegation');
  });

  it('native: a payment within the daily limit lands, one past it is refused, another payee is refused', async () => {
    const { bench, smart } = setup;
    const payee = bench.freshKey().address;
    const delegation = await grantTo(smart.address, 'native', payee);
    const key = nonceKey++;
    const pay = (to: Address, value: bigint): Redemption => ({ delegation, to, value });
    expect((await smart.redeem([pay(payee, parseEther('0.6'))], 'self-call', key)).success).toBe(true);
    const over = await smart.redeem([pay(payee, parseEther('0.6'))], 'self-call', key, true);
    expect(reasonOf(over.revertReason)).toBe('NativeTokenPeriodTransferEnforcer:transfer-amount-exceeded');
    const elsewhere = await smart.redeem([pay(bench.freshKey().address, 1n)], 'self-call', key, true);
    expect(reasonOf(elsewhere.revertReason)).toBe('AllowedTargetsEnforcer:target-address-not-allowed');
    expect(await bench.publicClient.getBalance({ address: payee })).toBe(parseEther('0.6'));
  });
});

describe('MetaMask caveat sets, an EOA delegate calling redeemDelegations', () => {
  it.each(['erc20-full', 'erc20-minimal'] as const)('%s: a transfer past the periodic limit reverts', async (set) => {
    const { bench, eoa } = setup;
    const delegation = await grantTo(eoa.address, set, bench.token);
    const recipient = bench.freshKey().address;
    const transfer = (amount: bigint): Redemption => ({ delegation, to: bench.token, data: transferData(recipient, amount) });
    await eoa.redeem([transfer(overHalf)]);
    await expect(eoa.redeem([transfer(overHalf)])).rejects.toThrow(/ERC20PeriodTransferEnforcer:transfer-amount-exceeded/);
    expect(await balanceOf(recipient)).toBe(overHalf);
  });

  it('a delegation to another delegate is refused', async () => {
    const { bench, eoa, smart } = setup;
    const delegation = await grantTo(smart.address, 'erc20-minimal', bench.token);
    const transfer: Redemption = { delegation, to: bench.token, data: transferData(bench.freshKey().address, parseUnits('1', 6)) };
    await expect(eoa.redeem([transfer])).rejects.toThrow(toFunctionSelector('InvalidDelegate()'));
  });
});
