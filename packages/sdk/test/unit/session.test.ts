import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { encodeErrorResult, keccak256, recoverAddress, stringToHex, zeroAddress } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import {
  CallNotAllowedError,
  Erc20SpendLimitExceededError,
  ForbiddenCallTargetError,
  GasSpendLimitExceededError,
  LeashError,
  SessionKeyModuleError,
  SessionKeyNotAuthorizedError,
  SessionKeyOutsideTimeRangeError,
  SessionKeySigner,
  UnsupportedExecutionError,
  acquireNonceLane,
  decodeSessionKeyModuleError,
  decodeSessionSignature,
  recoverSessionKey,
  encodeSessionSignature,
  encodeSessionStubSignature,
  getSessionOperationDigest,
  periodOf,
  budgetPeriodAt,
  sessionKeyModuleAbi,
  toSessionKeyError,
  toSessionKeyValidator,
  entryPoints,
  signWithValidator,
} from '@leash/sdk';

const token = '0x1f08BBFde5eA8c5a6B4A23Ce29dD218eAcd23BA6';
const moduleError = (errorName: string, args: readonly unknown[]) =>
  encodeErrorResult({ abi: sessionKeyModuleAbi, errorName, args } as never);

describe('session signatures', () => {
  it('encode as statedTime ‖ ECDSA (69 bytes) and decode back', async () => {
    const account = privateKeyToAccount(generatePrivateKey());
    const hash = stringToHex('op', { size: 32 });
    const ecdsa = await account.sign({ hash });
    const encoded = encodeSessionSignature({ statedTime: 1_750_000_123, signature: ecdsa });
    expect(encoded).toBe(`0x${(1_750_000_123).toString(16).padStart(8, '0')}${ecdsa.slice(2)}`);
    expect(decodeSessionSignature(encoded)).toEqual({ statedTime: 1_750_000_123, signature: ecdsa });
  });

  it('the estimation stub names the key (89 bytes) with a signature no key made', () => {
    const key = privateKeyToAccount(generatePrivateKey()).address;
    const stub = encodeSessionStubSignature({ statedTime: 42, sessionKey: key });
    const decoded = decodeSessionSignature(stub);
    expect(decoded.statedTime).toBe(42);
    expect(decoded.sessionKey?.toLowerCase()).toBe(key.toLowerCase());
    expect(decoded.signature).toHaveLength(2 + 130);
  });

  it('refuses malformed parts', () => {
    expect(() => encodeSessionSignature({ statedTime: -1, signature: `0x${'11'.repeat(65)}` })).toThrow(LeashError);
    expect(() => encodeSessionSignature({ statedTime: 2 ** 32, signature: `0x${'11'.repeat(65)}` })).toThrow(/uint32/);
    expect(() => encodeSessionSignature({ statedTime: 1, signature: '0x1234' })).toThrow(/65-byte/);
    expect(() => decodeSessionSignature(`0x${'00'.repeat(70)}`)).toThrow(/69 or 89 bytes/);
  });

  it('the session digest is keccak256(userOpHash ‖ uint32 statedTime), computed independently', () => {
    const userOpHash = stringToHex('op', { size: 32 });
    const time = (1_800_000_000).toString(16).padStart(8, '0');
    expect(getSessionOperationDigest({ userOpHash, statedTime: 1_800_000_000 })).toBe(keccak256(`${userOpHash}${time}`));
  });

  it.each(['0.7', '0.8'] as const)('the validator signs the session digest of the v%s user op hash and the stated time', async (version) => {
    const signer = new SessionKeySigner();
    const validator = toSessionKeyValidator({ signer, now: () => 1_800_000_000 });
    const userOperation = {
      sender: '0x1111111111111111111111111111111111111111',
      nonce: 5n,
      callData: '0x',
      callGasLimit: 1n,
      verificationGasLimit: 2n,
      preVerificationGas: 3n,
      maxFeePerGas: 4n,
      maxPriorityFeePerGas: 5n,
      signature: '0x',
    } as const;
    const entryPoint = entryPoints[version];
    const signature = await signWithValidator(validator, userOperation, { chainId: 31337, entryPoint, sender: userOperation.sender });
    const { statedTime, signature: ecdsa } = decodeSessionSignature(signature);
    expect(statedTime).toBe(1_800_000_000);
    const { getUserOperationHash } = await import('viem/account-abstraction');
    const userOpHash = getUserOperationHash({ chainId: 31337, entryPointAddress: entryPoint.address, entryPointVersion: version, userOperation });
    const digest = getSessionOperationDigest({ userOpHash, statedTime });
    expect(await recoverAddress({ hash: digest, signature: ecdsa })).toBe(await signer.getAddress());
    // The stated time is signed: read with another time, the signature is somebody else's.
    const moved = getSessionOperationDigest({ userOpHash, statedTime: statedTime + 86_400 });
    expect(await recoverAddress({ hash: moved, signature: ecdsa })).not.toBe(await signer.getAddress());
    // The other EntryPoint's hash of the same op is another digest: a signature for one does not serve the other.
    const other = getUserOperationHash({ chainId: 31337, entryPointAddress: entryPoints[version === '0.7' ? '0.8' : '0.7'].address, entryPointVersion: version === '0.7' ? '0.8' : '0.7', userOperation });
    expect(await recoverAddress({ hash: getSessionOperationDigest({ userOpHash: other, statedTime }), signature: ecdsa })).not.toBe(await signer.getAddress());
    // The audit helper finds the key from the hash and the signature alone; not from a signature of another form.
    expect(await recoverSessionKey({ userOpHash, signature })).toBe(await signer.getAddress());
    expect(await recoverSessionKey({ userOpHash, signature: ecdsa })).toBeUndefined();
  });
});

