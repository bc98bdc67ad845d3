import { describe, expect, it } from 'vitest';
import {
  type Address,
  type Hex,
  createPublicClient,
  custom,
  decodeFunctionData,
  encodeErrorResult,
  encodeFunctionData,
  encodeFunctionResult,
  erc20Abi,
  getAddress,
  stringToHex,
  zeroAddress,
} from 'viem';
import { foundry } from 'viem/chains';
import { createBundlerClient } from 'viem/account-abstraction';
import { privateKeyToAccount } from 'viem/accounts';
import {
  CallLimitExceededError,
  DAY,
  type LensSessionKeyState,
  SessionKeyNotAuthorizedError,
  SessionKeySigner,
  WEEK,
  checkSessionKeyCalls,
  getLeashAddresses,
  getSessionKeyPermissions,
  getSessionKeyStates,
  getSessionKeys,
  planSessionOpTiming,
  sessionKeyActions,
  sessionKeyLensAbi,
  sessionKeyModuleAbi,
  toLeashSmartAccount,
} from '@leash/sdk';

const lens: Address = '0x000000000000000000000000000000000000a1e5';
const usdc = getAddress('0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48');
const addresses = { ...getLeashAddresses(), sessionKeyLens: lens };
const signer = new SessionKeySigner({ privateKey: '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d' });
const accountAddress = getAddress('0x00000000000000000000000000000000000acc01');
const day = 20_000; // a day boundary: day × 86,400
const now = day * DAY + 3_600;

const none = { hasLimit: false, limit: 0n, used: 0n, remaining: 0n, refreshInterval: 0, periodStart: 0, nextRefresh: 0 };
const daily = (limit: bigint, used: bigint) => ({
  hasLimit: true,
  limit,
  used,
  remaining: limit > used ? limit - used : 0n,
  refreshInterval: DAY,
  periodStart: day * DAY,
  nextRefresh: (day + 1) * DAY,
});

async function keyState(): Promise<LensSessionKeyState> {
  return {
    sessionKey: await signer.getAddress(),
    info: {
      tag: stringToHex('agent', { size: 32 }),
      validFrom: 0,
      validUntil: 2_000_000_000,
      accessListType: 0,
      refreshAnchor: 0,
      nativeTokenSpend: { ...none, hasLimit: true },
      gasSpend: daily(10n ** 16n, 10n ** 15n),
      requiredPaymaster: zeroAddress,
    },
    targets: [
      {
        target: usdc,
        isOnList: true,
        checkSelectors: true,
        selectors: ['0xa9059cbb'],
        erc20Spend: { ...daily(100_000_000n, 40_000_000n), refreshInterval: WEEK, periodStart: 2_857 * WEEK, nextRefresh: 2_858 * WEEK },
      },
    ],
    calls: daily(20n, 19n),
  };
}

/**
 * A chain that answers the lens's reads from `keys` (and isModuleInstalled / getCode for the account), refuses
 * eth_getLogs as public RPCs do for long ranges, and records every request.
 */
