import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Address,
  type PublicClient,
  createPublicClient,
  encodeFunctionData,
  http,
  parseEther,
  parseUnits,
} from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { entryPoint08Abi } from 'viem/account-abstraction';
import {
  type LeashAccountClient,
  createLeashAccountClient,
  devTokenAbi,
  getLeashAccountAddress,
  leashAccountAbi,
  leashAccountFactoryAbi,
  moduleTypeValidator,
  toOwnerValidator,
} from '@leash/sdk';
import { type LocalStack, isProcessAlive, startLocalStack } from '@leash/sdk/local';
import { getDeterministicAddress } from '@leash/sdk';
import { timestampValidatorBytecode } from '../../src/generated/TimestampValidator.js';
import { deployDeterministic, entryPoints } from '@leash/sdk';
import { createWalletClient } from 'viem';

let stack: LocalStack;
let publicClient: PublicClient;

async function newAccountClient(fundEther = '1'): Promise<LeashAccountClient> {
  const client = await createLeashAccountClient({
    chain: stack.chain,
    transport: http(stack.rpcUrl),
    bundlerTransport: http(stack.bundlerUrl),
    owner: privateKeyToAccount(generatePrivateKey()),
  });
  await stack.fund(client.account.address, { ether: parseEther(fundEther), devTokens: parseUnits('100', 6) });
  return client;
}

beforeAll(async () => {
  stack = await startLocalStack();
  publicClient = createPublicClient({ chain: stack.chain, transport: http(stack.rpcUrl) });
});

afterAll(async () => {
  await stack?.stop();
});

describe('local stack', () => {
  it('deploys EntryPoint v0.8 at its canonical address and the Leash contracts at their CREATE2 addresses', async () => {
    for (const address of Object.values(stack.contracts)) {
      expect(await publicClient.getCode({ address }), address).toMatch(/^0x[0-9a-f]{100,}/);
    }
    expect(stack.contracts.entryPoint).toBe('0x4337084D9E255Ff0702461CF8895CE9E3b5Ff108');
    expect(await publicClient.getChainId()).toBe(stack.chainId);
  });

  it('stakes the account factory in the EntryPoint', async () => {
    const info = await publicClient.readContract({
      address: stack.contracts.entryPoint,
      abi: entryPoint08Abi,
      functionName: 'getDepositInfo',
      args: [stack.contracts.accountFactory],
    });
    expect(info.staked).toBe(true);
    expect(info.stake).toBe(parseEther('1'));
    expect(info.unstakeDelaySec).toBe(86_400);
  });

  it('serves EntryPoints v0.8 and v0.7 from the bundler (v0.7 for Kernel, Nexus, Safe7579 and the reference account)', async () => {
    const response = await fetch(stack.bundlerUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_supportedEntryPoints', params: [] }),
    });
    expect(((await response.json()) as { result: string[] }).result.map((a) => a.toLowerCase())).toEqual([
      stack.contracts.entryPoint.toLowerCase(),
      entryPoints['0.7'].address.toLowerCase(),
    ]);
    expect(await publicClient.getCode({ address: entryPoints['0.7'].address })).toMatch(/^0x.+/);
  });
});

describe('owner user operations through Alto in safe mode', () => {
  it('computes the counterfactual address off-chain exactly as the factory does', async () => {
    const owner = privateKeyToAccount(generatePrivateKey()).address;
    for (const salt of [0n, 1n, 2n ** 255n]) {
      const onChain = await publicClient.readContract({
        address: stack.contracts.accountFactory,
        abi: leashAccountFactoryAbi,
        functionName: 'getAccountAddress',
        args: [owner, salt],
      });
      expect(getLeashAccountAddress({ owner, salt })).toBe(onChain);
    }
  });

  it('deploys the account with its first user op and sends a native transfer', async () => {
    const client = await newAccountClient();
    const recipient = privateKeyToAccount(generatePrivateKey()).address;
    expect(await publicClient.getCode({ address: client.account.address })).toBeUndefined();

    const hash = await client.sendUserOperation({ calls: [{ to: recipient, value: parseEther('0.1') }] });
    const receipt = await client.waitForUserOperationReceipt({ hash });

    expect(receipt.success).toBe(true);
    expect(receipt.sender).toBe(client.account.address);
    expect(receipt.receipt.status).toBe('success');
    expect(await publicClient.getCode({ address: client.account.address })).toMatch(/^0x.+/);
    expect(await publicClient.getBalance({ address: recipient })).toBe(parseEther('0.1'));
    expect(
      await publicClient.readContract({ address: client.account.address, abi: leashAccountAbi, functionName: 'signer' }),
    ).toBe(client.account.owner.address);
  });

  it('sends a batch of a native and an ERC-20 transfer in one op', async () => {
    const client = await newAccountClient();
    const [a, b] = [privateKeyToAccount(generatePrivateKey()).address, privateKeyToAccount(generatePrivateKey()).address];
    const hash = await client.sendUserOperation({
      calls: [
        { to: a, value: parseEther('0.2') },
        {
          to: stack.contracts.devToken,
          data: encodeFunctionData({ abi: devTokenAbi, functionName: 'transfer', args: [b, parseUnits('7.5', 6)] }),
        },
      ],
    });
    const receipt = await client.waitForUserOperationReceipt({ hash });
    expect(receipt.success).toBe(true);
    expect(receipt.logs.length).toBeGreaterThan(0);
    expect(await publicClient.getBalance({ address: a })).toBe(parseEther('0.2'));
    expect(
      await publicClient.readContract({ address: stack.contracts.devToken, abi: devTokenAbi, functionName: 'balanceOf', args: [b] }),
    ).toBe(parseUnits('7.5', 6));
    expect(await client.account.getNonce()).toBe(1n);
  });

  it('refuses an op signed by someone other than the owner', async () => {
    const client = await newAccountClient();
    const stranger = privateKeyToAccount(generatePrivateKey());
    const impostor = await createLeashAccountClient({
      chain: stack.chain,
      transport: http(stack.rpcUrl),
      bundlerTransport: http(stack.bundlerUrl),
      owner: client.account.owner,
      accountAddress: client.account.address,
      validator: toOwnerValidator({ client: publicClient, owner: stranger }),
    });
    await expect(
      impostor.sendUserOperation({ calls: [{ to: stranger.address, value: parseEther('0.5') }] }),
    ).rejects.toThrow(/AA24 signature error/);
  });
});

