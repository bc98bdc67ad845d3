import { describe, expect, it } from 'vitest';
import {
  type Address,
  type Hex,
  concat,
  decodeFunctionData,
  encodeFunctionData,
  getAddress,
  parseEther,
  parseUnits,
  toFunctionSelector,
  zeroAddress,
} from 'viem';
import {
  DAY,
  DuplicatePermissionError,
  HOUR,
  InvalidAccessListTypeError,
  InvalidAddressError,
  InvalidSelectorError,
  InvalidTimeRangeError,
  LeashError,
  MalformedPermissionUpdateError,
  MINUTE,
  RefreshIntervalInMillisecondsError,
  RefreshIntervalOutOfRangeError,
  SessionKeyAccessListType,
  SessionKeyPermissionError,
  SessionKeyPermissionsBuilder,
  type SessionKeyPermissions,
  SpendLimitOutOfRangeError,
  TimestampInMillisecondsError,
  TimestampOutOfRangeError,
  UnknownPermissionUpdateError,
  WEEK,
  decodePermissionUpdates,
  describePermissions,
  splitPermissionUpdates,
  formatRefreshInterval,
  maxSessionKeyRefreshInterval,
  maxNativeTokenSpendLimit,
  maxErc20SpendLimit,
  maxGasSpendLimit,
  maxSessionKeyTimestamp,
  sessionKeyPermissionUpdatesAbi as abi,
} from '@leash/sdk';

const usdc: Address = '0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48';
const weth: Address = '0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2';
const router: Address = '0x3fC91A3afd70395Cd496C647d5a6CC9D4B2b7FAD';
const paymaster: Address = '0x1111111111111111111111111111111111111111';
const transfer = toFunctionSelector('transfer(address,uint256)');
const approve = toFunctionSelector('approve(address,uint256)');
const t0 = 1_750_000_000; // 2025-06-15, seconds

const decoded = (updates: Hex[]) => updates.map((data) => decodeFunctionData({ abi, data }));

/** Runs fn, expects it to throw an instance of `type`, and returns the error for further checks. */
function catchError<T extends Error>(fn: () => unknown, type: new (...args: never[]) => T): T {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(type);
    expect(error).toBeInstanceOf(SessionKeyPermissionError);
    expect(error).toBeInstanceOf(LeashError);
    return error as T;
  }
  throw new Error(`Expected ${type.name}`);
}

const issueExample = () =>
  new SessionKeyPermissionsBuilder()
    .setContractAccessControlType(SessionKeyAccessListType.ALLOWLIST)
    .addContractAddressAccessEntry({ contractAddress: usdc, isOnList: true, checkSelectors: true })
    .addContractFunctionAccessEntry({ contractAddress: usdc, methodSelector: transfer, isOnList: true })
    .addErc20TokenSpendLimit({ tokenAddress: usdc, spendLimit: parseUnits('100', 6), refreshInterval: WEEK })
    .setNativeTokenSpendLimit({ spendLimit: parseEther('0.1') })
    .setGasSpendLimit({ spendLimit: parseEther('0.01'), refreshInterval: DAY })
    .setTimeRange({ validFrom: t0, validUntil: t0 + 30 * DAY });

