import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { type Address, type Hex, bytesToHex, getAddress } from 'viem';
import {
  RefreshIntervalOutOfRangeError,
  SessionKeyPermissionsBuilder,
  SpendLimitOutOfRangeError,
  TimestampInMillisecondsError,
  type SessionKeyContractAccess,
  type SessionKeyPermissions,
  type SessionKeySpendLimit,
  decodePermissionUpdates,
  maxSessionKeyRefreshInterval,
  maxCallLimit,
  maxErc20SpendLimit,
  maxGasSpendLimit,
  maxNativeTokenSpendLimit,
  maxSessionKeyTimestamp,
  millisecondsTimestampThreshold,
} from '@leash/sdk';

const entryPoints = [
  '0x5ff137d4b0fdcd49dca30c7cf57e578a026d2789',
  '0x0000000071727de22e5e9d8baf0edac6f37da032',
  '0x4337084d9e255ff0702461cf8895ce9e3b5ff108',
  '0x433709009b8330fda32311df1c2afa402ed8d009',
];
const byLower = (a: string, b: string) => (a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0);

// A few fixed addresses make collisions (the same contract in entries and limits) likely.
const fixedAddresses: Address[] = [
  '0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48',
  '0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2',
  '0x0000000000000000000000000000000000000001',
  '0xFFfFfFffFFfffFFfFFfFFFFFffFFFffffFfFFFfF',
];
const addressArb: fc.Arbitrary<Address> = fc.oneof(
  fc.constantFrom(...fixedAddresses),
  fc
    .uint8Array({ minLength: 20, maxLength: 20 })
    .map((bytes) => getAddress(bytesToHex(bytes)))
    .filter((a) => BigInt(a) !== 0n && !entryPoints.includes(a.toLowerCase())),
);
const selectorArb: fc.Arbitrary<Hex> = fc.oneof(
  fc.constantFrom<Hex>('0xa9059cbb', '0x095ea7b3', '0x00000000', '0xffffffff'),
  fc.uint8Array({ minLength: 4, maxLength: 4 }).map((bytes) => bytesToHex(bytes)),
);
const timestampArb = fc.integer({ min: 0, max: maxSessionKeyTimestamp });
const spendLimitArb = (max: bigint): fc.Arbitrary<SessionKeySpendLimit> => fc.record(
  {
    spendLimit: fc.oneof(fc.constantFrom(0n, 1n, max), fc.bigInt({ min: 0n, max })),
    refreshInterval: fc.oneof(fc.constantFrom(0, 60, 86_400, 604_800, maxSessionKeyRefreshInterval), fc.integer({ min: 0, max: maxSessionKeyRefreshInterval })),
  },
  { noNullPrototype: true },
);
const limitArb = (max: bigint) => fc.oneof(fc.constant('unlimited' as const), spendLimitArb(max));

const contractArb: fc.Arbitrary<SessionKeyContractAccess> = fc
  .record({
    contractAddress: addressArb,
    entry: fc.option(fc.record({ isOnList: fc.boolean(), checkSelectors: fc.boolean() }, { noNullPrototype: true }), { nil: undefined }),
    functions: fc.uniqueArray(fc.record({ selector: selectorArb, isOnList: fc.boolean() }, { noNullPrototype: true }), { selector: (f) => f.selector, maxLength: 8 }),
  })
  .filter(({ entry, functions }) => entry !== undefined || functions.length > 0)
  .map(({ contractAddress, entry, functions }) => {
    const access: SessionKeyContractAccess = entry ? { contractAddress, ...entry } : { contractAddress };
    if (functions.length > 0) access.functions = [...functions].sort((a, b) => byLower(a.selector, b.selector));
    return access;
  });

