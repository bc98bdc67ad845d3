import { describe, expect, it } from 'vitest';
import type { Address } from 'viem';
import type { LoadResult } from '../src/load.js';
import { JobQueue, paymentOf } from '../src/loadAgents.js';
import { type OpOnChain, noFailures, overLimit } from '../src/loadAudit.js';
import { renderLoadSection } from '../src/loadMarkdown.js';
import { carryOver } from '../src/partialRuns.js';
import { type BenchResults, toJson } from '../src/results.js';
import { summarize } from '../src/stats.js';

// Made-up figures: these tests check the bookkeeping and the rendering, not any real measurement.
const op = (timestamp: number, erc20: bigint): OpOnChain =>
  ({ timestamp, erc20, native: 0n, gas: 0n }) as OpOnChain;

describe('budget periods from the chain', () => {
  it('sums charges per period on the anchored grid, and counts the periods over the limit', () => {
    const budget = { limit: 10n, interval: 90, anchor: 1_000 };
    // Periods [1000, 1090), [1090, 1180): 6 + 4 in the first, 7 + 5 in the second (over).
    const ops = [op(1_000, 6n), op(1_089, 4n), op(1_090, 7n), op(1_179, 5n)];
    const result = overLimit(ops, budget, (o) => o.erc20);
    expect([result.groups, result.over, [...result.periods]]).toEqual([2, 1, [1_000, 1_090]]);
    // A lifetime budget is one group.
    expect(overLimit(ops, { ...budget, interval: 0, limit: 22n }, (o) => o.erc20)).toMatchObject({ groups: 1, over: 0 });
    expect(overLimit(ops, { ...budget, interval: 0, limit: 21n }, (o) => o.erc20)).toMatchObject({ groups: 1, over: 1 });
  });
});

