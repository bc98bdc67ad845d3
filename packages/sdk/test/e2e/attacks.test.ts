import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Address,
  type Hex,
  concat,
  createPublicClient,
  createWalletClient,
  encodeFunctionData,
  erc20Abi,
  http,
  numberToHex,
  pad,
  parseEther,
  parseUnits,
  size,
  slice,
} from 'viem';
import { entryPoint08Address, formatUserOperationRequest } from 'viem/account-abstraction';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import {
  ForbiddenCallTargetError,
  SessionKeyAccessListType,
  SessionKeyNotAuthorizedError,
  SessionKeyPermissionsBuilder,
  SessionKeySigner,
  UnsupportedExecutionError,
  deployDeterministic,
  encodeExecute,
  getDeterministicAddress,
  leashAccountAbi,
  toSessionKeyError,
} from '@leash/sdk';
import { type LocalStack, startLocalStack } from '@leash/sdk/local';
import { timestampValidatorAbi, timestampValidatorBytecode } from '../../src/generated/TimestampValidator.js';
import { newOwnerClient, newSessionClient } from './helpers.js';

// Issue 13 through the real bundler (Alto in safe mode): what a key with allow-all or denylist access tried in order to
// take over its account is refused with a typed error, nothing moves, and such keys still work within ERC-7562.

let stack: LocalStack;
let token: Address;
const units = (amount: string) => parseUnits(amount, 6);
const newAddress = () => privateKeyToAccount(generatePrivateKey()).address;