describe('periods', () => {
  it('match the module: anchored periods, and the stretch before the first one', () => {
    expect(periodOf(1_750_000_123, 0, 86_400)).toEqual({ start: 1_749_945_600, end: 1_750_031_999 });
    expect(periodOf(100, 30, 50)).toEqual({ start: 80, end: 129 });
    expect(periodOf(10, 30, 50)).toEqual({ start: 0, end: 29 });
    expect(periodOf(30, 30, 50)).toEqual({ start: 30, end: 79 });
  });

  it("give an op the budget's stored period until it ends, then the grid's, never opening early", () => {
    const day = 86_400;
    // A daily budget whose stored period is [1000·day, 1001·day): an op inside it, or stating any earlier time, gets it.
    const budget = { periodStart: 1000 * day, nextRefresh: 1001 * day, refreshInterval: day };
    expect(budgetPeriodAt(1000 * day + 5, budget, 0)).toEqual({ start: 1000 * day, end: 1001 * day - 1 });
    // After it: the day of the op, on the grid.
    expect(budgetPeriodAt(1003 * day + 5, budget, 0)).toEqual({ start: 1003 * day, end: 1004 * day - 1 });
    // The anchor moved to noon meanwhile: the noon-to-noon period that began inside the stored day opens at its end.
    expect(budgetPeriodAt(1001 * day + 5, budget, day / 2)).toEqual({ start: 1001 * day, end: 1001 * day + day / 2 - 1 });
  });

  it('always contain the time and have the interval as length (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 40 }), fc.integer({ min: 0, max: 2 ** 40 }), fc.integer({ min: 1, max: 2 ** 32 - 1 }), (time, anchor, interval) => {
        const { start, end } = periodOf(time, anchor, interval);
        expect(start <= time && time <= end).toBe(true);
        if (start > 0) {
          expect(end - start + 1).toBe(interval);
          expect((start - (anchor % interval)) % interval).toBe(0);
        }
      }),
    );
  });
});

