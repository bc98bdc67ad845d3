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
  /** Rounds the run is cut into, each a pre-signed segment then an agent segment (see PreSignedRun). */
  segments: number;
} & StackRunOptions;

/** The agent run as measured in this process (the audit checks it against the chain). */
export type AgentRun = {
  attempted: number;
  landed: number;
  /** Refusals by error name. */
  refused: Record<string, number>;
  /** Payments whose outcome was unknown at first and settled by resuming the same op. */
  resumed: number;
  /** The agent segments' wall time, summed. */
  wallSeconds: number;
  /** Landed ops per second of wall time. */
  opsPerSecond: number;
  latencyMs: {
    /** From the op's hand-over to the bundler to its receipt (landed ops). */
    sendToReceipt: Summary;
    /** From the agent's call to its receipt: with the SDK's reads, estimate and signing, and any wait for a pending-op slot. */
    callToReceipt: Summary;
    /** From the agent's call to the op's hand-over to the bundler: the part before sending. */
    callToSend: Summary;
  };
  bundles: number;
  opsPerBundle: Summary;
  /** Requests the agents' clients made during the run, by method: to the node and to the bundler. */
  requests: { node: Record<string, number>; bundler: Record<string, number> };
};

/**
 * The bundler's own pace: as many ops as there are payments, from the same accounts (an equal share each, ERC-20 and
 * native alternating), built and signed beforehand (untimed) by each account's baseline key on the account's four
 * nonce lanes, then only sent, in nonce order per lane, and followed to their receipts by the same delivery loop as
 * the agents' ops. The run alternates a pre-signed segment and an agent segment, `segments` times, so that the shared
 * machine's load, which drifts within minutes, weighs on both alike.
 */
export type PreSignedRun = {
  ops: number;
  /** The pre-signed segments' wall time, summed. */
  wallSeconds: number;
  opsPerSecond: number;
  latencyMs: Summary;
  bundles: number;
  opsPerBundle: Summary;
  preSignSeconds: number;
  maxFeePerGas: bigint;
  /** Sends the bundler refused because it held as many ops of the account as it allows, each tried again a second later. */
  busyRetries: number;
};

/** One round: its pre-signed and agent segments' ops/s, and the machine's 1-minute load average at its end. */
export type LoadSegment = { preSignedOpsPerSecond: number; agentOpsPerSecond: number; loadAverage: number };

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
  /** Ops of the accounts that landed after their agents had finished a segment (an agent gave up on them while pending). */
  lateOps: number;
  segments: LoadSegment[];
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

/**
 * Waits until no op lands on the accounts' four lanes for 5 s (at most 2 minutes), and returns how many landed
 * meanwhile: ops still pending after their agent finished with them.
 */
