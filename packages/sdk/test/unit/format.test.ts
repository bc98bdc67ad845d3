import { describe, expect, it } from 'vitest';
import { parseEther } from 'viem';
import {
  CallLimitExceededError,
  CallNotAllowedError,
  DAY,
  Erc20SpendLimitExceededError,
  GasSpendLimitExceededError,
  NativeTokenSpendLimitExceededError,
  SessionKeyNotAuthorizedError,
  SessionKeyOutsideTimeRangeError,
  type SessionKeyState,
  explainRefusal,
  InvalidAmountError,
  InvalidCallTargetError,
  InvalidDurationError,
  InvalidLimitError,
  formatAmount,
  formatDuration,
  parseAmount,
  parseCallLimit,
  parseCallTarget,
  parseLimitText,
  parseNativeAmount,
} from '@leash/sdk';

const dusd = { symbol: 'dUSD', decimals: 6 };
const eth = { symbol: 'ETH', decimals: 18 };
const grouped = { groupThousands: true, maxDecimals: 6 };

describe('formatAmount (the CLI and the web manager show amounts with it)', () => {
  it('is exact by default', () => {
    expect(formatAmount(12_500_000n, dusd)).toBe('12.5 dUSD');
    expect(formatAmount(parseEther('0.05'), eth)).toBe('0.05 ETH');
    expect(formatAmount(0n, dusd)).toBe('0 dUSD');
  });

  it('rounds to maxDecimals and marks the rounding (the CLI tables)', () => {
    expect(formatAmount(parseEther('0.05'), eth, { maxDecimals: 6 })).toBe('0.05 ETH');
    expect(formatAmount(419_800_554_407_594n, eth, { maxDecimals: 6 })).toBe('≈0.00042 ETH');
    expect(formatAmount(parseEther('1.9999999'), eth, { maxDecimals: 6 })).toBe('≈2 ETH');
  });

  it('groups thousands (the web manager), exactly for tokens and to 6 decimals for ETH', () => {
    expect(formatAmount(1_000_250_000n, dusd, { groupThousands: true })).toBe('1,000.25 dUSD');
    expect(formatAmount(1n, dusd, { groupThousands: true })).toBe('0.000001 dUSD');
    expect(formatAmount(123_456_789_000_000n, dusd, { groupThousands: true })).toBe('123,456,789 dUSD');
    expect(formatAmount(parseEther('0.5'), eth, grouped)).toBe('0.5 ETH');
    expect(formatAmount(parseEther('0.499266291973313484'), eth, grouped)).toBe('≈0.499266 ETH');
    expect(formatAmount(parseEther('1.0000001'), eth, grouped)).toBe('≈1 ETH');
    expect(formatAmount(parseEther('1234.000001'), eth, grouped)).toBe('1,234.000001 ETH');
  });
});

describe('formatDuration', () => {
  it('gives the two largest units', () => {
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(45)).toBe('45s');
    expect(formatDuration(3_599)).toBe('59m 59s');
    expect(formatDuration(3_600)).toBe('1h 0m');
    expect(formatDuration(90_061)).toBe('1d 1h');
    expect(formatDuration(3 * DAY + 4 * 3600 + 5)).toBe('3d 4h');
    expect(formatDuration(59 * 60 + 10)).toBe('59m 10s');
    expect(formatDuration(-5)).toBe('0s');
  });

  it('leaves zero units out when compact (the CLI)', () => {
    expect(formatDuration(0, { compact: true })).toBe('0s');
    expect(formatDuration(3_600, { compact: true })).toBe('1h');
    expect(formatDuration(DAY + 30, { compact: true })).toBe('1d 30s');
    expect(formatDuration(3 * DAY + 4 * 3600 + 5, { compact: true })).toBe('3d 4h');
  });
});

describe('parsing amounts, limits and call targets', () => {
  it('reads amounts in the unit\'s precision, never rounding', () => {
    expect(parseAmount('12.5', dusd)).toBe(12_500_000n);
    expect(parseAmount('1,000', dusd)).toBe(1_000_000_000n);
    expect(parseNativeAmount('20 gwei')).toBe(20_000_000_000n);
    expect(() => parseAmount('1.2345678', dusd)).toThrow(InvalidAmountError);
    expect(() => parseAmount('1,00', dusd)).toThrow('expected a decimal amount such as 100 or 0.5');
    expect(() => parseNativeAmount('0.1')).toThrow('expected an amount with its unit');
  });

  it('reads limits and call counts', () => {
    expect(parseLimitText('100/week')).toEqual({ amount: '100', refreshInterval: 7 * DAY });
    expect(parseCallLimit('20/day')).toEqual({ callLimit: 20, refreshInterval: DAY });
    expect(parseCallLimit('5/total')).toEqual({ callLimit: 5, refreshInterval: 0 });
    expect(parseCallLimit('Unlimited')).toBe('unlimited');
    expect(() => parseCallLimit('20')).toThrow(InvalidLimitError);
    expect(() => parseCallLimit('2.5/day')).toThrow('the number of calls must be a whole number');
    expect(() => parseCallLimit('4294967296/day')).toThrow(InvalidLimitError);
    expect(() => parseCallLimit('20/fortnight')).toThrow(InvalidDurationError);
  });

  it('reads address:function(args) the way the CLI and the web manager take targets', () => {
    const token = '0x1f08BBFde5eA8c5a6B4A23Ce29dD218eAcd23BA6';
    expect(parseCallTarget(token.toLowerCase())).toEqual({ contract: token });
    expect(parseCallTarget(`${token}:transfer(address to, uint256 amount)`)).toEqual({
      contract: token,
      function: { selector: '0xa9059cbb', signature: 'transfer(address,uint256)' },
    });
    expect(parseCallTarget(`${token}:0xA9059CBB`)).toEqual({ contract: token, function: { selector: '0xa9059cbb', signature: undefined } });
    expect(() => parseCallTarget(`${token}:transfer`)).toThrow(InvalidCallTargetError);
    expect(() => parseCallTarget('0x1234')).toThrow('expected an address');
  });
});

