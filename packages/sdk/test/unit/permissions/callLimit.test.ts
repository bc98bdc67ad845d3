import { describe, expect, it } from 'vitest';
import { decodeFunctionData, encodeErrorResult, encodeFunctionData, zeroAddress } from 'viem';
import {
  CallLimitExceededError,
  CallLimitOutOfRangeError,
  DAY,
  DuplicatePermissionError,
  HOUR,
  MalformedPermissionUpdateError,
  RefreshIntervalInMillisecondsError,
  SessionKeyPermissionsBuilder,
  WEEK,
  decodePermissionUpdates,
  decodeSessionKeyModuleError,
  describePermissions,
  formatCallPeriod,
  maxCallLimit,
  sessionKeyModuleAbi,
  sessionKeyPermissionUpdatesAbi,
  toSessionKeyError,
} from '@leash/sdk';

const abi = sessionKeyPermissionUpdatesAbi;
const b = () => new SessionKeyPermissionsBuilder();

describe('call limit: builder, decode, describe', () => {
  it('encodes setCallLimit and removeCallLimit last, after the refresh anchor, and decodes them back', () => {
    const updates = b().setCallLimit({ callLimit: 20, refreshInterval: DAY }).setRefreshAnchor({ anchor: 0 }).setGasSpendLimit({ spendLimit: 1n }).encode();
    expect(updates.map((u) => decodeFunctionData({ abi, data: u }).functionName)).toEqual(['setGasSpendLimit', 'setRefreshAnchor', 'setCallLimit']);
    expect(updates[2]).toBe(encodeFunctionData({ abi, functionName: 'setCallLimit', args: [20n, DAY] }));
    expect(decodePermissionUpdates(updates).callLimit).toStrictEqual({ callLimit: 20, refreshInterval: DAY });
    expect(b().removeCallLimit().encode()).toEqual([encodeFunctionData({ abi, functionName: 'removeCallLimit' })]);
    expect(decodePermissionUpdates(b().removeCallLimit().encode())).toStrictEqual({ callLimit: 'unlimited' });
  });

  it('round-trips through toPermissions, fromPermissions and decode, with bigints and the extremes', () => {
    for (const limit of [
      { callLimit: 0, refreshInterval: 0 },
      { callLimit: 1, refreshInterval: HOUR },
      { callLimit: maxCallLimit, refreshInterval: 2 ** 32 - 1 },
    ]) {
      const builder = b().setCallLimit({ callLimit: BigInt(limit.callLimit), refreshInterval: BigInt(limit.refreshInterval) });
      expect(builder.toPermissions()).toStrictEqual({ callLimit: limit });
      expect(decodePermissionUpdates(builder.encode())).toStrictEqual({ callLimit: limit });
      expect(SessionKeyPermissionsBuilder.fromPermissions({ callLimit: limit }).encode()).toEqual(builder.encode());
    }
  });

  it('refuses what the module refuses, and each permission once', () => {
    for (const callLimit of [-1, 1.5, maxCallLimit + 1, 2n ** 32n, '20' as unknown as number, Number.NaN]) {
      const error = (() => {
        try {
          b().setCallLimit({ callLimit });
        } catch (e) {
          return e;
        }
      })();
      expect(error, String(callLimit)).toBeInstanceOf(CallLimitOutOfRangeError);
      expect((error as CallLimitOutOfRangeError).context).toBe('setCallLimit');
    }
    expect(() => b().setCallLimit({ callLimit: 1, refreshInterval: 86_400_000 })).toThrow(RefreshIntervalInMillisecondsError);
    expect(() => b().setCallLimit({ callLimit: 1 }).removeCallLimit()).toThrow(DuplicatePermissionError);
    expect(() => b().removeCallLimit().setCallLimit({ callLimit: 1 })).toThrow('The call limit is already set in this builder.');
    // A refused call leaves the builder as it was.
    const builder = b().setCallLimit({ callLimit: 3 });
    expect(() => builder.setCallLimit({ callLimit: -1 })).toThrow(CallLimitOutOfRangeError);
    expect(builder.toPermissions()).toStrictEqual({ callLimit: { callLimit: 3, refreshInterval: 0 } });
    // Decoding checks the range like the module: a call limit above 2^32 - 1 names the update.
    const tooLarge = encodeFunctionData({ abi, functionName: 'setCallLimit', args: [2n ** 32n, 0] });
    expect(() => decodePermissionUpdates([tooLarge])).toThrow(CallLimitOutOfRangeError);
    expect(() => decodePermissionUpdates([`${encodeFunctionData({ abi, functionName: 'removeCallLimit' })}00`])).toThrow(MalformedPermissionUpdateError);
  });

  it('describes call counts in plain words', () => {
    const line = (callLimit: number, refreshInterval: number) => describePermissions({ callLimit: { callLimit, refreshInterval } });
    expect(line(20, DAY)).toEqual(['At most 20 calls a day (each call of a batch counts)']);
    expect(line(1, HOUR)).toEqual(['At most 1 call an hour (each call of a batch counts)']);
    expect(line(5, 0)).toEqual(['At most 5 calls in total (each call of a batch counts)']);
    expect(line(0, DAY)).toEqual(['May make no calls']);
    expect(describePermissions({ callLimit: 'unlimited' })).toEqual(['Calls: no limit']);
    expect([formatCallPeriod(WEEK), formatCallPeriod(2 * DAY), formatCallPeriod(90), formatCallPeriod(1)]).toEqual([
      'a week',
      'per 2 days',
      'per 90 seconds',
      'a second',
    ]);
  });
});

describe('call limit: the module error', () => {
  it('maps CallLimitExceeded to a typed error with the numbers', () => {
    const data = encodeErrorResult({ abi: sessionKeyModuleAbi, errorName: 'CallLimitExceeded', args: [20n, 19n, 3n] });
    const error = decodeSessionKeyModuleError(data);
    expect(error).toBeInstanceOf(CallLimitExceededError);
    const refused = error as CallLimitExceededError;
    expect([refused.rule, refused.limit, refused.used, refused.attempted, refused.remaining]).toEqual(['call-limit', 20n, 19n, 3n, 1n]);
    expect(refused.shortMessage).toBe('Call limit exceeded: the op makes 3 calls, 1 of 20 left.');
    // As a bundler reports a validation revert.
    const fromBundler = toSessionKeyError(new Error(`UserOperation reverted during simulation with reason: AA23 reverted ${data}`));
    expect(fromBundler).toBeInstanceOf(CallLimitExceededError);
    expect(decodeSessionKeyModuleError(encodeErrorResult({ abi: sessionKeyModuleAbi, errorName: 'SessionKeyNotFound', args: [zeroAddress] }))?.name).toBe(
      'SessionKeyModuleError',
    );
  });
});