async function settle(sessions: readonly LeashAccountClient[]): Promise<number> {
  const read = () => Promise.all(sessions.flatMap((session) => [0n, 1n, 2n, 3n].map((lane) => session.account.getNonce({ key: lane }))));
  const first = await read();
  let last = first;
  const start = nowMs();
  let stableSince = start;
  while (nowMs() - stableSince < 5_000 && nowMs() - start < 120_000) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const current = await read();
    if (current.some((nonce, i) => nonce !== last[i])) stableSince = nowMs();
    last = current;
  }
  return last.reduce((sum, nonce, i) => sum + Number(nonce - first[i]!), 0);
}

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
  const { accounts, ops, segments, pollingIntervalMs, onProgress, onStep = () => {} } = options;
  const stack = await startLocalStack({ onProgress: (message) => onStep(`  ${message}`) });
  try {
    const token = stack.contracts.devToken;
    // On a shared two-core machine Alto's safe-mode tracing can take longer than viem's 10 s default to answer; a set-up
    // op (module install, funding) that times out would end the run, so requests get a minute.
    const rpc = (url: string) => http(url, { timeout: 60_000 });
    const transports = { chain: stack.chain, transport: rpc(stack.rpcUrl), bundlerTransport: rpc(stack.bundlerUrl), pollingInterval: pollingIntervalMs };
    const publicClient = createPublicClient({ chain: stack.chain, transport: rpc(stack.rpcUrl) });
    const chain = await readChainFacts(publicClient, stack.contracts);
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
    const agentTransports = { ...transports, transport: counting(rpc(stack.rpcUrl), nodeRequests), bundlerTransport: counting(rpc(stack.bundlerUrl), bundlerRequests) };
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

    // The bundler's own pace (see PreSignedRun): a segment of pre-signed ops, jobs firstJob … firstJob + count − 1.
    const preSigned = { ops: 0, wallSeconds: 0, preSignSeconds: 0, maxFeePerGas: 0n, latencies: [] as number[], bundles: [] as Hex[], busy: 0 };
    // Diagnostics for a pre-signed send the bundler refuses for a full mempool: what it says of the account's agent ops.
    const reportPending = async (a: number) => {
      const account = owners[a]!.account.address;
      const sent = records.filter((r) => agents[r.agent]!.account === account).flatMap((r) => r.sentHashes.map((hash) => ({ hash, outcome: r.outcome, error: r.error })));
      const statuses = await Promise.all(
        sent.map(async (s) => ({ ...s, status: ((await baselines[a]!.session.request({ method: 'pimlico_getUserOperationStatus', params: [s.hash] } as never)) as { status: string }).status })),
      );
      const open = statuses.filter((s) => !['included', 'rejected', 'not_found', 'failed'].includes(s.status));
      onStep(`  Alto refused a pre-signed op of account ${a} for a full mempool; of its agents' ${sent.length} sent ops it still holds: ${JSON.stringify(open)}`);
    };
    const preSignedSegment = async (segment: number, firstJob: number, count: number): Promise<number> => {
      const preSignStart = nowMs();
      // Templates from the largest amounts, so every op's gas fits: job 4 pays 5 tokens, job 5 0.0003 ETH.
      const templates = await Promise.all(
        baselines.map(async ({ session, recipients, payee }) => {
          const template = (job: number) => opTemplate(session, [callOf(paymentOf(job, recipients, payee), token)]);
          return { erc20: await template(4), native: await template(5) };
        }),
      );
      // One fee for every account, rising by 1 wei from op to op over the accounts: Alto hands its bundler ops in order
      // of maxFeePerGas, and with one fee per account it handed over one account's ops together, so that bundles (one
      // op per sender) held 3 ops rather than 5. The agents' ops, priced one by one, interleave by themselves.
      const maxFeePerGas = templates.flatMap((t) => [t.erc20.maxFeePerGas, t.native.maxFeePerGas]).reduce((a, b) => (a > b ? a : b));
      const queues: UserOperation<'0.8'>[][][] = [];
      for (const [a, { session, recipients, payee }] of baselines.entries()) {
        const lanes: UserOperation<'0.8'>[][] = [[], [], [], []];
        const nonces = await Promise.all(lanes.map((_, lane) => session.account.getNonce({ key: BigInt(lane) })));
        // Account a takes jobs a, a + accounts, … of the phase: an equal share, ERC-20 and native alternating.
        for (let job = firstJob + a, i = 0; job < firstJob + count; job += baselines.length, i++) {
          const payment = paymentOf(job, recipients, payee);
          const lane = i % lanes.length;
          const priced = { ...templates[a]![payment.kind], maxFeePerGas: maxFeePerGas + BigInt(job - firstJob) };
          lanes[lane]!.push(await signedCopy(session, priced, [callOf(payment, token)], nonces[lane]! + BigInt(lanes[lane]!.length)));
        }
        queues[a] = lanes;
      }
      preSigned.preSignSeconds += (nowMs() - preSignStart) / 1000;
      preSigned.maxFeePerGas = maxFeePerGas;
      let done = 0;
      const phaseStart = nowMs();
      const label = `round ${segment + 1}/${segments}: pre-signed (submit only)`;
      onProgress?.({ label, done: 0, total: count, elapsedMs: 0 });
      await Promise.all(
        queues.flatMap((lanes, a) =>
          lanes.map(async (lane) => {
            for (const op of lane) {
              const sent = nowMs();
              const receipt = await submitAndWait(baselines[a]!.session, op, () => {
                if (preSigned.busy++ === 0) void reportPending(a);
              });
              preSigned.latencies.push(nowMs() - sent);
              preSigned.bundles.push(receipt.receipt.transactionHash);
              onProgress?.({ label, done: ++done, total: count, elapsedMs: nowMs() - phaseStart });
            }
          }),
        ),
      );
      const wallSeconds = (nowMs() - phaseStart) / 1000;
      preSigned.ops += done;
      preSigned.wallSeconds += wallSeconds;
      return done / wallSeconds;
    };

    // The agents, with the owner's changes mid-run: at 30 % the capped agent of account 0 gets a new key (rotation:
    // its spend carries over), at 60 % the plain agent of account 1 loses its key (removal).
    const rotated = agents[agentRoles.indexOf('capped')]!;
    const revoked = agents[agentRoles.length + agentRoles.indexOf('plain')]!;
    const records: AgentRecord[] = [];
    const ownerChanges = { rotatedAfter: -1, revokedAfter: -1 };
    const ownerWork: Promise<void>[] = [];
    const start = nowMs();
    const clock = () => nowMs() - start;
    let segmentLabel = '';
    let segmentStart = 0;
    let segmentFirst = 0;
    let segmentTotal = 0;
    let segmentDone: (() => void) | undefined;
    const onRecord = (record: AgentRecord) => {
      records.push(record);
      onProgress?.({ label: segmentLabel, done: records.length - segmentFirst, total: segmentTotal, elapsedMs: nowMs() - segmentStart });
      if (records.length === segmentFirst + segmentTotal) segmentDone?.();
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

    // Rounds: a pre-signed segment, then the agents take the next share of the payments; the agents wait between.
    const queue = new JobQueue(ops);
    nodeRequests.clear();
    bundlerRequests.clear();
    const agentsDone = Promise.all(agents.map((agent) => agent.run(queue, clock, onRecord, {})));
    const loadAtStart = os.loadavg()[0]!;
    const segmentResults: LoadSegment[] = [];
    let agentWall = 0;
    let lateOps = 0;
    const share = (total: number, k: number) => Math.floor((total * k) / segments);
    for (let k = 0; k < segments; k++) {
      const preSignedOpsPerSecond = await preSignedSegment(k, share(ops, k), share(ops, k + 1) - share(ops, k));
      segmentFirst = share(ops, k);
      segmentTotal = share(ops, k + 1) - segmentFirst;
      segmentLabel = `round ${k + 1}/${segments}: agents (${agents.length}, executeWithSessionKey)`;
      segmentStart = nowMs();
      const finished = new Promise<void>((resolve) => (segmentDone = resolve));
      onProgress?.({ label: segmentLabel, done: 0, total: segmentTotal, elapsedMs: 0 });
      queue.open(segmentTotal);
      await finished;
      const seconds = (nowMs() - segmentStart) / 1000;
      agentWall += seconds;
      const landedInSegment = records.slice(segmentFirst).filter((r) => r.outcome === 'landed').length;
      segmentResults.push({ preSignedOpsPerSecond, agentOpsPerSecond: landedInSegment / seconds, loadAverage: os.loadavg()[0]! });
      // Before the next pre-signed segment: the owner's changes done, and ops an agent gave up on (still in Alto's
      // mempool) landed or gone, so that pre-signed nonces are free and no account has a fifth op pending.
      await Promise.all(ownerWork);
      lateOps += await settle(baselines.map((b) => b.session));
    }
    await agentsDone;
    if (lateOps) onStep(`  ${lateOps} ops landed after their agents had finished with them`);

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
        callToSend: summarize(landed.map((r) => r.sentMs! - r.startMs)),
      },
      ...bundlesOf(landed.map((r) => r.transactionHash!)),
      requests: { node: Object.fromEntries(nodeRequests), bundler: Object.fromEntries(bundlerRequests) },
    };

    const loadAtEnd = os.loadavg()[0]!;
    const preSignedRun: PreSignedRun = {
      ops: preSigned.ops,
      wallSeconds: preSigned.wallSeconds,
      opsPerSecond: preSigned.ops / preSigned.wallSeconds,
      latencyMs: summarize(preSigned.latencies),
      ...bundlesOf(preSigned.bundles),
      preSignSeconds: preSigned.preSignSeconds,
      maxFeePerGas: preSigned.maxFeePerGas,
      busyRetries: preSigned.busy,
    };

    onStep('  auditing from the chain: events, bundle calldata, block times, the module’s events and counters');
    const audit = await auditLoad(publicClient, {
      module: stack.contracts.sessionKeyModule,
      lens: stack.contracts.sessionKeyLens,
      token,
      fromBlock,
      lines: [...agentLines, ...baselineLines],
      records,
      shortAgents: agents.filter((agent) => agent.role === 'short').map((agent) => agent.id),
    });

    return {
      options: { accounts, ops, segments, pollingIntervalMs },
      agents: agents.map((agent) => ({ id: agent.id, account: Math.floor(agent.id / agentRoles.length), role: agent.role, keys: agentLines[agent.id]!.keys })),
      limits: {
        erc20: Object.fromEntries(agentRoles.map((role) => [role, { limit: roleLimits[role].erc20, interval: roleLimits[role].erc20Interval }])) as LoadResult['limits']['erc20'],
        native: nativeLimit,
        gas: gasLimit,
        anchor,
      },
      agentRun,
      preSigned: preSignedRun,
      ratio: agentRun.opsPerSecond / preSignedRun.opsPerSecond,
      segments: segmentResults,
      ownerChanges,
      lateOps,
      audit,
      chain,
      loadAverage: { start: loadAtStart, end: loadAtEnd, cores: os.cpus().length },
    };
  } finally {
    await stack.stop();
  }
}
