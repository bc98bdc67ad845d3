import {
  type Address,
  type Chain,
  type Hex,
  type PublicClient,
  type Transport,
  createPublicClient,
  createWalletClient,
  defineChain,
  encodeAbiParameters,
  encodeFunctionData,
  http,
  keccak256,
  parseEther,
  parseUnits,
  stringToHex,
} from 'viem';
import { type PrivateKeyAccount, privateKeyToAccount } from 'viem/accounts';
import { type UserOperation, entryPoint08Abi } from 'viem/account-abstraction';
import {
  type LeashAddresses,
  deployLeash,
  devTokenAbi,
  encodeExecute,
  encodeSessionSignature,
  getSessionOperationDigest,
  entryPointAddress,
  getDevTokenContract,
  getLeashAccountAddress,
  getNonceKey,
  leashAccountAbi,
  leashAccountFactoryAbi,
  moduleTypeValidator,
  DAY,
  SessionKeyPermissionsBuilder,
  sessionKeyModuleAbi,
  WEEK,
} from '@leash/sdk';
import { devAccounts, getFreePort, startAnvil } from '@leash/sdk/local';
import { type OpMeasurement, type SendOp, directHandleOps, fixedGas, userOpHash } from './handleOps.js';
import { fullPermissions, nativePermissions } from './permissionSets.js';

/** One measured scenario: what was done, under which state (S0 / S1 as DESIGN.md defines them), and its gas. */
export type ScenarioResult = { id: string; title: string; conditions: string } & OpMeasurement;

/** What the gas run exposes once Leash is deployed, e.g. to read what exactly is being measured. */
export type GasRunContext = { publicClient: PublicClient<Transport, Chain>; addresses: LeashAddresses };

/** A Leash account driven directly (owner or session key), measuring every op. */
class Driver {
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

  /** An owner op calling the session key module. */
  module(functionName: string, args: readonly unknown[]): Hex {
    return encodeExecute([
      { to: this.addresses.sessionKeyModule, data: encodeFunctionData({ abi: sessionKeyModuleAbi, functionName, args } as never) },
    ]);
  }

  private expectSuccess(measurement: OpMeasurement): OpMeasurement {
    if (!measurement.success) throw new Error(`user op reverted in execution (${measurement.transactionHash})`);
    return measurement;
  }
}

const management = { callGasLimit: 600_000n } as const;

/**
 * The chain's genesis time, and the time every op states: 01:00 UTC on a Monday, so the daily and weekly periods the
 * ops spend in cannot end during a run. With it, and keys derived from a counter, every op's calldata (hence its gas)
 * is the same on every run; random keys and times would move figures by a few times 12 gas (zero vs nonzero bytes).
 */
const genesisTime = 1_767_574_800; // 2026-01-05T01:00:00Z

/**
 * Runs every gas scenario of DESIGN.md on a fresh anvil (pinned hardfork) with handleOps sent directly, one op per
 * transaction, and returns the measurements in a fixed order.
 */
