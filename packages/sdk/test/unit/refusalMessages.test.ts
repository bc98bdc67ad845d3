import { parseEther, parseUnits } from 'viem';
import { describe, expect, it } from 'vitest';
import {
  DAY,
  Erc20SpendLimitExceededError,
  GasSpendLimitExceededError,
  NativeTokenSpendLimitExceededError,
  SessionKeyPermissionsBuilder,
  type LeashLogEvent,
  defaultLeashLogger,
  explainRefusal,
  permissionWarnings,
  setLeashLogger,
} from '../../src/index.js';
import { logPermissionWarnings } from '../../src/actions/internal/warnings.js';

const token = '0x1f08cd8fdd6b7ec1ba2c3e2a4ad4ec5cb0c4a7d2';
const paymaster = '0x00000000000000000000000000000000000000aa';

describe('spend-limit refusals say what happened, with units (issue 19, items 3 and 4)', () => {
  it('a key with no gas budget: the error names the cause and how to give it one, not "Limit: 0 … Attempted: 20000000"', () => {
    const error = new GasSpendLimitExceededError({ limit: 0n, used: 0n, attempted: 20_000_000n });
    expect(error.noGasBudget).toBe(true);
    expect(error.shortMessage).toBe('The session key has no gas budget and the op has no paymaster: the account may not pay for this key’s ops.');
    expect(error.message).toContain('setGasSpendLimit');
    expect(error.message).toContain('setRequiredPaymaster');
    expect(error.message).toContain('Attempted: 0.00000000002 ETH');
    expect(error.message).not.toMatch(/Attempted: 20000000\b/);
    const explained = explainRefusal(error)!;
    expect(explained.title).toBe('Refused: this session key has no gas budget.');
    expect(explained.hint).toContain('--gas 0.01eth/day');
  });

  it('a gas budget spent: the amounts in ETH', () => {
    const error = new GasSpendLimitExceededError({ limit: parseEther('0.01'), used: parseEther('0.009'), attempted: parseEther('0.002') });
    expect(error.noGasBudget).toBe(false);
    expect(error.shortMessage).toBe(
      'Gas spend limit exceeded: the op could cost 0.002 ETH, more than the key has left (limit 0.01 ETH, used 0.009 ETH, attempted 0.002 ETH, remaining 0.001 ETH).',
    );
    expect(error.message).toContain('Limit:     0.01 ETH');
    expect(explainRefusal(error)!.summary).toBe('gas spend limit of 0.01 ETH: used 0.009, attempted 0.002, remaining 0.001');
  });

  it('the native refusal says limit, used, attempted and remaining, with units', () => {
    const error = new NativeTokenSpendLimitExceededError({ limit: 1_000_000n, used: 400_000n, attempted: 1_000_000n });
    expect(error.shortMessage).toBe(
      'Native token spend limit exceeded: limit 0.000000000001 ETH, used 0.0000000000004 ETH, attempted 0.000000000001 ETH, remaining 0.0000000000006 ETH.',
    );
    expect(error.message).toContain('Remaining: 0.0000000000006 ETH');
    const none = new NativeTokenSpendLimitExceededError({ limit: 0n, used: 0n, attempted: parseEther('0.5') });
    expect(none.shortMessage).toBe('The session key may not send ETH (its native token limit is 0): the op sends 0.5 ETH.');
    expect(explainRefusal(none)!.title).toBe('Refused: this session key may not send ETH.');
  });

  it('an ERC-20 refusal: token units when known, base units said as such otherwise', () => {
    const numbers = { token, limit: parseUnits('100', 6), used: parseUnits('90', 6), attempted: parseUnits('20', 6) } as const;
    const known = new Erc20SpendLimitExceededError({ ...numbers, unit: { symbol: 'dUSD', decimals: 6 } });
    expect(known.shortMessage).toBe(
      `ERC-20 spend limit exceeded for dUSD (${token}): limit 100 dUSD, used 90 dUSD, attempted 20 dUSD, remaining 10 dUSD.`,
    );
    const unknown = new Erc20SpendLimitExceededError(numbers);
    expect(unknown.shortMessage).toBe(
      `ERC-20 spend limit exceeded for token ${token}: limit 100000000 base units, used 90000000 base units, attempted 20000000 base units, remaining 10000000 base units.`,
    );
  });
});

describe('the builder warns when a key can never pay for gas', () => {
  it('no gas limit set (a new key has 0) or a limit of 0, and no required paymaster: one typed warning', () => {
    const warnings = new SessionKeyPermissionsBuilder().setNativeTokenSpendLimit({ spendLimit: 1n }).warnings();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.code).toBe('no-gas-budget');
    expect(warnings[0]!.fix).toContain('setGasSpendLimit');
    expect(new SessionKeyPermissionsBuilder().setGasSpendLimit({ spendLimit: 0n }).warnings().map((w) => w.code)).toEqual(['no-gas-budget']);
    expect(permissionWarnings({ requiredPaymaster: null })).toHaveLength(1);
  });

  it('a gas budget, no gas limit, or a required paymaster: no warning', () => {
    expect(new SessionKeyPermissionsBuilder().setGasSpendLimit({ spendLimit: parseEther('0.01'), refreshInterval: DAY }).warnings()).toEqual([]);
    expect(new SessionKeyPermissionsBuilder().removeGasSpendLimit().warnings()).toEqual([]);
    expect(new SessionKeyPermissionsBuilder().setRequiredPaymaster({ paymasterAddress: paymaster }).warnings()).toEqual([]);
  });
});

describe('adding a key that can never pay for gas is reported through the SDK logger', () => {
  it('addSessionKey and installSessionKeyModule log a permission-warning; a key with a gas budget logs nothing', () => {
    const events: LeashLogEvent[] = [];
    setLeashLogger((event) => events.push(event));
    try {
      logPermissionWarnings(paymaster, new SessionKeyPermissionsBuilder().setNativeTokenSpendLimit({ spendLimit: 1n }).encode());
      logPermissionWarnings(paymaster, new SessionKeyPermissionsBuilder().removeGasSpendLimit().encode());
    } finally {
      setLeashLogger(defaultLeashLogger);
    }
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ level: 'warn', code: 'permission-warning', warning: { code: 'no-gas-budget' } });
    expect(events[0]!.message).toContain(`Session key ${paymaster}: The key has no gas budget`);
  });
});
