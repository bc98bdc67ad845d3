import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Address,
  type PublicClient,
  encodeFunctionData,
  erc20Abi,
  parseEther,
  parseUnits,
  toFunctionSelector,
} from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import {
  CallNotAllowedError,
  DAY,
  Erc20FunctionNotAllowedError,
  Erc20SpendLimitExceededError,
  ForbiddenCallTargetError,
  GasSpendLimitExceededError,
  NativeTokenSpendLimitExceededError,
  RequiredPaymasterMissingError,
  SessionKeyAccessListType,
  SessionKeyModuleError,
  SessionKeyNotAuthorizedError,
  SessionKeyTagError,
  SessionKeyOutsideTimeRangeError,
  SessionKeyPermissionsBuilder,
  SessionKeySigner,
  WEEK,
  createLeashAccountClient,
  decodePermissionUpdates,
  periodOf,
  sessionKeyActions,
} from '@leash/sdk';
import type { LocalStack } from '@leash/sdk/local';
import { expectRefusal, newOwnerClient, newSessionClient, startTestStack } from './helpers.js';

let stack: LocalStack;
let token: Address;
const units = (amount: string) => parseUnits(amount, 6);
const now = () => Math.floor(Date.now() / 1000);
const transfer = (to: Address, amount: bigint) => ({
  to: token,
  data: encodeFunctionData({ abi: erc20Abi, functionName: 'transfer', args: [to, amount] }),
});
const newAddress = () => privateKeyToAccount(generatePrivateKey()).address;
let publicClient: PublicClient;
const balanceOf = (address: Address) =>
  publicClient.readContract({ address: token, abi: erc20Abi, functionName: 'balanceOf', args: [address] });

/** A funded owner client whose account has the module installed (deployed by the install op). */
async function newOwner(options: { install?: boolean } = {}) {
  return { client: await newOwnerClient(stack, options) };
}

/** Adds a session key with `permissions` to the owner's account and returns a client that signs with it. */
async function newSession(owner: Awaited<ReturnType<typeof newOwner>>['client'], permissions: SessionKeyPermissionsBuilder, tag = 'e2e') {
  const signer = new SessionKeySigner();
  const key = await signer.getAddress();
  await owner.addSessionKey({ key, tag, permissions: permissions.encode() });
  return { signer, key, session: await sessionClientFor(owner.account.address, signer) };
}

const sessionClientFor = (account: Address, signer: SessionKeySigner) => newSessionClient(stack, account, signer);

/** Allowlist the token's transfer, with an ERC-20 limit, and generous gas; the common base of these tests. */
function tokenPermissions(limit = units('100'), interval = WEEK) {
  return new SessionKeyPermissionsBuilder()
    .addContractAddressAccessEntry({ contractAddress: token, isOnList: true, checkSelectors: true })
    .addContractFunctionAccessEntry({ contractAddress: token, methodSelector: 'transfer(address,uint256)', isOnList: true })
    .addErc20TokenSpendLimit({ tokenAddress: token, spendLimit: limit, refreshInterval: interval })
    .setGasSpendLimit({ spendLimit: parseEther('0.5'), refreshInterval: DAY });
}


