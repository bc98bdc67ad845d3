// The same work done by Leash and by MetaMask's Delegation Framework on one anvil, in one run: session ERC-20 and
// native transfers at S0 and S1, a batch of two transfers, granting the permission, and an owner-signed transfer as
// the baseline of each account and EntryPoint.
import { type Address, type Hex, parseEther } from 'viem';
import { devTokenAbi, encodeExecute, sortGrantUpdates } from '@leash/sdk';
import { type BenchChain, type DeployedContext, genesisTime, withBenchChain } from './benchChain.js';
import { type CalldataBytes, l1DataGas } from './calldata.js';
import type { TransactionMeasurement } from './handleOps.js';
import { erc20Transfer, newLeashAccount } from './scenarios.js';
import { fullPermissions, nativePermissions } from './permissionSets.js';
import {
  type DelegateCallPath,
  MetaMaskDelegator,
  MetaMaskEoaDelegate,
  MetaMaskSmartAccountDelegate,
  type Redemption,
  transferData,
} from './peers/metamask/accounts.js';
import { type CaveatSetId, buildCaveats } from './peers/metamask/caveats.js';
import { type MetaMaskDeployment, deployMetaMask } from './peers/metamask/deploy.js';

/** The work compared. S0 / S1 as DESIGN.md defines them, applied to both systems alike. */
export type SideScenarioId =
  | 'session-erc20-s1'
  | 'session-erc20-s0'
  | 'session-native-s1'
  | 'session-native-s0'
  | 'session-batch-2'
  | 'grant'
  | 'owner-erc20-s1';

export const sideScenarios: Record<SideScenarioId, { title: string; conditions: string }> = {
  'session-erc20-s1': {
    title: 'Session ERC-20 transfer, S1',
    conditions: 'the session sent ops before on this nonce lane, its spend counters are nonzero, the recipient holds the token',
  },
  'session-erc20-s0': {
    title: 'Session ERC-20 transfer, S0 (first use)',
    conditions: 'the op sender sent ops before (deposit funded), new nonce lane, spend counters 0, recipient balance 0',
  },
  'session-native-s1': { title: 'Session native transfer under a periodic value limit, S1', conditions: 'as ERC-20 S1; the payee holds ether' },
  'session-native-s0': { title: 'Session native transfer under a periodic value limit, S0 (first use)', conditions: 'as ERC-20 S0; the payee is a new account' },
  'session-batch-2': { title: 'Session batch of two ERC-20 transfers, S1', conditions: 'S1, both transfers to a holder' },
  grant: {
    title: 'Granting the permission',
    conditions:
      "Leash: the owner signs a grant off-chain (0 gas; the key's first op carries it), or adds the key with an owner op (module installed); MetaMask: the delegator signs the delegation off-chain (0 gas)",
  },
  'owner-erc20-s1': {
    title: 'Owner-signed ERC-20 transfer, S1 (baseline: account and EntryPoint, no session)',
    conditions: 'the account sent ops before on this lane, the recipient holds the token',
  },
};

/** Which rules a measurement's session carries. */
export type SideVariantId = 'leash-full' | 'leash-no-gas-limit' | 'leash-grant' | CaveatSetId | 'owner';

/** How the op reaches the chain: an ERC-4337 op (for MetaMask, with the delegate's call path) or an EOA's call. */
export type SidePathId = 'erc4337' | 'erc4337-kit-execute' | 'eoa-direct';

export type SideMeasurement = {
  scenario: SideScenarioId;
  system: 'Leash' | 'MetaMask Delegation Framework';
  variant: SideVariantId;
  path: SidePathId;
  /** EntryPoint version of ERC-4337 paths; null for the EOA path. */
  entryPoint: '0.7' | '0.8' | null;
  /** Receipt gasUsed of the transaction (0 for an off-chain grant). */
  gasUsed: number;
  calldataBytes: CalldataBytes;
  /** L1 data gas of the transaction's calldata at EIP-7623's floor price (calldata.ts). */
  l1DataGas: number;
  /** The transaction measured; null for an off-chain grant. */
  transactionHash: Hex | null;
};

export type SideBySideRun = { deployment: MetaMaskDeployment; measurements: SideMeasurement[] };

const amount = 1_000_000n; // 1 token (6 decimals)
const nativeAmount = parseEther('0.001');

/**
 * Runs every side-by-side scenario on one fresh anvil with Leash (EntryPoint v0.8) and MetaMask's Delegation
 * Framework (EntryPoint v0.7) deployed next to each other, and returns the measurements in a fixed order.
 */