describe('SessionKeyPermissionsBuilder: encoding', () => {
  it('exports the access list types and time constants', () => {
    expect(SessionKeyAccessListType).toEqual({ ALLOWLIST: 0, DENYLIST: 1, ALLOW_ALL: 2 });
    expect([MINUTE, HOUR, DAY, WEEK]).toEqual([60, 3600, 86_400, 604_800]);
    expect(maxSessionKeyTimestamp).toBe(2 ** 32 - 1);
    expect(maxNativeTokenSpendLimit).toBe(2n ** 96n - 1n);
    expect(maxErc20SpendLimit).toBe(2n ** 159n - 1n);
    expect(maxGasSpendLimit).toBe((2n ** 42n - 1n) * 10n ** 9n);
    expect(maxSessionKeyRefreshInterval).toBe(2 ** 32 - 1);
  });

  it('encodes the issue example in canonical order with the generated ABI', () => {
    const updates = issueExample().encode();
    expect(decoded(updates)).toEqual([
      { functionName: 'setAccessListType', args: [0] },
      { functionName: 'updateAccessListAddressEntry', args: [usdc, true, true] },
      { functionName: 'updateAccessListFunctionEntry', args: [usdc, transfer, true] },
      { functionName: 'setTimeRange', args: [t0, t0 + 30 * DAY] },
      { functionName: 'setNativeTokenSpendLimit', args: [parseEther('0.1'), 0] },
      { functionName: 'setErc20SpendLimit', args: [usdc, 100_000_000n, WEEK] },
      { functionName: 'setGasSpendLimit', args: [parseEther('0.01'), DAY] },
    ]);
    expect(updates[0]).toBe(encodeFunctionData({ abi, functionName: 'setAccessListType', args: [0] }));
  });

  it('encodes nothing for an empty builder, and only what was set for a partial update', () => {
    expect(new SessionKeyPermissionsBuilder().encode()).toEqual([]);
    const updates = new SessionKeyPermissionsBuilder().setGasSpendLimit({ spendLimit: 5n }).encode();
    expect(decoded(updates)).toEqual([{ functionName: 'setGasSpendLimit', args: [5n, 0] }]);
    expect(new SessionKeyPermissionsBuilder().setGasSpendLimit({ spendLimit: 5n }).toPermissions()).toEqual({
      gasSpendLimit: { spendLimit: 5n, refreshInterval: 0 },
    });
  });

  it('encodes every update function', () => {
    const updates = new SessionKeyPermissionsBuilder()
      .setContractAccessControlType(SessionKeyAccessListType.DENYLIST)
      .addContractAddressAccessEntry({ contractAddress: router, isOnList: false, checkSelectors: false })
      .addContractFunctionAccessEntry({ contractAddress: weth, methodSelector: approve, isOnList: false })
      .setTimeRange({})
      .removeNativeTokenSpendLimit()
      .removeErc20TokenSpendLimit({ tokenAddress: weth })
      .addErc20TokenSpendLimit({ tokenAddress: usdc, spendLimit: 0n, refreshInterval: 10n })
      .removeGasSpendLimit()
      .setRequiredPaymaster({ paymasterAddress: paymaster })
      .setRefreshAnchor({ anchor: 0 })
      .encode();
    expect(decoded(updates)).toEqual([
      { functionName: 'setAccessListType', args: [1] },
      { functionName: 'updateAccessListAddressEntry', args: [router, false, false] },
      { functionName: 'updateAccessListFunctionEntry', args: [weth, approve, false] },
      { functionName: 'setTimeRange', args: [0, 0] },
      { functionName: 'removeNativeTokenSpendLimit' },
      { functionName: 'setErc20SpendLimit', args: [usdc, 0n, 10] },
      { functionName: 'removeErc20SpendLimit', args: [weth] },
      { functionName: 'removeGasSpendLimit' },
      { functionName: 'setRequiredPaymaster', args: [paymaster] },
      { functionName: 'setRefreshAnchor', args: [0] },
    ]);
  });

  it('sorts contracts, their functions and tokens by address and selector', () => {
    const b = new SessionKeyPermissionsBuilder()
      .addContractFunctionAccessEntry({ contractAddress: weth, methodSelector: transfer, isOnList: true })
      .addContractFunctionAccessEntry({ contractAddress: usdc, methodSelector: transfer, isOnList: true })
      .addContractAddressAccessEntry({ contractAddress: weth, isOnList: true, checkSelectors: true })
      .addContractFunctionAccessEntry({ contractAddress: weth, methodSelector: approve, isOnList: true })
      .addErc20TokenSpendLimit({ tokenAddress: weth, spendLimit: 2n })
      .addErc20TokenSpendLimit({ tokenAddress: usdc, spendLimit: 1n });
    // usdc 0xA0b8… < weth 0xC02a…; approve 0x095e… < transfer 0xa905…
    expect(decoded(b.encode()).map((d) => [d.functionName, d.args?.[0], d.args?.[1]])).toEqual([
      ['updateAccessListFunctionEntry', usdc, transfer],
      ['updateAccessListAddressEntry', weth, true],
      ['updateAccessListFunctionEntry', weth, approve],
      ['updateAccessListFunctionEntry', weth, transfer],
      ['setErc20SpendLimit', usdc, 1n],
      ['setErc20SpendLimit', weth, 2n],
    ]);
  });

  it('accepts a function signature, a full function declaration or hex in any case as the selector', () => {
    const b = new SessionKeyPermissionsBuilder()
      .addContractFunctionAccessEntry({ contractAddress: usdc, methodSelector: 'transfer(address,uint256)', isOnList: true })
      .addContractFunctionAccessEntry({ contractAddress: usdc, methodSelector: 'function approve(address spender, uint256 amount)', isOnList: true })
      .addContractFunctionAccessEntry({ contractAddress: usdc, methodSelector: '0xDEADBEEF', isOnList: false });
    expect(b.toPermissions().contracts).toEqual([
      {
        contractAddress: usdc,
        functions: [
          { selector: approve, isOnList: true },
          { selector: transfer, isOnList: true },
          { selector: '0xdeadbeef', isOnList: false },
        ],
      },
    ]);
  });

  it('checksums lowercase addresses', () => {
    const b = new SessionKeyPermissionsBuilder()
      .addContractAddressAccessEntry({ contractAddress: usdc.toLowerCase() as Address, isOnList: true, checkSelectors: false })
      .setRequiredPaymaster({ paymasterAddress: router.toLowerCase() as Address });
    expect(b.toPermissions()).toEqual({
      contracts: [{ contractAddress: usdc, isOnList: true, checkSelectors: false }],
      requiredPaymaster: router,
    });
  });

  it('takes timestamps as numbers, bigints or Dates, and leaves omitted or 0 sides open', () => {
    const at = (params: Parameters<SessionKeyPermissionsBuilder['setTimeRange']>[0]) =>
      decoded(new SessionKeyPermissionsBuilder().setTimeRange(params).encode())[0]?.args;
    expect(at({ validFrom: BigInt(t0), validUntil: new Date((t0 + 1) * 1000 + 999) })).toEqual([t0, t0 + 1]);
    expect(at({ validUntil: t0 })).toEqual([0, t0]);
    expect(at({ validFrom: t0 })).toEqual([t0, 0]);
    expect(at({ validFrom: 0, validUntil: 0 })).toEqual([0, 0]);
    expect(at({ validFrom: t0, validUntil: t0 })).toEqual([t0, t0]); // one second, inclusive
    expect(new SessionKeyPermissionsBuilder().setTimeRange({ validFrom: t0 }).toPermissions().timeRange).toEqual({ validFrom: t0 });
    expect(new SessionKeyPermissionsBuilder().setTimeRange().toPermissions().timeRange).toEqual({});
  });

  it('represents "no limit" as unlimited, distinct from a limit of 0', () => {
    const p = new SessionKeyPermissionsBuilder()
      .removeNativeTokenSpendLimit()
      .setGasSpendLimit({ spendLimit: 0n })
      .removeErc20TokenSpendLimit({ tokenAddress: usdc })
      .toPermissions();
    expect(p).toEqual({
      nativeTokenSpendLimit: 'unlimited',
      gasSpendLimit: { spendLimit: 0n, refreshInterval: 0 },
      erc20SpendLimits: [{ tokenAddress: usdc, limit: 'unlimited' }],
    });
  });

  it('removes the required paymaster with null or the zero address', () => {
    for (const paymasterAddress of [null, zeroAddress]) {
      const b = new SessionKeyPermissionsBuilder().setRequiredPaymaster({ paymasterAddress });
      expect(decoded(b.encode())).toEqual([{ functionName: 'setRequiredPaymaster', args: [zeroAddress] }]);
      expect(b.toPermissions()).toEqual({ requiredPaymaster: null });
    }
  });

  it('sets the refresh anchor from seconds or a Date', () => {
    const monday = new Date('2025-01-06T00:00:00Z');
    const b = new SessionKeyPermissionsBuilder().setRefreshAnchor({ anchor: monday });
    expect(b.toPermissions()).toEqual({ refreshAnchor: monday.getTime() / 1000 });
    expect(decoded(b.encode())).toEqual([{ functionName: 'setRefreshAnchor', args: [1_736_121_600] }]);
  });

  it('accepts the extreme values the module stores', () => {
    const b = new SessionKeyPermissionsBuilder()
      .setNativeTokenSpendLimit({ spendLimit: maxNativeTokenSpendLimit, refreshInterval: maxSessionKeyRefreshInterval })
      .setGasSpendLimit({ spendLimit: 0n, refreshInterval: 0 })
      .setTimeRange({ validFrom: 1, validUntil: maxSessionKeyTimestamp });
    expect(decodePermissionUpdates(b.encode())).toEqual(b.toPermissions());
  });

  it('returns a fresh copy from toPermissions', () => {
    const b = issueExample();
    const p = b.toPermissions();
    p.contracts![0]!.functions!.push({ selector: approve, isOnList: true });
    (p.nativeTokenSpendLimit as { spendLimit: bigint }).spendLimit = 1n;
    expect(b.toPermissions()).toEqual(issueExample().toPermissions());
  });
});

