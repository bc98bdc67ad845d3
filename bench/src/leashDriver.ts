import { type Address, type Hex, encodeFunctionData, parseEther, parseUnits } from 'viem';
import type { PrivateKeyAccount } from 'viem/accounts';
import { type UserOperation, entryPoint08Abi } from 'viem/account-abstraction';
import {
  devTokenAbi,
  encodeExecute,
  encodeSessionSignature,
  entryPointAddress,
  getLeashAccountAddress,
  getNonceKey,
  leashAccountAbi,
  leashAccountFactoryAbi,
  moduleTypeValidator,
  sessionKeyModuleAbi,
} from '@leash/sdk';
import type { BenchChain } from './benchChain.js';
import { type OpMeasurement, fixedGas, userOpHash } from './handleOps.js';

/** Gas fields of key management ops: more call gas than a transfer needs. */
export const management = { callGasLimit: 600_000n } as const;

/** A Leash account driven directly (owner or session key), measuring every op. */
export class LeashDriver {
  constructor(
    readonly bench: BenchChain,
    readonly owner: PrivateKeyAccount,
    readonly account: Address,
  ) {}

  private async nonce(key: bigint) {
    return this.bench.publicClient.readContract({
      address: entryPointAddress,
      abi: entryPoint08Abi,
      functionName: 'getNonce',
      args: [this.account, key],
    });
  }

  private async op(key: bigint, callData: Hex, extra: Partial<UserOperation<'0.8'>>): Promise<UserOperation<'0.8'>> {
    return { sender: this.account, nonce: await this.nonce(key), callData, ...fixedGas, signature: '0x', ...extra };
  }

  async asOwner(callData: Hex, extra: Partial<UserOperation<'0.8'>> = {}): Promise<OpMeasurement> {
    const op = await this.op(0n, callData, extra);
    op.signature = await this.owner.sign({ hash: userOpHash(this.bench.chain.id, op) });
    return this.expectSuccess(await this.bench.send(op));
  }

  /** Signs and sends a session op; `lane` is the key's nonce lane in the module's nonce space. */
  async asSession(key: PrivateKeyAccount, lane: bigint, callData: Hex, statedTime: number): Promise<OpMeasurement> {
    const op = await this.op(getNonceKey({ module: this.bench.addresses.sessionKeyModule }, lane), callData, {});
    const signature = await key.sign({ hash: userOpHash(this.bench.chain.id, op) });
    // The SDK's encoder: the bench follows the module's signature format wherever the SDK does.
    op.signature = encodeSessionSignature({ statedTime, signature });
    return this.expectSuccess(await this.bench.send(op));
  }

  /** An owner op calling the session key module. */
  module(functionName: string, args: readonly unknown[]): Hex {
    return encodeExecute([
      { to: this.bench.addresses.sessionKeyModule, data: encodeFunctionData({ abi: sessionKeyModuleAbi, functionName, args } as never) },
    ]);
  }

  /** Installs the session key module with no keys (an owner op). */
  async installModule(): Promise<OpMeasurement> {
    const data = encodeFunctionData({
      abi: leashAccountAbi,
      functionName: 'installModule',
      args: [moduleTypeValidator, this.bench.addresses.sessionKeyModule, '0x'],
    });
    return this.asOwner(encodeExecute([{ to: this.account, data }]), management);
  }

  /** Adds a key without a tag (an owner op). */
  async addKey(key: Address, permissions: readonly Hex[]): Promise<OpMeasurement> {
    return this.asOwner(this.module('addSessionKey', [key, `0x${'00'.repeat(32)}`, permissions]), management);
  }

  private expectSuccess(measurement: OpMeasurement): OpMeasurement {
    if (!measurement.success) throw new Error(`user op reverted in execution (${measurement.transactionHash})`);
    return measurement;
  }
}

/** `execute` calldata of one ERC-20 transfer. */
export function erc20Transfer(token: Address, to: Address, amount: bigint): Hex {
  return encodeExecute([{ to: token, data: encodeFunctionData({ abi: devTokenAbi, functionName: 'transfer', args: [to, amount] }) }]);
}

/**
 * A deployed Leash account with a funded EntryPoint deposit, 10 ether and a million dev tokens, that has sent an owner
 * op before (the one that deployed it).
 */
export async function newLeashAccount(bench: BenchChain): Promise<LeashDriver> {
  const { addresses, faucet, token, wait } = bench;
  const owner = bench.freshKey();
  const account = getLeashAccountAddress({ owner: owner.address, addresses });
  await wait(await faucet.sendTransaction({ to: account, value: parseEther('10') }));
  await wait(await faucet.writeContract({ address: token, abi: devTokenAbi, functionName: 'mint', args: [account, parseUnits('1000000', 6)] }));
  await wait(await faucet.writeContract({ address: entryPointAddress, abi: entryPoint08Abi, functionName: 'depositTo', args: [account], value: parseEther('1') }));
  const driver = new LeashDriver(bench, owner, account);
  await driver.asOwner(erc20Transfer(token, bench.freshKey().address, 1n), {
    factory: addresses.accountFactory,
    factoryData: encodeFunctionData({ abi: leashAccountFactoryAbi, functionName: 'createAccount', args: [owner.address, 0n] }),
  });
  return driver;
}