export async function runGasScenarios(
  options: { onResult?: (r: ScenarioResult) => void; onDeployed?: (context: GasRunContext) => Promise<void> } = {},
): Promise<ScenarioResult[]> {
  const anvil = await startAnvil({ port: await getFreePort(), chainId: 31337, extraArgs: ['--timestamp', String(genesisTime)] });
  try {
    const chain = defineChain({
      id: 31337,
      name: 'gas',
      nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
      rpcUrls: { default: { http: [anvil.rpcUrl] } },
    });
    const transport = http(anvil.rpcUrl);
    const publicClient = createPublicClient({ chain, transport, pollingInterval: 50 });
    const wallet = (key: Hex) => createWalletClient({ account: privateKeyToAccount(key), chain, transport });
    const { addresses } = await deployLeash(wallet(devAccounts.deployer), { extraContracts: [getDevTokenContract()] });
    await options.onDeployed?.({ publicClient, addresses });
    const token = getDevTokenContract().address;
    const faucet = wallet(devAccounts.faucet);
    const wait = (hash: Hex) => publicClient.waitForTransactionReceipt({ hash });
    const send = directHandleOps(publicClient, wallet(devAccounts.bundlerExecutor), privateKeyToAccount(devAccounts.bundlerUtility).address);
    const now = genesisTime;
    const results: ScenarioResult[] = [];
    const record = (id: string, title: string, conditions: string, m: OpMeasurement) => {
      const r = { id, title, conditions, ...m };
      results.push(r);
      options.onResult?.(r);
    };
    const transferTo = (to: Address, amount: bigint) =>
      encodeExecute([{ to: token, data: encodeFunctionData({ abi: devTokenAbi, functionName: 'transfer', args: [to, amount] }) }]);
    let keyCounter = 0;
    const fresh = () => privateKeyToAccount(keccak256(stringToHex(`leash-bench-key-${keyCounter++}`)));

    /** A deployed account with a funded EntryPoint deposit, that has sent owner ops before. */
    const newAccount = async (): Promise<Driver> => {
      const owner = fresh();
      const account = getLeashAccountAddress({ owner: owner.address, addresses });
      await wait(await faucet.sendTransaction({ to: account, value: parseEther('10') }));
      await wait(await faucet.writeContract({ address: token, abi: devTokenAbi, functionName: 'mint', args: [account, parseUnits('1000000', 6)] }));
      await wait(await faucet.writeContract({ address: entryPointAddress, abi: entryPoint08Abi, functionName: 'depositTo', args: [account], value: parseEther('1') }));
      const driver = new Driver(chain, publicClient, send, addresses, owner, account);
      await driver.asOwner(transferTo(fresh().address, 1n), {
        factory: addresses.accountFactory,
        factoryData: encodeFunctionData({ abi: leashAccountFactoryAbi, functionName: 'createAccount', args: [owner.address, 0n] }),
      });
      return driver;
    };

    // ---- owner baseline, S1: warm lane, recipient already holds the token
    const a = await newAccount();
    const holder = fresh().address;
    await a.asOwner(transferTo(holder, 1n));
    record('owner-erc20-s1', 'Owner-signed ERC-20 transfer (S1)', 'S1: deposit funded, owner lane used before, recipient holds the token', await a.asOwner(transferTo(holder, 1_000_000n)));

    // ---- module install with one key (full set), on a second account
    const b = await newAccount();
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
    await a.asOwner(
      encodeExecute([
        { to: a.account, data: encodeFunctionData({ abi: leashAccountAbi, functionName: 'installModule', args: [moduleTypeValidator, addresses.sessionKeyModule, '0x'] }) },
      ]),
      management,
    );
    const key = fresh();
    record('add-key-full', 'Add a key with the full permission set (no tag)', 'module installed, new key', await a.asOwner(a.module('addSessionKey', [key.address, `0x${'00'.repeat(32)}`, fullPermissions(token, now).encode()]), management));
    const tagged = fresh();
    record('add-key-full-tagged', 'Add a key with the full permission set and a tag', 'module installed, new key, nonzero tag', await a.asOwner(a.module('addSessionKey', [tagged.address, stringToHex('trading-bot', { size: 32 }), fullPermissions(token, now).encode()]), management));

    // ---- session ERC-20 transfer: S0 (new lane, counters 0, recipient without tokens), then S1
    record('session-erc20-s0', 'Session ERC-20 transfer, full permission set (S0)', 'S0: deposit funded, new nonce lane, counters 0, recipient balance 0', await a.asSession(key, 0n, transferTo(fresh().address, 1_000_000n), now));
    await a.asSession(key, 0n, transferTo(holder, 1_000_000n), now);
    record('session-erc20-s1', 'Session ERC-20 transfer, full permission set (S1)', 'S1: lane used before, counters nonzero, recipient holds the token', await a.asSession(key, 0n, transferTo(holder, 1_000_000n), now));

    // ---- session native transfer under a value limit: S0 then S1. Lane 0 of the module's nonce space is shared by
    // every key of the account and the ERC-20 key used it above, so S0 takes lane 1: a nonce lane never used.
    const nativeLane = 1n;
    const payee = fresh().address;
    const nativeKey = fresh();
    await a.asOwner(a.module('addSessionKey', [nativeKey.address, `0x${'00'.repeat(32)}`, nativePermissions(payee, now).encode()]), management);
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
  } finally {
    await anvil.stop();
  }
}
