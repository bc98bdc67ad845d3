import type { LoadResult } from './load.js';
import type { LoadChecks } from './loadAudit.js';
import { formatDuration, formatGas, formatRate, markdownTable } from './markdown.js';
import type { Summary } from './stats.js';

// Figures carried over from an earlier run come back from results.json as numbers or decimal strings, not bigints.
type Amount = bigint | number | string;
const big = (value: Amount) => BigInt(value);
const gweiOf = (wei: Amount) => (Number(big(wei)) / 1e9).toPrecision(3);
const ethOf = (wei: Amount) => (Number(big(wei)) / 1e18).toPrecision(4);
const tokens = (units: Amount) => (Number(big(units)) / 1e6).toLocaleString('en-US');
const latency = (s: Summary) => `${formatDuration(s.median)} / ${formatDuration(s.p95)} / ${formatDuration(s.max)}`;

/** What each check means, in the words of the issue. */
const checkTitles: Record<keyof LoadChecks, string> = {
  reportedLandedNotOnChain: 'payments reported landed whose op is not on chain (lost)',
  onChainNotReported: 'agent ops on chain that no payment reported as landed (silently landed)',
  reportedRefusedButOnChain: 'payments reported refused of which an op is on chain anyway',
  untypedRefusals: 'refusals without a typed SDK error',
  paidTwice: 'payments of which two ops are on chain',
  unknownSigners: 'session ops signed by no key of the run',
  nonceReused: 'nonces used twice',
  overLimit: 'budget periods whose charges exceed the limit',
  periodsChecked: 'budget periods checked (ERC-20, native, gas; per key line)',
  counterMismatches: "keys whose on-chain spend counters differ from their ops' charges",
  opsAfterRevocation: 'ops of the removed key that landed after its removal',
  opsAfterRotation: 'ops of the rotated-out key that landed after the rotation',
  rotatedSpendNotCarried: "rotated key's ERC-20 counter ≠ old key's charges + its own (spend not carried over)",
};

const roleText = (load: LoadResult, role: keyof LoadResult['limits']['erc20']) => {
  const { limit, interval } = load.limits.erc20[role];
  return `${tokens(limit)} dUSD ${Number(interval) ? `per ${interval} s` : 'in total'}`;
};

/** Where an agent's time goes beside a pre-signed op's: the requests its clients made, per landed op. */
function requestsParagraph(load: LoadResult): string {
  const { requests, landed } = load.agentRun;
  const perOp = (counts: Record<string, number>) =>
    Object.entries(counts)
      .sort(([, x], [, y]) => y - x)
      .map(([method, count]) => `${method} ${(count / landed).toFixed(2)}`)
      .join(', ');
  const total = (counts: Record<string, number>) => Object.values(counts).reduce((sum, n) => sum + n, 0) / landed;
  return (
    `Per landed op the agents' clients sent ${total(requests.node).toFixed(1)} requests to the node (${perOp(requests.node)}) and ` +
    `${total(requests.bundler).toFixed(1)} to the bundler (${perOp(requests.bundler)}), refused payments included; a pre-signed op sends one ` +
    '`eth_sendUserOperation` and is followed by the same delivery loop. In safe mode Alto traces every `eth_estimateUserOperationGas` and `eth_sendUserOperation` ' +
    "through anvil's `debug_traceCall`, on the same two cores as its bundling and anvil's mining."
  );
}

