import { describe, expect, it } from 'vitest';
import { type PublicClient, parseEther } from 'viem';
import { DAY, SessionKeyAccessListType, WEEK, decodePermissionUpdates } from '@leash/sdk';
import { CliError } from '../src/errors.js';
import { formatValidity } from '../src/format.js';
import { InvalidFlagError } from '../src/parse/errors.js';
import { type PermissionFlags, buildPermissions } from '../src/permissions.js';

const token = '0x1f08BBFde5eA8c5a6B4A23Ce29dD218eAcd23BA6';
const bob = '0x000000000000000000000000000000000000b0b0';
const now = 1_900_000_000;
// A token that answers decimals() and symbol() like the local stack's dev token; nothing else is read.
const chain = { readContract: async ({ functionName }: { functionName: string }) => (functionName === 'decimals' ? 6 : 'dUSD'), chain: { id: 1 } } as unknown as PublicClient;

const build = (flags: PermissionFlags, current?: Parameters<typeof buildPermissions>[1]['current']) =>
  buildPermissions(flags, { publicClient: chain, now, current });

describe('permission flags → permission updates', () => {
  it('a new key: allowlist with function entries, token units, native and gas limits, validity from now', async () => {
    const built = await build({
      allow: [{ contract: token, function: { selector: '0xa9059cbb', signature: 'transfer(address,uint256)' } }, { contract: bob }],
      erc20: [{ token, limit: { amount: '100', refreshInterval: WEEK } }],
      native: { amount: parseEther('0.1'), refreshInterval: DAY },
      gas: 'unlimited',
      validFor: 3600,
    });
    expect(decodePermissionUpdates(built.builder.encode())).toEqual({
      accessListType: SessionKeyAccessListType.ALLOWLIST,
      contracts: [
        { contractAddress: bob, isOnList: true, checkSelectors: false },
        { contractAddress: token, isOnList: true, checkSelectors: true, functions: [{ selector: '0xa9059cbb', isOnList: true }] },
      ],
      timeRange: { validUntil: now + 3600 },
      nativeTokenSpendLimit: { spendLimit: parseEther('0.1'), refreshInterval: DAY },
      erc20SpendLimits: [{ tokenAddress: token, limit: { spendLimit: 100_000_000n, refreshInterval: WEEK } }],
      gasSpendLimit: 'unlimited',
    });
    expect(built.notes).toEqual([]);
    expect(built.tokens).toEqual([{ address: token, symbol: 'dUSD', decimals: 6 }]);
  });

  it('a new key: notes what it cannot do yet (no access, no gas, a limited token it may not call)', async () => {
    expect((await build({})).notes).toEqual([
      'no --allow, --deny or --allow-all: the key may call no contract yet',
      "no --gas: a new key may not spend the account's ETH on gas; add --gas <amount>/<period> (or unlimited), or require a --paymaster",
    ]);
    const built = await build({ allow: [{ contract: bob }], erc20: [{ token, limit: { amount: '1', refreshInterval: 0 } }], paymaster: bob });
    expect(built.notes).toEqual([`dUSD ${token} has a spend limit but is not on the allowlist: add --allow ${token}:transfer(address,uint256)`]);
  });

  it('refuses combinations that cannot mean one thing', async () => {
    await expect(build({ allow: [{ contract: bob }], deny: [{ contract: token }] })).rejects.toThrow(
      "--allow and --deny cannot be combined: a key's access list is an allowlist, a denylist, or allow-all.",
    );
    await expect(build({ allow: [{ contract: bob }, { contract: bob, function: { selector: '0xa9059cbb', signature: undefined } }] })).rejects.toThrow(
      `${bob} is listed both as a whole contract and with functions`,
    );
    await expect(build({ validFor: 60, validUntil: now + 100 })).rejects.toBeInstanceOf(CliError);
    await expect(build({ validUntil: now - 1 })).rejects.toBeInstanceOf(InvalidFlagError);
    await expect(build({ erc20: [{ token, limit: { amount: '0.0000001', refreshInterval: 0 } }] })).rejects.toThrow('dUSD has 6 decimals; the amount has 7');
  });

  it('an update sends only what its flags name: the list type only when it changes, the other side of the time range kept', async () => {
    const current = { accessListType: SessionKeyAccessListType.ALLOWLIST, validFrom: now - 100, validUntil: now + 100 };
    const same = await build({ allow: [{ contract: bob }], validUntil: 'never' }, current);
    expect(decodePermissionUpdates(same.builder.encode())).toEqual({
      contracts: [{ contractAddress: bob, isOnList: true, checkSelectors: false }],
      timeRange: { validFrom: now - 100 },
    });
    expect(same.notes).toEqual([]);

    const switched = await build({ deny: [{ contract: bob }], unlist: [{ contract: token, function: { selector: '0xa9059cbb', signature: undefined } }] }, current);
    expect(decodePermissionUpdates(switched.builder.encode())).toEqual({
      accessListType: SessionKeyAccessListType.DENYLIST,
      contracts: [
        { contractAddress: bob, isOnList: true, checkSelectors: false },
        { contractAddress: token, functions: [{ selector: '0xa9059cbb', isOnList: false }] },
      ],
    });
    expect(switched.notes).toEqual(['the access list changes from allowlist to denylist: entries already there are now read as denylist entries']);

    const removals = await build({ erc20: [{ token, limit: 'unlimited' }], native: 'unlimited', paymaster: 'none' }, current);
    expect(decodePermissionUpdates(removals.builder.encode())).toEqual({
      nativeTokenSpendLimit: 'unlimited',
      erc20SpendLimits: [{ tokenAddress: token, limit: 'unlimited' }],
      requiredPaymaster: null,
    });
    expect((await build({}, current)).empty).toBe(true);
  });
});

describe('--max-calls', () => {
  it('sets or removes the call limit, and counts as a change for key update', async () => {
    const daily = await build({ maxCalls: { callLimit: 20, refreshInterval: DAY } });
    expect(decodePermissionUpdates(daily.builder.encode()).callLimit).toEqual({ callLimit: 20, refreshInterval: DAY });
    const current = { accessListType: SessionKeyAccessListType.ALLOWLIST, validFrom: undefined, validUntil: undefined };
    const removed = await build({ maxCalls: 'unlimited' }, current);
    expect(removed.empty).toBe(false);
    expect(decodePermissionUpdates(removed.builder.encode())).toEqual({ callLimit: 'unlimited' });
  });
});

describe('formatting', () => {
  // Spans and rounded amounts are the SDK's formatDuration and formatAmount: packages/sdk/test/unit/format.test.ts.
  it('validity windows', () => {
    expect(formatValidity({ validFrom: undefined, validUntil: undefined }, now)).toBe('no expiry');
    expect(formatValidity({ validFrom: undefined, validUntil: now + 3600 }, now)).toBe('until 2030-03-17 18:46:40Z (in 1h)');
    expect(formatValidity({ validFrom: undefined, validUntil: now - 60 }, now)).toBe('expired 1m ago (2030-03-17 17:45:40Z)');
    expect(formatValidity({ validFrom: now + 60, validUntil: undefined }, now)).toBe('not yet: from 2030-03-17 17:47:40Z (in 1m)');
  });
});
