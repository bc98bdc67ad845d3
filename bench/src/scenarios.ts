import {
  type Address,
  type Chain,
  type Hex,
  type PublicClient,
  type Transport,
  concat,
  createPublicClient,
  createWalletClient,
  defineChain,
  encodeAbiParameters,
  encodeFunctionData,
  http,
  numberToHex,
  parseEther,
  parseUnits,
  stringToHex,
} from 'viem';
import { type LocalAccount, generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { type UserOperation, entryPoint08Abi } from 'viem/account-abstraction';
import {
  type LeashAddresses,
  deployLeash,
  devTokenAbi,
  encodeExecute,
  entryPointAddress,
  getDevTokenContract,
  getLeashAccountAddress,
  getNonceKey,
  leashAccountAbi,
  leashAccountFactoryAbi,
  moduleTypeValidator,
  sessionKeyModuleAbi,
  sessionKeyPermissionUpdatesAbi,
} from '@leash/sdk';
import { devAccounts, getFreePort, startAnvil } from '@leash/sdk/local';
import { type OpMeasurement, type SendOp, directHandleOps, fixedGas, userOpHash } from './handleOps.js';

const DAY = 86_400;
const WEEK = 7 * DAY;
const TRANSFER = '0xa9059cbb';

/** One measured scenario. */
export type ScenarioResult = { id: string; title: string } & OpMeasurement;

type Update = Parameters<typeof encodeFunctionData<typeof sessionKeyPermissionUpdatesAbi>>[0]['functionName'];
const update = (functionName: Update, args: readonly unknown[]): Hex =>
  encodeFunctionData({ abi: sessionKeyPermissionUpdatesAbi, functionName, args } as never);

/** The benchmark's full permission set (DESIGN.md): allowlist with the token and its transfer selector, a weekly ERC-20
 * limit, a time range and a daily gas limit. */
export function fullPermissionSet(token: Address, now: number): Hex[] {
  return [
    update('updateAccessListAddressEntry', [token, true, true]),
    update('updateAccessListFunctionEntry', [token, TRANSFER, true]),
    update('setErc20SpendLimit', [token, parseUnits('1000', 6), WEEK]),
    update('setTimeRange', [now - 3_600, now + 365 * DAY]),
    update('setGasSpendLimit', [parseEther('1'), DAY]),
  ];
}

/** A native-token permission set: the recipient allowlisted, a daily native limit, a time range and a daily gas limit. */
function nativePermissionSet(recipient: Address, now: number): Hex[] {
  return [
    update('updateAccessListAddressEntry', [recipient, true, false]),
    update('setNativeTokenSpendLimit', [parseEther('1'), DAY]),
    update('setTimeRange', [now - 3_600, now + 365 * DAY]),
    update('setGasSpendLimit', [parseEther('1'), DAY]),
  ];
}

/** A Leash account driven directly (owner or session key), measuring every op. */
class Driver {
  constructor(
    readonly chain: Chain,
    readonly publicClient: PublicClient<Transport, Chain>,
    readonly send: SendOp,
    readonly addresses: LeashAddresses,
    readonly owner: LocalAccount,
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

  async asSession(key: LocalAccount, lane: bigint, callData: Hex, statedTime: number): Promise<OpMeasurement> {
    const op = await this.op(getNonceKey({ module: this.addresses.sessionKeyModule }, lane), callData, {});
    const signature = await key.sign({ hash: userOpHash(this.chain.id, op) });
    op.signature = concat([numberToHex(statedTime, { size: 6 }), signature]);
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
 * Runs every gas scenario of DESIGN.md on a fresh anvil (pinned hardfork) with handleOps sent directly, one op per
 * transaction, and returns the measurements in a fixed order.
 */
export async function runGasScenarios(options: { onResult?: (r: ScenarioResult) => void } = {}): Promise<ScenarioResult[]> {
  const anvil = await startAnvil({ port: await getFreePort(), chainId: 31337 });
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
    const token = getDevTokenContract().address;
    const faucet = wallet(devAccounts.faucet);
    const wait = (hash: Hex) => publicClient.waitForTransactionReceipt({ hash });
    const send = directHandleOps(publicClient, wallet(devAccounts.bundlerExecutor), privateKeyToAccount(devAccounts.bundlerUtility).address);
    const now = Number((await publicClient.getBlock()).timestamp);
    const results: ScenarioResult[] = [];
    const record = (id: string, title: string, m: OpMeasurement) => {
      const r = { id, title, ...m };
      results.push(r);
      options.onResult?.(r);
    };
    const transferTo = (to: Address, amount: bigint) =>
      encodeExecute([{ to: token, data: encodeFunctionData({ abi: devTokenAbi, functionName: 'transfer', args: [to, amount] }) }]);
    const fresh = () => privateKeyToAccount(generatePrivateKey());

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
    record('owner-erc20-s1', 'Owner-signed ERC-20 transfer (S1)', await a.asOwner(transferTo(holder, 1_000_000n)));

    // ---- module install with one key (full set), on a second account
    const b = await newAccount();
    const initData = encodeAbiParameters(
      [{ type: 'address[]' }, { type: 'bytes32[]' }, { type: 'bytes[][]' }],
      [[fresh().address], [stringToHex('bench', { size: 32 })], [fullPermissionSet(token, now)]],
    );
    record(
      'install-module-one-key',
      'Install the module with one key (full permission set)',
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
    record('add-key-full', 'Add a key with the full permission set (no tag)', await a.asOwner(a.module('addSessionKey', [key.address, `0x${'00'.repeat(32)}`, fullPermissionSet(token, now)]), management));
    const tagged = fresh();
    record('add-key-full-tagged', 'Add a key with the full permission set and a tag', await a.asOwner(a.module('addSessionKey', [tagged.address, stringToHex('trading-bot', { size: 32 }), fullPermissionSet(token, now)]), management));

    // ---- session ERC-20 transfer: S0 (new lane, counters 0, recipient without tokens), then S1
    record('session-erc20-s0', 'Session ERC-20 transfer, full permission set (S0)', await a.asSession(key, 0n, transferTo(fresh().address, 1_000_000n), now));
    await a.asSession(key, 0n, transferTo(holder, 1_000_000n), now);
    record('session-erc20-s1', 'Session ERC-20 transfer, full permission set (S1)', await a.asSession(key, 0n, transferTo(holder, 1_000_000n), now));

    // ---- session native transfer under a value limit: S0 then S1
    const payee = fresh().address;
    const nativeKey = fresh();
    await a.asOwner(a.module('addSessionKey', [nativeKey.address, `0x${'00'.repeat(32)}`, nativePermissionSet(payee, now)]), management);
    const pay = encodeExecute([{ to: payee, value: parseEther('0.001') }]);
    record('session-native-s0', 'Session native transfer under a value limit (S0)', await a.asSession(nativeKey, 0n, pay, now));
    record('session-native-s1', 'Session native transfer under a value limit (S1)', await a.asSession(nativeKey, 0n, pay, now));

    // ---- session batch of two transfers (S1 conditions)
    const batch = encodeExecute([
      { to: token, data: encodeFunctionData({ abi: devTokenAbi, functionName: 'transfer', args: [holder, 1_000_000n] }) },
      { to: token, data: encodeFunctionData({ abi: devTokenAbi, functionName: 'transfer', args: [holder, 2_000_000n] }) },
    ]);
    record('session-batch-2', 'Session batch of two ERC-20 transfers (S1)', await a.asSession(key, 0n, batch, now));

    // ---- management
    const newLimits = [update('setErc20SpendLimit', [token, parseUnits('500', 6), WEEK]), update('setGasSpendLimit', [parseEther('0.5'), DAY])];
    record('update-key', 'Update a key (ERC-20 and gas limits)', await a.asOwner(a.module('updateKeyPermissions', [key.address, newLimits]), management));
    const rotated = fresh();
    record('rotate-key', 'Rotate a key', await a.asOwner(a.module('rotateSessionKey', [key.address, rotated.address]), management));
    record('remove-key', 'Remove a key', await a.asOwner(a.module('removeSessionKey', [rotated.address]), management));
    record('revoke-all', 'Revoke all keys', await a.asOwner(a.module('revokeAllSessionKeys', []), management));
    return results;
  } finally {
    await anvil.stop();
  }
}