/** The load section of RESULTS.md. */
export function renderLoadSection(load: LoadResult): string[] {
  const { agentRun: a, preSigned: p, audit } = load;
  const agentsPerAccount = load.agents.length / load.options.accounts;
  const refused = Object.entries(a.refused)
    .sort(([, x], [, y]) => y - x)
    .map(([name, count]) => `${count} ${name}`)
    .join(', ');
  const out = [
    '## Under load: many agents, many keys, through the local bundler',
    '',
    `${load.options.accounts} accounts, each with ${agentsPerAccount} session keys held by ${agentsPerAccount} agents (${load.agents.length} in all), take ${load.options.ops} payments ` +
      'from one queue and pay each with `executeWithSessionKey` as fast as the SDK lets them: even jobs an ERC-20 transfer of 1 to 5 dUSD to one of ' +
      'three recipients, odd jobs 0.0001 to 0.0003 ETH to the agent\'s payee. Local stack: anvil with 1 s blocks and mining on each transaction, ' +
      `EntryPoint v0.8, Alto 0.0.20 in safe mode; receipts polled every ${load.options.pollingIntervalMs} ms; the SDK's delivery defaults. ` +
      `Keys by role: steady ${roleText(load, 'steady')}; capped ${roleText(load, 'capped')} (reached during the run); ` +
      `short ${roleText(load, 'short')} (refreshes during the run; these agents skip rather than wait near a period's end: \`maxWaitSeconds: 0\`); ` +
      `plain ${roleText(load, 'plain')}. Every key: native ${ethOf(load.limits.native)} ETH and gas ${ethOf(load.limits.gas)} ETH in total. ` +
      `Mid-run the owner rotates the capped key of account 0 (after ${load.ownerChanges.rotatedAfter} payments) and removes the plain key of account 1 (after ${load.ownerChanges.revokedAfter}).`,
    '',
    markdownTable(
      ['', 'agents (executeWithSessionKey)', 'pre-signed, sent straight to Alto'],
      ['l', 'r', 'r'],
      [
        ['ops landed', `${a.landed} of ${a.attempted} payments`, String(p.ops)],
        ['wall time (segments summed)', formatDuration(a.wallSeconds * 1000), formatDuration(p.wallSeconds * 1000)],
        ['**ops/s**', `**${formatRate(a.opsPerSecond)}**`, `**${formatRate(p.opsPerSecond)}**`],
        ['latency, send → receipt: p50 / p95 / max', latency(a.latencyMs.sendToReceipt), latency(p.latencyMs)],
        ['latency, call → receipt: p50 / p95 / max', latency(a.latencyMs.callToReceipt), '–'],
        ['of which call → hand-over to the bundler (planning reads, a pending-op slot, nonce, estimate, signing)', latency(a.latencyMs.callToSend), '–'],
        ['bundles (ops per bundle: mean, max)', ...[a, p].map((run) => `${run.bundles} (${run.opsPerBundle.mean.toFixed(2)}, ${run.opsPerBundle.max})`)],
      ],
    ),
    '',
    `**Throughput ratio, agents / pre-signed: ${load.ratio.toFixed(2)}** (target ≥ 0.9: ${load.ratio >= 0.9 ? 'met' : '**missed**'}). ` +
      `The pre-signed ops are as many as the payments, from the same accounts (an equal share each, ERC-20 and native alternating), signed by each ` +
      "account's baseline key (the steady role's limits) on the account's four nonce lanes, sent in nonce order per lane and followed to their receipts by " +
      "the same delivery loop as the agents' ops. Each carries 1 wei more maxFeePerGas than the one before it over all accounts: Alto hands its " +
      "bundler ops in order of maxFeePerGas, and with one fee per account it handed over one account's ops together, so that its bundles (one op per " +
      `sender) held about 3 ops instead of 5; the agents' ops, priced one by one, interleave by themselves. Pre-signing took ` +
      `${formatDuration(p.preSignSeconds * 1000)} in all (not timed), at ${gweiOf(p.maxFeePerGas)} gwei maxFeePerGas; ${p.busyRetries ?? 0} pre-signed sends found ` +
      "the account's four mempool places taken and were sent again a second later.",
    '',
    `The machine is shared (1-minute load average ${load.loadAverage.start.toFixed(1)} at the start, ${load.loadAverage.end.toFixed(1)} at the end, on ` +
      `${load.loadAverage.cores} cores) and its load drifts within minutes, so the run alternates ${load.segments.length} rounds of a pre-signed segment ` +
      'and an agent segment, each with the next share of the ops; each side\'s ops/s is its ops over its segments\' summed wall time:',
    '',
    markdownTable(
      ['round', 'pre-signed ops/s', 'agents ops/s', 'ratio', 'load average at its end'],
      ['r', 'r', 'r', 'r', 'r'],
      load.segments.map((segment, i) => [
        String(i + 1),
        formatRate(segment.preSignedOpsPerSecond),
        formatRate(segment.agentOpsPerSecond),
        (segment.agentOpsPerSecond / segment.preSignedOpsPerSecond).toFixed(2),
        segment.loadAverage.toFixed(1),
      ]),
    ),
    '',
    requestsParagraph(load),
    '',
    `Payments refused, each with a typed error: ${refused || 'none'}. ${a.resumed} payments had an unknown outcome at first and were settled by resuming the same op; ` +
      `${load.lateOps} ops landed after their agent had finished with them.`,
    '',
    '### Checked from the chain alone',
    '',
    'From the EntryPoint\'s UserOperationEvents, the bundles\' calldata (each op\'s calls and signature, hence its key), block times, and the module\'s ' +
      'events (rotation, removal) and spend counters; the agents\' own records are only compared with them.',
    '',
    markdownTable(
      ['check', 'count', 'result'],
      ['l', 'r', 'l'],
      (Object.keys(checkTitles) as (keyof LoadChecks)[]).map((key) => [
        checkTitles[key],
        String(audit.checks[key]),
        key === 'periodsChecked' ? (audit.checks[key] > 0 ? 'checked' : '**none checked**') : audit.checks[key] === 0 ? 'ok' : '**FAILED**',
      ]),
    ),
    '',
    `Audit ${audit.passed ? '**passed**' : '**FAILED**'}: ${audit.agentOps} agent ops and ${audit.baselineOps} baseline ops (warm-up and pre-signed) on chain; ` +
      `the short-period budgets charged ${audit.shortPeriodsCharged} distinct periods.`,
  ];
  if (audit.rotation) {
    const r = audit.rotation;
    out.push(
      '',
      `Rotation (block ${r.block}): the old key had charged ${tokens(r.oldKeyCharged)} dUSD of its weekly budget, the new key ${tokens(r.newKeyCharged)}; ` +
        `the new key's on-chain counter reads ${tokens(r.newKeyCounterAtEnd)} dUSD: the spend carried over.`,
    );
  }
  if (audit.revocation)
    out.push('', `Removal (block ${audit.revocation.block}): the removed key landed ${audit.revocation.opsBefore} ops before it and ${audit.checks.opsAfterRevocation} after.`);
  const fees = audit.fees;
  out.push(
    '',
    '### What each op paid',
    '',
    markdownTable(
      ['per agent op', 'min', 'p50', 'p95', 'max', 'mean'],
      ['l', 'r', 'r', 'r', 'r', 'r'],
      [
        ['actualGasCost (gwei)', ...[fees.actualGasCostWei.min, fees.actualGasCostWei.median, fees.actualGasCostWei.p95, fees.actualGasCostWei.max, fees.actualGasCostWei.mean].map((w) => (w / 1e9).toLocaleString('en-US', { maximumFractionDigits: 0 }))],
        ['actualGasUsed', ...[fees.actualGasUsed.min, fees.actualGasUsed.median, fees.actualGasUsed.p95, fees.actualGasUsed.max, fees.actualGasUsed.mean].map((g) => formatGas(Math.round(g)))],
      ],
    ),
    '',
    `In all ${ethOf(fees.totalWei)} ETH for ${audit.agentOps} agent ops (UserOperationEvent.actualGasCost). Each op's fee is in results.json (\`load.audit.perOp\`: agent, block, actualGasCost in wei, actualGasUsed).`,
    '',
  );
  return out;
}