export async function runSideBySide(
  options: { onResult?: (m: SideMeasurement) => void; onDeployed?: (context: DeployedContext) => Promise<void> } = {},
): Promise<SideBySideRun> {
  return withBenchChain('side-by-side', async (bench) => {
    await options.onDeployed?.(bench);
    const deployment = await deployMetaMask(bench);
    const measurements: SideMeasurement[] = [];
    const record = (m: Omit<SideMeasurement, 'l1DataGas'>) => {
      const row = { ...m, l1DataGas: l1DataGas(m.calldataBytes) };
      measurements.push(row);
      options.onResult?.(row);
    };
    const holder = bench.freshKey().address;
    await bench.wait(await bench.faucet.writeContract({ address: bench.token, abi: devTokenAbi, functionName: 'mint', args: [holder, 1n] }));
    await measureLeash(bench, holder, record);
    await measureMetaMask(bench, deployment, holder, record);
    return { deployment, measurements };
  });
}

type Record_ = (m: Omit<SideMeasurement, 'l1DataGas'>) => void;

const onChain = (m: TransactionMeasurement) => ({ gasUsed: Number(m.gasUsed), calldataBytes: m.calldataBytes, transactionHash: m.transactionHash });

async function measureLeash(bench: BenchChain, holder: Address, record: Record_): Promise<void> {
  const now = genesisTime;
  const leash = (scenario: SideScenarioId, variant: SideVariantId, m: TransactionMeasurement) =>
    record({ scenario, system: 'Leash', variant, path: 'erc4337', entryPoint: '0.8', ...onChain(m) });
  const account = await newLeashAccount(bench);
  await account.asOwner(erc20Transfer(bench.token, holder, 1n));
  leash('owner-erc20-s1', 'owner', await account.asOwner(erc20Transfer(bench.token, holder, amount)));
  await account.installModule();

  // Every session below starts on a nonce lane of its own, never used before (S0).
  let nextLane = 0n;
  for (const variant of ['leash-full', 'leash-no-gas-limit'] as const) {
    const options = variant === 'leash-full' ? {} : { gasSpendLimit: false as const };
    const key = bench.freshKey();
    leash('grant', variant, await account.addKey(key.address, fullPermissions(bench.token, now, options).encode()));
    const lane = nextLane++;
    const transfer = (to: Address) => account.asSession(key, lane, erc20Transfer(bench.token, to, amount), now);
    leash('session-erc20-s0', variant, await transfer(bench.freshKey().address));
    await transfer(holder);
    leash('session-erc20-s1', variant, await transfer(holder));
    const batch = encodeExecute([0, 1].map(() => ({ to: bench.token, data: transferData(holder, amount) })));
    leash('session-batch-2', variant, await account.asSession(key, lane, batch, now));
  }
  // The full set granted by the owner's signature (no owner op): the key's first op carries the grant, at S0.
  const grantedKey = bench.freshKey();
  const grant = await account.grant(grantedKey.address, sortGrantUpdates(fullPermissions(bench.token, now).encode()), 0x9e3779b97f4a7c15n);
  record({ scenario: 'grant', system: 'Leash', variant: 'leash-grant', path: 'erc4337', entryPoint: '0.8', gasUsed: 0, calldataBytes: { zero: 0, nonzero: 0 }, transactionHash: null });
  leash('session-erc20-s0', 'leash-grant', await account.asGrantedSession(grantedKey, nextLane++, erc20Transfer(bench.token, bench.freshKey().address, amount), now, grant));

  for (const variant of ['leash-full', 'leash-no-gas-limit'] as const) {
    const options = variant === 'leash-full' ? {} : { gasSpendLimit: false as const };
    const payee = bench.freshKey().address;
    const key = bench.freshKey();
    await account.addKey(key.address, nativePermissions(payee, now, options).encode());
    const lane = nextLane++;
    const pay = () => account.asSession(key, lane, encodeExecute([{ to: payee, value: nativeAmount }]), now);
    leash('session-native-s0', variant, await pay());
    leash('session-native-s1', variant, await pay());
  }
}