async function mockChain(keys: LensSessionKeyState[], options: { lensCode?: boolean } = {}) {
  const requests: string[] = [];
  const transport = custom({
    async request({ method, params }: { method: string; params?: unknown }) {
      requests.push(method);
      if (method === 'eth_chainId') return '0x7a69';
      if (method === 'eth_getLogs') throw new Error('eth_getLogs over this range is not supported');
      if (method === 'eth_getCode') return '0x6001';
      if (method !== 'eth_call') throw new Error(`unexpected ${method}`);
      const [{ to, data }] = params as [{ to: Address; data: Hex }];
      if (to.toLowerCase() === accountAddress.toLowerCase()) return encodeFunctionResult({ abi: [{ type: 'function', name: 'isModuleInstalled', inputs: [], outputs: [{ type: 'bool' }], stateMutability: 'view' }], functionName: 'isModuleInstalled', result: true });
      if (to.toLowerCase() !== lens) throw new Error(`unexpected call to ${to}`);
      if (options.lensCode === false) return '0x';
      const call = decodeFunctionData({ abi: sessionKeyLensAbi, data });
      expect(call.args[0]).toBe(addresses.sessionKeyModule);
      if (call.functionName === 'getSessionKeys') return encodeFunctionResult({ abi: sessionKeyLensAbi, functionName: 'getSessionKeys', result: keys });
      if (call.functionName === 'getSessionKey') {
        const found = keys.find((k) => k.sessionKey === call.args[2]);
        if (!found) {
          const revert = encodeErrorResult({ abi: sessionKeyModuleAbi, errorName: 'SessionKeyNotFound', args: [call.args[2] as Address] });
          throw Object.assign(new Error('execution reverted'), { code: 3, data: revert });
        }
        return encodeFunctionResult({ abi: sessionKeyLensAbi, functionName: 'getSessionKey', result: found });
      }
      throw new Error(`unexpected lens call ${call.functionName}`);
    },
  });
  const publicClient = createPublicClient({ chain: foundry, transport });
  const bundlerRequests: string[] = [];
  const bundlerTransport = custom({
    async request({ method }: { method: string }) {
      bundlerRequests.push(method);
      throw new Error('the bundler is not part of this test');
    },
  });
  const account = await toLeashSmartAccount({ client: publicClient, address: accountAddress, signer, addresses });
  const client = createBundlerClient({ account, client: publicClient, transport: bundlerTransport, chain: foundry }).extend(sessionKeyActions());
  return { client, requests, bundlerRequests };
}