/** Random permission sets, in the normalized form toPermissions and decode return (sorted, omitted when empty). */
const permissionsArb: fc.Arbitrary<SessionKeyPermissions> = fc
  .record(
    {
      accessListType: fc.constantFrom(0 as const, 1 as const, 2 as const),
      contracts: fc.uniqueArray(contractArb, { selector: (c) => c.contractAddress.toLowerCase(), minLength: 1, maxLength: 6 }),
      timeRange: fc
        .tuple(timestampArb, timestampArb)
        .map(([a, b]) => (b !== 0 && a > b ? [b, a] : [a, b]))
        .map(([validFrom, validUntil]) => ({
          ...(validFrom ? { validFrom } : {}),
          ...(validUntil ? { validUntil } : {}),
        })),
      nativeTokenSpendLimit: limitArb(maxNativeTokenSpendLimit),
      erc20SpendLimits: fc.uniqueArray(fc.record({ tokenAddress: addressArb, limit: limitArb(maxErc20SpendLimit) }, { noNullPrototype: true }), {
        selector: (t) => t.tokenAddress.toLowerCase(),
        minLength: 1,
        maxLength: 6,
      }),
      gasSpendLimit: limitArb(maxGasSpendLimit),
      requiredPaymaster: fc.option(addressArb, { nil: null }),
      refreshAnchor: timestampArb,
      callLimit: fc.oneof(
        fc.constant('unlimited' as const),
        fc.record(
          {
            callLimit: fc.oneof(fc.constantFrom(0, 1, 20, maxCallLimit), fc.integer({ min: 0, max: maxCallLimit })),
            refreshInterval: fc.oneof(fc.constantFrom(0, 3_600, 86_400, maxSessionKeyRefreshInterval), fc.integer({ min: 0, max: maxSessionKeyRefreshInterval })),
          },
          { noNullPrototype: true },
        ),
      ),
    },
    { requiredKeys: [], noNullPrototype: true },
  )
  .map((p) => {
    const out: SessionKeyPermissions = { ...p };
    if (out.contracts) out.contracts = [...out.contracts].sort((a, b) => byLower(a.contractAddress, b.contractAddress));
    if (out.erc20SpendLimits) out.erc20SpendLimits = [...out.erc20SpendLimits].sort((a, b) => byLower(a.tokenAddress, b.tokenAddress));
    return out;
  });

/** The builder calls that produce `p`, one closure per permission, in no particular order. */
function callsFor(p: SessionKeyPermissions): ((b: SessionKeyPermissionsBuilder) => void)[] {
  const calls: ((b: SessionKeyPermissionsBuilder) => void)[] = [];
  const limitCall = (limit: SessionKeySpendLimit | 'unlimited', set: (b: SessionKeyPermissionsBuilder, l: SessionKeySpendLimit) => void, remove: (b: SessionKeyPermissionsBuilder) => void) =>
    limit === 'unlimited' ? remove : (b: SessionKeyPermissionsBuilder) => set(b, limit);
  if (p.accessListType !== undefined) calls.push((b) => b.setContractAccessControlType(p.accessListType!));
  for (const c of p.contracts ?? []) {
    // Lowercase addresses half the time: the builder checksums them.
    if (c.isOnList !== undefined) {
      calls.push((b) => b.addContractAddressAccessEntry({ contractAddress: c.contractAddress.toLowerCase() as Address, isOnList: c.isOnList!, checkSelectors: c.checkSelectors! }));
    }
    for (const f of c.functions ?? []) {
      calls.push((b) => b.addContractFunctionAccessEntry({ contractAddress: c.contractAddress, methodSelector: f.selector.toUpperCase().replace('0X', '0x'), isOnList: f.isOnList }));
    }
  }
  if (p.timeRange) calls.push((b) => b.setTimeRange({ validFrom: p.timeRange!.validFrom, validUntil: p.timeRange!.validUntil !== undefined ? BigInt(p.timeRange!.validUntil) : undefined }));
  if (p.nativeTokenSpendLimit) calls.push(limitCall(p.nativeTokenSpendLimit, (b, l) => b.setNativeTokenSpendLimit(l), (b) => b.removeNativeTokenSpendLimit()));
  for (const t of p.erc20SpendLimits ?? []) {
    calls.push(limitCall(t.limit, (b, l) => b.addErc20TokenSpendLimit({ tokenAddress: t.tokenAddress, spendLimit: l.spendLimit, refreshInterval: BigInt(l.refreshInterval) }), (b) => b.removeErc20TokenSpendLimit({ tokenAddress: t.tokenAddress })));
  }
  if (p.gasSpendLimit) calls.push(limitCall(p.gasSpendLimit, (b, l) => b.setGasSpendLimit(l), (b) => b.removeGasSpendLimit()));
  if (p.requiredPaymaster !== undefined) calls.push((b) => b.setRequiredPaymaster({ paymasterAddress: p.requiredPaymaster! }));
  if (p.refreshAnchor !== undefined) calls.push((b) => b.setRefreshAnchor({ anchor: p.refreshAnchor! }));
  const callLimit = p.callLimit;
  if (callLimit === 'unlimited') calls.push((b) => b.removeCallLimit());
  else if (callLimit) calls.push((b) => b.setCallLimit({ callLimit: BigInt(callLimit.callLimit), refreshInterval: callLimit.refreshInterval }));
  return calls;
}