beforeAll(async () => {
  stack = await startLocalStack();
  token = stack.contracts.devToken;
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

async function ownerWithKey(listType: SessionKeyAccessListType) {
  const owner = await newOwnerClient(stack, { ether: '5' });
  const signer = new SessionKeySigner();
  const builder = new SessionKeyPermissionsBuilder()
    .setContractAccessControlType(listType)
    .setNativeTokenSpendLimit({ spendLimit: parseEther('1'), refreshInterval: 0 })
    .addErc20TokenSpendLimit({ tokenAddress: token, spendLimit: units('100'), refreshInterval: 0 })
    .removeGasSpendLimit();
  if (listType === SessionKeyAccessListType.DENYLIST)
    builder.addContractAddressAccessEntry({ contractAddress: newAddress(), isOnList: true, checkSelectors: false });
  await owner.addSessionKey({ key: await signer.getAddress(), tag: 'attack', permissions: builder.encode() });
  return { owner, session: await newSessionClient(stack, owner.account.address, signer) };
}

const publicClient = () => createPublicClient({ chain: stack.chain, transport: http(stack.rpcUrl) });
const balances = async (account: Address, attacker: Address) => {
  const client = publicClient();
  const tokenOf = (who: Address) => client.readContract({ address: token, abi: erc20Abi, functionName: 'balanceOf', args: [who] });
  return [await client.getBalance({ address: account }), await client.getBalance({ address: attacker }), await tokenOf(account), await tokenOf(attacker)];
};

/**
 * The takeover encoding (contracts/test/utils/AdversarialEncodings.sol): a batch whose one element pointer is a huge
 * ("negative") word placing the element 27 bytes before callData, where the account reads a call to address(0) (itself)
 * with `payload` as data, found at callData position 0x4000 - 27.
 */
function negativeElementPointerBatch(payload: Hex): Hex {
  const word = (value: bigint) => pad(numberToHex(value), { size: 32 });
  const element = 2n ** 256n - 27n;
  const pointer = element - 164n;
  const dataAt = 0x4000 - 27;
  const executionLength = dataAt + 32 + size(payload) - 100;
  const head = concat([
    '0xe9ae5c53',
    word(1n << 248n), // batch mode
    word(0x40n),
    word(BigInt(executionLength)),
    word(0x20n),
    word(1n),
    word(pointer),
  ]);
  const filler = pad('0x', { size: dataAt - size(head) });
  return concat([head, filler, word(BigInt(size(payload))), payload]);
}

describe('a key with allow-all or denylist access cannot take over its account', () => {
  for (const [name, listType] of [
    ['allow-all', SessionKeyAccessListType.ALLOW_ALL],
    ['denylist', SessionKeyAccessListType.DENYLIST],
  ] as const) {
    it(`${name}: still works through the bundler in safe mode, and the takeover encoding is refused, nothing moved`, async () => {
      const { owner, session } = await ownerWithKey(listType);
      const account = owner.account.address;
      const attacker = newAddress();
      // An ordinary op of the key: within ERC-7562 (the module asks the account which modules it has installed).
      await session.executeWithSessionKey({
        calls: [{ to: token, data: encodeFunctionData({ abi: erc20Abi, functionName: 'transfer', args: [newAddress(), units('1')] }) }],
      });
      const before = await balances(account, attacker);
      // The account would call itself with this: execute(single, attacker, 4 ether) and a 500-token transfer.
      const selfCall = encodeExecute([
        { to: attacker, value: parseEther('4') },
        { to: token, data: encodeFunctionData({ abi: erc20Abi, functionName: 'transfer', args: [attacker, units('5000')] }) },
      ]);
      const error = await session
        .sendUserOperation({ callData: negativeElementPointerBatch(selfCall) })
        .then(() => undefined, (e: unknown) => toSessionKeyError(e));
      expect(error).toBeInstanceOf(UnsupportedExecutionError);
      expect((error as UnsupportedExecutionError).shortMessage).toContain('canonical ABI encoding');
      expect(await balances(account, attacker)).toEqual(before);
    });
  }

  it('allow-all: a validator installed on the account cannot be reconfigured by the key', async () => {
    const { owner, session } = await ownerWithKey(SessionKeyAccessListType.ALLOW_ALL);
    const deployer = createWalletClient({ chain: stack.chain, transport: http(stack.rpcUrl), account: privateKeyToAccount(stack.keys.deployer) });
    const validator = getDeterministicAddress(timestampValidatorBytecode);
    await deployDeterministic(deployer, { name: 'TimestampValidator', initCode: timestampValidatorBytecode, address: validator });
    await owner.sendUserOperation({
      calls: [{ to: owner.account.address, data: encodeFunctionData({ abi: leashAccountAbi, functionName: 'installModule', args: [1n, validator, '0x'] }) }],
    }).then((hash) => owner.waitForUserOperationReceipt({ hash }));
    const error = await session
      .executeWithSessionKey({ calls: [{ to: validator, data: encodeFunctionData({ abi: timestampValidatorAbi, functionName: 'onUninstall', args: ['0x'] }) }] })
      .then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(ForbiddenCallTargetError);
    expect([(error as ForbiddenCallTargetError).kind, (error as ForbiddenCallTargetError).target, (error as ForbiddenCallTargetError).moduleType]).toEqual([
      'account-module',
      validator,
      1,
    ]);
  });
});

describe('the stated time is signed', () => {
  it('an op whose stated time a relayer rewrote is refused as a signature failure; the op as signed lands', async () => {
    const { session } = await ownerWithKey(SessionKeyAccessListType.ALLOW_ALL);
    const op = await session.prepareUserOperation({ calls: [{ to: newAddress(), value: 1n }] });
    const signature = await session.account.signUserOperation(op);
    const statedTime = Number(BigInt(slice(signature, 0, 4)));
    const rewritten = concat([numberToHex(statedTime + 86_400, { size: 4 }), slice(signature, 4)]);
    const send = (sig: Hex) =>
      session.request({
        method: 'eth_sendUserOperation',
        params: [formatUserOperationRequest({ ...op, signature: sig }), entryPoint08Address],
      } as never) as Promise<Hex>;
    const error = await send(rewritten).then(() => undefined, (e: unknown) => toSessionKeyError(e));
    expect(error).toBeInstanceOf(SessionKeyNotAuthorizedError);
    const hash = await send(signature);
    expect((await session.waitForUserOperationReceipt({ hash })).success).toBe(true);
  });
});
