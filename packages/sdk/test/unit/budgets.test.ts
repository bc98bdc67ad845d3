import { describe, expect, it } from 'vitest';
import { WEEK, describeBudget } from '../../src/index.js';

const dusd = { symbol: 'dUSD', decimals: 6 };
const addedAt = 1_900_000_000;

describe('describeBudget: a budget with its next refresh (issue 19, item 6)', () => {
  it('a refreshing budget says when it refreshes: a period after the key was added', () => {
    const status = { limit: 100_000_000n, used: 90_000_000n, remaining: 10_000_000n, refreshInterval: WEEK, periodStart: addedAt, nextRefresh: addedAt + WEEK };
    expect(describeBudget(status, dusd)).toBe('90 dUSD used of 100 dUSD per week, 10 dUSD left; refreshes 2030-03-24T17:46:40Z');
    expect(describeBudget(status, dusd, { formatTimestamp: (s) => `t=${s}` })).toBe(`90 dUSD used of 100 dUSD per week, 10 dUSD left; refreshes t=${addedAt + WEEK}`);
  });

  it('a lifetime total never refreshes; no limit is said so', () => {
    const lifetime = { limit: 5n, used: 5n, remaining: 0n, refreshInterval: 0, periodStart: undefined, nextRefresh: undefined };
    expect(describeBudget(lifetime, { symbol: 'calls', decimals: 0 })).toBe('5 calls used of 5 calls in total, 0 calls left; never refreshes');
    expect(describeBudget('unlimited', dusd)).toBe('no limit');
  });
});