describe('SessionKeyPermissionsBuilder: round trips', () => {
  const expected: SessionKeyPermissions = {
    accessListType: 0,
    contracts: [{ contractAddress: usdc, isOnList: true, checkSelectors: true, functions: [{ selector: transfer, isOnList: true }] }],
    timeRange: { validFrom: t0, validUntil: t0 + 30 * DAY },
    nativeTokenSpendLimit: { spendLimit: parseEther('0.1'), refreshInterval: 0 },
    erc20SpendLimits: [{ tokenAddress: usdc, limit: { spendLimit: 100_000_000n, refreshInterval: WEEK } }],
    gasSpendLimit: { spendLimit: parseEther('0.01'), refreshInterval: DAY },
  };

  it('toPermissions gives plain data; decode(encode()) deep-equals it', () => {
    const b = issueExample();
    expect(b.toPermissions()).toStrictEqual(expected);
    expect(decodePermissionUpdates(b.encode())).toStrictEqual(expected);
    expect(SessionKeyPermissionsBuilder.decode(b.encode())).toStrictEqual(expected);
  });

  it('fromPermissions(decode(x)).encode() gives back x', () => {
    const x = issueExample().encode();
    expect(SessionKeyPermissionsBuilder.fromPermissions(decodePermissionUpdates(x)).encode()).toEqual(x);
  });

  it('fromPermissions handles function entries without a contract entry, removals and a null paymaster', () => {
    const p: SessionKeyPermissions = {
      contracts: [{ contractAddress: weth, functions: [{ selector: approve, isOnList: false }] }],
      nativeTokenSpendLimit: 'unlimited',
      erc20SpendLimits: [{ tokenAddress: weth, limit: 'unlimited' }],
      gasSpendLimit: 'unlimited',
      requiredPaymaster: null,
      refreshAnchor: 0,
      timeRange: {},
    };
    const b = SessionKeyPermissionsBuilder.fromPermissions(p);
    expect(b.toPermissions()).toStrictEqual(p);
    expect(decodePermissionUpdates(b.encode())).toStrictEqual(p);
  });

  it('fromPermissions validates like the builder methods', () => {
    const half = { contracts: [{ contractAddress: usdc, isOnList: true }] } as unknown as SessionKeyPermissions;
    const e = catchError(() => SessionKeyPermissionsBuilder.fromPermissions(half), SessionKeyPermissionError);
    expect(e.shortMessage).toBe('checkSelectors must be a boolean, not undefined.');
    catchError(
      () => SessionKeyPermissionsBuilder.fromPermissions({ contracts: [{ contractAddress: usdc, isOnList: true, checkSelectors: false }, { contractAddress: usdc.toLowerCase() as Address, isOnList: false, checkSelectors: false }] }),
      DuplicatePermissionError,
    );
    catchError(() => SessionKeyPermissionsBuilder.fromPermissions({ timeRange: { validUntil: Date.now() } }), TimestampInMillisecondsError);
  });
});