beforeAll(async () => {
  ({ stack, token, publicClient } = await startTestStack());
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

describe('getting started', () => {
  it('installs the module with an initial key, lists it, and executes with it', async () => {
    const { client } = await newOwner({ install: false });
    expect(await client.isSessionKeyModuleInstalled()).toBe(false);

    const signer = new SessionKeySigner();
    const key = await signer.getAddress();
    const { receipt } = await client.installSessionKeyModule({
      keys: [key],
      tags: ['getting-started'],
      permissions: [tokenPermissions().encode()],
    });
    expect(receipt.success).toBe(true);
    expect(await client.isSessionKeyModuleInstalled()).toBe(true);
    expect(await client.getSessionKeys()).toEqual([
      { address: key, tag: expect.stringMatching(/^0x67657474696e672d73746172746564/), tagText: 'getting-started' },
    ]);

    const session = await sessionClientFor(client.account.address, signer);
    const to = newAddress();
    const result = await session.executeWithSessionKey({ calls: [transfer(to, units('12.5'))] });
    expect(result.receipt.success).toBe(true);
    expect(result.lane).toBe(0n);
    expect(await balanceOf(to)).toBe(units('12.5'));
  });
});

describe('reading permissions back', () => {
  it('decodes the on-chain state into the permissions that were granted, with used and remaining budgets', async () => {
    const { client } = await newOwner();
    const validFrom = now() - 60;
    const validUntil = now() + 7 * DAY;
    const granted = tokenPermissions(units('100'), WEEK)
      .setNativeTokenSpendLimit({ spendLimit: parseEther('0.1'), refreshInterval: DAY })
      .setTimeRange({ validFrom, validUntil });
    const beforeAdd = now();
    const { key, session } = await newSession(client, granted, 'reader');
    await session.executeWithSessionKey({ calls: [transfer(newAddress(), units('30'))] });

    const state = await client.getSessionKeyPermissions({ key });
    expect(state.tagText).toBe('reader');
    // Periods start when the key was added (no anchor granted): the anchor is the add block's time.
    const anchor = state.refreshAnchor;
    expect(anchor).toBeGreaterThanOrEqual(beforeAdd - 5);
    expect(anchor).toBeLessThanOrEqual(now());
    expect(state.permissions).toEqual({ ...decodePermissionUpdates(granted.encode()), accessListType: 0, refreshAnchor: anchor, requiredPaymaster: null, callLimit: 'unlimited', callPolicies: [], maxValuePerCall: 'unlimited' });
    const week = periodOf(now(), anchor, WEEK);
    expect(week.start).toBe(anchor);
    expect(state.spending.erc20).toEqual([
      {
        tokenAddress: token,
        status: {
          limit: units('100'),
          used: units('30'),
          remaining: units('70'),
          refreshInterval: WEEK,
          periodStart: week.start,
          nextRefresh: week.end + 1,
        },
      },
    ]);
    const gas = state.spending.gas;
    expect(gas !== 'unlimited' && gas.used > 0n && gas.used + gas.remaining === parseEther('0.5')).toBe(true);
    expect(state.spending.nativeToken).toMatchObject({ limit: parseEther('0.1'), used: 0n, refreshInterval: DAY });
    expect(state.timeRange).toEqual({ validFrom, validUntil });
  });
});

describe('every permission type, and the typed error of each refusal', () => {
  it('ERC-20 limit: refuses the transfer that would pass the limit, with limit, used and attempted', async () => {
    const { client } = await newOwner();
    const { session } = await newSession(client, tokenPermissions(units('50'), WEEK));
    await session.executeWithSessionKey({ calls: [transfer(newAddress(), units('40'))] });
    const error = await expectRefusal(
      session.executeWithSessionKey({ calls: [transfer(newAddress(), units('10.000001'))] }),
      Erc20SpendLimitExceededError,
    );
    expect({ token: error.token, limit: error.limit, used: error.used, attempted: error.attempted, remaining: error.remaining }).toEqual({
      token,
      limit: units('50'),
      used: units('40'),
      attempted: units('10.000001'),
      remaining: units('10'),
    });
    expect(error.rule).toBe('erc20-spend-limit');
    // Exactly the remainder still passes.
    await session.executeWithSessionKey({ calls: [transfer(newAddress(), units('10'))] });
  });

  it('ERC-20 limit: a batch cannot split a transfer to pass it, and approve counts in full', async () => {
    const { client } = await newOwner();
    const permissions = tokenPermissions(units('50'), WEEK).addContractFunctionAccessEntry({
      contractAddress: token,
      methodSelector: 'approve(address,uint256)',
      isOnList: true,
    });
    const { session } = await newSession(client, permissions);
    const error = await expectRefusal(
      session.executeWithSessionKey({ calls: [transfer(newAddress(), units('30')), transfer(newAddress(), units('30'))] }),
      Erc20SpendLimitExceededError,
    );
    // The first transfer of the batch counted 30; the second asks 30 more of the 20 left.
    expect([error.token, error.limit, error.used, error.attempted]).toEqual([token, units('50'), units('30'), units('30')]);
    const approve = { to: token, data: encodeFunctionData({ abi: erc20Abi, functionName: 'approve', args: [newAddress(), units('45')] }) };
    await session.executeWithSessionKey({ calls: [approve] });
    const afterApprove = await expectRefusal(session.executeWithSessionKey({ calls: [transfer(newAddress(), units('6'))] }), Erc20SpendLimitExceededError);
    expect([afterApprove.limit, afterApprove.used, afterApprove.attempted]).toEqual([units('50'), units('45'), units('6')]);
  });

  it('ERC-20 function restriction: transferFrom on a limited token is refused, whatever the list says', async () => {
    const { client } = await newOwner();
    const permissions = new SessionKeyPermissionsBuilder()
      .setContractAccessControlType(SessionKeyAccessListType.ALLOW_ALL)
      .addErc20TokenSpendLimit({ tokenAddress: token, spendLimit: units('50'), refreshInterval: 0 })
      .setGasSpendLimit({ spendLimit: parseEther('0.5'), refreshInterval: 0 });
    const { session } = await newSession(client, permissions);
    const transferFrom = {
      to: token,
      data: encodeFunctionData({ abi: erc20Abi, functionName: 'transferFrom', args: [client.account.address, newAddress(), 1n] }),
    };
    const error = await expectRefusal(session.executeWithSessionKey({ calls: [transferFrom] }), Erc20FunctionNotAllowedError);
    expect([error.token, error.selector]).toEqual([token, toFunctionSelector('transferFrom(address,address,uint256)')]);
  });

  it('native token limit: the sum of the values counts', async () => {
    const { client } = await newOwner();
    const payee = newAddress();
    const permissions = new SessionKeyPermissionsBuilder()
      .addContractAddressAccessEntry({ contractAddress: payee, isOnList: true, checkSelectors: false })
      .setNativeTokenSpendLimit({ spendLimit: parseEther('0.05'), refreshInterval: DAY })
      .setGasSpendLimit({ spendLimit: parseEther('0.5'), refreshInterval: DAY });
    const { session } = await newSession(client, permissions);
    await session.executeWithSessionKey({ calls: [{ to: payee, value: parseEther('0.02') }, { to: payee, value: parseEther('0.02') }] });
    const error = await expectRefusal(session.executeWithSessionKey({ calls: [{ to: payee, value: parseEther('0.011') }] }), NativeTokenSpendLimitExceededError);
    expect([error.limit, error.used, error.attempted]).toEqual([parseEther('0.05'), parseEther('0.04'), parseEther('0.011')]);
    expect(await client.client.getBalance({ address: payee })).toBe(parseEther('0.04'));
  });

  it('gas limit: refuses an op whose maximum cost passes what is left', async () => {
    const { client } = await newOwner();
    const permissions = new SessionKeyPermissionsBuilder()
      .addContractAddressAccessEntry({ contractAddress: token, isOnList: true, checkSelectors: false })
      .setGasSpendLimit({ spendLimit: 1_000_000_000n, refreshInterval: DAY }); // 1 gwei: no op fits
    const { session } = await newSession(client, permissions);
    const error = await expectRefusal(session.executeWithSessionKey({ calls: [transfer(newAddress(), 1n)] }), GasSpendLimitExceededError);
    expect(error.limit).toBe(1_000_000_000n);
    expect(error.used).toBe(0n);
    expect(error.attempted).toBeGreaterThan(1_000_000_000n);
  });

  it('access list: allowlist, selector checks, denylist and allow-all', async () => {
    const { client } = await newOwner();
    const other = stack.contracts.devPaymaster; // any contract that is not on the list
    const { session, key } = await newSession(client, tokenPermissions());
    const notListed = await expectRefusal(session.executeWithSessionKey({ calls: [{ to: other, data: '0x12345678' }] }), CallNotAllowedError);
    expect([notListed.target, notListed.reason]).toEqual([other, 'target-not-on-allowlist']);
    const approve = { to: token, data: encodeFunctionData({ abi: erc20Abi, functionName: 'approve', args: [newAddress(), 1n] }) };
    const selector = await expectRefusal(session.executeWithSessionKey({ calls: [approve] }), CallNotAllowedError);
    expect([selector.target, selector.selector, selector.reason]).toEqual([token, '0x095ea7b3', 'selector-not-on-allowlist']);

    // Denylist: the listed contract is now refused, others allowed.
    await client.updateSessionKeyPermissions({
      key,
      permissions: new SessionKeyPermissionsBuilder()
        .setContractAccessControlType(SessionKeyAccessListType.DENYLIST)
        .addContractAddressAccessEntry({ contractAddress: other, isOnList: true, checkSelectors: false })
        .encode(),
    });
    const denied = await expectRefusal(session.executeWithSessionKey({ calls: [{ to: other, data: '0x12345678' }] }), CallNotAllowedError);
    expect([denied.target, denied.selector, denied.reason]).toEqual([other, undefined, 'target-on-denylist']);
  });

  it('never the account itself or the module, in any mode', async () => {
    const { client } = await newOwner();
    const { session } = await newSession(
      client,
      new SessionKeyPermissionsBuilder()
        .setContractAccessControlType(SessionKeyAccessListType.ALLOW_ALL)
        .removeGasSpendLimit(),
    );
    const self = await expectRefusal(session.executeWithSessionKey({ calls: [{ to: client.account.address, data: '0x' }] }), ForbiddenCallTargetError);
    expect([self.kind, self.target]).toEqual(['account', client.account.address]);
    const module = await expectRefusal(
      session.executeWithSessionKey({ calls: [{ to: stack.contracts.sessionKeyModule, data: '0xf2fde38b' }] }),
      ForbiddenCallTargetError,
    );
    expect([module.kind, module.rule]).toEqual(['module', 'forbidden-target']);
  });

  it('required paymaster: refuses ops it does not pay for; its ops cost the gas budget nothing', async () => {
    const { client } = await newOwner();
    const paymaster = stack.contracts.devPaymaster;
    const permissions = new SessionKeyPermissionsBuilder()
      .addContractAddressAccessEntry({ contractAddress: token, isOnList: true, checkSelectors: false })
      .setRequiredPaymaster({ paymasterAddress: paymaster });
    const { session, key } = await newSession(client, permissions);
    const error = await expectRefusal(session.executeWithSessionKey({ calls: [transfer(newAddress(), 1n)] }), RequiredPaymasterMissingError);
    expect([error.required, error.actual]).toEqual([paymaster, '0x0000000000000000000000000000000000000000']);

    const before = await client.client.getBalance({ address: client.account.address });
    const result = await session.executeWithSessionKey({ calls: [transfer(newAddress(), 1n)], paymaster: { address: paymaster } });
    expect(result.receipt.paymaster).toBe(paymaster);
    expect(await client.client.getBalance({ address: client.account.address })).toBe(before);
    expect((await client.getSessionKeyPermissions({ key })).spending.gas).toMatchObject({ used: 0n });
  });

  it('time range: an expired key and a key not valid yet are refused before anything is sent', async () => {
    const { client } = await newOwner();
    const past = { validFrom: now() - 3600, validUntil: now() - 60 };
    const { session: expired } = await newSession(client, tokenPermissions().setTimeRange(past));
    const e1 = await expectRefusal(expired.executeWithSessionKey({ calls: [transfer(newAddress(), 1n)] }), SessionKeyOutsideTimeRangeError);
    expect([e1.validFrom, e1.validUntil]).toEqual([past.validFrom, past.validUntil]);
    const validFrom = now() + 3600;
    const { session: later } = await newSession(client, tokenPermissions().setTimeRange({ validFrom }));
    const e2 = await expectRefusal(later.executeWithSessionKey({ calls: [transfer(newAddress(), 1n)], maxWaitSeconds: 60 }), SessionKeyOutsideTimeRangeError);
    expect([e2.validFrom, e2.validUntil]).toEqual([validFrom, undefined]);
  });

  it('passes an op with every permission type configured at once', async () => {
    const { client } = await newOwner();
    const payee = newAddress();
    const permissions = tokenPermissions(units('100'), WEEK)
      .addContractAddressAccessEntry({ contractAddress: payee, isOnList: true, checkSelectors: false })
      .setNativeTokenSpendLimit({ spendLimit: parseEther('0.1'), refreshInterval: DAY })
      .setTimeRange({ validFrom: now() - 600, validUntil: now() + DAY })
      .setRefreshAnchor({ anchor: 3 * 3600 });
    const { session } = await newSession(client, permissions);
    const to = newAddress();
    const { receipt } = await session.executeWithSessionKey({ calls: [transfer(to, units('25')), { to: payee, value: parseEther('0.01') }] });
    expect(receipt.success).toBe(true);
    expect(await balanceOf(to)).toBe(units('25'));
    expect(await client.client.getBalance({ address: payee })).toBe(parseEther('0.01'));
  });
});

describe('key lifecycle', () => {
  it('update is partial, rotation keeps the spend, removal and re-adding start fresh', async () => {
    const { client } = await newOwner();
    const { session, key } = await newSession(client, tokenPermissions(units('50'), WEEK));
    await session.executeWithSessionKey({ calls: [transfer(newAddress(), units('40'))] });

    // Partial update: raise the limit only; the access list (with its selector check) stays.
    await client.updateSessionKeyPermissions({
      key,
      permissions: new SessionKeyPermissionsBuilder().addErc20TokenSpendLimit({ tokenAddress: token, spendLimit: units('60'), refreshInterval: WEEK }).encode(),
    });
    const updated = await client.getSessionKeyPermissions({ key });
    expect(updated.spending.erc20[0]!.status).toMatchObject({ limit: units('60'), used: units('40'), remaining: units('20') });
    expect(updated.permissions.contracts).toEqual([
      { contractAddress: token, isOnList: true, checkSelectors: true, functions: [{ selector: '0xa9059cbb', isOnList: true }] },
    ]);

    // Rotation: the new key inherits permissions and spend; the old one stops working.
    const next = new SessionKeySigner();
    const nextKey = await next.getAddress();
    await client.rotateSessionKey({ oldKey: key, newKey: nextKey });
    await expectRefusal(session.executeWithSessionKey({ calls: [transfer(newAddress(), 1n)] }), SessionKeyNotAuthorizedError);
    const rotated = await sessionClientFor(client.account.address, next);
    const overLimit = await expectRefusal(rotated.executeWithSessionKey({ calls: [transfer(newAddress(), units('21'))] }), Erc20SpendLimitExceededError);
    expect([overLimit.limit, overLimit.used, overLimit.attempted]).toEqual([units('60'), units('40'), units('21')]);
    expect((await client.getSessionKeys()).map((k) => k.address)).toEqual([nextKey]);
    expect((await client.getSessionKeyPermissions({ key: nextKey })).tagText).toBe('e2e');
    // The tag finds the rotated key (issue 19, item 5); an unknown tag is a typed error.
    expect((await client.getSessionKeyByTag({ tag: 'e2e' })).address).toBe(nextKey);
    const unknownTag = await client.getSessionKeyByTag({ tag: 'nope' }).catch((error: unknown) => error);
    expect(unknownTag).toBeInstanceOf(SessionKeyTagError);
    expect([(unknownTag as SessionKeyTagError).reason, (unknownTag as SessionKeyTagError).matches]).toEqual(['unknown', []]);

    // Rotating onto an existing key is refused.
    const third = new SessionKeySigner();
    await client.addSessionKey({ key: await third.getAddress(), tag: 'e2e', permissions: tokenPermissions().encode() });
    // Two keys with one tag: ambiguous, both listed.
    const ambiguous = await client.getSessionKeyByTag({ tag: 'e2e' }).catch((error: unknown) => error);
    expect((ambiguous as SessionKeyTagError).reason).toBe('ambiguous');
    expect((ambiguous as SessionKeyTagError).matches.map((k) => k.address).sort()).toEqual([nextKey, await third.getAddress()].sort());
    const taken = await expectRefusal(client.rotateSessionKey({ oldKey: nextKey, newKey: await third.getAddress() }), SessionKeyModuleError);
    expect([taken.errorName, taken.args]).toEqual(['SessionKeyAlreadyExists', [await third.getAddress()]]);

    // Removal, then re-adding the same key: fresh counters.
    await client.removeSessionKey({ key: nextKey });
    await expectRefusal(rotated.executeWithSessionKey({ calls: [transfer(newAddress(), 1n)] }), SessionKeyNotAuthorizedError);
    await client.addSessionKey({ key: nextKey, permissions: tokenPermissions(units('50'), WEEK).encode() });
    const fresh = await client.getSessionKeyPermissions({ key: nextKey });
    expect(fresh.spending.erc20[0]!.status).toMatchObject({ used: 0n, remaining: units('50') });
    await rotated.executeWithSessionKey({ calls: [transfer(newAddress(), units('50'))] });
  });

  it('revoke-all and uninstall stop every key; reinstalling brings none back', async () => {
    const { client } = await newOwner();
    const a = await newSession(client, tokenPermissions());
    const b = await newSession(client, tokenPermissions());
    expect((await client.getSessionKeys()).length).toBe(2);
    await client.revokeAllSessionKeys();
    expect(await client.getSessionKeys()).toEqual([]);
    await expectRefusal(a.session.executeWithSessionKey({ calls: [transfer(newAddress(), 1n)] }), SessionKeyNotAuthorizedError);
    await expectRefusal(b.session.executeWithSessionKey({ calls: [transfer(newAddress(), 1n)] }), SessionKeyNotAuthorizedError);

    const c = await newSession(client, tokenPermissions());
    await client.uninstallSessionKeyModule();
    expect(await client.isSessionKeyModuleInstalled()).toBe(false);
    await client.installSessionKeyModule();
    expect(await client.getSessionKeys()).toEqual([]);
    await expectRefusal(c.session.executeWithSessionKey({ calls: [transfer(newAddress(), 1n)] }), SessionKeyNotAuthorizedError);
  });

  it('management errors are typed: adding an existing key, removing an unknown one', async () => {
    const { client } = await newOwner();
    const { key } = await newSession(client, tokenPermissions());
    const exists = await expectRefusal(client.addSessionKey({ key, permissions: [] }), SessionKeyModuleError);
    expect([exists.errorName, exists.shortMessage]).toEqual(['SessionKeyAlreadyExists', `${key} is already a session key of this account.`]);
    const stranger = newAddress();
    const missing = await expectRefusal(client.removeSessionKey({ key: stranger }), SessionKeyModuleError);
    expect([missing.errorName, missing.args]).toEqual(['SessionKeyNotFound', [stranger]]);
  });
});

describe('dry run and nonce lanes', () => {
  it('checkSessionKeyCalls says whether calls would pass, and which rule refuses them by how much', async () => {
    const { client } = await newOwner();
    const { session, key } = await newSession(client, tokenPermissions(units('10'), WEEK));
    const good = await session.checkSessionKeyCalls({ calls: [transfer(newAddress(), units('4'))] });
    expect(good.ok).toBe(true);
    if (good.ok) {
      const { verificationGasLimit, callGasLimit, preVerificationGas, maxFeePerGas, maxCost } = good.gas;
      expect(maxCost).toBe((verificationGasLimit + callGasLimit + preVerificationGas) * maxFeePerGas);
      expect(maxCost).toBeGreaterThan(0n);
    }
    const bad = await session.checkSessionKeyCalls({ calls: [transfer(newAddress(), units('11'))] });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error).toBeInstanceOf(Erc20SpendLimitExceededError);
    const refusal = !bad.ok ? (bad.error as Erc20SpendLimitExceededError) : undefined;
    expect([refusal?.token, refusal?.limit, refusal?.used, refusal?.attempted]).toEqual([token, units('10'), 0n, units('11')]);
    // Nothing was spent by the dry runs.
    expect((await client.getSessionKeyPermissions({ key })).spending.erc20[0]!.status.used).toBe(0n);

    // The gas limit: the dry run prices the op as it would be sent (gas limits × maxFeePerGas).
    const tight = await newSession(
      client,
      new SessionKeyPermissionsBuilder()
        .addContractAddressAccessEntry({ contractAddress: token, isOnList: true, checkSelectors: false })
        .setGasSpendLimit({ spendLimit: 1_000_000_000n, refreshInterval: DAY }), // 1 gwei: no op fits
    );
    const tooCostly = await tight.session.checkSessionKeyCalls({ calls: [transfer(newAddress(), 1n)] });
    expect(!tooCostly.ok && tooCostly.error).toBeInstanceOf(GasSpendLimitExceededError);
    const gasRefusal = !tooCostly.ok ? (tooCostly.error as GasSpendLimitExceededError) : undefined;
    expect([gasRefusal?.limit, gasRefusal?.used]).toEqual([1_000_000_000n, 0n]);
    expect(gasRefusal?.attempted).toBeGreaterThan(1_000_000_000n);

    const stranger = await sessionClientFor(client.account.address, new SessionKeySigner());
    const unknown = await stranger.checkSessionKeyCalls({ calls: [transfer(newAddress(), 1n)] });
    expect(!unknown.ok && unknown.error).toBeInstanceOf(SessionKeyNotAuthorizedError);
  });

  it('concurrent ops of one key use separate nonce lanes and all land, more than the bundler holds per account', async () => {
    const { client } = await newOwner();
    const { session } = await newSession(client, tokenPermissions(units('100'), WEEK));
    // Six at once: bundlers hold at most four ops of an account (ERC-7562); the other two wait for a free slot.
    const recipients = Array.from({ length: 6 }, newAddress);
    const results = await Promise.all(recipients.map((to) => session.executeWithSessionKey({ calls: [transfer(to, units('1'))] })));
    // Never more than four pending, so never a lane above 3; freed lanes are reused.
    expect(results.every(({ lane }) => lane < 4n)).toBe(true);
    for (const to of recipients) expect(await balanceOf(to)).toBe(units('1'));
  });
});

describe('refreshing limits across a real period boundary', () => {
  it('refuses in the period the budget is spent, waits near the boundary, and passes in the next period', async () => {
    const { client } = await newOwner();
    const interval = 60;
    const { key, session } = await newSession(client, tokenPermissions(units('1'), interval));
    const { refreshAnchor } = await client.getSessionKeyPermissions({ key }); // the add time: periods start there
    const waits: number[] = [];
    await session.executeWithSessionKey({ calls: [transfer(newAddress(), units('1'))], onWait: (s) => waits.push(s) });
    const spent = await expectRefusal(session.executeWithSessionKey({ calls: [transfer(newAddress(), units('1'))] }), Erc20SpendLimitExceededError);
    expect([spent.limit, spent.used, spent.attempted]).toEqual([units('1'), units('1'), units('1')]);
    // Wait for the next period; executeWithSessionKey itself waits when too close to a boundary for the bundler.
    const { end } = periodOf(now(), refreshAnchor, interval);
    await new Promise((r) => setTimeout(r, (end + 1 - now()) * 1000));
    const { receipt } = await session.executeWithSessionKey({ calls: [transfer(newAddress(), units('1'))], onWait: (s) => waits.push(s) });
    expect(receipt.success).toBe(true);
    expect(waits.every((s) => s > 0 && s <= interval)).toBe(true);
  }, 150_000);
});
