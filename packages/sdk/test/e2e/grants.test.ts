import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Address, encodeFunctionData, erc20Abi, parseEther, parseUnits } from 'viem';
import {
  DAY,
  GrantAlreadyUsedError,
  GrantCancelledError,
  GrantExpiredError,
  GrantForAnotherAccountError,
  GrantForAnotherChainError,
  GrantRevokedError,
  InvalidGrantSignatureError,
  InvalidSessionKeyGrantError,
  type SessionKeyGrant,
  SessionKeyPermissionsBuilder,
  SessionKeySigner,
  WEEK,
  nowInSeconds,
  parseSessionKeyGrant,
  serializeSessionKeyGrant,
  toSessionKeyError,
} from '@leash/sdk';
import { type LocalStack, startLocalStack } from '@leash/sdk/local';
import { withGrantOp } from '../../src/session/grantOps.js';
import { expectRefusal, newOwnerClient, newSessionClient } from './helpers.js';

let stack: LocalStack;
let token: Address;
const units = (amount: string) => parseUnits(amount, 6);
const bob: Address = '0x0000000000000000000000000000000000000B0b';
const transfer = (amount: bigint) => ({ to: token, data: encodeFunctionData({ abi: erc20Abi, functionName: 'transfer', args: [bob, amount] }) });

/** The full permission set: allowlist with the token's transfer, a weekly ERC-20 limit, a time range, a daily gas limit. */
const fullSet = () =>
  new SessionKeyPermissionsBuilder()
    .addContractAddressAccessEntry({ contractAddress: token, isOnList: true, checkSelectors: true })
    .addContractFunctionAccessEntry({ contractAddress: token, methodSelector: 'transfer(address,uint256)', isOnList: true })
    .addErc20TokenSpendLimit({ tokenAddress: token, spendLimit: units('100'), refreshInterval: WEEK })
    .setTimeRange({ validUntil: nowInSeconds() + DAY })
    .setGasSpendLimit({ spendLimit: parseEther('0.5'), refreshInterval: DAY });

type Owner = Awaited<ReturnType<typeof newOwnerClient>>;

/** An owner, a new key, the owner's grant of it on this chain, and the key's client. */
async function granted(options: { owner?: Owner; validUntil?: number; chainId?: number } = {}) {
  const owner = options.owner ?? (await newOwnerClient(stack));
  const signer = new SessionKeySigner();
  const sessionKey = await signer.getAddress();
  const grant = await owner.signSessionKeyGrant({
    sessionKey,
    tag: 'granted',
    permissions: fullSet().encode(),
    chains: [{ chainId: options.chainId ?? stack.chainId }],
    validUntil: options.validUntil,
  });
  return { owner, signer, sessionKey, grant, session: await newSessionClient(stack, owner.account.address, signer) };
}

/** Sends an op that carries `grant`'s part for `chainId` stated at `statedTime`, past the SDK's own checks. */
async function sendCarrying(session: Awaited<ReturnType<typeof newSessionClient>>, grant: SessionKeyGrant, parameters: { chainId: number; statedTime: number }) {
  const nonce = await session.account.getNonce({ key: 9n });
  return withGrantOp(session.account.address, nonce, { grant, ...parameters }, () =>
    session.sendUserOperation({ calls: [transfer(units('1'))], nonce }).then(
      (hash) => session.waitForUserOperationReceipt({ hash }),
      (error: unknown) => {
        throw toSessionKeyError(error);
      },
    ),
  );
}

