import {
  type Address,
  type Chain,
  type Hex,
  type PublicClient,
  type Transport,
  encodeAbiParameters,
  encodeFunctionData,
  parseEther,
  parseUnits,
  stringToHex,
} from 'viem';
import type { PrivateKeyAccount } from 'viem/accounts';
import { type UserOperation, entryPoint08Abi } from 'viem/account-abstraction';
import {
  type LeashAddresses,
  DAY,
  SessionKeyPermissionsBuilder,
  WEEK,
  devTokenAbi,
  encodeExecute,
  encodeGrantSessionSignature,
  encodeSessionSignature,
  getSessionOperationDigest,
  type SessionKeyGrant,
  toSessionKeyGrantTypedData,
  sessionKeyPermissionUpdatesAbi,
  sortGrantUpdates,
  entryPointAddress,
  getLeashAccountAddress,
  getNonceKey,
  leashAccountAbi,
  leashAccountFactoryAbi,
  moduleTypeValidator,
  sessionKeyModuleAbi,
} from '@leash/sdk';
import { type BenchChain, type DeployedContext, genesisTime, withBenchChain } from './benchChain.js';
import { type OpMeasurement, type SendOp, fixedGas, userOpHash } from './handleOps.js';
import { fullPermissions, nativePermissions } from './permissionSets.js';

/** One measured scenario: what was done, under which state (S0 / S1 as DESIGN.md defines them), and its gas. */
export type ScenarioResult = { id: string; title: string; conditions: string } & OpMeasurement;

/** A Leash account driven directly (owner or session key), measuring every op. */
export class Driver {
  constructor(
    readonly chain: Chain,
    readonly publicClient: PublicClient<Transport, Chain>,
    readonly send: SendOp,
    readonly addresses: LeashAddresses,
    readonly owner: PrivateKeyAccount,
    readonly account: Address,
  ) {}