describe('permissions: property tests', () => {
  it('fromPermissions → toPermissions and decode(encode()) give back the permissions', () => {
    fc.assert(
      fc.property(permissionsArb, (p) => {
        const builder = SessionKeyPermissionsBuilder.fromPermissions(p);
        expect(builder.toPermissions()).toStrictEqual(p);
        expect(decodePermissionUpdates(builder.encode())).toStrictEqual(p);
      }),
      { numRuns: 300 },
    );
  });

  it('fromPermissions(decode(x)).encode() gives back any canonical x', () => {
    fc.assert(
      fc.property(permissionsArb, (p) => {
        const x = SessionKeyPermissionsBuilder.fromPermissions(p).encode();
        expect(SessionKeyPermissionsBuilder.fromPermissions(decodePermissionUpdates(x)).encode()).toEqual(x);
      }),
      { numRuns: 300 },
    );
  });

  it('encoding is canonical: the same permissions set in any call order encode the same', () => {
    fc.assert(
      fc.property(
        permissionsArb.chain((p) => {
          const calls = callsFor(p);
          return fc.tuple(fc.constant(p), fc.shuffledSubarray(calls, { minLength: calls.length, maxLength: calls.length }));
        }),
        ([p, shuffled]) => {
          const builder = new SessionKeyPermissionsBuilder();
          for (const call of shuffled) call(builder);
          expect(builder.encode()).toEqual(SessionKeyPermissionsBuilder.fromPermissions(p).encode());
          expect(builder.toPermissions()).toStrictEqual(p);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('decoding does not depend on the order of distinct updates', () => {
    fc.assert(
      fc.property(
        permissionsArb.chain((p) => {
          const updates = SessionKeyPermissionsBuilder.fromPermissions(p).encode();
          return fc.tuple(fc.constant(p), fc.constant(updates), fc.shuffledSubarray(updates, { minLength: updates.length, maxLength: updates.length }));
        }),
        ([p, canonical, shuffled]) => {
          const decoded = decodePermissionUpdates(shuffled);
          expect(decoded).toStrictEqual(p);
          expect(SessionKeyPermissionsBuilder.fromPermissions(decoded).encode()).toEqual(canonical);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('every encoded update is distinct and names a different permission (no duplicates in canonical output)', () => {
    fc.assert(
      fc.property(permissionsArb, (p) => {
        const x = SessionKeyPermissionsBuilder.fromPermissions(p).encode();
        expect(new Set(x).size).toBe(x.length);
      }),
      { numRuns: 100 },
    );
  });
});

describe('permissions: property tests of input validation', () => {
  it('refuses every millisecond-looking timestamp and suggests the value in seconds', () => {
    fc.assert(
      fc.property(fc.integer({ min: millisecondsTimestampThreshold + 1, max: millisecondsTimestampThreshold * 1000 }), (ms) => {
        const builder = new SessionKeyPermissionsBuilder();
        expect(() => builder.setTimeRange({ validUntil: ms })).toThrow(TimestampInMillisecondsError);
        try {
          builder.setRefreshAnchor({ anchor: ms });
        } catch (error) {
          expect((error as TimestampInMillisecondsError).suggested).toBe(Math.floor(ms / 1000));
        }
        expect(builder.encode()).toEqual([]);
      }),
    );
  });

  it('refuses every spend limit and refresh interval out of range', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.bigInt({ max: -1n }), fc.bigInt({ min: maxGasSpendLimit + 1n })),
        fc.oneof(
          fc.integer({ max: -1 }),
          fc.bigInt({ min: BigInt(maxSessionKeyRefreshInterval) + 1n, max: BigInt(Number.MAX_SAFE_INTEGER) }).map(Number),
          fc.bigInt({ min: BigInt(maxSessionKeyRefreshInterval) + 1n }),
          fc.double({ noInteger: true }),
        ),
        (spendLimit, refreshInterval) => {
          const builder = new SessionKeyPermissionsBuilder();
          expect(() => builder.setGasSpendLimit({ spendLimit })).toThrow(SpendLimitOutOfRangeError);
          expect(() => builder.setGasSpendLimit({ spendLimit: 1n, refreshInterval })).toThrow(RefreshIntervalOutOfRangeError);
          expect(builder.encode()).toEqual([]);
        },
      ),
    );
  });
});
