import {
  type Address,
  type Chain,
  type Hex,
  type PublicClient,
  type Transport,
  decodeFunctionData,
  erc20Abi,
  getAbiItem,
  hexToBigInt,
  slice,
} from 'viem';
import { entryPoint08Abi } from 'viem/account-abstraction';
import { type LensSessionKeyState, decodeExecute, entryPointAddress, periodOf, recoverSessionKey, sessionKeyLensAbi, sessionKeyModuleAbi } from '@leash/sdk';
import type { AgentRecord } from './loadAgents.js';
import { type Summary, summarize } from './stats.js';

/** A budget of a key, as granted: a limit, per period (`interval` seconds from `anchor`) or for the key's lifetime (0). */
export type Budget = { limit: bigint; interval: number; anchor: number };

/**
 * A line of keys sharing one set of budgets: a key and the keys it was rotated to. `agent` is the agent's number, or
 * undefined for the baseline's keys.
 */
export type KeyLine = { keys: Address[]; account: Address; agent: number | undefined; erc20: Budget; native: Budget; gas: Budget };

/** A session op found on chain: its event, block time, signer and what it charged. */
export type OpOnChain = {
  userOpHash: Hex;
  sender: Address;
  nonce: bigint;
  success: boolean;
  actualGasCost: bigint;
  actualGasUsed: bigint;
  blockNumber: bigint;
  logIndex: number;
  transactionHash: Hex;
  timestamp: number;
  signer: Address | undefined;
  erc20: bigint;
  native: bigint;
  /** What the gas limit counts: the op's gas limits × maxFeePerGas, rounded up to whole gwei as the module keeps it. */
  gas: bigint;
};

/** Every check of the load run, from the chain alone; each count must be 0 for the run to pass. */
export type LoadChecks = {
  /** Payments the agent reported landed whose op is not on chain, successful, signed by the agent's key. */
  reportedLandedNotOnChain: number;
  /** Payments reported refused of which an op is on chain anyway. */
  reportedRefusedButOnChain: number;
  /** Ops on chain, signed by an agent's key, that no payment reported as landed. */
  onChainNotReported: number;
  /** Payments refused with an error that is not one of the SDK's typed errors. */
  untypedRefusals: number;
  /** Payments of which more than one op is on chain (paid twice). */
  paidTwice: number;
  /** Session ops whose signer is none of the run's keys. */
  unknownSigners: number;
  /** (sender, nonce) pairs used by more than one op. */
  nonceReused: number;
  /** (key line, budget, period) groups whose charges exceed the limit; `periodsChecked` says how many were checked. */
  overLimit: number;
  periodsChecked: number;
  /** Keys whose on-chain spend counters (the module's getters) differ from the charges of their ops on chain. */
  counterMismatches: number;
  /** Ops of the revoked key, and of the rotated-out key, that landed after the owner's op removing it. */
  opsAfterRevocation: number;
  opsAfterRotation: number;
  /** 1 when the rotated-to key's ERC-20 counter is not the old key's charges in the period plus its own (spend not carried over). */
  rotatedSpendNotCarried: number;
};

export type LoadAudit = {
  checks: LoadChecks;
  passed: boolean;
  /** Agent ops on chain, and the baseline's. */
  agentOps: number;
  baselineOps: number;
  /** Distinct periods the short-period budgets charged (more than one: they refreshed during the run). */
  shortPeriodsCharged: number;
  rotation: { oldKey: Address; newKey: Address; oldKeyCharged: bigint; newKeyCharged: bigint; newKeyCounterAtEnd: bigint; block: bigint } | undefined;
  revocation: { key: Address; opsBefore: number; block: bigint } | undefined;
  /** What each agent op paid (UserOperationEvent.actualGasCost, wei) and used (gas). */
  fees: { actualGasCostWei: Summary; actualGasUsed: Summary; totalWei: bigint };
  /** Per op, for results.json: [agent, block, actualGasCost (wei), actualGasUsed]. */
  perOp: [number, number, number, number][];
};

