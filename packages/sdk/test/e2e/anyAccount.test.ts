import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Address,
  type Chain,
  type PublicClient,
  type Transport,
  createPublicClient,
  createWalletClient,
  encodeAbiParameters,
  encodeFunctionData,
  erc20Abi,
  http,
  parseEther,
  parseUnits,
} from 'viem';
import { createBundlerClient, entryPoint08Abi } from 'viem/account-abstraction';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import {
  CallLimitExceededError,
  DAY,
  SessionKeyNotAuthorizedError,
  SessionKeyPermissionsBuilder,
  SessionKeySigner,
  WEEK,
  createLeashAccountClient,
  entryPointAddress,
  estimateUserOperationFees,
  kernelNonceLayout,
  nowInSeconds,
  planSessionOpTiming,
  sessionKeyActions,
  toErc7579SmartAccount,
} from '@leash/sdk';
import { erc7579TestAccountAbi, erc7579TestAccountBytecode } from '../../src/generated/Erc7579TestAccount.js';
import { ownerEcdsaValidatorAbi, ownerEcdsaValidatorBytecode } from '../../src/generated/OwnerEcdsaValidator.js';
import { type LocalStack, startLocalStack } from '@leash/sdk/local';
import { expectRefusal, startLogRefusingRpc } from './helpers.js';

let stack: LocalStack;
let rpc: Awaited<ReturnType<typeof startLogRefusingRpc>>;
let publicClient: PublicClient<Transport, Chain>;
let token: Address;
const units = (amount: string) => parseUnits(amount, 6);
const newAddress = () => privateKeyToAccount(generatePrivateKey()).address;
const transfer = (to: Address, amount: bigint) => ({ to: token, data: encodeFunctionData({ abi: erc20Abi, functionName: 'transfer', args: [to, amount] }) });
const balanceOf = (address: Address) => publicClient.readContract({ address: token, abi: erc20Abi, functionName: 'balanceOf', args: [address] });
const ethCalls = () => rpc.methods.filter((m) => m === 'eth_call').length;

/** A token allowlist with a weekly dUSD limit, a daily call count, and no gas limit (a paymaster-free test account). */
const permissions = (calls: number) =>
  new SessionKeyPermissionsBuilder()
    .addContractAddressAccessEntry({ contractAddress: token, isOnList: true, checkSelectors: true })
    .addContractFunctionAccessEntry({ contractAddress: token, methodSelector: 'transfer(address,uint256)', isOnList: true })
    .addErc20TokenSpendLimit({ tokenAddress: token, spendLimit: units('100'), refreshInterval: WEEK })
    .removeGasSpendLimit()
    .setCallLimit({ callLimit: calls, refreshInterval: DAY });


beforeAll(async () => {
  stack = await startLocalStack();
  token = stack.contracts.devToken;
  // Every read of these tests goes through an RPC that refuses eth_getLogs; the bundler talks to anvil itself.
  rpc = await startLogRefusingRpc(stack.rpcUrl);
  publicClient = createPublicClient({ chain: stack.chain, transport: http(rpc.url) });
}, 60_000);

afterAll(async () => {
  await rpc?.close();
  await stack?.stop();
});

