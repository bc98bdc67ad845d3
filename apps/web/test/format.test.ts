import { describe, expect, it } from 'vitest';
import { parseEther } from 'viem';
import { ether, formatAmount, formatDuration } from '../src/format.js';

const dusd = { symbol: 'dUSD', decimals: 6 };

describe('formatAmount', () => {
  it('shows token units with thousands grouped, exactly', () => {
    expect(formatAmount(1_000_250_000n, dusd)).toBe('1,000.25 dUSD');
    expect(formatAmount(0n, dusd)).toBe('0 dUSD');
    expect(formatAmount(1n, dusd)).toBe('0.000001 dUSD');
    expect(formatAmount(123_456_789_000_000n, dusd)).toBe('123,456,789 dUSD');
  });

  it('cuts ETH to 6 decimals and marks the cut', () => {
    expect(formatAmount(parseEther('0.5'), ether)).toBe('0.5 ETH');
    expect(formatAmount(parseEther('0.499266291973313484'), ether)).toBe('≈0.499266 ETH');
    expect(formatAmount(parseEther('1.0000001'), ether)).toBe('≈1 ETH');
    expect(formatAmount(parseEther('1234.000001'), ether)).toBe('1,234.000001 ETH');
  });
});

describe('formatDuration', () => {
  it('gives the two largest units', () => {
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(45)).toBe('45s');
    expect(formatDuration(3_599)).toBe('59m 59s');
    expect(formatDuration(3_600)).toBe('1h 0m');
    expect(formatDuration(90_061)).toBe('1d 1h');
    expect(formatDuration(-5)).toBe('0s');
  });
});
