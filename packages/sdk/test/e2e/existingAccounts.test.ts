import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Address, type Chain, type Hex, type PublicClient, type Transport, concat, getAddress, createPublicClient, createWalletClient, encodeFunctionData, erc20Abi, http, parseAbi, parseEther, parseUnits, toHex } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { createBundlerClient, entryPoint07Abi } from 'viem/account-abstraction';
import {
  CallNotAllowedError,
  Erc20SpendLimitExceededError,
  ForbiddenCallTargetError,
  SessionKeyNotAuthorizedError,
  UnsupportedExecutionError,
  encodeExecute,
  toSessionKeyError,
  SessionKeyAccessListType,
  SessionKeyPermissionsBuilder,
  SessionKeySigner,
  WEEK,
  AccountOwnerMismatchError,
  sessionKeyActions,
  estimateUserOperationFees,
  toExistingAccountOwner,
  withPrefundGasEstimate,
  type AccountKind,
  detectAccountKind,
  kernelAccountKind,
  msaAccountKind,
  nexusAccountKind,
  safe7579AccountKind,
} from '@leash/sdk';
import { type LocalStack, startLocalStack } from '@leash/sdk/local';
import { type ExistingAccountInfrastructure, type ExistingAccountKind, deployExistingAccount, deployExistingAccountInfrastructure, newExistingAccount } from './accounts/existingAccounts.js';
import { ownerEcdsaValidatorAbi, ownerEcdsaValidatorBytecode } from '../../src/generated/OwnerEcdsaValidator.js';
import { expectRefusal, newOwnerClient, newSessionClient } from './helpers.js';

// The session key flow on each account people already have, end to end through Alto in safe mode: install the module
// with a key, a transfer within the limits, each limit refused with its typed error, rotate, revoke all.

let stack: LocalStack;
let publicClient: PublicClient<Transport, Chain>;
let infra: ExistingAccountInfrastructure;
let token: Address;
const units = (amount: string) => parseUnits(amount, 6);
const newAddress = () => privateKeyToAccount(generatePrivateKey()).address;
const transfer = (to: Address, amount: bigint) => ({ to: token, data: encodeFunctionData({ abi: erc20Abi, functionName: 'transfer', args: [to, amount] }) });
const balanceOf = (address: Address) => publicClient.readContract({ address: token, abi: erc20Abi, functionName: 'balanceOf', args: [address] });

/** A token allowlist (transfer only) with a weekly limit of 100 dUSD; the ops pay their own gas. */
const permissions = () =>
  new SessionKeyPermissionsBuilder()
    .addContractAddressAccessEntry({ contractAddress: token, isOnList: true, checkSelectors: true })
    .addContractFunctionAccessEntry({ contractAddress: token, methodSelector: 'transfer(address,uint256)', isOnList: true })
    .addErc20TokenSpendLimit({ tokenAddress: token, spendLimit: units('100'), refreshInterval: WEEK })
    .removeGasSpendLimit();