describe('fees', () => {
  it("stay put from op to op: the bundler's recommendation, not a node suggestion doubled each time", async () => {
    // viem's default doubles the node's suggested tip; Alto pays an op's tip in its bundle, and anvil then suggests
    // that tip for the next op: without the bundler's recommendation, fees doubled with every op.
    const client = await newAccountClient();
    const fees: bigint[] = [];
    for (let i = 0; i < 4; i++) {
      const op = await client.prepareUserOperation({ calls: [{ to: client.account.address, value: 0n }] });
      fees.push(op.maxPriorityFeePerGas);
      const hash = await client.sendUserOperation({ calls: [{ to: '0x000000000000000000000000000000000000dEaD', value: 1n }] });
      await client.waitForUserOperationReceipt({ hash });
    }
    const suggested = BigInt(await publicClient.request({ method: 'eth_maxPriorityFeePerGas' }));
    for (const fee of fees) expect(fee).toBeLessThanOrEqual(suggested);
  });
});

describe('ERC-7562 enforcement (negative test)', () => {
  let timestampValidator: Address;

  beforeAll(async () => {
    const deployer = createWalletClient({
      account: privateKeyToAccount(stack.keys.deployer),
      chain: stack.chain,
      transport: http(stack.rpcUrl),
    });
    timestampValidator = getDeterministicAddress(timestampValidatorBytecode);
    await deployDeterministic(deployer, { name: 'TimestampValidator', initCode: timestampValidatorBytecode, address: timestampValidator });
  });

  async function accountWithTimestampValidator(target: LocalStack) {
    const ownerClient = await createLeashAccountClient({
      chain: target.chain,
      transport: http(target.rpcUrl),
      bundlerTransport: http(target.bundlerUrl),
      owner: privateKeyToAccount(generatePrivateKey()),
    });
    await target.fund(ownerClient.account.address, { ether: parseEther('1') });
    const install = await ownerClient.sendUserOperation({
      calls: [
        {
          to: ownerClient.account.address,
          data: encodeFunctionData({
            abi: leashAccountAbi,
            functionName: 'installModule',
            args: [moduleTypeValidator, timestampValidator, '0x'],
          }),
        },
      ],
    });
    expect((await ownerClient.waitForUserOperationReceipt({ hash: install })).success).toBe(true);
    // The validator accepts any signature, so a client that routes ops to it needs no real key.
    return createLeashAccountClient({
      chain: target.chain,
      transport: http(target.rpcUrl),
      bundlerTransport: http(target.bundlerUrl),
      owner: ownerClient.account.owner,
      accountAddress: ownerClient.account.address,
      validator: {
        module: timestampValidator,
        getStubSignature: async () => '0x',
        signUserOperation: async () => '0x',
      },
    });
  }

  it('refuses an op whose validation reads TIMESTAMP', async () => {
    const client = await accountWithTimestampValidator(stack);
    await expect(client.sendUserOperation({ calls: [{ to: privateKeyToAccount(generatePrivateKey()).address, value: 1n }] })).rejects.toThrow(
      /banned opcode: TIMESTAMP/,
    );
  });

  it('accepts the same op when the bundler runs without safe mode (control)', async () => {
    const unsafe = await startLocalStack({ safeMode: false });
    try {
      const deployer = createWalletClient({
        account: privateKeyToAccount(unsafe.keys.deployer),
        chain: unsafe.chain,
        transport: http(unsafe.rpcUrl),
      });
      await deployDeterministic(deployer, { name: 'TimestampValidator', initCode: timestampValidatorBytecode, address: timestampValidator });
      const client = await accountWithTimestampValidator(unsafe);
      const recipient = privateKeyToAccount(generatePrivateKey()).address;
      const hash = await client.sendUserOperation({ calls: [{ to: recipient, value: 1n }] });
      expect((await client.waitForUserOperationReceipt({ hash })).success).toBe(true);
    } finally {
      await unsafe.stop();
    }
  });
});

describe('shutdown', () => {
  it('kills anvil and Alto by PID and frees their ports', async () => {
    const other = await startLocalStack();
    const { anvil, bundler } = other.pids;
    expect(isProcessAlive(anvil) && isProcessAlive(bundler)).toBe(true);
    await other.stop();
    expect(isProcessAlive(anvil)).toBe(false);
    expect(isProcessAlive(bundler)).toBe(false);
    await expect(fetch(other.rpcUrl, { method: 'POST' })).rejects.toThrow();
    await other.stop(); // idempotent
  });
});