describe('SessionKeyPermissionsBuilder: input errors', () => {
  const b = () => new SessionKeyPermissionsBuilder();

  it('InvalidAddressError: not an address, bad checksum, zero address, EntryPoint', () => {
    let e = catchError(() => b().addContractAddressAccessEntry({ contractAddress: '0x1234' as Address, isOnList: true, checkSelectors: false }), InvalidAddressError);
    expect(e.shortMessage).toBe('contractAddress "0x1234" is not a valid address.');
    expect([e.field, e.value, e.reason, e.context]).toEqual(['contractAddress', '0x1234', 'invalid', 'addContractAddressAccessEntry']);
    expect(e.message).toContain('contractAddress: "0x1234"');
    expect(e.message).toContain('In: addContractAddressAccessEntry');

    const badChecksum = usdc.replace('A0b8', 'a0B8') as Address;
    e = catchError(() => b().addErc20TokenSpendLimit({ tokenAddress: badChecksum, spendLimit: 1n }), InvalidAddressError);
    expect([e.field, e.value, e.reason]).toEqual(['tokenAddress', badChecksum, 'invalid']);

    e = catchError(() => b().removeErc20TokenSpendLimit({ tokenAddress: zeroAddress }), InvalidAddressError);
    expect(e.shortMessage).toBe('tokenAddress cannot be the zero address.');
    expect([e.value, e.reason]).toEqual([zeroAddress, 'zero']);

    e = catchError(
      () => b().addContractFunctionAccessEntry({ contractAddress: zeroAddress, methodSelector: transfer, isOnList: true }),
      InvalidAddressError,
    );
    expect(e.reason).toBe('zero');

    const entryPoint = '0x4337084D9E255Ff0702461CF8895CE9E3b5Ff108';
    e = catchError(() => b().addContractAddressAccessEntry({ contractAddress: entryPoint, isOnList: false, checkSelectors: false }), InvalidAddressError);
    expect(e.shortMessage).toBe(`contractAddress "${entryPoint}" is an EntryPoint, which session keys can never call.`);
    expect(e.reason).toBe('entryPoint');

    e = catchError(() => b().setRequiredPaymaster({ paymasterAddress: 'paymaster' as Address }), InvalidAddressError);
    expect([e.field, e.value]).toEqual(['paymasterAddress', 'paymaster']);
  });

  it('InvalidTimeRangeError: validFrom after validUntil', () => {
    const e = catchError(() => b().setTimeRange({ validFrom: t0 + 1, validUntil: t0 }), InvalidTimeRangeError);
    expect(e.shortMessage).toBe(`validFrom (${t0 + 1}) is after validUntil (${t0}).`);
    expect([e.validFrom, e.validUntil]).toEqual([t0 + 1, t0]);
    expect(e.message).toContain('2025-06-15T15:06:41.000Z');
  });

  it('TimestampInMillisecondsError: Date.now()-sized values, with the value in seconds suggested', () => {
    const now = Date.now();
    let e = catchError(() => b().setTimeRange({ validUntil: now }), TimestampInMillisecondsError);
    expect(e.shortMessage).toBe(`validUntil ${now} looks like milliseconds; timestamps are in seconds.`);
    expect([e.field, e.value, e.suggested]).toEqual(['validUntil', now, Math.floor(now / 1000)]);
    expect(e.details).toContain(`Divide by 1000: validUntil ${Math.floor(now / 1000)} is `);

    e = catchError(() => b().setTimeRange({ validFrom: 100_000_000_001n }), TimestampInMillisecondsError);
    expect([e.field, e.value, e.suggested]).toEqual(['validFrom', 100_000_000_001n, 100_000_000]);
    e = catchError(() => b().setRefreshAnchor({ anchor: 1_736_121_600_000 }), TimestampInMillisecondsError);
    expect([e.field, e.suggested]).toEqual(['anchor', 1_736_121_600]);
    // Just at the threshold: taken for seconds, and beyond what the module stores (2^32 - 1, in 2106).
    catchError(() => b().setTimeRange({ validUntil: 100_000_000_000 }), TimestampOutOfRangeError);
    expect(() => b().setTimeRange({ validUntil: 2 ** 32 - 1 })).not.toThrow();
  });

  it('TimestampOutOfRangeError: negative, fractional, not a number, beyond 2^32 - 1, invalid Date', () => {
    for (const [value, field] of [
      [-1, 'validFrom'],
      [1.5, 'validFrom'],
      [Number.NaN, 'validFrom'],
      ['1750000000', 'validFrom'],
      [10n ** 15n, 'validUntil'],
      [2 ** 32, 'validUntil'],
      [new Date('nope'), 'validUntil'],
      [new Date('9999-01-01T00:00:00Z'), 'validUntil'], // 2.5e11 s: beyond what the builder takes for seconds
    ] as const) {
      const e = catchError(() => b().setTimeRange({ [field]: value }), TimestampOutOfRangeError);
      expect(e.field).toBe(field);
      expect(e.value).toBe(value);
      expect(e.shortMessage).toMatch(new RegExp(`^${field} .* is not a timestamp the module accepts\\.$`));
    }
    const e = catchError(() => b().setRefreshAnchor({ anchor: -5n }), TimestampOutOfRangeError);
    expect(e.shortMessage).toBe('anchor -5 is not a timestamp the module accepts.');
  });

  it('SpendLimitOutOfRangeError: negative, above the maximum of its kind, not a bigint', () => {
    let e = catchError(() => b().setNativeTokenSpendLimit({ spendLimit: -1n }), SpendLimitOutOfRangeError);
    expect(e.shortMessage).toBe('spendLimit -1 is out of range.');
    expect([e.field, e.value, e.context]).toEqual(['spendLimit', -1n, 'setNativeTokenSpendLimit']);
    e = catchError(() => b().setGasSpendLimit({ spendLimit: maxGasSpendLimit + 1n }), SpendLimitOutOfRangeError);
    expect([e.value, e.max]).toEqual([maxGasSpendLimit + 1n, maxGasSpendLimit]);
    expect(e.details).toContain('remove the limit for "no limit"');
    e = catchError(() => b().setNativeTokenSpendLimit({ spendLimit: maxNativeTokenSpendLimit + 1n }), SpendLimitOutOfRangeError);
    expect(e.max).toBe(maxNativeTokenSpendLimit);
    e = catchError(() => b().addErc20TokenSpendLimit({ tokenAddress: usdc, spendLimit: maxErc20SpendLimit + 1n }), SpendLimitOutOfRangeError);
    expect(e.max).toBe(maxErc20SpendLimit);
    // Each maximum itself is accepted.
    expect(() =>
      b()
        .setGasSpendLimit({ spendLimit: maxGasSpendLimit })
        .setNativeTokenSpendLimit({ spendLimit: maxNativeTokenSpendLimit })
        .addErc20TokenSpendLimit({ tokenAddress: usdc, spendLimit: maxErc20SpendLimit }),
    ).not.toThrow();
    e = catchError(() => b().addErc20TokenSpendLimit({ tokenAddress: usdc, spendLimit: 100 as unknown as bigint }), SpendLimitOutOfRangeError);
    expect(e.shortMessage).toBe('spendLimit must be a bigint amount in base units, not number 100.');
  });

  it('RefreshIntervalInMillisecondsError: a minute, hour, day, week or month written in milliseconds', () => {
    for (const seconds of [MINUTE, HOUR, DAY, WEEK, 30 * DAY]) {
      const e = catchError(
        () => b().setGasSpendLimit({ spendLimit: 1n, refreshInterval: seconds * 1000 }),
        RefreshIntervalInMillisecondsError,
      );
      expect([e.value, e.suggested, e.context]).toEqual([seconds * 1000, seconds, 'setGasSpendLimit']);
    }
    const e = catchError(() => b().addErc20TokenSpendLimit({ tokenAddress: usdc, spendLimit: 1n, refreshInterval: 86_400_000n }), RefreshIntervalInMillisecondsError);
    expect(e.shortMessage).toBe('refreshInterval 86400000 looks like milliseconds; refresh intervals are in seconds.');
    // Other multiples of 1000 are taken as seconds; decoding on-chain updates applies no such guess.
    expect(() => b().setNativeTokenSpendLimit({ spendLimit: 1n, refreshInterval: 2_000 })).not.toThrow();
    const update = encodeFunctionData({ abi, functionName: 'setGasSpendLimit', args: [1n, 86_400_000] });
    expect(decodePermissionUpdates([update]).gasSpendLimit).toEqual({ spendLimit: 1n, refreshInterval: 86_400_000 });
  });

  it('RefreshIntervalOutOfRangeError: negative, fractional, above 2^32 - 1', () => {
    for (const refreshInterval of [-1, 1.5, 2 ** 32, 2n ** 32n, -1n]) {
      const e = catchError(() => b().setGasSpendLimit({ spendLimit: 1n, refreshInterval }), RefreshIntervalOutOfRangeError);
      expect(e.value).toBe(refreshInterval);
      expect(e.shortMessage).toBe(`refreshInterval ${refreshInterval} is not a refresh interval the module accepts.`);
    }
  });

  it('InvalidSelectorError: wrong length, not a signature, not a string', () => {
    for (const methodSelector of ['0xa9059c', '0xa9059cbb00', 'transfer', 'transfer(address,', '', 42]) {
      const e = catchError(
        () => b().addContractFunctionAccessEntry({ contractAddress: usdc, methodSelector: methodSelector as Hex, isOnList: true }),
        InvalidSelectorError,
      );
      expect(e.value).toBe(methodSelector);
    }
    const e = catchError(() => b().addContractFunctionAccessEntry({ contractAddress: usdc, methodSelector: '0x12', isOnList: true }), InvalidSelectorError);
    expect(e.shortMessage).toBe('"0x12" is not a function selector.');
  });

  it('InvalidAccessListTypeError: anything but 0, 1, 2', () => {
    for (const type of [3, -1, 0.5, '0', null]) {
      const e = catchError(() => b().setContractAccessControlType(type as SessionKeyAccessListType), InvalidAccessListTypeError);
      expect(e.value).toBe(type);
    }
    expect(catchError(() => b().setContractAccessControlType(3 as SessionKeyAccessListType), InvalidAccessListTypeError).shortMessage).toBe(
      '3 is not an access list type.',
    );
  });

  it('DuplicatePermissionError: every permission may be set once, naming it', () => {
    const cases: [string, (x: SessionKeyPermissionsBuilder) => unknown, (x: SessionKeyPermissionsBuilder) => unknown][] = [
      ['The access list type', (x) => x.setContractAccessControlType(0), (x) => x.setContractAccessControlType(0)],
      [
        `The access list entry of contract ${usdc}`,
        (x) => x.addContractAddressAccessEntry({ contractAddress: usdc, isOnList: true, checkSelectors: false }),
        (x) => x.addContractAddressAccessEntry({ contractAddress: usdc.toLowerCase() as Address, isOnList: false, checkSelectors: true }),
      ],
      [
        `The access list entry of function ${transfer} of contract ${usdc}`,
        (x) => x.addContractFunctionAccessEntry({ contractAddress: usdc, methodSelector: 'transfer(address,uint256)', isOnList: true }),
        (x) => x.addContractFunctionAccessEntry({ contractAddress: usdc, methodSelector: '0xA9059CBB', isOnList: false }),
      ],
      ['The time range', (x) => x.setTimeRange({}), (x) => x.setTimeRange({ validUntil: t0 })],
      ['The native token spend limit', (x) => x.setNativeTokenSpendLimit({ spendLimit: 1n }), (x) => x.removeNativeTokenSpendLimit()],
      ['The native token spend limit', (x) => x.removeNativeTokenSpendLimit(), (x) => x.setNativeTokenSpendLimit({ spendLimit: 1n })],
      [
        `The ERC-20 spend limit of token ${usdc}`,
        (x) => x.addErc20TokenSpendLimit({ tokenAddress: usdc, spendLimit: 1n }),
        (x) => x.removeErc20TokenSpendLimit({ tokenAddress: usdc }),
      ],
      ['The gas spend limit', (x) => x.removeGasSpendLimit(), (x) => x.setGasSpendLimit({ spendLimit: 1n })],
      ['The gas spend limit', (x) => x.setGasSpendLimit({ spendLimit: 1n }), (x) => x.removeGasSpendLimit()],
      ['The required paymaster', (x) => x.setRequiredPaymaster({ paymasterAddress: null }), (x) => x.setRequiredPaymaster({ paymasterAddress: paymaster })],
      ['The refresh anchor', (x) => x.setRefreshAnchor({ anchor: 0 }), (x) => x.setRefreshAnchor({ anchor: 1 })],
    ];
    for (const [name, first, second] of cases) {
      const builder = b();
      first(builder);
      const before = builder.encode();
      const e = catchError(() => second(builder), DuplicatePermissionError);
      expect(e.shortMessage).toBe(`${name} is already set in this builder.`);
      expect(e.permission).toBe(name[0]!.toLowerCase() + name.slice(1));
      expect(builder.encode()).toEqual(before);
    }
  });

  it('allows different functions and different contracts, and a function entry next to its contract entry', () => {
    const builder = b()
      .addContractAddressAccessEntry({ contractAddress: usdc, isOnList: true, checkSelectors: true })
      .addContractFunctionAccessEntry({ contractAddress: usdc, methodSelector: transfer, isOnList: true })
      .addContractFunctionAccessEntry({ contractAddress: usdc, methodSelector: approve, isOnList: true })
      .addContractFunctionAccessEntry({ contractAddress: weth, methodSelector: transfer, isOnList: true })
      .addErc20TokenSpendLimit({ tokenAddress: usdc, spendLimit: 1n })
      .addErc20TokenSpendLimit({ tokenAddress: weth, spendLimit: 1n });
    expect(builder.encode()).toHaveLength(6);
  });

  it('leaves the builder unchanged when a call throws', () => {
    const builder = issueExample();
    const before = builder.encode();
    expect(() => builder.setRefreshAnchor({ anchor: -1 })).toThrow(TimestampOutOfRangeError);
    expect(() => builder.addContractFunctionAccessEntry({ contractAddress: weth, methodSelector: 'x', isOnList: true })).toThrow(InvalidSelectorError);
    expect(() => builder.setRequiredPaymaster({ paymasterAddress: '0x12' as Address })).toThrow(InvalidAddressError);
    expect(builder.encode()).toEqual(before);
    expect(builder.toPermissions().contracts).toHaveLength(1);
  });
});