describe('typed errors from module revert data', () => {
  it('decodes each permission failure with its numbers', () => {
    const erc20 = decodeSessionKeyModuleError(moduleError('Erc20SpendLimitExceeded', [token, 100n, 40n, 61n]));
    expect(erc20).toBeInstanceOf(Erc20SpendLimitExceededError);
    expect(erc20).toMatchObject({ token, limit: 100n, used: 40n, attempted: 61n, remaining: 60n, rule: 'erc20-spend-limit' });
    expect(decodeSessionKeyModuleError(moduleError('GasSpendLimitExceeded', [10n, 20n, 1n]))).toMatchObject({ limit: 10n, used: 20n, remaining: 0n });
    expect(decodeSessionKeyModuleError(moduleError('SelectorNotOnAllowlist', [token, '0x095ea7b3']))).toMatchObject({
      constructor: CallNotAllowedError,
      reason: 'selector-not-on-allowlist',
      selector: '0x095ea7b3',
    });
    expect(decodeSessionKeyModuleError(moduleError('CallToEntryPointNotAllowed', []))).toMatchObject({ constructor: ForbiddenCallTargetError, kind: 'entry-point' });
    expect(decodeSessionKeyModuleError(moduleError('EmptyBatch', []))).toBeInstanceOf(UnsupportedExecutionError);
    const management = decodeSessionKeyModuleError(moduleError('SessionKeyAlreadyExists', [token]));
    expect(management).toBeInstanceOf(SessionKeyModuleError);
    expect((management as SessionKeyModuleError).errorName).toBe('SessionKeyAlreadyExists');
    expect(decodeSessionKeyModuleError('0xdeadbeef')).toBeUndefined();
  });

  it('finds revert data in bundler errors without mistaking the op calldata for it', () => {
    const data = moduleError('Erc20SpendLimitExceeded', [token, 100n, 40n, 61n]);
    const bundlerError = Object.assign(new Error('The `validateUserOp` function on the Smart Account reverted.\n\nRequest Arguments:\n  callData: 0xe9ae5c530000'), {
      cause: { message: `UserOperation reverted during simulation with reason: AA23 reverted ${data}` },
    });
    expect(toSessionKeyError(bundlerError)).toBeInstanceOf(Erc20SpendLimitExceededError);
    const execution = new Error(`UserOperation reverted during simulation with reason: ${moduleError('SessionKeyNotFound', [token])}`);
    expect((toSessionKeyError(execution) as SessionKeyModuleError).errorName).toBe('SessionKeyNotFound');
    expect(toSessionKeyError(new Error('UserOperation reverted with reason: AA24 signature error'))).toBeInstanceOf(SessionKeyNotAuthorizedError);
    expect(toSessionKeyError(new Error('UserOperation expires too soon, validUntil=1'))).toBeInstanceOf(SessionKeyOutsideTimeRangeError);
    const other = new Error('network down');
    expect(toSessionKeyError(other)).toBe(other);
  });

  it('prints the numbers of a spend limit violation', () => {
    const error = new GasSpendLimitExceededError({ limit: 5n, used: 2n, attempted: 4n });
    expect(error.message).toContain('Limit:     0.000000000000000005 ETH');
    expect(error.message).toContain('Remaining: 0.000000000000000003 ETH');
    expect(error.message).toContain('Attempted: 0.000000000000000004 ETH');
    expect(error.message).not.toContain('viem@');
  });
});

describe('nonce lanes', () => {
  it('hands out the lowest free lane of the account and reuses it once released', () => {
    const account = zeroAddress;
    const module = privateKeyToAccount(generatePrivateKey()).address;
    const a = acquireNonceLane(account, module);
    const b = acquireNonceLane(account, module);
    expect([a.lane, b.lane]).toEqual([0n, 1n]);
    a.release();
    const c = acquireNonceLane(account, module);
    expect(c.lane).toBe(0n);
    // Another validator module has nonce keys of its own; another account too.
    const otherModule = acquireNonceLane(account, privateKeyToAccount(generatePrivateKey()).address);
    const otherAccount = acquireNonceLane(privateKeyToAccount(generatePrivateKey()).address, module);
    expect([otherModule.lane, otherAccount.lane]).toEqual([0n, 0n]);
    for (const l of [b, c, otherModule, otherAccount]) l.release();
  });

  it('refuses a chosen lane that has an op pending, and a lane out of range', () => {
    const account = zeroAddress;
    const module = privateKeyToAccount(generatePrivateKey()).address;
    const held = acquireNonceLane(account, module, 5n);
    expect(() => acquireNonceLane(account, module, 5n)).toThrow(LeashError);
    expect(() => acquireNonceLane(account, module, 5n)).toThrow('Nonce lane 5 of this account has an op pending.');
    expect(() => acquireNonceLane(account, module, 2n ** 32n)).toThrow('Nonce lane 4294967296 is out of range (0 to 4294967295).');
    const free = acquireNonceLane(account, module);
    expect(free.lane).toBe(0n);
    for (const l of [held, free]) l.release();
    const again = acquireNonceLane(account, module, 5n);
    expect(again.lane).toBe(5n);
    again.release();
  });
});


