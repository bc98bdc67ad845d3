import os from 'node:os';
import { type Address, type Hex, type Transport, createPublicClient, http, parseEther, parseUnits } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import type { UserOperation } from 'viem/account-abstraction';
import {
  type LeashAccountClient,
  SessionKeySigner,
  createLeashAccountClient,
  executeWithSessionKey,
  installSessionKeyModule,
  nowInSeconds,
  removeSessionKey,
  rotateSessionKey,
} from '@leash/sdk';
import { startLocalStack } from '@leash/sdk/local';
import { type ChainFacts, readChainFacts } from './environment.js';
import { Agent, type AgentRecord, type AgentRole, JobQueue, agentPermissions, agentRoles, callOf, gasLimit, nativeLimit, paymentOf, roleLimits } from './loadAgents.js';
import { type KeyLine, type LoadAudit, auditLoad } from './loadAudit.js';
import type { StackRunOptions } from './progress.js';
import { opTemplate, signedCopy, submitAndWait } from './preSigned.js';
import { type Summary, summarize } from './stats.js';

export type LoadOptions = {
  /** Accounts, each with one agent per role (4 keys). */
  accounts: number;
  /** Payments in all, taken by the agents from one queue. */
  ops: number;
} & StackRunOptions;

/** The agent run as measured in this process (the audit checks it against the chain). */
export type AgentRun = {
  attempted: number;
  landed: number;
  /** Refusals by error name. */
  refused: Record<string, number>;
  /** Payments whose outcome was unknown at first and settled by resuming the same op. */
  resumed: number;
  wallSeconds: number;
  /** Landed ops per second of wall time. */
  opsPerSecond: number;
  latencyMs: {
    /** From the op's hand-over to the bundler to its receipt (landed ops). */
    sendToReceipt: Summary;
    /** From the agent's call to its receipt: with the SDK's reads, estimate and signing, and any wait for a pending-op slot. */
    callToReceipt: Summary;
  };
  bundles: number;
  opsPerBundle: Summary;
  /** Requests the agents' clients made during the run, by method: to the node and to the bundler. */
  requests: { node: Record<string, number>; bundler: Record<string, number> };
};

/** Ops built and signed beforehand (untimed), then only sent and followed to their receipts. */
export type PreSignedPhase = {
  ops: number;
  wallSeconds: number;
  opsPerSecond: number;
  latencyMs: Summary;
  bundles: number;
  opsPerBundle: Summary;
  preSignSeconds: number;
  maxFeePerGas: bigint;
};

/**
 * As many ops as there are payments, from the same accounts (an equal share each, ERC-20 and native alternating),
 * pre-signed by each account's baseline key on its four lanes: half before the agents and half after, so that a
 * change in the shared machine's load weighs on both alike.
 */
export type PreSignedRun = {
  before: PreSignedPhase;
  after: PreSignedPhase;
  ops: number;
  wallSeconds: number;
  /** Both halves: ops ÷ their summed wall time. */
  opsPerSecond: number;
  latencyMs: Summary;
};

export type LoadResult = {
  options: Omit<LoadOptions, 'onProgress' | 'onStep'>;
  agents: { id: number; account: number; role: AgentRole; keys: Address[] }[];
  limits: { erc20: Record<AgentRole, { limit: bigint; interval: number }>; native: bigint; gas: bigint; anchor: number };
  agentRun: AgentRun;
  preSigned: PreSignedRun;
  /** agent ops/s ÷ pre-signed ops/s. */
  ratio: number;
  /** When the owner rotated and revoked keys, in payments completed. */
  ownerChanges: { rotatedAfter: number; revokedAfter: number };
  audit: LoadAudit;
  chain: ChainFacts;
  /** 1-minute load average at the start of the timed runs and at their end, and the cores: the machine is shared. */
  loadAverage: { start: number; end: number; cores: number };
};

const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

/** A transport that counts its requests by method. */
function counting(transport: Transport, counts: Map<string, number>): Transport {
  return ((config: Parameters<Transport>[0]) => {
    const inner = transport(config);
    const request: typeof inner.request = async (args, options) => {
      counts.set(args.method, (counts.get(args.method) ?? 0) + 1);
      return inner.request(args, options);
    };
    return { ...inner, request };
  }) as Transport;
}
const newAddress = () => privateKeyToAccount(generatePrivateKey()).address;