beforeAll(async () => {
  stack = await startLocalStack();
  token = stack.contracts.devToken;
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

describe('a key enabled by a grant, through Alto in safe mode', () => {
  it('the first op enables the key and charges its budgets; later ops are ordinary; the key reads back like any other', async () => {
    const { owner, sessionKey, grant, session } = await granted();
    // What the app receives: JSON.
    const received = parseSessionKeyGrant(serializeSessionKeyGrant(grant));
    expect(await owner.getSessionKeyGrantStatus({ grant })).toMatchObject({ status: 'usable', generation: 0 });

    const first = await session.executeWithSessionKey({ grant: received, calls: [transfer(units('10'))] });
    expect(first.enabledByGrant).toBe(true);
    expect(first.receipt.success).toBe(true);
    const second = await session.executeWithSessionKey({ grant: received, calls: [transfer(units('5'))] });
    expect(second.enabledByGrant).toBe(false);

    const state = await owner.getSessionKeyPermissions({ key: sessionKey });
    expect(state.tagText).toBe('granted');
    expect(state.spending.erc20[0]!.status).toMatchObject({ limit: units('100'), used: units('15') });
    expect((await owner.getSessionKeys()).map((k) => k.address)).toContain(sessionKey);
    expect(await owner.getSessionKeyGrantStatus({ grant })).toMatchObject({ status: 'used' });
  });

  it('a grant is used once: replaying it after the key was removed does not bring the key back', async () => {
    const { owner, sessionKey, grant, session } = await granted();
    await session.executeWithSessionKey({ grant, calls: [transfer(units('1'))] });
    await owner.removeSessionKey({ key: sessionKey });
    const error = await expectRefusal(session.executeWithSessionKey({ grant, calls: [transfer(units('1'))] }), GrantAlreadyUsedError);
    expect(error.nonce).toBe(grant.nonce);
  });

  it('the owner cancels an unused grant; cancelling again is refused', async () => {
    const { owner, grant, session } = await granted();
    await owner.cancelSessionKeyGrant({ grant });
    expect(await owner.getSessionKeyGrantStatus({ grant })).toMatchObject({ status: 'cancelled' });
    await expectRefusal(session.executeWithSessionKey({ grant, calls: [transfer(units('1'))] }), GrantCancelledError);
    await expectRefusal(owner.cancelSessionKeyGrant({ nonce: grant.nonce }), GrantCancelledError);
  });

  it('revoke-all kills every unused grant', async () => {
    const { owner, grant, session } = await granted();
    await owner.revokeAllSessionKeys();
    expect(await owner.getSessionKeyGrantStatus({ grant })).toMatchObject({ status: 'revoked', generation: 1, grantGeneration: 0 });
    const error = await expectRefusal(session.executeWithSessionKey({ grant, calls: [transfer(units('1'))] }), GrantRevokedError);
    expect([error.grantGeneration, error.generation]).toEqual([0n, 1n]);
    // A grant signed after it names the new generation and works.
    const again = await granted({ owner });
    expect(again.grant.chains[0]!.generation).toBe(1);
    expect((await again.session.executeWithSessionKey({ grant: again.grant, calls: [transfer(units('1'))] })).enabledByGrant).toBe(true);
  });

  it('an expired grant is refused: by the SDK before sending, and by the module when stated after its deadline', async () => {
    const { grant, session } = await granted({ validUntil: nowInSeconds() - 60 });
    await expectRefusal(session.executeWithSessionKey({ grant, calls: [transfer(units('1'))] }), GrantExpiredError);
    const onChain = await expectRefusal(sendCarrying(session, grant, { chainId: stack.chainId, statedTime: nowInSeconds() - 6 }), GrantExpiredError);
    expect(onChain.validUntil).toBe(BigInt(grant.validUntil));
  });

  it("another chain's part is refused, and so is a grant for another account", async () => {
    const other = await granted({ chainId: stack.chainId + 1 });
    await expectRefusal(other.session.executeWithSessionKey({ grant: other.grant, calls: [transfer(units('1'))] }), GrantForAnotherChainError);
    const onChain = await expectRefusal(sendCarrying(other.session, other.grant, { chainId: stack.chainId + 1, statedTime: nowInSeconds() - 6 }), GrantForAnotherChainError);
    expect(onChain.chainId).toBe(BigInt(stack.chainId + 1));

    const forA = await granted();
    const accountB = await newOwnerClient(stack);
    const sessionOnB = await newSessionClient(stack, accountB.account.address, forA.signer);
    await expectRefusal(sessionOnB.executeWithSessionKey({ grant: forA.grant, calls: [transfer(units('1'))] }), InvalidSessionKeyGrantError);
    const refused = await expectRefusal(sendCarrying(sessionOnB, forA.grant, { chainId: stack.chainId, statedTime: nowInSeconds() - 6 }), GrantForAnotherAccountError);
    expect(refused.account).toBe(forA.owner.account.address);
  });

  it('a grant whose permissions, key or nonce changed after signing is refused as InvalidGrantSignature', async () => {
    const { grant, session, signer } = await granted();
    // The last update is the gas limit (grant order): raise it from 0.5 to 5 ETH a day.
    const raisedGas = new SessionKeyPermissionsBuilder().setGasSpendLimit({ spendLimit: parseEther('5'), refreshInterval: DAY }).encode()[0]!;
    const part = grant.chains[0]!;
    const tampered = { ...grant, chains: [{ ...part, permissions: [...part.permissions.slice(0, -1), raisedGas] }] };
    await expectRefusal(session.executeWithSessionKey({ grant: tampered, calls: [transfer(units('1'))] }), InvalidGrantSignatureError);
    await expectRefusal(session.executeWithSessionKey({ grant: { ...grant, nonce: grant.nonce ^ 1n }, calls: [transfer(units('1'))] }), InvalidGrantSignatureError);
    // The untouched grant still works afterwards: refusals used nothing.
    expect((await session.executeWithSessionKey({ grant, calls: [transfer(units('1'))] })).enabledByGrant).toBe(true);
    expect(await signer.getAddress()).toBe(grant.sessionKey);
  });
});