describe('reads through the session key lens, on an RPC that refuses eth_getLogs', () => {
  it('lists keys, reads a key, plans and dry-runs ops with one eth_call each; an over-count batch is refused with the count', async () => {
    const owner = (
      await createLeashAccountClient({ chain: stack.chain, transport: http(rpc.url), bundlerTransport: http(stack.bundlerUrl), owner: privateKeyToAccount(generatePrivateKey()), addresses: stack.contracts })
    ).extend(sessionKeyActions());
    await stack.fund(owner.account.address, { ether: parseEther('2'), devTokens: units('1000') });
    const signer = new SessionKeySigner();
    const key = await signer.getAddress();
    await owner.installSessionKeyModule({ keys: [key], tags: ['counted'], permissions: [permissions(3).encode()] });
    const session = (
      await createLeashAccountClient({ chain: stack.chain, transport: http(rpc.url), bundlerTransport: http(stack.bundlerUrl), signer, accountAddress: owner.account.address, addresses: stack.contracts })
    ).extend(sessionKeyActions());
    const bob = newAddress();
    await session.executeWithSessionKey({ calls: [transfer(bob, units('1'))] });
    expect(await balanceOf(bob)).toBe(units('1'));

    let before = ethCalls();
    expect(await owner.getSessionKeys()).toEqual([expect.objectContaining({ address: key, tagText: 'counted' })]);
    expect(ethCalls() - before).toBe(1);

    before = ethCalls();
    const state = await owner.getSessionKeyPermissions({ key });
    expect(ethCalls() - before).toBe(1);
    expect(state.permissions.callLimit).toEqual({ callLimit: 3, refreshInterval: DAY });
    expect(state.spending.calls).toMatchObject({ limit: 3n, used: 1n, remaining: 2n, refreshInterval: DAY });
    expect(state.spending.erc20[0]!.status).toMatchObject({ limit: units('100'), used: units('1'), remaining: units('99') });
    // Days from the key's add time (its refresh anchor).
    expect(state.spending.calls !== 'unlimited' && (state.spending.calls.nextRefresh! - state.refreshAnchor) % DAY).toBe(0);

    before = ethCalls();
    expect((await owner.getSessionKeyStates()).map((s) => s.sessionKey)).toEqual([key]);
    expect(ethCalls() - before).toBe(1);

    before = ethCalls();
    const plan = await planSessionOpTiming(session, { sessionKey: key, calls: [transfer(bob, 1n)], paymasterPays: false, now: nowInSeconds(), maxWaitSeconds: 120 });
    expect(ethCalls() - before).toBe(1);
    // The call count refreshes daily from the add time: the op's window ends with that day.
    expect((plan.validUntil! - state.refreshAnchor) % DAY).toBe(DAY - 1);

    const overCount = await session.checkSessionKeyCalls({ calls: [transfer(bob, 1n), transfer(bob, 1n), transfer(bob, 1n)] });
    if (overCount.ok) throw new Error('the dry run should refuse three calls');
    expect(overCount.error).toBeInstanceOf(CallLimitExceededError);
    expect(overCount.error).toMatchObject({ limit: 3n, used: 1n, attempted: 3n, remaining: 2n });
    expect((await session.checkSessionKeyCalls({ calls: [transfer(bob, 1n), transfer(bob, 1n)] })).ok).toBe(true);

    // The module refuses the batch in validation (Alto in safe mode): every call of a batch counts.
    const refused = await expectRefusal(session.executeWithSessionKey({ calls: [transfer(bob, 1n), transfer(bob, 1n), transfer(bob, 1n)] }), CallLimitExceededError);
    expect([refused.limit, refused.used, refused.attempted, refused.remaining]).toEqual([3n, 1n, 3n, 2n]);
    await session.executeWithSessionKey({ calls: [transfer(bob, 1n), transfer(bob, 1n)] });
    expect((await owner.getSessionKeyPermissions({ key })).spending.calls).toMatchObject({ used: 3n, remaining: 0n });
    await expectRefusal(session.executeWithSessionKey({ calls: [transfer(bob, 1n)] }), CallLimitExceededError);

    expect(rpc.methods).not.toContain('eth_getLogs');
  }, 180_000);
});