describe('decodePermissionUpdates', () => {
  const encode = (functionName: string, args?: readonly unknown[]) => encodeFunctionData({ abi, functionName, args } as never);

  it('UnknownPermissionUpdateError: unknown selector, or too short to have one', () => {
    let e = catchError(() => decodePermissionUpdates([encode('removeGasSpendLimit'), '0xdeadbeef00']), UnknownPermissionUpdateError);
    expect([e.index, e.selector, e.update]).toEqual([1, '0xdeadbeef', '0xdeadbeef00']);
    expect(e.shortMessage).toBe('Update 1 has the unknown selector 0xdeadbeef.');
    e = catchError(() => decodePermissionUpdates(['0x12']), UnknownPermissionUpdateError);
    expect(e.selector).toBe('0x00000000');
  });

  it('MalformedPermissionUpdateError: anything but the canonical encoding', () => {
    const good = encode('updateAccessListAddressEntry', [usdc, true, false]);
    const word = (n: number) => 10 + 64 * n; // hex offset of argument word n
    const cases: Hex[] = [
      `${encode('removeGasSpendLimit')}00`, // trailing byte
      good.slice(0, -2) as Hex, // truncated
      `${good.slice(0, word(1) + 63)}2${good.slice(word(1) + 64)}` as Hex, // bool 2
      `${good.slice(0, word(0))}ff${good.slice(word(0) + 2)}` as Hex, // dirty address padding
      `${encode('updateAccessListFunctionEntry', [usdc, transfer, true]).slice(0, word(1) + 63)}1${encode('updateAccessListFunctionEntry', [usdc, transfer, true]).slice(word(1) + 64)}` as Hex, // bytes4 dirty
      `${encode('setTimeRange', [0, 0]).slice(0, word(0))}${'f'.repeat(64)}${encode('setTimeRange', [0, 0]).slice(word(1))}` as Hex, // wider than uint48
    ];
    for (const update of cases) {
      const e = catchError(() => decodePermissionUpdates([update]), MalformedPermissionUpdateError);
      expect(e.index).toBe(0);
      expect(e.update).toBe(update);
    }
    const e = catchError(() => decodePermissionUpdates([good, `${good}00`]), MalformedPermissionUpdateError);
    expect(e.shortMessage).toBe('Update 1 (updateAccessListAddressEntry) is not well-formed.');
    expect(catchError(() => decodePermissionUpdates(['nope' as Hex]), MalformedPermissionUpdateError).functionName).toBe('unknown');
  });

  it('refuses what the module refuses, naming the update', () => {
    let e: SessionKeyPermissionError = catchError(() => decodePermissionUpdates([encode('setAccessListType', [3])]), InvalidAccessListTypeError);
    expect(e.context).toBe('update 0 (setAccessListType)');
    e = catchError(() => decodePermissionUpdates([encode('setGasSpendLimit', [1n, 0]), encode('setTimeRange', [5, 4])]), InvalidTimeRangeError);
    expect(e.context).toBe('update 1 (setTimeRange)');
    expect(e.message).toContain('In: update 1 (setTimeRange)');
    e = catchError(() => decodePermissionUpdates([encode('setRefreshAnchor', [2 ** 32])]), TimestampOutOfRangeError);
    expect((e as TimestampOutOfRangeError).value).toBe(2 ** 32);
    e = catchError(() => decodePermissionUpdates([encode('setNativeTokenSpendLimit', [2n ** 96n, 0])]), SpendLimitOutOfRangeError);
    expect((e as SpendLimitOutOfRangeError).value).toBe(2n ** 96n);
    e = catchError(() => decodePermissionUpdates([encode('setErc20SpendLimit', [usdc, 1n, 2 ** 32])]), RefreshIntervalOutOfRangeError);
    expect((e as RefreshIntervalOutOfRangeError).value).toBe(2 ** 32);
    e = catchError(() => decodePermissionUpdates([encode('removeErc20SpendLimit', [zeroAddress])]), InvalidAddressError);
    expect((e as InvalidAddressError).reason).toBe('zero');
  });

  it('takes the largest timestamp the module stores', () => {
    expect(decodePermissionUpdates([encode('setTimeRange', [0, 2 ** 32 - 1])])).toEqual({ timeRange: { validUntil: 2 ** 32 - 1 } });
  });

  it('lets the last of repeated updates win, as on-chain, and sorts the result', () => {
    const p = decodePermissionUpdates([
      encode('setGasSpendLimit', [1n, 0]),
      encode('updateAccessListFunctionEntry', [weth, transfer, true]),
      encode('removeGasSpendLimit'),
      encode('setErc20SpendLimit', [weth, 1n, 0]),
      encode('updateAccessListAddressEntry', [usdc, true, false]),
      encode('updateAccessListFunctionEntry', [weth, transfer, false]),
      encode('removeErc20SpendLimit', [weth]),
      encode('setRequiredPaymaster', [paymaster]),
      encode('setRequiredPaymaster', [zeroAddress]),
      encode('setErc20SpendLimit', [usdc, 2n, 3]),
    ]);
    expect(p).toStrictEqual({
      contracts: [
        { contractAddress: usdc, isOnList: true, checkSelectors: false },
        { contractAddress: weth, functions: [{ selector: transfer, isOnList: false }] },
      ],
      erc20SpendLimits: [
        { tokenAddress: usdc, limit: { spendLimit: 2n, refreshInterval: 3 } },
        { tokenAddress: weth, limit: 'unlimited' },
      ],
      gasSpendLimit: 'unlimited',
      requiredPaymaster: null,
    });
    expect(decodePermissionUpdates([])).toStrictEqual({});
  });

  it('returns checksummed addresses and lowercase selectors', () => {
    const p = decodePermissionUpdates([encode('updateAccessListFunctionEntry', [usdc.toLowerCase(), '0xABCDEF01', true])]);
    expect(p.contracts).toEqual([{ contractAddress: getAddress(usdc), functions: [{ selector: '0xabcdef01', isOnList: true }] }]);
  });
});

