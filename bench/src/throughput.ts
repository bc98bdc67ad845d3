import { type Address, type Hex, createPublicClient, encodeFunctionData, erc20Abi, http, parseEther, parseUnits } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import type { UserOperation } from 'viem/account-abstraction';
import {
  type Call,
  SessionKeySigner,
  createLeashAccountClient,
  executeWithSessionKey,
  installSessionKeyModule,
  nowInSeconds,
  planSessionOpTiming,
} from '@leash/sdk';
import { startLocalStack } from '@leash/sdk/local';
import { type ChainFacts, readChainFacts } from './environment.js';
import { fullPermissions } from './permissionSets.js';
import type { StackRunOptions } from './progress.js';
import { opTemplate, signedCopy, submitAndWait } from './preSigned.js';
import { type Summary, summarize } from './stats.js';

export type ThroughputOptions = {
  /** Session ops per run. */
  ops: number;
  /** Nonce lanes used in parallel, at most {@link maxLanesPerUnstakedSender}. */
  lanes: number;
} & StackRunOptions;

/** One run: N ops through the bundler, `lanes` at a time. */
export type ThroughputRun = {
  ops: number;
  lanes: number;
  wallSeconds: number;
  opsPerSecond: number;
  /** From the start of an op's work to its receipt, in ms. */
  latencyMs: Summary;
  /** Distinct handleOps transactions that carried the ops. */
  bundles: number;
  lanesUsed: string[];
};

export type ThroughputResult = {
  options: Omit<ThroughputOptions, 'onProgress' | 'onStep'>;
  /** An agent calling executeWithSessionKey: plans timing, reads the nonce, estimates gas, signs, sends, waits. */
  agent: ThroughputRun;
  /** The same ops built and signed beforehand (untimed), then only sent and waited for. */
  preSigned: ThroughputRun;
  /** maxFeePerGas (wei) the client estimated before the warm-up, and the one the pre-signed ops carry. */
  maxFeePerGas: { atStart: bigint; preSigned: bigint };
  /** Time to build and sign the pre-signed ops (gas estimated once, then reused). */
  preSignSeconds: number;
  /** agent ops/s ÷ pre-signed ops/s: the share of the bundler's pace the SDK's per-op work leaves. */
  ratio: number;
  chain: ChainFacts;
};

/**
 * ERC-7562's SAME_SENDER_MEMPOOL_COUNT: a bundler keeps at most 4 ops of an unstaked sender in its mempool (Alto refuses
 * a fifth with "stake or unstake-delay is too low"), so one account cannot have more lanes in flight.
 */
export const maxLanesPerUnstakedSender = 4;

const nowMs = () => Number(process.hrtime.bigint()) / 1e6;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `count` jobs on `workers` concurrent workers; worker w takes jobs w, w + workers, … in order. A fixed split gives
 * both runs the same schedule, and lets each pre-signed lane's ops go out in nonce order.
 */
async function runPool(count: number, workers: number, job: (index: number, worker: number) => Promise<void>): Promise<void> {
  await Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      for (let index = worker; index < count; index += workers) await job(index, worker);
    }),
  );
}

/** Times a run and collects its latencies, bundles and lanes. */
async function timedRun(
  label: string,
  ops: number,
  lanes: number,
  onProgress: StackRunOptions['onProgress'],
  work: (job: number, worker: number) => Promise<{ transactionHash: Hex; lane: bigint }>,
): Promise<ThroughputRun> {
  const latencies: number[] = [];
  const bundles = new Set<Hex>();
  const lanesUsed = new Set<bigint>();
  const start = nowMs();
  onProgress?.({ label, done: 0, total: ops, elapsedMs: 0 });
  await runPool(ops, lanes, async (job, worker) => {
    const opStart = nowMs();
    const { transactionHash, lane } = await work(job, worker);
    latencies.push(nowMs() - opStart);
    bundles.add(transactionHash);
    lanesUsed.add(lane);
    onProgress?.({ label, done: latencies.length, total: ops, elapsedMs: nowMs() - start });
  });
  const wallSeconds = (nowMs() - start) / 1000;
  return {
    ops,
    lanes,
    wallSeconds,
    opsPerSecond: ops / wallSeconds,
    latencyMs: summarize(latencies),
    bundles: bundles.size,
    lanesUsed: [...lanesUsed].sort((a, b) => Number(a - b)).map(String),
  };
}

/**
 * A backend agent's throughput on the local stack (anvil, EntryPoint v0.8, Alto in safe mode): N session ops of one
 * key sent through the bundler on parallel nonce lanes, first as an agent does it (executeWithSessionKey per op), then
 * the same ops signed beforehand and only submitted. The ratio shows what the SDK's per-op work costs in throughput.
 */