describe('explainRefusal (the CLI prints its summary, the web manager its title and lines)', () => {
  const token = '0x1f08BBFde5eA8c5a6B4A23Ce29dD218eAcd23BA6' as const;
  const status = (limit: bigint, used: bigint, refreshInterval: number) => ({
    limit,
    used,
    remaining: limit - used,
    refreshInterval,
    periodStart: 0,
    nextRefresh: refreshInterval,
  });
  const state = {
    spending: {
      erc20: [{ tokenAddress: token, status: status(100_000_000n, 90_000_000n, 7 * DAY) }],
      nativeToken: status(parseEther('0.02'), parseEther('0.01'), DAY),
      gas: 'unlimited',
      calls: status(2n, 2n, DAY),
    },
  } as unknown as SessionKeyState;

  it('gives a spend refusal in the limit\'s unit and period', () => {
    const erc20 = explainRefusal(new Erc20SpendLimitExceededError({ token, limit: 100_000_000n, used: 90_000_000n, attempted: 20_000_000n }), {
      tokens: () => dusd,
      state,
    })!;
    expect(erc20.summary).toBe('ERC-20 spend limit of 100 dUSD per week: used 90, attempted 20, remaining 10');
    expect(erc20.title).toBe('Refused: over the session key\'s dUSD limit.');
    expect(erc20.lines).toEqual(['Limit: 100 dUSD per week', 'Already used: 90 dUSD', 'Left: 10 dUSD', 'This action: 20 dUSD']);
    // Without the state, no period; without the token, base units.
    expect(explainRefusal(new Erc20SpendLimitExceededError({ token, limit: 3n, used: 2n, attempted: 5n }))!.lines[0]).toBe(`Limit: 3 base units of ${token}`);
    const native = explainRefusal(new NativeTokenSpendLimitExceededError({ limit: parseEther('0.02'), used: parseEther('0.01'), attempted: parseEther('0.015') }), { state })!;
    expect(native.summary).toBe('native token spend limit of 0.02 ETH per day: used 0.01, attempted 0.015, remaining 0.01');
    const gas = explainRefusal(new GasSpendLimitExceededError({ limit: parseEther('0.05'), used: parseEther('0.049'), attempted: 419_800_554_407_594n }), {
      amounts: { maxDecimals: 6 },
    })!;
    expect(gas.summary).toBe('gas spend limit of 0.05 ETH: used 0.049, attempted ≈0.00042, remaining 0.001');
    expect(gas.hint).toContain('maximum cost');
  });

  it('counts calls', () => {
    const calls = explainRefusal(new CallLimitExceededError({ limit: 2n, used: 2n, attempted: 1n }), { state })!;
    expect(calls).toMatchObject({
      rule: 'call-limit',
      title: 'Refused: over the session key\'s call limit.',
      summary: 'call limit of 2 calls a day: used 2, attempted 1, remaining 0',
      lines: ['Limit: 2 calls a day', 'Already used: 2 calls', 'Left: 0 calls', 'This action: 1 call'],
      refreshInterval: DAY,
    });
  });

  it('gives other refusals their message, and nothing for errors that are not refusals', () => {
    expect(explainRefusal(new SessionKeyNotAuthorizedError())).toMatchObject({ title: 'Refused: this key is not a session key of the account.', rule: 'authorization' });
    expect(explainRefusal(new SessionKeyOutsideTimeRangeError({ validUntil: 1_900_000_000 }))!.lines).toEqual(['Valid until: 2030-03-17T17:46:40Z']);
    expect(explainRefusal(new CallNotAllowedError({ target: token, reason: 'target-not-on-allowlist' }))!.summary).toBe(
      `Contract ${token} is not on the session key's allowlist.`,
    );
    expect(explainRefusal(new Error('network down'))).toBeUndefined();
  });
});