describe('splitPermissionUpdates', () => {
  it('splits the concatenated updates of a module event back into the list', () => {
    const updates = issueExample()
      .addContractFunctionAccessEntry({ contractAddress: usdc, methodSelector: 'approve(address,uint256)', isOnList: false })
      .setRefreshAnchor({ anchor: 3600 })
      .encode();
    expect(splitPermissionUpdates(concat(updates))).toEqual(updates);
    expect(decodePermissionUpdates(splitPermissionUpdates(concat(updates)))).toEqual(decodePermissionUpdates(updates));
    expect(splitPermissionUpdates('0x')).toEqual([]);
  });

  it('names the update it cannot split: an unknown selector, or bytes that end inside an update', () => {
    const [noGasLimit] = new SessionKeyPermissionsBuilder().removeGasSpendLimit().encode();
    const [timeRange] = new SessionKeyPermissionsBuilder().setTimeRange({ validUntil: t0 }).encode();
    const unknown = catchError(() => splitPermissionUpdates(concat([noGasLimit!, '0xdeadbeef'])), UnknownPermissionUpdateError);
    expect([unknown.index, unknown.selector, unknown.update]).toEqual([1, '0xdeadbeef', '0xdeadbeef']);
    const cut = catchError(() => splitPermissionUpdates(concat([noGasLimit!, timeRange!.slice(0, -2) as Hex])), MalformedPermissionUpdateError);
    expect([cut.index, cut.functionName]).toEqual([1, 'setTimeRange']);
  });
});

