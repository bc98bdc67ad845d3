import { type Address, type Hex, encodeFunctionData, parseEther, parseUnits, toHex } from 'viem';
import type { PrivateKeyAccount } from 'viem/accounts';
import { type UserOperation, entryPoint07Abi } from 'viem/account-abstraction';
import { DelegationManager, HybridDeleGator } from '@metamask/delegation-abis';
import { devTokenAbi } from '@leash/sdk';
import type { BenchChain } from '../../benchChain.js';
import { type OpMeasurement, type TransactionMeasurement, directHandleOps, entryPoint07, fixedGas, measureTransaction } from '../../handleOps.js';
import type { MetaMaskDeployment } from './deploy.js';
import {
  type Caveat,
  type Delegation,
  ExecutionMode,
  Implementation,
  type MetaMaskSmartAccount,
  ROOT_AUTHORITY,
  createExecution,
  encodeDelegations,
  encodeExecutionCalldatas,
  toMetaMaskSmartAccount,
} from './kit.js';

/** One call a delegation authorises, and the delegation (signed by the delegator) that authorises it. */
export type Redemption = { delegation: Delegation; to: Address; value?: bigint; data?: Hex };

/**
 * `redeemDelegations` arguments for a list of redemptions, each its own batch entry with one delegation and one call
 * in single mode (the peer's periodic-transfer enforcers refuse batch mode).
 */
export function redeemArgs(redemptions: readonly Redemption[]): [Hex[], Hex[], Hex[]] {
  return [
    redemptions.map((r) => encodeDelegations([r.delegation])),
    redemptions.map(() => ExecutionMode.SingleDefault),
    encodeExecutionCalldatas(redemptions.map((r) => [createExecution({ target: r.to, value: r.value ?? 0n, callData: r.data ?? '0x' })])),
  ];
}

/** The `transfer` calldata of the dev token. */
export const transferData = (to: Address, amount: bigint): Hex =>
  encodeFunctionData({ abi: devTokenAbi, functionName: 'transfer', args: [to, amount] });

/**
 * A MetaMask smart account (HybridDeleGator behind the SimpleFactory's ERC-1967 proxy, the kit's default
 * implementation) with an ECDSA owner, as the kit builds it.
 */
export async function toHybridAccount(bench: BenchChain, deployment: MetaMaskDeployment, owner: PrivateKeyAccount): Promise<MetaMaskSmartAccount> {
  return toMetaMaskSmartAccount({
    client: bench.publicClient as never,
    implementation: Implementation.Hybrid,
    deployParams: [owner.address, [], [], []],
    deploySalt: '0x',
    signer: { account: owner },
    environment: deployment.environment,
  });
}

/**
 * The delegator: the user's MetaMask smart account, deployed through the SimpleFactory (not measured), holding 10
 * ether and a million dev tokens. It grants delegations by signing them off-chain (EIP-712, checked on redemption
 * through its ERC-1271 `isValidSignature`).
 */
export class MetaMaskDelegator {
  private salt = 0;
  constructor(
    readonly deployment: MetaMaskDeployment,
    readonly account: MetaMaskSmartAccount,
  ) {}

  static async create(bench: BenchChain, deployment: MetaMaskDeployment): Promise<MetaMaskDelegator> {
    const account = await toHybridAccount(bench, deployment, bench.freshKey());
    const { factory, factoryData } = await account.getFactoryArgs();
    const { faucet, token, wait } = bench;
    await wait(await faucet.sendTransaction({ to: factory!, data: factoryData! }));
    if (!(await account.isDeployed())) throw new Error('The delegator account was not deployed');
    await wait(await faucet.sendTransaction({ to: account.address, value: parseEther('10') }));
    await wait(await faucet.writeContract({ address: token, abi: devTokenAbi, functionName: 'mint', args: [account.address, parseUnits('1000000', 6)] }));
    return new MetaMaskDelegator(deployment, account);
  }

  /** A new delegation to `delegate` with these caveats, signed by the delegator's owner (zero gas: off-chain). */
  async grant(delegate: Address, caveats: Caveat[]): Promise<Delegation> {
    // The framework's Delegation struct as the kit's createDelegation fills it, built directly: createDelegation
    // insists on a scope, and every scope adds a caveat (ValueLteEnforcer(0)) that the sets measured here leave out.
    const unsigned = {
      delegate,
      delegator: this.account.address,
      authority: ROOT_AUTHORITY,
      caveats,
      // A distinct salt per delegation: the enforcers key their state by the delegation's hash.
      salt: toHex(++this.salt, { size: 32 }),
    };
    return { ...unsigned, signature: await this.account.signDelegation({ delegation: unsigned }) };
  }
}

/**
 * How the delegate's op reaches the DelegationManager:
 * - `self-call`: the op's callData is the DeleGator's own `redeemDelegations` (DeleGatorCore, callable by the
 *   EntryPoint), which forwards to the DelegationManager;
 * - `execute`: the kit's encoding for a delegated call (`encodeCalls` with a permission context): `execute` with one
 *   call to the DelegationManager's `redeemDelegations` (two such calls, in batch mode, for two redemptions).
 */
export type DelegateCallPath = 'self-call' | 'execute';

/** Gas fields of the peer's ops: Leash's, with more call gas (a first redemption needs more than 150,000). */
export const peerOpGas = { ...fixedGas, callGasLimit: 400_000n } as const;