describe('agents', () => {
  it('take each job once from one queue opened a share at a time, and alternate ERC-20 and native payments', async () => {
    const queue = new JobQueue(3);
    queue.open(2);
    expect([await queue.take(), await queue.take()]).toEqual([0, 1]);
    // Nothing open: a taker waits for the next share; past the total, every taker gets undefined.
    const waiting = Promise.all([queue.take(), queue.take()]);
    let settled = false;
    void waiting.then(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(settled).toBe(false);
    queue.open(5);
    expect((await waiting).sort()).toEqual([2, undefined]);
    expect(await queue.take()).toBeUndefined();
    const recipients = ['0x1111111111111111111111111111111111111111', '0x2222222222222222222222222222222222222222'] as Address[];
    const payee = '0x3333333333333333333333333333333333333333' as Address;
    expect(paymentOf(0, recipients, payee)).toEqual({ kind: 'erc20', to: recipients[0], amount: 1_000_000n });
    expect(paymentOf(2, recipients, payee)).toEqual({ kind: 'erc20', to: recipients[1], amount: 3_000_000n });
    expect(paymentOf(5, recipients, payee)).toEqual({ kind: 'native', to: payee, amount: 300_000_000_000_000n });
  });
});

describe('results.json', () => {
  it('keeps numbers exact: bigints past 2^53 as strings, arrays of numbers on one line', () => {
    const json = toJson({ wei: 123_456_789_012_345_678_901n, gas: 21_000n, rows: [[1, 2, 3], [4, 5, 6]], notes: ['a', 'b'] });
    expect(JSON.parse(json)).toEqual({ wei: '123456789012345678901', gas: 21_000, rows: [[1, 2, 3], [4, 5, 6]], notes: ['a', 'b'] });
    expect(json).toContain('[1, 2, 3]');
    expect(json).toContain('"notes": [\n    "a",');
  });

  it('a partial run keeps the other parts of the previous results, with when and where they were measured', () => {
    const now = {
      generatedAt: '2026-12-02T00:00:00.000Z',
      skipped: ['sdk', 'gas', 'peer', 'throughput'],
      measured: { load: { at: 'now', commit: 'c2' } },
      sdk: null,
      gas: null,
      sideBySide: null,
      throughput: null,
      load: { x: 1 },
    };
    const previous = {
      generatedAt: '2026-12-01T00:00:00.000Z',
      environment: { git: { commit: 'c1' } },
      measured: { gas: { at: 'earlier', commit: 'c0' } },
      sdk: { s: 1 },
      gas: { g: 1 },
      // The peer part writes the sideBySide section.
      sideBySide: { p: 1 },
      throughput: null,
      load: { x: 0 },
    };
    const merged = carryOver(now as unknown as BenchResults, previous as unknown as BenchResults, ['load']);
    expect([merged.sdk, merged.gas, merged.sideBySide, merged.throughput, merged.load]).toEqual([{ s: 1 }, { g: 1 }, { p: 1 }, null, { x: 1 }]);
    expect(merged.measured).toEqual({
      load: { at: 'now', commit: 'c2' },
      gas: { at: 'earlier', commit: 'c0' },
      // No record of its own: the previous run's time and commit.
      sdk: { at: '2026-12-01T00:00:00.000Z', commit: 'c1' },
      peer: { at: '2026-12-01T00:00:00.000Z', commit: 'c1' },
    });
    expect(carryOver(now as unknown as BenchResults, undefined, ['load']).gas).toBeNull();
  });
});

describe('RESULTS.md load section', () => {
  const summary = summarize([100, 200, 300]);
  const checks = { ...noFailures(), periodsChecked: 12 };
  const load = {
    options: { accounts: 2, ops: 10, segments: 2, pollingIntervalMs: 100 },
    agents: Array.from({ length: 8 }, (_, id) => ({ id, account: id >> 2, role: 'steady', keys: [] })),
    limits: { erc20: { steady: { limit: 1_000_000_000_000n, interval: 0 }, capped: { limit: 40_000_000n, interval: 604_800 }, short: { limit: 10_000_000n, interval: 90 }, plain: { limit: 1_000_000_000_000n, interval: 0 } }, native: 10n ** 18n, gas: 5n * 10n ** 19n, anchor: 0 },
    agentRun: {
      attempted: 10,
      landed: 8,
      refused: { Erc20SpendLimitExceededError: 2 },
      resumed: 0,
      wallSeconds: 10,
      opsPerSecond: 0.8,
      latencyMs: { sendToReceipt: summary, callToReceipt: summary, callToSend: summary },
      bundles: 4,
      opsPerBundle: summarize([2, 2, 2, 2]),
      requests: { node: { eth_call: 24 }, bundler: { eth_sendUserOperation: 8 } },
    },
    preSigned: { ops: 10, wallSeconds: 10, opsPerSecond: 1, latencyMs: summary, bundles: 5, opsPerBundle: summarize([2, 2, 2, 2, 2]), preSignSeconds: 0.2, maxFeePerGas: 1_000_000_000n, busyRetries: 0 },
    ratio: 0.8,
    ownerChanges: { rotatedAfter: 3, revokedAfter: 6 },
    lateOps: 0,
    segments: [
      { preSignedOpsPerSecond: 1.25, agentOpsPerSecond: 1, loadAverage: 1.5 },
      { preSignedOpsPerSecond: 0.83, agentOpsPerSecond: 0.6, loadAverage: 2 },
    ],
    audit: {
      checks,
      passed: true,
      agentOps: 8,
      baselineOps: 16,
      shortPeriodsCharged: 2,
      rotation: { oldKey: '0x1' as Address, newKey: '0x2' as Address, oldKeyCharged: 9_000_000n, newKeyCharged: 5_000_000n, newKeyCounterAtEnd: 14_000_000n, block: 72n },
      revocation: { key: '0x3' as Address, opsBefore: 4, block: 99n },
      fees: { actualGasCostWei: summarize([1.5e14, 2e14]), actualGasUsed: summarize([150_000, 200_000]), totalWei: 3_500_000_000_000_000n },
      perOp: [],
    },
    chain: {} as LoadResult['chain'],
    loadAverage: { start: 1, end: 2, cores: 2 },
  } as unknown as LoadResult;

  it('states the ratio against its target, every check with its count, the rotation and the fees', () => {
    const text = renderLoadSection(load).join('\n');
    expect(text).toContain('**Throughput ratio, agents / pre-signed: 0.80** (target ≥ 0.9: **missed**)');
    expect(text).toContain('| **ops/s** | **0.800** | **1.00** |');
    expect(text).toContain('| 2 | 0.830 | 0.600 | 0.72 | 2.0 |');
    expect(text).toContain('| budget periods whose charges exceed the limit | 0 | ok |');
    expect(text).toContain('Audit **passed**');
    expect(text).toContain("the new key's on-chain counter reads 14 dUSD");
    expect(text).toContain('eth_call 3.00');
    expect(text).toContain('In all 0.003500 ETH for 8 agent ops');
  });

  it('marks a failed check, and reads figures carried over in results.json (numbers and strings, not bigints)', () => {
    const failed = { ...load, audit: { ...load.audit, passed: false, checks: { ...checks, paidTwice: 1 } } };
    const carried = JSON.parse(toJson(failed)) as LoadResult;
    const text = renderLoadSection(carried).join('\n');
    expect(text).toContain('| payments of which two ops are on chain | 1 | **FAILED** |');
    expect(text).toContain('Audit **FAILED**');
    expect(text).toContain('In all 0.003500 ETH');
  });
});
