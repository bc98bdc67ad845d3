import { describe, expect, it } from 'vitest';
import { mean, median, quantile, summarize } from '../src/stats.js';

describe('stats', () => {
  it('interpolates quantiles between ranks', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([10, 20, 30, 40, 50], 0.95)).toBeCloseTo(48);
    expect(quantile([5], 0.95)).toBe(5);
    expect(quantile([3, 1, 2], 0)).toBe(1);
    expect(quantile([3, 1, 2], 1)).toBe(3);
  });

  it('does not reorder its input', () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });

  it('refuses empty sets and quantiles outside [0, 1]', () => {
    expect(() => quantile([], 0.5)).toThrow(/empty/);
    expect(() => mean([])).toThrow(/empty/);
    expect(() => quantile([1], 1.5)).toThrow(/outside/);
  });

  it('summarizes', () => {
    const summary = summarize([4, 1, 3, 2]);
    expect(summary).toMatchObject({ count: 4, min: 1, max: 4, mean: 2.5, median: 2.5 });
    expect(summary.p95).toBeCloseTo(3.85);
  });
});
