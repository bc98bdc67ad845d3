import { stringToHex, zeroAddress } from 'viem';
import { afterEach, describe, expect, it } from 'vitest';
import { type LeashLogEvent, type LensSessionKeyState, defaultLeashLogger, planTiming, setLeashLogger, waitForSendTime } from '../../src/index.js';

const now = 1_765_000_000;
const none = { hasLimit: false, limit: 0n, used: 0n, remaining: 0n, refreshInterval: 0, periodStart: 0, nextRefresh: 0 };

/** A key valid from `validFrom`, with no budget an op of no value paid by a paymaster would charge. */
function keyValidFrom(validFrom: number): LensSessionKeyState {
  return {
    info: {
      tag: stringToHex('agent', { size: 32 }),
      validFrom,
      validUntil: 0,
      accessListType: 2,
      refreshAnchor: validFrom,
      nativeTokenSpend: none,
      gasSpend: none,
      requiredPaymaster: zeroAddress,
    },
    targets: [],
    calls: none,
    callPolicies: [],
    maxValuePerCall: 2n ** 256n - 1n,
  };
}

const op = { calls: [{ to: zeroAddress, value: 0n, data: '0x' as const }], paymasterPays: true, maxWaitSeconds: 120 };

afterEach(() => {
  setLeashLogger(defaultLeashLogger);
});

describe('a key valid from now: the first op waits as little as the bundler allows, and says so (issue 19, item 9)', () => {
  it('plans the send 5 s after validFrom: Alto wants validAfter (validFrom − 1) 5 s old, plus 1 s for clocks', () => {
    expect(planTiming(keyValidFrom(now), { ...op, now })).toEqual({ waitSeconds: 5, waitReason: 'window-opens', validFrom: now, validUntil: undefined });
    expect(planTiming(keyValidFrom(now - 2), { ...op, now })).toMatchObject({ waitSeconds: 3, waitReason: 'window-opens' });
    expect(planTiming(keyValidFrom(now - 5), { ...op, now })).toEqual({ waitSeconds: 0, validFrom: now - 5, validUntil: undefined });
  });

  it('reports the wait through the SDK logger (default on), unless the caller takes it with onWait; waits to the millisecond', async () => {
    const events: LeashLogEvent[] = [];
    setLeashLogger((event) => events.push(event));
    const slept: number[] = [];
    const sleep = async (ms: number) => {
      slept.push(ms);
    };
    // Planned a second ago (now = clock - 1) for a key valid from then: 5 s after that is 4 s or less from here.
    const clock = Math.floor(Date.now() / 1000);
    const plan = planTiming(keyValidFrom(clock - 1), { ...op, now: clock - 1 });
    expect(plan.waitSeconds).toBe(5);
    await waitForSendTime(plan, { now: clock - 1, sleep });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ level: 'info', code: 'wait-for-window' });
    expect(events[0]!.message).toMatch(/^Waiting \d(\.\d)? s before sending: the op's validity window opens at \S+Z, and bundlers accept an op only 4 s after that/);
    // Until validFrom + 5 s on the clock, not plan.waitSeconds (5 s) from whenever it was planned.
    expect(slept[0]).toBeLessThanOrEqual(4000);
    expect(slept[0]).toBeGreaterThan(2000);

    const waits: number[] = [];
    await waitForSendTime(plan, { now: clock, sleep, onWait: (seconds) => waits.push(seconds) });
    expect(waits).toEqual([5]);
    expect(events).toHaveLength(1);
    await waitForSendTime(planTiming(keyValidFrom(clock - 10), { ...op, now: clock }), { now: clock, sleep });
    expect(events).toHaveLength(1);
  });
});