/** Every check at 0, and no period checked yet. */
export const noFailures = (): LoadChecks => ({
  reportedLandedNotOnChain: 0,
  reportedRefusedButOnChain: 0,
  onChainNotReported: 0,
  untypedRefusals: 0,
  paidTwice: 0,
  unknownSigners: 0,
  nonceReused: 0,
  overLimit: 0,
  periodsChecked: 0,
  counterMismatches: 0,
  opsAfterRevocation: 0,
  opsAfterRotation: 0,
  rotatedSpendNotCarried: 0,
});

const userOperationEvent = getAbiItem({ abi: entryPoint08Abi, name: 'UserOperationEvent' });
const rotatedEvent = getAbiItem({ abi: sessionKeyModuleAbi, name: 'SessionKeyRotated' });
const removedEvent = getAbiItem({ abi: sessionKeyModuleAbi, name: 'SessionKeyRemoved' });
const gwei = 1_000_000_000n;
const after = (a: { blockNumber: bigint; logIndex: number }, b: { blockNumber: bigint; logIndex: number }) =>
  a.blockNumber > b.blockNumber || (a.blockNumber === b.blockNumber && a.logIndex > b.logIndex);
const lower = (address: string) => address.toLowerCase();

/** Reads every session op of the accounts from `fromBlock`: events, the bundles' calldata, block times, signers. */
async function sessionOpsOnChain(
  client: PublicClient<Transport, Chain>,
  parameters: { accounts: Address[]; module: Address; token: Address; fromBlock: bigint },
): Promise<OpOnChain[]> {
  const { module, token, fromBlock } = parameters;
  const logs = await client.getLogs({ address: entryPointAddress, event: userOperationEvent, args: { sender: parameters.accounts }, fromBlock });
  const bundles = new Map<Hex, Map<string, { callData: Hex; signature: Hex; accountGasLimits: Hex; preVerificationGas: bigint; gasFees: Hex; paymasterAndData: Hex }>>();
  const times = new Map<bigint, number>();
  const ops: OpOnChain[] = [];
  for (const log of logs) {
    const args = log.args as Required<typeof log.args>;
    if (args.nonce >> 96n !== hexToBigInt(module)) continue; // the owner's ops
    if (!bundles.has(log.transactionHash)) {
      const tx = await client.getTransaction({ hash: log.transactionHash });
      const { args: call } = decodeFunctionData({ abi: entryPoint08Abi, data: tx.input });
      const packed = (call as unknown as [readonly { sender: Address; nonce: bigint; callData: Hex; signature: Hex; accountGasLimits: Hex; preVerificationGas: bigint; gasFees: Hex; paymasterAndData: Hex }[]])[0];
      bundles.set(log.transactionHash, new Map(packed.map((op) => [`${lower(op.sender)}:${op.nonce}`, op])));
    }
    if (!times.has(log.blockNumber)) times.set(log.blockNumber, Number((await client.getBlock({ blockNumber: log.blockNumber })).timestamp));
    const op = bundles.get(log.transactionHash)!.get(`${lower(args.sender)}:${args.nonce}`);
    if (!op) throw new Error(`op ${args.userOpHash} is not in its bundle's calldata`);
    let erc20 = 0n;
    let native = 0n;
    for (const call of decodeExecute(op.callData)) {
      native += call.value ?? 0n;
      if (lower(call.to) === lower(token) && call.data) {
        const { functionName, args: transferArgs } = decodeFunctionData({ abi: erc20Abi, data: call.data });
        if (functionName === 'transfer' || functionName === 'approve') erc20 += transferArgs[1] as bigint;
      }
    }
    const gasLimits = hexToBigInt(slice(op.accountGasLimits, 0, 16)) + hexToBigInt(slice(op.accountGasLimits, 16, 32)) + op.preVerificationGas;
    const maxCost = gasLimits * hexToBigInt(slice(op.gasFees, 16, 32));
    ops.push({
      userOpHash: args.userOpHash,
      sender: args.sender,
      nonce: args.nonce,
      success: args.success,
      actualGasCost: args.actualGasCost,
      actualGasUsed: args.actualGasUsed,
      blockNumber: log.blockNumber,
      logIndex: log.logIndex,
      transactionHash: log.transactionHash,
      timestamp: times.get(log.blockNumber)!,
      signer: await recoverSessionKey({ userOpHash: args.userOpHash, signature: op.signature }),
      erc20,
      native,
      gas: ((maxCost + gwei - 1n) / gwei) * gwei,
    });
  }
  return ops;
}