describe('describePermissions', () => {
  const tokens = { [usdc.toLowerCase()]: { symbol: 'USDC', decimals: 6 } };

  it('renders the issue example in plain English', () => {
    expect(describePermissions(issueExample().toPermissions(), { tokens })).toEqual([
      'Access list: allowlist (only the contracts listed may be called)',
      `May call USDC ${usdc}: only transfer(address,uint256)`,
      'Valid from 2025-06-15T15:06:40Z until 2025-07-15T15:06:40Z',
      'Sends at most 0.1 ETH in total',
      `Spends at most 100 USDC (${usdc}) per week, through transfer and approve only`,
      'Gas paid by the account: at most 0.01 ETH per day',
    ]);
  });

  it('works without token data, and with decimals but no symbol', () => {
    const p: SessionKeyPermissions = { erc20SpendLimits: [{ tokenAddress: usdc, limit: { spendLimit: 100_000_000n, refreshInterval: WEEK } }] };
    expect(describePermissions(p)).toEqual([`Spends at most 100000000 base units of token ${usdc} per week, through transfer and approve only`]);
    expect(describePermissions(p, { tokens: { [usdc]: { decimals: 6 } } })).toEqual([
      `Spends at most 100 of token ${usdc} per week, through transfer and approve only`,
    ]);
  });

  it('renders zero limits, removals, open ranges, paymaster and anchor', () => {
    expect(
      describePermissions(
        {
          accessListType: 2,
          timeRange: {},
          nativeTokenSpendLimit: { spendLimit: 0n, refreshInterval: 0 },
          erc20SpendLimits: [
            { tokenAddress: usdc, limit: { spendLimit: 0n, refreshInterval: 0 } },
            { tokenAddress: weth, limit: 'unlimited' },
          ],
          gasSpendLimit: { spendLimit: 0n, refreshInterval: 0 },
          requiredPaymaster: paymaster,
          refreshAnchor: 1_736_121_600,
        },
        { nativeCurrency: { symbol: 'POL', decimals: 18 }, tokens: { [weth]: { symbol: 'WETH', decimals: 18 } } },
      ),
    ).toEqual([
      'Access list: allow-all (any contract may be called; entries are kept but not used)',
      'Valid at any time',
      'No native token: calls may not send POL',
      `May not spend token ${usdc}`,
      `No spend limit on WETH (${weth}): the access list alone governs it`,
      'Gas: the account may not pay for this key’s ops (a paymaster must)',
      `Every op must be paid by paymaster ${paymaster}`,
      'Refreshing limits’ periods start at 2025-01-06T00:00:00Z and every whole interval after it',
    ]);
    expect(
      describePermissions({
        timeRange: { validUntil: t0 },
        nativeTokenSpendLimit: 'unlimited',
        gasSpendLimit: 'unlimited',
        requiredPaymaster: null,
        refreshAnchor: 0,
      }),
    ).toEqual([
      'Valid until 2025-06-15T15:06:40Z',
      'May send any amount of ETH',
      'Gas: no limit',
      'Any payer: no paymaster required',
      'Refreshing limits’ periods start at the Unix epoch (days from midnight UTC)',
    ]);
    expect(describePermissions({ timeRange: { validFrom: t0 } }, { formatTimestamp: (s) => `t=${s}` })).toEqual([`Valid from t=${t0}, with no end`]);
    expect(describePermissions({})).toEqual([]);
  });

  it('reads contract entries according to the list type', () => {
    const entries = (contracts: SessionKeyPermissions['contracts'], accessListType?: SessionKeyAccessListType) =>
      describePermissions({ accessListType, contracts }, { contractNames: { [router]: 'Router' } }).filter((l) => !l.startsWith('Access list'));
    const on = { contractAddress: router, isOnList: true, checkSelectors: false };
    const checked = { contractAddress: router, isOnList: true, checkSelectors: true, functions: [{ selector: transfer, isOnList: true }, { selector: '0x12345678' as Hex, isOnList: false }] };
    const off = { contractAddress: router, isOnList: false, checkSelectors: false };
    expect(entries([on], 0)).toEqual([`May call Router ${router}: any function`]);
    expect(entries([checked], 0)).toEqual([`May call Router ${router}: only transfer(address,uint256); takes 0x12345678 off the list`]);
    expect(entries([{ ...checked, functions: [] }], 0)).toEqual([`May call Router ${router}: no function listed yet`]);
    expect(entries([off], 0)).toEqual([`May not call Router ${router}`]);
    expect(entries([on], 1)).toEqual([`May not call Router ${router}`]);
    expect(entries([checked], 1)).toEqual([`May call Router ${router} except transfer(address,uint256); takes 0x12345678 off the list`]);
    expect(entries([off], 1)).toEqual([`May call Router ${router}: not on the denylist`]);
    expect(entries([on], 2)).toEqual([`Router ${router}: entry kept (on the list), not used while every call is allowed`]);
    expect(entries([on])).toEqual([`Puts Router ${router} on the access list: all its functions`]);
    expect(entries([checked])).toEqual([`Puts Router ${router} on the access list: functions transfer(address,uint256); takes 0x12345678 off the list`]);
    expect(entries([off])).toEqual([`Takes Router ${router} off the access list`]);
    expect(
      describePermissions(
        { contracts: [{ contractAddress: weth, functions: [{ selector: '0x12345678', isOnList: true }] }] },
        { functionSignatures: { '0x12345678': 'mint(uint256)' } },
      ),
    ).toEqual([`contract ${weth}: puts mint(uint256) on the list (the contract’s own entry is unchanged)`]);
  });

  it('formats refresh intervals', () => {
    expect([0, 1, 59, MINUTE, 90 * MINUTE, HOUR, DAY, 2 * DAY, WEEK, 4 * WEEK, 30 * DAY].map(formatRefreshInterval)).toEqual([
      'in total',
      'per second',
      'per 59 seconds',
      'per minute',
      'per 90 minutes',
      'per hour',
      'per day',
      'per 2 days',
      'per week',
      'per 4 weeks',
      'per 30 days',
    ]);
  });
});