  private async nonce(key: bigint) {
    return this.publicClient.readContract({
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
    op.signature = await this.owner.sign({ hash: userOpHash(this.chain.id, op) });
    return this.expectSuccess(await this.send(op));
  }

  async asSession(key: PrivateKeyAccount, lane: bigint, callData: Hex, statedTime: number): Promise<OpMeasurement> {
    const op = await this.op(getNonceKey({ module: this.addresses.sessionKeyModule }, lane), callData, {});
    const digest = getSessionOperationDigest({ userOpHash: userOpHash(this.chain.id, op), statedTime });
    // The SDK's digest and encoder: the bench follows the module's signature format wherever the SDK does.
    op.signature = encodeSessionSignature({ statedTime, signature: await key.sign({ hash: digest }) });
    return this.expectSuccess(await this.send(op));
  }

  /**
   * The owner's grant of `key` on this chain (signed off-chain: no op), as the SDK's signSessionKeyGrant makes it for a
   * Leash account (a plain ECDSA signature of the typed data). `nonce`: a small one (below 160) keeps the grant's
   * on-chain record in the account's state word.
   */
  async grant(key: Address, permissions: readonly Hex[], nonce: bigint): Promise<SessionKeyGrant> {
    const message = {
      sessionKeyModule: this.addresses.sessionKeyModule,
      account: this.account,
      sessionKey: key,
      keyType: 0,
      tag: `0x${'00'.repeat(32)}` as Hex,
      nonce,
      validUntil: 0,
      chains: [{ chainId: this.chain.id, generation: 0, permissions }],
    };
    return { ...message, ownerSignature: await this.owner.signTypedData(toSessionKeyGrantTypedData(message) as never) };
  }

  /** The key's first op, carrying its grant (it registers the key, then runs as a session op). */
  async asGrantedSession(key: PrivateKeyAccount, lane: bigint, callData: Hex, statedTime: number, grant: SessionKeyGrant): Promise<OpMeasurement> {
    const op = await this.op(getNonceKey({ module: this.addresses.sessionKeyModule }, lane), callData, grantOpGas);
    const digest = getSessionOperationDigest({ userOpHash: userOpHash(this.chain.id, op), statedTime });
    op.signature = encodeGrantSessionSignature({ statedTime, signature: await key.sign({ hash: digest }), grant, chainId: this.chain.id });
    return this.expectSuccess(await this.send(op));
  }

  /** An owner op calling the session key module. */
  module(functionName: string, args: readonly unknown[]): Hex {
    return encodeExecute([
      { to: this.addresses.sessionKeyModule, data: encodeFunctionData({ abi: sessionKeyModuleAbi, functionName, args } as never) },
    ]);
  }

  /** Installs the session key module with no keys (an owner op). */
  async installModule(): Promise<OpMeasurement> {
    const data = encodeFunctionData({
      abi: leashAccountAbi,
      functionName: 'installModule',
      args: [moduleTypeValidator, this.addresses.sessionKeyModule, '0x'],
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

/** A grant op registers the key during validation: more verification gas (not charged when unused). */
export const grantOpGas = { verificationGasLimit: 700_000n } as const;

/** Gas fields of key management ops: more call gas than a transfer needs. */
export const management = { callGasLimit: 600_000n } as const;

/** `execute` calldata of one ERC-20 transfer. */
export function erc20Transfer(token: Address, to: Address, amount: bigint): Hex {
  return encodeExecute([{ to: token, data: encodeFunctionData({ abi: devTokenAbi, functionName: 'transfer', args: [to, amount] }) }]);
}

/**
 * A deployed Leash account with a funded EntryPoint deposit, 10 ether and a million dev tokens, that has sent an owner
 * op before (the one that deployed it).
 */
export async function newLeashAccount(bench: BenchChain): Promise<Driver> {
  const { addresses, faucet, token, wait } = bench;
  const owner = bench.freshKey();
  const account = getLeashAccountAddress({ owner: owner.address, addresses });
  await wait(await faucet.sendTransaction({ to: account, value: parseEther('10') }));
  await wait(await faucet.writeContract({ address: token, abi: devTokenAbi, functionName: 'mint', args: [account, parseUnits('1000000', 6)] }));
  await wait(await faucet.writeContract({ address: entryPointAddress, abi: entryPoint08Abi, functionName: 'depositTo', args: [account], value: parseEther('1') }));
  const driver = new Driver(bench.chain, bench.publicClient, bench.send, addresses, owner, account);
  await driver.asOwner(erc20Transfer(token, bench.freshKey().address, 1n), {
    factory: addresses.accountFactory,
    factoryData: encodeFunctionData({ abi: leashAccountFactoryAbi, functionName: 'createAccount', args: [owner.address, 0n] }),
  });
  return driver;
}

/**
 * Runs every gas scenario of DESIGN.md on a fresh anvil (pinned hardfork) with handleOps sent directly, one op per
 * transaction, and returns the measurements in a fixed order.
 */
export async function runGasScenarios(
  options: { onResult?: (r: ScenarioResult) => void; onDeployed?: (context: DeployedContext) => Promise<void> } = {},
): Promise<ScenarioResult[]> {
  return withBenchChain('leash-bench-key', async (bench) => {
    const { addresses, token } = bench;
    await options.onDeployed?.(bench);
    const now = genesisTime;
    const results: ScenarioResult[] = [];
    const record = (id: string, title: string, conditions: string, m: OpMeasurement) => {
      const r = { id, title, conditions, ...m };
      results.push(r);
      options.onResult?.(r);
    };
    const fresh = bench.freshKey;
    const transferTo = (to: Hex, amount: bigint) => erc20Transfer(token, to, amount);

    // ---- owner baseline, S1: warm lane, recipient already holds the token
    const a = await newLeashAccount(bench);
    const holder = fresh().address;
    await a.asOwner(transferTo(holder, 1n));
    record('owner-erc20-s1', 'Owner-signed ERC-20 transfer (S1)', 'S1: deposit funded, owner lane used before, recipient holds the token', await a.asOwner(transferTo(holder, 1_000_000n)));

    // ---- module install with one key (full set), on a second account
    const b = await newLeashAccount(bench);
    const initData = encodeAbiParameters(
      [{ type: 'address[]' }, { type: 'bytes32[]' }, { type: 'bytes[][]' }],
      [[fresh().address], [stringToHex('bench', { size: 32 })], [fullPermissions(token, now).encode()]],
    );
    record(
      'install-module-one-key',
      'Install the module with one key (full permission set)',
      'deployed account with a deposit, module not installed',
      await b.asOwner(
        encodeExecute([
          {
            to: b.account,
            data: encodeFunctionData({ abi: leashAccountAbi, functionName: 'installModule', args: [moduleTypeValidator, addresses.sessionKeyModule, initData] }),
          },
        ]),
        management,
      ),
    );

    // ---- add keys on account a
    await a.installModule();
    const key = fresh();
    record('add-key-full', 'Add a key with the full permission set (no tag)', 'module installed, new key', await a.addKey(key.address, fullPermissions(token, now).encode()));
    const tagged = fresh();
    record('add-key-full-tagged', 'Add a key with the full permission set and a tag', 'module installed, new key, nonzero tag', await a.asOwner(a.module('addSessionKey', [tagged.address, stringToHex('trading-bot', { size: 32 }), fullPermissions(token, now).encode()]), management));

    // ---- session ERC-20 transfer: S0 (new lane, counters 0, recipient without tokens), then S1
    record('session-erc20-s0', 'Session ERC-20 transfer, full permission set (S0)', 'S0: deposit funded, new nonce lane, counters 0, recipient balance 0', await a.asSession(key, 0n, transferTo(fresh().address, 1_000_000n), now));
    await a.asSession(key, 0n, transferTo(holder, 1_000_000n), now);
    record('session-erc20-s1', 'Session ERC-20 transfer, full permission set (S1)', 'S1: lane used before, counters nonzero, recipient holds the token', await a.asSession(key, 0n, transferTo(holder, 1_000_000n), now));

    // ---- the same transfer by a key that also has a call-count limit (1,000 calls a day): its call and gas budgets share
    // one slot. Lane 2: a lane never used, for S0.
    const countedKey = fresh();
    const callLimit = encodeFunctionData({ abi: sessionKeyPermissionUpdatesAbi, functionName: 'setCallLimit', args: [1000n, DAY] });
    await a.addKey(countedKey.address, [...fullPermissions(token, now).encode(), callLimit]);
    record(
      'session-erc20-s0-calls',
      'Session ERC-20 transfer, full permission set and a call limit (S0)',
      'S0: new nonce lane, counters 0, recipient balance 0',
      await a.asSession(countedKey, 2n, transferTo(fresh().address, 1_000_000n), now),
    );
    record(
      'session-erc20-s1-calls',
      'Session ERC-20 transfer, full permission set and a call limit (S1)',
      'S1: lane used before, counters nonzero, recipient holds the token',
      await a.asSession(countedKey, 2n, transferTo(holder, 1_000_000n), now),
    );

    // ---- a key enabled by the owner's grant (one signature, no owner op): its first op carries the grant, at S0 (a
    // lane never used, counters 0, recipient balance 0); then a later op of the key at S1. The grant's nonce is the
    // SDK's default (a random 64-bit number); a small nonce (below 160, `nonce: 'small'`) is measured too.
    const firstGrantedOp = async (nonce: bigint, lane: bigint) => {
      const grantedKey = fresh();
      const grant = await a.grant(grantedKey.address, sortGrantUpdates(fullPermissions(token, now).encode()), nonce);
      return { grantedKey, first: await a.asGrantedSession(grantedKey, lane, transferTo(fresh().address, 1_000_000n), now, grant) };
    };
    const { grantedKey, first } = await firstGrantedOp(0x9e3779b97f4a7c15n, 3n);
    record('session-erc20-grant-s0', 'First op with a grant, full permission set (S0)', "S0, the key enabled by the owner's grant carried in this op (random 64-bit grant nonce); no owner op", first);
    await a.asSession(grantedKey, 3n, transferTo(holder, 1_000_000n), now);
    const later = await a.asSession(grantedKey, 3n, transferTo(holder, 1_000_000n), now);
    record('session-erc20-grant-s1', 'Later op of a key enabled by a grant (S1)', 'S1: lane used before, counters nonzero, recipient holds the token', later);
    const small = await firstGrantedOp(1n, 4n);
    record(
      'session-erc20-grant-s0-small-nonce',
      'First op with a grant, full permission set, small grant nonce (S0)',
      "S0, as above with grant nonce 1 (below 160: its record shares the account's state word)",
      small.first,
    );

    // ---- session native transfer under a value limit: S0 then S1. Lane 0 of the module's nonce space is shared by
    // every key of the account and the ERC-20 key used it above, so S0 takes lane 1: a nonce lane never used.
    const nativeLane = 1n;
    const payee = fresh().address;
    const nativeKey = fresh();
    await a.addKey(nativeKey.address, nativePermissions(payee, now).encode());
    const pay = encodeExecute([{ to: payee, value: parseEther('0.001') }]);
    record('session-native-s0', 'Session native transfer under a value limit (S0)', 'S0: new nonce lane, counters 0, payee without balance (a new account)', await a.asSession(nativeKey, nativeLane, pay, now));
    record('session-native-s1', 'Session native transfer under a value limit (S1)', 'S1: lane used before, counters nonzero, payee holds ether', await a.asSession(nativeKey, nativeLane, pay, now));

    // ---- session batch of two transfers (S1 conditions)
    const batch = encodeExecute([
      { to: token, data: encodeFunctionData({ abi: devTokenAbi, functionName: 'transfer', args: [holder, 1_000_000n] }) },
      { to: token, data: encodeFunctionData({ abi: devTokenAbi, functionName: 'transfer', args: [holder, 2_000_000n] }) },
    ]);
    record('session-batch-2', 'Session batch of two ERC-20 transfers (S1)', 'S1, both transfers to a holder', await a.asSession(key, 0n, batch, now));

    // ---- management
    const newLimits = new SessionKeyPermissionsBuilder()
      .addErc20TokenSpendLimit({ tokenAddress: token, spendLimit: parseUnits('500', 6), refreshInterval: WEEK })
      .setGasSpendLimit({ spendLimit: parseEther('0.5'), refreshInterval: DAY })
      .encode();
    record('update-key', 'Update a key (ERC-20 and gas limits)', 'existing key with spend state', await a.asOwner(a.module('updateKeyPermissions', [key.address, newLimits]), management));
    const rotated = fresh();
    record('rotate-key', 'Rotate a key', 'existing key with spend state, new key', await a.asOwner(a.module('rotateSessionKey', [key.address, rotated.address]), management));
    record('remove-key', 'Remove a key', 'existing key (the rotated one)', await a.asOwner(a.module('removeSessionKey', [rotated.address]), management));
    record('revoke-all', 'Revoke all keys', 'two keys left (O(1): a generation counter)', await a.asOwner(a.module('revokeAllSessionKeys', []), management));
    return results;
  });
}