describe('the lens reader (a mocked RPC that refuses eth_getLogs)', () => {
  it('reads a key in one eth_call: permissions, every budget with used, remaining and next refresh, and the call count', async () => {
    const key = await keyState();
    const { client, requests } = await mockChain([key]);
    const state = await getSessionKeyPermissions(client, { key: key.sessionKey });
    expect(requests.filter((m) => m === 'eth_call')).toHaveLength(1);
    expect(requests).not.toContain('eth_getLogs');
    expect(state).toStrictEqual({
      sessionKey: key.sessionKey,
      tag: key.info.tag,
      tagText: 'agent',
      accessListType: 0,
      timeRange: { validFrom: undefined, validUntil: 2_000_000_000 },
      refreshAnchor: 0,
      requiredPaymaster: null,
      permissions: {
        accessListType: 0,
        contracts: [{ contractAddress: usdc, isOnList: true, checkSelectors: true, functions: [{ selector: '0xa9059cbb', isOnList: true }] }],
        timeRange: { validUntil: 2_000_000_000 },
        nativeTokenSpendLimit: { spendLimit: 0n, refreshInterval: 0 },
        erc20SpendLimits: [{ tokenAddress: usdc, limit: { spendLimit: 100_000_000n, refreshInterval: WEEK } }],
        gasSpendLimit: { spendLimit: 10n ** 16n, refreshInterval: DAY },
        requiredPaymaster: null,
        refreshAnchor: 0,
        callLimit: { callLimit: 20, refreshInterval: DAY },
      },
      spending: {
        nativeToken: { limit: 0n, used: 0n, remaining: 0n, refreshInterval: 0, periodStart: undefined, nextRefresh: undefined },
        gas: { limit: 10n ** 16n, used: 10n ** 15n, remaining: 9n * 10n ** 15n, refreshInterval: DAY, periodStart: day * DAY, nextRefresh: (day + 1) * DAY },
        erc20: [
          {
            tokenAddress: usdc,
            status: { limit: 100_000_000n, used: 40_000_000n, remaining: 60_000_000n, refreshInterval: WEEK, periodStart: 2_857 * WEEK, nextRefresh: 2_858 * WEEK },
          },
        ],
        calls: { limit: 20n, used: 19n, remaining: 1n, refreshInterval: DAY, periodStart: day * DAY, nextRefresh: (day + 1) * DAY },
      },
    });
  });

  it('lists every key of an account in one eth_call, and says clearly when a key is not the account\'s', async () => {
    const first = await keyState();
    const second = { ...first, sessionKey: privateKeyToAccount('0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba').address, calls: none };
    const { client, requests } = await mockChain([first, second]);
    expect(await getSessionKeys(client)).toEqual([
      { address: first.sessionKey, tag: first.info.tag, tagText: 'agent' },
      { address: second.sessionKey, tag: first.info.tag, tagText: 'agent' },
    ]);
    const states = await getSessionKeyStates(client);
    expect(states.map((s) => s.spending.calls)).toEqual([expect.objectContaining({ remaining: 1n }), 'unlimited']);
    expect(states[1]!.permissions.callLimit).toBe('unlimited');
    expect(requests.filter((m) => m === 'eth_call')).toHaveLength(2);
    const stranger = privateKeyToAccount('0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356').address;
    await expect(client.getSessionKeyPermissions({ key: stranger })).rejects.toThrow(`${stranger} is not a session key of ${accountAddress}.`);
    expect(requests).not.toContain('eth_getLogs');
  });

  it('says so when no lens is deployed at the address it was given', async () => {
    const key = await keyState();
    const { client } = await mockChain([key], { lensCode: false });
    await expect(getSessionKeyPermissions(client, { key: key.sessionKey })).rejects.toThrow(`No session key lens is deployed at ${lens} on this chain.`);
  });

  it('plans the op from the same read: the call-count period narrows the window like any refreshing budget', async () => {
    const key = await keyState();
    const { client, requests } = await mockChain([key]);
    const transfer = { to: usdc, data: encodeFunctionData({ abi: erc20Abi, functionName: 'transfer', args: [zeroAddress, 1n] }) };
    const early = await planSessionOpTiming(client, { sessionKey: key.sessionKey, calls: [transfer], paymasterPays: true, now, maxWaitSeconds: 60 });
    expect(early).toEqual({ waitSeconds: 0, validFrom: day * DAY, validUntil: (day + 1) * DAY - 1 });
    // 20 s before the day ends: the op waits for the next day's calls.
    const late = await planSessionOpTiming(client, {
      sessionKey: key.sessionKey,
      calls: [transfer],
      paymasterPays: true,
      now: (day + 1) * DAY - 20,
      maxWaitSeconds: 60,
    });
    expect(late).toEqual({ waitSeconds: 26, validFrom: (day + 1) * DAY, validUntil: (day + 2) * DAY - 1 });
    expect(requests.filter((m) => m === 'eth_call')).toHaveLength(2);
    const unknown = privateKeyToAccount('0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356').address;
    await expect(planSessionOpTiming(client, { sessionKey: unknown, calls: [transfer], paymasterPays: true, now, maxWaitSeconds: 60 })).rejects.toBeInstanceOf(
      SessionKeyNotAuthorizedError,
    );
  });

  it('the dry run refuses a batch over the call count with the numbers, before asking the bundler', async () => {
    const key = await keyState();
    const { client, requests, bundlerRequests } = await mockChain([key]);
    const call = { to: usdc, data: encodeFunctionData({ abi: erc20Abi, functionName: 'transfer', args: [zeroAddress, 1n] }) };
    const check = await checkSessionKeyCalls(client, { calls: [call, call] });
    if (check.ok) throw new Error('the dry run should refuse the batch');
    const error = check.error as CallLimitExceededError;
    expect(error).toBeInstanceOf(CallLimitExceededError);
    expect([error.limit, error.used, error.attempted, error.remaining]).toEqual([20n, 19n, 2n, 1n]);
    expect(bundlerRequests).toEqual([]);
    expect(requests).not.toContain('eth_getLogs');
  });
});