export async function runThroughput(options: ThroughputOptions): Promise<ThroughputResult> {
  const { ops, lanes, pollingIntervalMs, onProgress, onStep = () => {} } = options;
  if (!Number.isInteger(lanes) || lanes < 1 || lanes > maxLanesPerUnstakedSender)
    throw new Error(`lanes must be 1 to ${maxLanesPerUnstakedSender}: bundlers keep at most ${maxLanesPerUnstakedSender} ops of an unstaked sender (ERC-7562)`);
  const stack = await startLocalStack({ onProgress: (message) => onStep(`  ${message}`) });
  try {
    const token = stack.contracts.devToken;
    const transports = { chain: stack.chain, transport: http(stack.rpcUrl), bundlerTransport: http(stack.bundlerUrl), pollingInterval: pollingIntervalMs };
    const publicClient = createPublicClient({ chain: stack.chain, transport: http(stack.rpcUrl) });
    const chain = await readChainFacts(publicClient, stack.contracts);

    onStep('  setting up: an owner account with the module and one session key (full permission set)');
    const owner = await createLeashAccountClient({ ...transports, owner: privateKeyToAccount(generatePrivateKey()) });
    await stack.fund(owner.account.address, { ether: parseEther('200'), devTokens: parseUnits('1000000', 6) });
    const signer = new SessionKeySigner();
    const sessionKey = await signer.getAddress();
    // A daily gas budget far above what the run can spend: each op counts at its maximum cost, and local fees can climb
    // to hundreds of gwei, so the default 1 ETH ran out mid-run and would have measured refusals instead of throughput.
    const permissions = fullPermissions(token, nowInSeconds(), { gasSpendLimit: parseEther('100') }).encode();
    await installSessionKeyModule(owner, { keys: [sessionKey], tags: ['bench-agent'], permissions: [permissions] });
    const session = await createLeashAccountClient({ ...transports, signer, accountAddress: owner.account.address });

    // The same op for every job: one base unit to one of a few recipients, so both runs do identical work.
    const recipients = Array.from({ length: lanes }, () => privateKeyToAccount(generatePrivateKey()).address);
    const callOf = (job: number): Call => ({
      to: token,
      data: encodeFunctionData({ abi: erc20Abi, functionName: 'transfer', args: [recipients[job % lanes] as Address, 1n] }),
    });

    // Warm-up, untimed: every lane used once (so neither run pays a first-used nonce slot), recipients funded, and
    // Alto's and the SDK's first-call costs paid.
    const feesAtStart = await publicClient.estimateFeesPerGas();
    onStep(`  warm-up: one op on each of ${lanes} lanes`);
    await Promise.all(recipients.map((_, lane) => executeWithSessionKey(session, { calls: [callOf(lane)], lane: BigInt(lane) })));

    const agent = await timedRun('agent (executeWithSessionKey)', ops, lanes, onProgress, async (job) => {
      const { receipt, lane } = await executeWithSessionKey(session, { calls: [callOf(job)] });
      return { transactionHash: receipt.receipt.transactionHash, lane };
    });

    onStep(`  pre-signing ${ops} ops (gas estimated once, nonces assigned per lane)`);
    const preSignStart = nowMs();
    const plan = await planSessionOpTiming(session, { sessionKey, calls: [callOf(0)], paymasterPays: false, now: nowInSeconds(), maxWaitSeconds: 120 });
    if (plan.waitSeconds > 0) {
      onStep(`  waiting ${plan.waitSeconds} s for a validity window the bundler accepts`);
      await sleep(plan.waitSeconds * 1000);
    }
    const template = await opTemplate(session, [callOf(0)]);
    const queues: UserOperation<'0.8'>[][] = Array.from({ length: lanes }, () => []);
    for (let lane = 0; lane < lanes; lane++) {
      const base = await session.account.getNonce({ key: BigInt(lane) });
      for (let job = lane, k = 0n; job < ops; job += lanes, k++) queues[lane]!.push(await signedCopy(session, template, [callOf(job)], base + k));
    }
    const preSignSeconds = (nowMs() - preSignStart) / 1000;

    // Each worker owns one lane and sends its ops in nonce order: Alto queues no later nonce of a lane (max queued 0).
    const preSigned = await timedRun('pre-signed (submit only)', ops, lanes, onProgress, async (_, worker) => {
      const op = queues[worker]!.shift();
      if (!op) throw new Error(`lane ${worker} ran out of pre-signed ops`);
      const receipt = await submitAndWait(session, op);
      return { transactionHash: receipt.receipt.transactionHash, lane: BigInt(worker) };
    });

    return {
      options: { ops, lanes, pollingIntervalMs },
      maxFeePerGas: { atStart: feesAtStart.maxFeePerGas, preSigned: template.maxFeePerGas },
      agent,
      preSigned,
      preSignSeconds,
      ratio: agent.opsPerSecond / preSigned.opsPerSecond,
      chain,
    };
  } finally {
    await stack.stop();
  }
}
