import { describe, expect, it } from 'vitest';
import { parseEther } from 'viem';
import {
  DAY,
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