/** Sums charges per period of a budget (one group for a lifetime budget): how many groups, how many over the limit, and which periods. */
export function overLimit(ops: readonly OpOnChain[], budget: Budget, amount: (op: OpOnChain) => bigint): { groups: number; over: number; periods: Set<number> } {
  const sums = new Map<number, bigint>();
  for (const op of ops) {
    const period = budget.interval ? periodOf(op.timestamp, budget.anchor, budget.interval).start : 0;
    sums.set(period, (sums.get(period) ?? 0n) + amount(op));
  }
  return { groups: sums.size, over: [...sums.values()].filter((sum) => sum > budget.limit).length, periods: new Set(sums.keys()) };
}

/**
 * Audits the load run from the chain alone: the EntryPoint's events, the bundles' calldata (each op's calls and
 * signature, hence its key), block times, the module's events and getters. The agents' records are only compared
 * with it, never trusted.
 */
export async function auditLoad(
  client: PublicClient<Transport, Chain>,
  parameters: {
    module: Address;
    /** The session key lens: each key's counters in one call. */
    lens: Address;
    token: Address;
    fromBlock: bigint;
    lines: readonly KeyLine[];
    records: readonly AgentRecord[];
    shortAgents: readonly number[];
  },
): Promise<LoadAudit> {
  const { module, lens, token, fromBlock, lines, records } = parameters;
  const accounts = [...new Set(lines.map((line) => line.account))];
  const ops = await sessionOpsOnChain(client, { accounts, module, token, fromBlock });
  const lineOf = new Map(lines.flatMap((line) => line.keys.map((key) => [lower(key), line] as const)));
  const checks = noFailures();

  // Each payment against the chain.
  const byHash = new Map(ops.map((op) => [op.userOpHash, op]));
  const reported = new Set<Hex>();
  for (const record of records) {
    const onChain = record.sentHashes.filter((hash) => byHash.has(hash));
    if (onChain.length > 1) checks.paidTwice++;
    if (record.outcome === 'landed') {
      const op = record.userOpHash ? byHash.get(record.userOpHash) : undefined;
      if (!op || !op.success || lower(op.signer ?? '') !== lower(record.key)) checks.reportedLandedNotOnChain++;
      if (record.userOpHash) reported.add(record.userOpHash);
    } else {
      if (onChain.length > 0) checks.reportedRefusedButOnChain++;
      if (!record.typed) checks.untypedRefusals++;
    }
  }
  for (const op of ops) {
    const line = op.signer ? lineOf.get(lower(op.signer)) : undefined;
    if (!line) checks.unknownSigners++;
    else if (line.agent !== undefined && !reported.has(op.userOpHash)) checks.onChainNotReported++;
  }
  const nonces = new Set(ops.map((op) => `${lower(op.sender)}:${op.nonce}`));
  checks.nonceReused = ops.length - nonces.size;

  // Budgets, per line and period, from the ops' calls; and the module's counters at one block against the same sums.
  const latest = await client.getBlock();
  // A key's state at the audit's block, through the lens; undefined once it is no key of the account.
  const keyState = async (account: Address, key: Address) =>
    (await client.readContract({ address: lens, abi: sessionKeyLensAbi, functionName: 'getSessionKeys', args: [module, account], blockNumber: latest.number })).find(
      (state) => lower(state.sessionKey) === lower(key),
    );
  const erc20Used = (state: LensSessionKeyState | undefined) => state?.targets.find((target) => lower(target.target) === lower(token))?.erc20Spend.used ?? 0n;
  const now = Number(latest.timestamp);
  const shortPeriods = new Set<number>();
  for (const line of lines) {
    const keys = new Set(line.keys.map(lower));
    const lineOps = ops.filter((op) => op.signer && keys.has(lower(op.signer)));
    for (const [budget, amount] of [
      [line.erc20, (op: OpOnChain) => op.erc20],
      [line.native, (op: OpOnChain) => op.native],
      [line.gas, (op: OpOnChain) => op.gas],
    ] as const) {
      const { groups, over, periods } = overLimit(lineOps, budget, amount);
      checks.periodsChecked += groups;
      checks.overLimit += over;
      if (budget === line.erc20 && line.agent !== undefined && parameters.shortAgents.includes(line.agent))
        for (const period of periods) shortPeriods.add(period);
    }
    const current = line.keys.at(-1)!;
    const state = await keyState(line.account, current);
    if (!state) continue;
    const inPeriod = (op: OpOnChain, budget: Budget) => !budget.interval || periodOf(op.timestamp, budget.anchor, budget.interval).start === periodOf(now, budget.anchor, budget.interval).start;
    const sum = (budget: Budget, amount: (op: OpOnChain) => bigint) => lineOps.filter((op) => inPeriod(op, budget)).reduce((total, op) => total + amount(op), 0n);
    const { info } = state;
    if (
      erc20Used(state) !== sum(line.erc20, (op) => op.erc20) ||
      info.nativeTokenSpend.used !== sum(line.native, (op) => op.native) ||
      info.gasSpend.used !== sum(line.gas, (op) => op.gas)
    )
      checks.counterMismatches++;
  }

  // The owner's mid-run changes, from the module's events.
  const [rotations, removals] = await Promise.all([
    client.getLogs({ address: module, event: rotatedEvent, args: { account: accounts }, fromBlock }),
    client.getLogs({ address: module, event: removedEvent, args: { account: accounts }, fromBlock }),
  ]);
  const signedBy = (key: Address) => ops.filter((op) => op.signer && lower(op.signer) === lower(key));
  let revocation: LoadAudit['revocation'];
  for (const removal of removals) {
    const key = removal.args.sessionKey!;
    const byKey = signedBy(key);
    checks.opsAfterRevocation += byKey.filter((op) => after(op, removal)).length;
    revocation = { key, opsBefore: byKey.filter((op) => !after(op, removal)).length, block: removal.blockNumber };
  }
  let rotation: LoadAudit['rotation'];
  for (const rotated of rotations) {
    const { oldSessionKey: oldKey, newSessionKey: newKey, account } = rotated.args as { oldSessionKey: Address; newSessionKey: Address; account: Address };
    checks.opsAfterRotation += signedBy(oldKey).filter((op) => after(op, rotated)).length;
    const line = lineOf.get(lower(oldKey))!;
    const inCurrent = (op: OpOnChain) => !line.erc20.interval || periodOf(op.timestamp, line.erc20.anchor, line.erc20.interval).start === periodOf(now, line.erc20.anchor, line.erc20.interval).start;
    rotation = {
      oldKey,
      newKey,
      oldKeyCharged: signedBy(oldKey).filter(inCurrent).reduce((total, op) => total + op.erc20, 0n),
      newKeyCharged: signedBy(newKey).filter(inCurrent).reduce((total, op) => total + op.erc20, 0n),
      newKeyCounterAtEnd: erc20Used(await keyState(account, newKey)),
      block: rotated.blockNumber,
    };
    if (rotation.newKeyCounterAtEnd !== rotation.oldKeyCharged + rotation.newKeyCharged) checks.rotatedSpendNotCarried++;
  }

  const agentOps = ops.filter((op) => op.signer && lineOf.get(lower(op.signer))?.agent !== undefined);
  const { periodsChecked, ...mustBeZero } = checks;
  return {
    checks,
    passed: Object.values(mustBeZero).every((count) => count === 0) && periodsChecked > 0,
    agentOps: agentOps.length,
    baselineOps: ops.length - agentOps.length - checks.unknownSigners,
    shortPeriodsCharged: shortPeriods.size,
    rotation,
    revocation,
    fees: {
      actualGasCostWei: summarize(agentOps.map((op) => Number(op.actualGasCost))),
      actualGasUsed: summarize(agentOps.map((op) => Number(op.actualGasUsed))),
      totalWei: agentOps.reduce((total, op) => total + op.actualGasCost, 0n),
    },
    perOp: agentOps.map((op) => [lineOf.get(lower(op.signer!))!.agent!, Number(op.blockNumber), Number(op.actualGasCost), Number(op.actualGasUsed)]),
  };
}