beforeAll(async () => {
  // modulekit's Kernel bytecode (compiled for tests) is over EIP-170's 24 KiB.
  stack = await startLocalStack({ disableCodeSizeLimit: true });
  token = stack.contracts.devToken;
  publicClient = createPublicClient({ chain: stack.chain, transport: http(stack.rpcUrl) });
  const deployer = createWalletClient({ account: privateKeyToAccount(stack.keys.deployer), chain: stack.chain, transport: http(stack.rpcUrl) });
  infra = await deployExistingAccountInfrastructure(deployer, publicClient);
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

const installModuleAbi = parseAbi([
  'function installModule(uint256 moduleType, address module, bytes initData)',
  'function isModuleInstalled(uint256 moduleType, address module, bytes additionalContext) view returns (bool)',
]);

const kinds: Record<ExistingAccountKind, AccountKind> = { kernel: kernelAccountKind, nexus: nexusAccountKind, safe7579: safe7579AccountKind, msa: msaAccountKind };

/** A new account of `kind` with its owner's client (permissionless for Kernel and Nexus) and a session client maker. */
async function newAccount(id: ExistingAccountKind | 'leash') {
  if (id === 'leash') {
    const owner = await newOwnerClient(stack, { install: false });
    return { address: owner.account.address, owner, session: (signer: SessionKeySigner) => newSessionClient(stack, owner.account.address, signer) };
  }
  const deployer = createWalletClient({ account: privateKeyToAccount(stack.keys.deployer), chain: stack.chain, transport: http(stack.rpcUrl) });
  return newExistingAccount(id, { publicClient, deployer, bundlerUrl: stack.bundlerUrl, addresses: stack.contracts, infra, fund: (address) => stack.fund(address, { ether: parseEther('1'), devTokens: units('1000') }) });
}

describe.each(['kernel', 'nexus', 'safe7579', 'msa', 'leash'] as const)('%s: the session key flow through Alto in safe mode', (id) => {
  it('installs the module with a key, acts within limits, refuses each limit with its typed error, rotates and revokes all', async () => {
    const { address, owner, session } = await newAccount(id);
    if (id !== 'leash') expect((await detectAccountKind(publicClient, address)).kind).toBe(kinds[id]);
    expect(await owner.isSessionKeyModuleInstalled()).toBe(false);
    const signer = new SessionKeySigner();
    const key = await signer.getAddress();
    await owner.installSessionKeyModule({ keys: [key], tags: [id], permissions: [permissions().encode()] });
    expect(await owner.isSessionKeyModuleInstalled()).toBe(true);
    const sessionClient = await session(signer);

    const bob = newAddress();
    await sessionClient.executeWithSessionKey({ calls: [transfer(bob, units('30'))] });
    expect(await balanceOf(bob)).toBe(units('30'));
    expect((await owner.getSessionKeyPermissions({ key })).spending.erc20[0]!.status).toMatchObject({ used: units('30'), remaining: units('70') });

    const overSpend = await expectRefusal(sessionClient.executeWithSessionKey({ calls: [transfer(bob, units('71'))] }), Erc20SpendLimitExceededError);
    expect(overSpend).toMatchObject({ limit: units('100'), used: units('30') });
    await expectRefusal(sessionClient.executeWithSessionKey({ calls: [{ to: newAddress(), value: 1n, data: '0x' }] }), CallNotAllowedError);
    // The account itself is never a session key's target (its modules and owners live behind it).
    await expectRefusal(sessionClient.executeWithSessionKey({ calls: [{ to: address, value: 0n, data: '0x' }] }), ForbiddenCallTargetError);
    expect(await balanceOf(bob)).toBe(units('30'));

    // Rotate: the new key inherits the permissions and the spending; the old one is refused.
    const rotated = new SessionKeySigner();
    await owner.rotateSessionKey({ oldKey: key, newKey: await rotated.getAddress() });
    await expectRefusal(sessionClient.executeWithSessionKey({ calls: [transfer(bob, 1n)] }), SessionKeyNotAuthorizedError);
    const rotatedClient = await session(rotated);
    await rotatedClient.executeWithSessionKey({ calls: [transfer(bob, units('70'))] });
    expect(await balanceOf(bob)).toBe(units('100'));

    await owner.revokeAllSessionKeys();
    expect(await owner.getSessionKeys()).toEqual([]);
    await expectRefusal(rotatedClient.executeWithSessionKey({ calls: [transfer(bob, 1n)] }), SessionKeyNotAuthorizedError);
  }, 180_000);
});

describe.each(['kernel', 'nexus', 'safe7579', 'msa'] as const)('%s: the owner side from the address and the owner key alone', (id) => {
  it('finds the owner validator, refuses another key, and its client installs the module (the prefund paid from the account\'s ETH)', async () => {
    const deployer = createWalletClient({ account: privateKeyToAccount(stack.keys.deployer), chain: stack.chain, transport: http(stack.rpcUrl) });
    const ownerKey = privateKeyToAccount(generatePrivateKey());
    const address = await deployExistingAccount(id, ownerKey.address, infra, deployer, publicClient);
    const stranger = privateKeyToAccount(generatePrivateKey());
    const refused = await toExistingAccountOwner({ client: publicClient, address, owner: stranger, addresses: stack.contracts }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AccountOwnerMismatchError);
    expect(refused).toMatchObject({ account: address, owner: stranger.address, accountKind: kinds[id], validatorsChecked: [getAddress(infra.ownerValidator)] });

    const { account, kind, ownerValidator } = await toExistingAccountOwner({ client: publicClient, address, owner: ownerKey, addresses: stack.contracts });
    expect(kind).toBe(kinds[id]);
    expect(ownerValidator).toBe(getAddress(infra.ownerValidator));
    expect(account.address).toBe(address);
    // No EntryPoint deposit: the account pays its prefund from its ETH (the flow above funds a deposit instead).
    expect(await publicClient.readContract({ address: kind.entryPoint.address, abi: entryPoint07Abi, functionName: 'balanceOf', args: [address] })).toBe(0n);
    const transport = http(stack.bundlerUrl);
    const owner = createBundlerClient({
      account: withPrefundGasEstimate(account, { client: publicClient, bundlerTransport: transport }),
      client: publicClient,
      transport,
      pollingInterval: 250,
      userOperation: { estimateFeesPerGas: ({ bundlerClient }) => estimateUserOperationFees(bundlerClient, publicClient) },
    }).extend(sessionKeyActions());
    await owner.installSessionKeyModule();
    expect(await owner.isSessionKeyModuleInstalled()).toBe(true);
  }, 60_000);
});

describe('an allow-all key cannot reconfigure the account', () => {
  const allowAllClient = async (id: ExistingAccountKind) => {
    const account = await newAccount(id);
    const signer = new SessionKeySigner();
    const allowAll = new SessionKeyPermissionsBuilder().setContractAccessControlType(SessionKeyAccessListType.ALLOW_ALL).removeGasSpendLimit();
    await account.owner.installSessionKeyModule({ keys: [await signer.getAddress()], permissions: [allowAll.encode()] });
    return { ...account, sessionClient: await account.session(signer) };
  };
  const transferOwnership = (to: Address) => encodeFunctionData({ abi: ownerEcdsaValidatorAbi, functionName: 'transferOwnership', args: [to] });

  // Kernel's ECDSA validator, Nexus's K1 validator, a Safe7579 or MSA owner validator keep the owner per account and
  // trust calls from it: the module asks the account whether a target is one of its validators or executors.
  it.each(['kernel', 'nexus', 'safe7579', 'msa'] as const)('%s: a call to the owner validator is refused', async (id) => {
    const { sessionClient } = await allowAllClient(id);
    const refused = await expectRefusal(sessionClient.executeWithSessionKey({ calls: [{ to: infra.ownerValidator, value: 0n, data: transferOwnership(newAddress()) }] }), ForbiddenCallTargetError);
    expect(refused).toMatchObject({ kind: 'account-module', moduleType: 1 });
  }, 180_000);

  // The Safe7579 adapter is the Safe's fallback handler and a Safe module, not an ERC-7579 module of the account. Like
  // every fallback handler it reads the original sender from the last 20 bytes of calldata when the Safe calls it: a
  // key calling it directly with the Safe's address appended passes as "the Safe itself" and installs its own validator.
  it('safe7579: a call whose data ends with the account address (a spoofed "sent by the account") is refused', async () => {
    const { address, sessionClient } = await allowAllClient('safe7579');
    const evilValidator = await infra.deploy(ownerEcdsaValidatorBytecode);
    const install = encodeFunctionData({ abi: installModuleAbi, functionName: 'installModule', args: [1n, evilValidator, newAddress()] });
    const refused = await expectRefusal(sessionClient.executeWithSessionKey({ calls: [{ to: infra.safe7579, value: 0n, data: concat([install, address]) }] }), ForbiddenCallTargetError);
    expect(refused).toMatchObject({ kind: 'account-sender', target: infra.safe7579 });
    expect(await publicClient.readContract({ address, abi: installModuleAbi, functionName: 'isModuleInstalled', args: [1n, evilValidator, '0x'] })).toBe(false);
  }, 180_000);
});

describe('one reading of the calls on each account (the module reads the same calls as the account decoder)', () => {
  // The module accepts only the canonical encoding of execute(mode, executionCalldata). Canonical batches and singles
  // run exactly the calls the module checked in each account's own decoder; non-canonical ones never reach it.
  it.each(['kernel', 'nexus', 'safe7579', 'msa', 'leash'] as const)('%s: canonical calls run as read; non-canonical encodings are refused', async (id) => {
    const { owner, session } = await newAccount(id);
    const signer = new SessionKeySigner();
    const allowAll = new SessionKeyPermissionsBuilder().setContractAccessControlType(SessionKeyAccessListType.ALLOW_ALL).removeGasSpendLimit();
    await owner.installSessionKeyModule({ keys: [await signer.getAddress()], permissions: [allowAll.encode()] });
    const sessionClient = await session(signer);
    const [alice, bob, carol] = [newAddress(), newAddress(), newAddress()];
    await sessionClient.executeWithSessionKey({ calls: [transfer(alice, 1n), transfer(bob, 22n), transfer(carol, 333n)] });
    await sessionClient.executeWithSessionKey({ calls: [transfer(alice, 4000n)] });
    expect([await balanceOf(alice), await balanceOf(bob), await balanceOf(carol)]).toEqual([4001n, 22n, 333n]);

    const batch = encodeExecute([transfer(alice, 1n), transfer(bob, 1n)]);
    const single = encodeExecute([transfer(alice, 1n)]);
    const word = (n: bigint) => toHex(n, { size: 32 }).slice(2);
    const withMode = (mode: string): Hex => `0x${single.slice(2, 10)}${mode.padEnd(64, '0')}${single.slice(10 + 64)}`;
    const adversarial: Record<string, Hex> = {
      'trailing bytes': `${batch}${word(0n)}`,
      'argument offset 0x60 with a gap': `0x${batch.slice(2, 10 + 64)}${word(0x60n)}${word(0n)}${batch.slice(10 + 128)}`,
      'try exec type': withMode('0001'),
      'a mode selector set': withMode('0000000000000000000001'),
      'delegatecall': withMode('ff'),
    };
    for (const [what, callData] of Object.entries(adversarial)) {
      const sent = sessionClient.sendUserOperation({ callData } as never).then(
        () => undefined,
        (error: unknown) => toSessionKeyError(error),
      );
      const error = await sent;
      expect(error, what).toBeDefined();
      // Safe7579 swallows the validator's revert data; the others pass the module's typed refusal on.
      if (id !== 'safe7579') expect(error, what).toBeInstanceOf(UnsupportedExecutionError);
    }
    expect([await balanceOf(alice), await balanceOf(bob)]).toEqual([4001n, 22n]);
  }, 180_000);
});