describe('another ERC-7579 account through the capability seam: owner in a validator module, Kernel-style nonce key', () => {
  it('installs the module, adds a key, executes, reads, counts calls and removes the key', async () => {
    const deployer = createWalletClient({ account: privateKeyToAccount(stack.keys.deployer), chain: stack.chain, transport: http(stack.rpcUrl) });
    const deploy = async (hash: Promise<`0x${string}`>) => (await publicClient.waitForTransactionReceipt({ hash: await hash })).contractAddress!;
    const ownerKey = privateKeyToAccount(generatePrivateKey());
    const ownerValidator = await deploy(deployer.deployContract({ abi: ownerEcdsaValidatorAbi, bytecode: ownerEcdsaValidatorBytecode }));
    const account = await deploy(
      deployer.deployContract({
        abi: erc7579TestAccountAbi,
        bytecode: erc7579TestAccountBytecode,
        args: [ownerValidator, encodeAbiParameters([{ type: 'address' }], [ownerKey.address])],
      }),
    );
    await stack.fund(account, { ether: parseEther('1'), devTokens: units('1000') });
    // The account pays for its ops from an EntryPoint deposit.
    await publicClient.waitForTransactionReceipt({
      hash: await deployer.writeContract({ address: entryPointAddress, abi: entryPoint08Abi, functionName: 'depositTo', args: [account], value: parseEther('1') }),
    });

    const clientOf = async (who: { owner: { validator: Address; signer: typeof ownerKey } } | { signer: SessionKeySigner }) =>
      createBundlerClient({
        account: await toErc7579SmartAccount({ client: publicClient, address: account, nonceLayout: kernelNonceLayout, addresses: stack.contracts, accountType: 'test ERC-7579', ...who }),
        client: publicClient,
        transport: http(stack.bundlerUrl),
        pollingInterval: 250,
        userOperation: { estimateFeesPerGas: ({ bundlerClient }) => estimateUserOperationFees(bundlerClient, publicClient) },
      }).extend(sessionKeyActions());
    const owner = await clientOf({ owner: { validator: ownerValidator, signer: ownerKey } });
    expect(await owner.isSessionKeyModuleInstalled()).toBe(false);
    const signer = new SessionKeySigner();
    const key = await signer.getAddress();
    // An owner op routed by the Kernel-style nonce key to the owner's validator module.
    await owner.installSessionKeyModule({ keys: [key], tags: ['other-account'], permissions: [permissions(2).encode()] });
    expect(await owner.isSessionKeyModuleInstalled()).toBe(true);

    const session = await clientOf({ signer });
    const carol = newAddress();
    const { lane } = await session.executeWithSessionKey({ calls: [transfer(carol, units('5'))] });
    expect(await balanceOf(carol)).toBe(units('5'));
    // The session op used the session key module's nonce key in this account's layout.
    const nonceKey = kernelNonceLayout.getNonceKey({ validator: stack.contracts.sessionKeyModule, lane });
    // The EntryPoint's nonce is the key and a sequence: one op sent on it.
    expect(await publicClient.readContract({ address: entryPointAddress, abi: entryPoint08Abi, functionName: 'getNonce', args: [account, nonceKey] })).toBe((nonceKey << 64n) | 1n);

    const state = await owner.getSessionKeyPermissions({ key });
    expect(state.tagText).toBe('other-account');
    expect(state.spending.calls).toMatchObject({ limit: 2n, used: 1n, remaining: 1n });
    expect(state.spending.erc20[0]!.status).toMatchObject({ used: units('5'), remaining: units('95') });

    const refused = await expectRefusal(session.executeWithSessionKey({ calls: [transfer(carol, 1n), transfer(carol, 1n)] }), CallLimitExceededError);
    expect([refused.limit, refused.used, refused.attempted]).toEqual([2n, 1n, 2n]);

    await owner.removeSessionKey({ key });
    expect(await owner.getSessionKeys()).toEqual([]);
    await expectRefusal(session.executeWithSessionKey({ calls: [transfer(carol, 1n)] }), SessionKeyNotAuthorizedError);

    // A key granted by the owner's signature: this account's ERC-1271 takes validator ‖ signature, which the
    // capability produces; the key's first op enables it.
    const grantedSigner = new SessionKeySigner();
    const grant = await owner.signSessionKeyGrant({ sessionKey: await grantedSigner.getAddress(), tag: 'granted', permissions: permissions(5).encode(), chains: [{ chainId: stack.chainId }] });
    expect(grant.ownerSignature.slice(0, 42)).toBe(ownerValidator.toLowerCase());
    const granted = await clientOf({ signer: grantedSigner });
    expect((await granted.executeWithSessionKey({ grant, calls: [transfer(carol, units('1'))] })).enabledByGrant).toBe(true);
    expect((await owner.getSessionKeyPermissions({ key: grant.sessionKey })).tagText).toBe('granted');
    expect(rpc.methods).not.toContain('eth_getLogs');
  }, 180_000);
});