async function measureMetaMask(bench: BenchChain, deployment: MetaMaskDeployment, holder: Address, record: Record_): Promise<void> {
  const now = genesisTime;
  const system = 'MetaMask Delegation Framework' as const;
  const delegator = await MetaMaskDelegator.create(bench, deployment);
  const smartDelegate = await MetaMaskSmartAccountDelegate.create(bench, deployment);
  const eoaDelegate = await MetaMaskEoaDelegate.create(bench, deployment);
  const viaOp = (scenario: SideScenarioId, variant: SideVariantId, callPath: DelegateCallPath, m: TransactionMeasurement) =>
    record({ scenario, system, variant, path: callPath === 'self-call' ? 'erc4337' : 'erc4337-kit-execute', entryPoint: '0.7', ...onChain(m) });
  const viaEoa = (scenario: SideScenarioId, variant: SideVariantId, m: TransactionMeasurement) =>
    record({ scenario, system, variant, path: 'eoa-direct', entryPoint: null, ...onChain(m) });

  // Baseline: the smart account delegate sending its own ERC-20 transfer, signed by its owner.
  await bench.wait(await bench.faucet.writeContract({ address: bench.token, abi: devTokenAbi, functionName: 'mint', args: [smartDelegate.address, 1_000_000_000n] }));
  await smartDelegate.executeAsOwner([{ to: bench.token, data: transferData(holder, 1n) }]);
  viaOp('owner-erc20-s1', 'owner', 'self-call', await smartDelegate.executeAsOwner([{ to: bench.token, data: transferData(holder, amount) }]));

  // Each S0 redeems a new delegation (its enforcers' counters are 0) from a nonce key never used before; S1 and the
  // batch follow on the same key.
  let nextNonceKey = 1n;
  const grantOffChain = (variant: SideVariantId, path: SidePathId) =>
    record({ scenario: 'grant', system, variant, path, entryPoint: path === 'eoa-direct' ? null : '0.7', gasUsed: 0, calldataBytes: { zero: 0, nonzero: 0 }, transactionHash: null });
  for (const set of ['erc20-full', 'erc20-minimal'] as const) {
    const callPaths: DelegateCallPath[] = set === 'erc20-full' ? ['self-call', 'execute'] : ['self-call'];
    for (const callPath of callPaths) {
      const delegation = await delegator.grant(smartDelegate.address, buildCaveats(deployment.environment, set, bench.token, now));
      if (callPath === 'self-call') grantOffChain(set, 'erc4337');
      const transfer = (to: Address): Redemption => ({ delegation, to: bench.token, data: transferData(to, amount) });
      const nonceKey = nextNonceKey++;
      viaOp('session-erc20-s0', set, callPath, await smartDelegate.redeem([transfer(bench.freshKey().address)], callPath, nonceKey));
      await smartDelegate.redeem([transfer(holder)], callPath, nonceKey);
      viaOp('session-erc20-s1', set, callPath, await smartDelegate.redeem([transfer(holder)], callPath, nonceKey));
      viaOp('session-batch-2', set, callPath, await smartDelegate.redeem([transfer(holder), transfer(holder)], callPath, nonceKey));
    }
    const delegation = await delegator.grant(eoaDelegate.address, buildCaveats(deployment.environment, set, bench.token, now));
    grantOffChain(set, 'eoa-direct');
    const transfer = (to: Address): Redemption => ({ delegation, to: bench.token, data: transferData(to, amount) });
    viaEoa('session-erc20-s0', set, await eoaDelegate.redeem([transfer(bench.freshKey().address)]));
    await eoaDelegate.redeem([transfer(holder)]);
    viaEoa('session-erc20-s1', set, await eoaDelegate.redeem([transfer(holder)]));
    viaEoa('session-batch-2', set, await eoaDelegate.redeem([transfer(holder), transfer(holder)]));
  }

  for (const path of ['erc4337', 'eoa-direct'] as const) {
    const payee = bench.freshKey().address;
    const delegate = path === 'erc4337' ? smartDelegate.address : eoaDelegate.address;
    const delegation = await delegator.grant(delegate, buildCaveats(deployment.environment, 'native', payee, now));
    const pay: Redemption = { delegation, to: payee, value: nativeAmount };
    if (path === 'erc4337') {
      const nonceKey = nextNonceKey++;
      viaOp('session-native-s0', 'native', 'self-call', await smartDelegate.redeem([pay], 'self-call', nonceKey));
      viaOp('session-native-s1', 'native', 'self-call', await smartDelegate.redeem([pay], 'self-call', nonceKey));
    } else {
      viaEoa('session-native-s0', 'native', await eoaDelegate.redeem([pay]));
      viaEoa('session-native-s1', 'native', await eoaDelegate.redeem([pay]));
    }
  }
}
