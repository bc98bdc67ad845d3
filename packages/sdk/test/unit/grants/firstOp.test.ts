import { describe, expect, it } from 'vitest';
import { type Hex, size, slice, hexToNumber, parseEther } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import {
  DAY,
  HOUR,
  GrantExpiredError,
  SessionKeyOutsideTimeRangeError,
  SessionKeyPermissionsBuilder,
  SessionKeySigner,
  type SessionKeyGrant,
  getSessionOperationDigest,
  grantStatedTimeTolerance,
  planGrantOpTiming,
  sortGrantUpdates,
  toSessionKeyValidator,
  windowMargins,
  entryPoints,
} from '@leash/sdk';
import { withGrantOp } from '../../../src/session/grantOps.js';
import { getUserOperationHash } from 'viem/account-abstraction';
import { recoverAddress } from 'viem';

const token = '0x4444444444444444444444444444444444444444';
const now = 1_900_000_000;
const plan = (permissions: Hex[], extra: Partial<Parameters<typeof planGrantOpTiming>[0]> = {}) =>
  planGrantOpTiming({ permissions: sortGrantUpdates(permissions), grantValidUntil: 0, calls: [{ to: token }], paymasterPays: false, now, maxWaitSeconds: 120, ...extra });

describe('planGrantOpTiming', () => {
  it('states a time a few seconds back, so the window has opened for the bundler, and bounds it to ±1 h', () => {
    const p = plan(new SessionKeyPermissionsBuilder().setGasSpendLimit({ spendLimit: parseEther('1') }).encode());
    expect(p).toEqual({ waitSeconds: 0, statedTime: now - windowMargins.afterStart, validFrom: now - windowMargins.afterStart - grantStatedTimeTolerance, validUntil: now - windowMargins.afterStart + grantStatedTimeTolerance });
  });

  it('narrows to the period of each refreshing budget the op charges, and waits past a period end', () => {
    // Daily gas budget anchored so that the current period ends 20 s from now: too close, the op waits for the next one.
    const anchor = now + 20 - DAY;
    const permissions = new SessionKeyPermissionsBuilder()
      .setRefreshAnchor({ anchor })
      .setGasSpendLimit({ spendLimit: parseEther('1'), refreshInterval: DAY })
      .encode();
    const p = plan(permissions);
    expect(p.statedTime).toBe(now + 20);
    expect(p.waitSeconds).toBe(20 + windowMargins.afterStart);
    expect(p.validFrom).toBe(now + 20);
    expect(p.validUntil).toBe(now + 20 + grantStatedTimeTolerance);
    // A paymaster pays: the gas budget is not charged, nothing to wait for.
    expect(plan(permissions, { paymasterPays: true }).waitSeconds).toBe(0);
  });

  it('waits for the key\'s time range to open, refuses past the grant\'s deadline or the key\'s end', () => {
    const later = new SessionKeyPermissionsBuilder().setTimeRange({ validFrom: now + 30, validUntil: now + DAY }).encode();
    const p = plan(later);
    expect(p.waitSeconds).toBe(30 + windowMargins.afterStart);
    expect(p.statedTime).toBe(now + 30);
    expect(() => plan(later, { grantValidUntil: now + 10 })).toThrow(GrantExpiredError);
    expect(() => plan([], { grantValidUntil: now - 100 })).toThrow(GrantExpiredError);
    expect(plan([], { grantValidUntil: now }).statedTime).toBe(now - windowMargins.afterStart);
    const ending = new SessionKeyPermissionsBuilder().setTimeRange({ validUntil: now + 10 }).encode();
    expect(() => plan(ending)).toThrow(SessionKeyOutsideTimeRangeError);
    expect(() => plan(new SessionKeyPermissionsBuilder().setTimeRange({ validFrom: now + HOUR }).encode())).toThrow(SessionKeyOutsideTimeRangeError);
  });
});

describe('the session validator with a grant', () => {
  it('signs the registered op in the grant form with the planned stated time, and ordinary ops as before', async () => {
    const signer = new SessionKeySigner({ privateKey: generatePrivateKey() });
    const key = await signer.getAddress();
    const owner = privateKeyToAccount(generatePrivateKey());
    const sender = '0x2222222222222222222222222222222222222222';
    const grant: SessionKeyGrant = {
      sessionKeyModule: '0x1111111111111111111111111111111111111111',
      account: sender,
      sessionKey: key,
      keyType: 0,
      tag: `0x${'00'.repeat(32)}`,
      nonce: 5n,
      validUntil: 0,
      chains: [{ chainId: 31337, generation: 0, permissions: [] }],
      ownerSignature: await owner.sign({ hash: `0x${'11'.repeat(32)}` }),
    };
    const validator = toSessionKeyValidator({ signer, now: () => 1234 });
    const userOperation = {
      sender,
      nonce: 7n,
      callData: '0x',
      callGasLimit: 1n,
      verificationGasLimit: 1n,
      preVerificationGas: 1n,
      maxFeePerGas: 1n,
      maxPriorityFeePerGas: 1n,
      signature: '0x',
    } as const;
    const ordinary = await validator.getStubSignature(userOperation);
    expect(size(ordinary)).toBe(89);
    await withGrantOp(sender, 7n, { grant, chainId: 31337, statedTime: 999 }, async () => {
      const stub = await validator.getStubSignature(userOperation);
      expect(size(stub)).toBeGreaterThan(89);
      expect(hexToNumber(slice(stub, 0, 4))).toBe(999);
      const userOpHash = getUserOperationHash({ chainId: 31337, entryPointAddress: entryPoints['0.8'].address, entryPointVersion: '0.8', userOperation });
      const signature = await validator.signUserOperation({ userOperation, chainId: 31337, entryPoint: entryPoints['0.8'], userOpHash });
      expect(size(signature)).toBe(size(stub));
      expect(await recoverAddress({ hash: getSessionOperationDigest({ userOpHash, statedTime: 999 }), signature: slice(signature, 4, 69) })).toBe(key);
      expect(slice(signature, 69)).toBe(slice(stub, 69)); // the same grant part
      // Another nonce of the same sender is an ordinary op.
      expect(size(await validator.getStubSignature({ ...userOperation, nonce: 8n }))).toBe(89);
    });
    expect(size(await validator.getStubSignature(userOperation))).toBe(89);
  });
});