/** Ops per distinct bundle transaction. */
function bundlesOf(transactionHashes: readonly Hex[]): { bundles: number; opsPerBundle: Summary } {
  const counts = new Map<Hex, number>();
  for (const hash of transactionHashes) counts.set(hash, (counts.get(hash) ?? 0) + 1);
  return { bundles: counts.size, opsPerBundle: summarize([...counts.values()]) };
}

/**
 * Many agents, many keys, through Alto in safe mode on the local stack: `accounts` accounts with one agent per role
 * (steady, capped, short period, plain) pay ERC-20 and native amounts from one queue of `ops` payments, as fast as
 * the SDK lets them, while the owner rotates one key and removes another. Then the same number of ops, pre-signed, from
 * the same accounts, for the bundler's own pace; then the audit from the chain.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const { accounts, ops, pollingIntervalMs, onProgress, onStep = () => {} } = options;
  const stack = await startLocalStack({ onProgress: (message) => onStep(`  ${message}`) });
  try {
    const token = stack.contracts.devToken;
    const transports = { chain: stack.chain, transport: http(stack.rpcUrl), bundlerTransport: http(stack.bundlerUrl), pollingInterval: pollingIntervalMs };
    const publicClient = createPublicClient({ chain: stack.chain, transport: http(stack.rpcUrl) });
    const chain = await readChainFacts(publicClient, stack.contracts.sessionKeyModule);
    const fromBlock = await publicClient.getBlockNumber();
    const now = nowInSeconds();
    // Periods start at set-up, so that only the short period refreshes during the run, whatever the time of day.
    const anchor = now - 30;

    onStep(`  setting up ${accounts} accounts, each with ${agentRoles.length} agent keys (${agentRoles.join(', ')}) and a baseline key`);
    const agents: Agent[] = [];
    const agentLines: KeyLine[] = [];
    const baselineLines: KeyLine[] = [];
    const owners: LeashAccountClient[] = [];
    const baselines: { session: LeashAccountClient; recipients: Address[]; payee: Address }[] = [];
    // The agents' clients count their requests, to show where an agent's time goes beside a pre-signed op's.
    const nodeRequests = new Map<string, number>();
    const bundlerRequests = new Map<string, number>();
    const agentTransports = { ...transports, transport: counting(http(stack.rpcUrl), nodeRequests), bundlerTransport: counting(http(stack.bundlerUrl), bundlerRequests) };
    const session = async (account: Address, signer: SessionKeySigner, counted = false) =>
      createLeashAccountClient({ ...(counted ? agentTransports : transports), signer, accountAddress: account });
    const lineOf = (role: AgentRole, account: Address, key: Address, agent: number | undefined): KeyLine => ({
      keys: [key],
      account,
      agent,
      erc20: { limit: roleLimits[role].erc20, interval: roleLimits[role].erc20Interval, anchor },
      native: { limit: nativeLimit, interval: 0, anchor },
      gas: { limit: gasLimit, interval: 0, anchor },
    });
    await Promise.all(
      Array.from({ length: accounts }, async (_, a) => {
        const owner = await createLeashAccountClient({ ...transports, owner: privateKeyToAccount(generatePrivateKey()) });
        owners[a] = owner;
        const account = owner.account.address;
        await stack.fund(account, { ether: parseEther('100'), devTokens: parseUnits('1000000', 6) });
        const roles: (AgentRole | 'baseline')[] = [...agentRoles, 'baseline'];
        const keys = roles.map(() => new SessionKeySigner());
        const addresses = await Promise.all(keys.map((k) => k.getAddress()));
        const payees = roles.map(newAddress);
        await installSessionKeyModule(owner, {
          keys: addresses,
          tags: roles.map((role) => `load-${a}-${role}`),
          permissions: roles.map((role, k) => agentPermissions(role === 'baseline' ? 'steady' : role, token, payees[k]!, now, anchor).encode()),
        });
        for (const [k, role] of agentRoles.entries()) {
          const id = a * agentRoles.length + k;
          const recipients = [newAddress(), newAddress(), newAddress()];
          agents[id] = new Agent(id, account, role, await session(account, keys[k]!, true), addresses[k]!, token, recipients, payees[k]!);
          agentLines[id] = lineOf(role, account, addresses[k]!, id);
        }
        const baselineKey = roles.length - 1;
        baselines[a] = { session: await session(account, keys[baselineKey]!), recipients: [newAddress(), newAddress(), newAddress()], payee: payees[baselineKey]! };
        baselineLines[a] = lineOf('steady', account, addresses[baselineKey]!, undefined);
      }),
    );

    // Warm-up, untimed: each account's four nonce lanes used once by its baseline key (so that neither run pays a
    // first-used nonce slot), the baseline's recipients funded, Alto's and the SDK's first-call costs paid.
    onStep('  warm-up: 4 ops per account (its nonce lanes, through the baseline key)');
    await Promise.all(
      baselines.flatMap(({ session, recipients, payee }) =>
        [0, 1, 2, 4].map((job) => executeWithSessionKey(session, { calls: [callOf(paymentOf(job, recipients, payee), token)] })),
      ),
    );

    // The bundler's own pace: pre-signed ops from the same accounts, sent in nonce order on each account's four lanes
    // and followed to their receipts (see PreSignedRun); half now, half after the agents.
    const preSignedPhase = async (when: string, firstJob: number, count: number): Promise<[PreSignedPhase, number[]]> => {
      onStep(`  pre-signing ${count} ops ${when} (gas estimated once per account and kind, nonces assigned per lane)`);
      const preSignStart = nowMs();
      const queues: UserOperation<'0.8'>[][][] = [];
      let maxFeePerGas = 0n;
      for (const [a, { session, recipients, payee }] of baselines.entries()) {
        // Templates from the largest amounts, so every op's gas fits: job 4 pays 5 tokens, job 5 0.0003 ETH.
        const template = (job: number) => opTemplate(session, [callOf(paymentOf(job, recipients, payee), token)]);
        const templates = { erc20: await template(4), native: await template(5) };
        maxFeePerGas = templates.erc20.maxFeePerGas;
        const lanes: UserOperation<'0.8'>[][] = [[], [], [], []];
        const nonces = await Promise.all(lanes.map((_, lane) => session.account.getNonce({ key: BigInt(lane) })));
        // Account a takes jobs a, a + accounts, … of the phase: an equal share, ERC-20 and native alternating.
        for (let job = firstJob + a, i = 0; job < firstJob + count; job += baselines.length, i++) {
          const payment = paymentOf(job, recipients, payee);
          const lane = i % lanes.length;
          lanes[lane]!.push(await signedCopy(session, templates[payment.kind], [callOf(payment, token)], nonces[lane]! + BigInt(lanes[lane]!.length)));
        }
        queues[a] = lanes;
      }
      const preSignSeconds = (nowMs() - preSignStart) / 1000;
      const latencies: number[] = [];
      const bundles: Hex[] = [];
      const phaseStart = nowMs();
      const label = `pre-signed ${when} (submit only)`;
      onProgress?.({ label, done: 0, total: count, elapsedMs: 0 });
      await Promise.all(
        queues.flatMap((lanes, a) =>
          lanes.map(async (lane) => {
            for (const op of lane) {
              const sent = nowMs();
              const receipt = await submitAndWait(baselines[a]!.session, op);
              latencies.push(nowMs() - sent);
              bundles.push(receipt.receipt.transactionHash);
              onProgress?.({ label, done: latencies.length, total: count, elapsedMs: nowMs() - phaseStart });
            }
          }),
        ),
      );
      const wallSeconds = (nowMs() - phaseStart) / 1000;
      const phase = { ops: latencies.length, wallSeconds, opsPerSecond: latencies.length / wallSeconds, latencyMs: summarize(latencies), ...bundlesOf(bundles), preSignSeconds, maxFeePerGas };
      return [phase, latencies];
    };
    const loadAtStart = os.loadavg()[0]!;
    const half = Math.floor(ops / 2);
    const [before, beforeLatencies] = await preSignedPhase('before the agents', 0, half);

    // The agents, with the owner's changes mid-run: at 30 % the capped agent of account 0 gets a new key (rotation:
    // its spend carries over), at 60 % the plain agent of account 1 loses its key (removal).
    const rotated = agents[agentRoles.indexOf('capped')]!;
    const revoked = agents[agentRoles.length + agentRoles.indexOf('plain')]!;
    const records: AgentRecord[] = [];
    const ownerChanges = { rotatedAfter: -1, revokedAfter: -1 };
    const ownerWork: Promise<void>[] = [];
    nodeRequests.clear();
    bundlerRequests.clear();
    const start = nowMs();
    const clock = () => nowMs() - start;
    const label = `agents (${agents.length}, executeWithSessionKey)`;
    onProgress?.({ label, done: 0, total: ops, elapsedMs: 0 });
    const onRecord = (record: AgentRecord) => {
      records.push(record);
      onProgress?.({ label, done: records.length, total: ops, elapsedMs: clock() });
      if (ownerChanges.rotatedAfter < 0 && records.length >= ops * 0.3) {
        ownerChanges.rotatedAfter = records.length;
        ownerWork.push(
          (async () => {
            const next = new SessionKeySigner();
            const newKey = await next.getAddress();
            await rotateSessionKey(owners[0]!, { oldKey: agentLines[rotated.id]!.keys[0]!, newKey });
            agentLines[rotated.id]!.keys.push(newKey);
            rotated.switchTo(await session(rotated.account, next, true), newKey);
          })(),
        );
      }
      if (ownerChanges.revokedAfter < 0 && records.length >= ops * 0.6) {
        ownerChanges.revokedAfter = records.length;
        revoked.revoked = true;
        ownerWork.push(removeSessionKey(owners[1]!, { key: agentLines[revoked.id]!.keys[0]! }).then(() => undefined));
      }
    };
    const queue = new JobQueue(ops);
    await Promise.all(agents.map((agent) => agent.run(queue, clock, onRecord, {})));
    const agentWall = clock() / 1000;
    await Promise.all(ownerWork);

    const landed = records.filter((r) => r.outcome === 'landed');
    const refused: Record<string, number> = {};
    for (const r of records) if (r.outcome === 'refused') refused[r.error!] = (refused[r.error!] ?? 0) + 1;
    const agentRun: AgentRun = {
      attempted: records.length,
      landed: landed.length,
      refused,
      resumed: records.filter((r) => r.resumed).length,
      wallSeconds: agentWall,
      opsPerSecond: landed.length / agentWall,
      latencyMs: {
        sendToReceipt: summarize(landed.map((r) => r.endMs - r.sentMs!)),
        callToReceipt: summarize(landed.map((r) => r.endMs - r.startMs)),
      },
      ...bundlesOf(landed.map((r) => r.transactionHash!)),
      requests: { node: Object.fromEntries(nodeRequests), bundler: Object.fromEntries(bundlerRequests) },
    };

    const [after, afterLatencies] = await preSignedPhase('after the agents', half, ops - half);
    const loadAtEnd = os.loadavg()[0]!;
    const preSigned: PreSignedRun = {
      before,
      after,
      ops: before.ops + after.ops,
      wallSeconds: before.wallSeconds + after.wallSeconds,
      opsPerSecond: (before.ops + after.ops) / (before.wallSeconds + after.wallSeconds),
      latencyMs: summarize([...beforeLatencies, ...afterLatencies]),
    };

    onStep('  auditing from the chain: events, bundle calldata, block times, the module’s events and counters');
    const audit = await auditLoad(publicClient, {
      module: stack.contracts.sessionKeyModule,
      token,
      fromBlock,
      lines: [...agentLines, ...baselineLines],
      records,
      shortAgents: agents.filter((agent) => agent.role === 'short').map((agent) => agent.id),
    });

    return {
      options: { accounts, ops, pollingIntervalMs },
      agents: agents.map((agent) => ({ id: agent.id, account: Math.floor(agent.id / agentRoles.length), role: agent.role, keys: agentLines[agent.id]!.keys })),
      limits: {
        erc20: Object.fromEntries(agentRoles.map((role) => [role, { limit: roleLimits[role].erc20, interval: roleLimits[role].erc20Interval }])) as LoadResult['limits']['erc20'],
        native: nativeLimit,
        gas: gasLimit,
        anchor,
      },
      agentRun,
      preSigned,
      ratio: agentRun.opsPerSecond / preSigned.opsPerSecond,
      ownerChanges,
      audit,
      chain,
      loadAverage: { start: loadAtStart, end: loadAtEnd, cores: os.cpus().length },
    };
  } finally {
    await stack.stop();
  }
}