/**
 * The delegate as a smart account redeeming through ERC-4337: a MetaMask smart account whose owner is the session
 * key, sending one op per handleOps to EntryPoint v0.7. Deployed by its first op (empty callData), with an EntryPoint
 * deposit, so later ops pay from the deposit as Leash's do.
 */
export class MetaMaskSmartAccountDelegate {
  private readonly send;
  constructor(
    readonly bench: BenchChain,
    readonly deployment: MetaMaskDeployment,
    readonly account: MetaMaskSmartAccount,
  ) {
    this.send = directHandleOps<'0.7'>(bench.publicClient, bench.bundler, bench.beneficiary, entryPoint07);
  }

  get address(): Address {
    return this.account.address;
  }

  static async create(bench: BenchChain, deployment: MetaMaskDeployment): Promise<MetaMaskSmartAccountDelegate> {
    const delegate = new MetaMaskSmartAccountDelegate(bench, deployment, await toHybridAccount(bench, deployment, bench.freshKey()));
    const { faucet, wait } = bench;
    await wait(
      await faucet.writeContract({ address: entryPoint07.address, abi: entryPoint07Abi, functionName: 'depositTo', args: [delegate.address], value: parseEther('1') }),
    );
    const { factory, factoryData } = await delegate.account.getFactoryArgs();
    await delegate.sendOp('0x', 0n, { factory, factoryData });
    return delegate;
  }

  /** The op's callData redeeming `redemptions` along `path`. */
  async redeemCallData(redemptions: readonly Redemption[], path: DelegateCallPath): Promise<Hex> {
    if (path === 'self-call') return encodeFunctionData({ abi: HybridDeleGator, functionName: 'redeemDelegations', args: redeemArgs(redemptions) });
    // The kit's own encoding of delegated calls (a call with a permission context becomes a call to the
    // DelegationManager's redeemDelegations), as its sendUserOperationWithDelegation sends them.
    const delegatedCalls = redemptions.map((r) => ({
      to: r.to,
      value: r.value ?? 0n,
      data: r.data ?? '0x',
      permissionContext: [r.delegation],
      delegationManager: this.deployment.environment.DelegationManager,
    }));
    return this.account.encodeCalls(delegatedCalls);
  }

  /** Redeems through one op on nonce key `nonceKey`; the op's execution must succeed unless `allowRevert`. */
  async redeem(redemptions: readonly Redemption[], path: DelegateCallPath, nonceKey: bigint, allowRevert = false): Promise<OpMeasurement> {
    const measurement = await this.sendOp(await this.redeemCallData(redemptions, path), nonceKey);
    if (!measurement.success && !allowRevert) throw new Error(`the delegate's op reverted in execution (${measurement.transactionHash})`);
    return measurement;
  }

  /** An op the delegate's owner (the session key) signs for the account's own calls, on nonce key 0. */
  async executeAsOwner(calls: { to: Address; data: Hex }[]): Promise<OpMeasurement> {
    const measurement = await this.sendOp(await this.account.encodeCalls(calls), 0n);
    if (!measurement.success) throw new Error(`the delegate's op reverted in execution (${measurement.transactionHash})`);
    return measurement;
  }

  private async sendOp(callData: Hex, nonceKey: bigint, extra: Partial<UserOperation<'0.7'>> = {}): Promise<OpMeasurement> {
    const nonce = await this.bench.publicClient.readContract({
      address: entryPoint07.address,
      abi: entryPoint07Abi,
      functionName: 'getNonce',
      args: [this.address, nonceKey],
    });
    const op: UserOperation<'0.7'> = { sender: this.address, nonce, callData, ...peerOpGas, signature: '0x', ...extra };
    // The kit signs the DeleGator's EIP-712 typed data of the packed op (it ignores the EntryPoint's userOpHash).
    op.signature = await this.account.signUserOperation({ ...op, chainId: this.bench.chain.id });
    return this.send(op);
  }
}

/**
 * The delegate as an EOA calling the DelegationManager's `redeemDelegations` itself: a different path (no ERC-4337,
 * no account validation), reported apart.
 */
export class MetaMaskEoaDelegate {
  constructor(
    readonly bench: BenchChain,
    readonly deployment: MetaMaskDeployment,
    readonly key: PrivateKeyAccount,
  ) {}

  get address(): Address {
    return this.key.address;
  }

  static async create(bench: BenchChain, deployment: MetaMaskDeployment): Promise<MetaMaskEoaDelegate> {
    const key = bench.freshKey();
    await bench.wait(await bench.faucet.sendTransaction({ to: key.address, value: parseEther('1') }));
    return new MetaMaskEoaDelegate(bench, deployment, key);
  }

  /** Sends `redeemDelegations` from the EOA; a redemption the caveats refuse throws with the enforcer's reason. */
  redeem(redemptions: readonly Redemption[]): Promise<TransactionMeasurement> {
    const data = encodeFunctionData({ abi: DelegationManager, functionName: 'redeemDelegations', args: redeemArgs(redemptions) });
    return measureTransaction(this.bench.publicClient, this.bench.wallet(this.key), { to: this.deployment.environment.DelegationManager, data }).then(
      ({ receipt: _receipt, ...measurement }) => measurement,
    );
  }
}
