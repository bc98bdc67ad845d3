import type { ChainFacts } from './environment.js';
import type { ChartGroup, TargetOutcome } from './comparison.js';
import type { MicroBenchResult } from './microbench.js';
import { type PeerFigure, peersOf } from './peers.js';
import type { BenchResults, GasSection } from './results.js';
import { renderLoadSection } from './loadMarkdown.js';
import type { ThroughputRun } from './throughput.js';
import { renderSideBySide } from './sideBySideMarkdown.js';

export const formatGas = (gas: number): string => gas.toLocaleString('en-US');
export const formatSigned = (gas: number): string => `${gas > 0 ? '+' : gas < 0 ? '−' : '±'}${formatGas(Math.abs(gas))}`;

/** A duration in ms shown with a unit that keeps 3 significant digits (µs, ms or s). */
export function formatDuration(ms: number): string {
  if (ms < 1) return `${(ms * 1000).toPrecision(3)} µs`;
  if (ms < 1000) return `${ms.toPrecision(3)} ms`;
  return `${(ms / 1000).toPrecision(3)} s`;
}

export const formatGwei = (wei: bigint | number): string => (Number(wei) / 1e9).toPrecision(3);

export const formatRate = (perSecond: number): string =>
  perSecond >= 100 ? formatGas(Math.round(perSecond)) : perSecond.toPrecision(3);

/** A markdown table; cells are escaped for pipes. */
export function markdownTable(header: string[], alignments: ('l' | 'r' | 'c')[], rows: string[][]): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  const rule = alignments.map((a) => (a === 'r' ? '---:' : a === 'c' ? ':---:' : '---'));
  return [header, rule, ...rows].map((row, i) => `| ${(i === 1 ? row : row.map(cell)).join(' | ')} |`).join('\n');
}

/** "met, 32,662 under" or "missed by 8,230 (+7.5 %)". */
export function targetVerdict(outcome: TargetOutcome): string {
  const percent = ((Math.abs(outcome.overTarget) / outcome.target) * 100).toFixed(1);
  return outcome.met
    ? `met (${formatGas(-outcome.overTarget)} under, −${percent} %)`
    : `**missed** by ${formatGas(outcome.overTarget)} (+${percent} %)`;
}

function targetsTable(targets: readonly TargetOutcome[]): string {
  const value = (t: TargetOutcome, gas: number) => (t.isOverhead ? formatSigned(gas) : formatGas(gas));
  return markdownTable(
    ['DESIGN.md target', 'Leash', 'target', 'floor (estimate)', 'Leash − floor', 'result'],
    ['l', 'r', 'r', 'r', 'r', 'l'],
    targets.map((t) => [
      t.title,
      value(t, t.ours),
      `≤ ${value(t, t.target)}`,
      t.floor === undefined ? '–' : `≈ ${value(t, t.floor)}`,
      t.overFloor === undefined ? '–' : formatSigned(t.overFloor),
      targetVerdict(t),
    ]),
  );
}

function scenariosTable(gas: GasSection): string {
  return markdownTable(
    ['scenario', 'state', 'gasUsed (receipt)', 'actualGasUsed', 'calldata bytes zero / nonzero'],
    ['l', 'l', 'r', 'r', 'r'],
    gas.scenarios.map((s) => [
      s.title,
      s.conditions,
      formatGas(s.gasUsed),
      formatGas(s.actualGasUsed),
      `${s.calldataBytes.zero} / ${s.calldataBytes.nonzero}`,
    ]),
  );
}

function peerRow(p: PeerFigure): string[] {
  return [`${p.system}: ${p.what}`, `${p.approximate ? '≈ ' : ''}${formatGas(p.gas)}`, p.entryPoint, p.caveat, p.source];
}

function groupTable(group: ChartGroup): string {
  const rows = group.bars
    .filter((b) => b.kind !== 'peer')
    .map((b) => [
      b.kind === 'leash' ? `**${b.label}**` : b.label,
      b.kind === 'leash' ? `**${formatGas(b.gas)}**` : `${b.approximate ? '≈ ' : ''}${formatGas(b.gas)}`,
      b.kind === 'leash' ? '0.8' : '–',
      b.kind === 'leash' ? `measured here${b.target !== undefined ? `; DESIGN.md target ≤ ${formatGas(b.target)}` : ''}` : 'estimate',
      b.kind === 'leash' ? 'this bench' : 'DESIGN.md',
    ]);
  rows.push(...peersOf(group.group).map(peerRow));
  return markdownTable(['figure', 'gas', 'EntryPoint', 'conditions, caveats', 'source'], ['l', 'r', 'c', 'l', 'l'], rows);
}

function microTable(results: readonly MicroBenchResult[]): string {
  return markdownTable(
    ['operation', 'median', 'p95', 'ops/s (at median)', 'batches × iterations'],
    ['l', 'r', 'r', 'r', 'r'],
    results.map((r) => [
      r.name,
      formatDuration(r.timeMs.median),
      formatDuration(r.timeMs.p95),
      formatRate(r.opsPerSecond),
      `${r.timeMs.count} × ${r.iterationsPerBatch}`,
    ]),
  );
}

function throughputTable(runs: [string, ThroughputRun][]): string {
  return markdownTable(
    ['run', 'ops', 'lanes (used)', 'wall time', 'ops/s', 'latency median', 'latency p95', 'bundles'],
    ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    runs.map(([name, r]) => [
      name,
      String(r.ops),
      `${r.lanes} (${r.lanesUsed.join(', ')})`,
      formatDuration(r.wallSeconds * 1000),
      formatRate(r.opsPerSecond),
      formatDuration(r.latencyMs.median),
      formatDuration(r.latencyMs.p95),
      String(r.bundles),
    ]),
  );
}

const short = (hash: string) => `${hash.slice(0, 10)}…`;

/** Which parts this run did not measure, and when and where the figures shown for them were. */
function partialRunNote(results: BenchResults): string {
  const parts = results.skipped.map((part) => {
    const measured = results.measured?.[part as keyof BenchResults['measured']];
    return measured ? `${part} carried over from ${measured.at} (commit \`${measured.commit.slice(0, 12)}\`)` : `${part} not measured`;
  });
  return `**Partial run** (\`--only\`): ${parts.join('; ')}.`;
}

/** RESULTS.md: the targets, every scenario, the comparison with peers, SDK speed, and what the figures came from. */
export function renderResultsMarkdown(results: BenchResults, chartFile: string): string {
  const { environment: env, gas, sideBySide, sdk, throughput, accounts, load } = results;
  const chain = gas?.chain ?? sideBySide?.chain;
  const dirty = Object.entries(env.git.uncommittedFiles)
    .map(([dir, n]) => `${dir} ${n}`)
    .join(', ');
  const out: string[] = [
    '# Leash benchmarks',
    '',
    `Generated by \`${results.command}\` on ${results.generatedAt} in ${Math.round(results.durationSeconds)} s; do not edit by hand, rerun it. ` +
      'Every figure is also in [results.json](results.json).',
    `Commit \`${env.git.commit.slice(0, 12)}\` (${env.git.branch}); files uncommitted at run time: ${dirty}.`,
    '',
  ];
  if (results.skipped.length) out.push(partialRunNote(results), '');

  if (gas) {
    const module = gas.chain.sessionKeyModule;
    out.push(
      '## Gas targets (DESIGN.md)',
      '',
      targetsTable(gas.targets),
      '',
      `Measured on the session key module with code hash \`${short(module.codeHash)}\` (${formatGas(module.codeSize)} bytes). ` +
        'The overhead is the session S1 transfer minus the owner S1 transfer of the same account.',
      '',
      '## Contract sizes',
      '',
      'Runtime code of every contract Leash deploys, beside EIP-170\'s limit of 24,576 bytes. Every one keeps at least 1,024 bytes ' +
        'of room; the validation core (the only contract that runs during validation) stays at most 16,384 bytes.',
      '',
      contractSizesTable(gas.chain.contractSizes),
      '',
      '## Gas per scenario',
      '',
      'Receipt `gasUsed` of `handleOps` carrying one op, sent straight to EntryPoint v0.8 by a bundler EOA with a separate beneficiary ' +
        `(no bundler in the path), on a fresh anvil (hardfork ${gas.chain.hardfork}), an OpenZeppelin-style ERC-20. S0 / S1 as DESIGN.md defines them.`,
      '',
      scenariosTable(gas),
      '',
      `- \`actualGasUsed\` (from \`UserOperationEvent\`) is what the op was charged: it adds the op's preVerificationGas (fixed at ${formatGas(gas.opGasFields.preVerificationGas ?? 0)} here) ` +
        'and the EntryPoint\'s penalty on unused execution gas, and leaves out the transaction\'s own base cost; compare receipt `gasUsed` with peers.',
      `- Every op carries the same gas fields (${Object.entries(gas.opGasFields)
        .map(([k, v]) => `${k} ${formatGas(v)}`)
        .join(', ')}; key management ops raise callGasLimit), so calldata sizes are comparable.`,
      '',
    );
  }
  if (sideBySide) out.push(...renderSideBySide(sideBySide, chartFile));
  if (gas) {
    out.push(
      "## Beside peers' published figures",
      '',
      sideBySide
        ? "Figures the peers published under their own conditions (other EntryPoints, permission sets and states), kept apart from the measurements above; they are the chart's lower groups."
        : `![Leash gas beside peers' published figures and DESIGN.md's floor](${chartFile})`,
      '',
    );
    for (const group of gas.chart) out.push(`### ${group.title}`, '', groupTable(group), '');
    const other = gas.peers.filter((p) => p.group === 'not-comparable');
    if (other.length) {
      out.push('Published, with no Leash counterpart:', '');
      for (const p of other) out.push(`- ${p.system}: ${p.what}, ${formatGas(p.gas)} (${p.caveat}; ${p.source}).`);
      out.push('');
    }
    out.push('Reading the peers\' figures:', '', ...gas.peerNotes.map((n) => `- ${n}`), '');
  }

  if (sdk) {
    out.push(
      '## SDK speed (no network)',
      '',
      `Micro-benchmarks in one Node process: ${sdk.method.warmupMs} ms warm-up, then ${sdk.method.samples} timed batches, each long enough ` +
        `(≥ ${sdk.method.minBatchMs} ms) for the timer not to matter; a batch gives one per-operation time. The session op is built by the SDK's ` +
        'Leash account with the session key validator over an in-process client that answers the nonce read (any other request fails). ' +
        `The machine is shared (1-minute load average ${sdk.loadAverage.before.toFixed(1)} before, ${sdk.loadAverage.after.toFixed(1)} after, ` +
        `on ${results.environment.cpu.cores} cores): read medians, and p95 as the noise.`,
      '',
      microTable(sdk.results),
      '',
    );
  }

  if (accounts) {
    out.push(
      '## Session ERC-20 transfer on each account (S1)',
      '',
      accounts.conditions,
      '',
      '| account | EntryPoint | gasUsed | actualGasUsed |',
      '|---|---|---:|---:|',
      ...accounts.rows.map((r) => `| ${r.account} | v${r.entryPoint} | ${formatGas(r.gasUsed)} | ${formatGas(r.actualGasUsed)} |`),
      '',
    );
  }

  if (throughput) {
    const t = throughput;
    out.push(
      '## Agent throughput through the local bundler',
      '',
      `${t.options.ops} session ops (ERC-20 transfers) of one key on one account, ${t.options.lanes} nonce lanes in parallel, through the local stack ` +
        `(anvil with 1 s blocks + mining on each transaction, EntryPoint v0.8, Alto in safe mode); receipts polled every ${t.options.pollingIntervalMs} ms. ` +
        'Every lane was used once beforehand (untimed). The agent calls `executeWithSessionKey` for each op (timing plan, nonce, gas estimate through the bundler, ' +
        'signing, sending, waiting); the pre-signed run sends the same ops built and signed beforehand and only waits for them.',
      '',
      throughputTable([
        ['agent (executeWithSessionKey)', t.agent],
        ['pre-signed (submit only)', t.preSigned],
      ]),
      '',
      `**Agent / pre-signed throughput: ${t.ratio.toFixed(2)}** (the agent sends at ${(t.ratio * 100).toFixed(0)} % of the pace of pre-signed ops). ` +
        `Pre-signing the ${t.options.ops} ops took ${formatDuration(t.preSignSeconds * 1000)}; they carry maxFeePerGas ${formatGwei(t.maxFeePerGas.preSigned)} gwei as the client estimated it (${formatGwei(t.maxFeePerGas.atStart)} gwei before the warm-up).`,
      '',
      'One account has at most 4 ops in a bundler\'s mempool (ERC-7562, unstaked sender), hence at most 4 lanes in flight; and Alto puts at most ' +
        'one op of a sender in a bundle (its default `--enforce-unique-senders-per-bundle`), so the ops land one bundle each (see the bundles column): ' +
        'parallel lanes overlap the ops\' preparation and simulation, not their inclusion. Both runs are paced by the bundler alike: a ratio below 1 ' +
        'is the SDK\'s per-op work (reads, gas estimate, signing) slowing the agent; near 1, that work hides behind the bundler\'s pace.',
      '',
    );
  }

  if (load) out.push(...renderLoadSection(load));

  out.push(
    '## Conditions and versions',
    '',
    `- One command: \`${results.command}\` (gas scenarios, the side-by-side run with MetaMask's Delegation Framework, SDK speed, the session transfer on each account, throughput, load; every process it starts is stopped at the end and on Ctrl-C).`,
    `- Node ${env.node} on ${env.platform}, ${env.cpu.cores} × ${env.cpu.model}, load average at start ${env.cpu.loadAverageAtStart.join(' / ')}.`,
    `- viem ${env.packages.viem}, TypeScript ${env.packages.typescript}, tsx ${env.packages.tsx}.`,
    `- solc ${env.packages.solc} (npm solcjs through \`contracts/${env.compiler.solc ?? 'tools/solc.cjs'}\`), OpenZeppelin Contracts ${env.packages['@openzeppelin/contracts']}.`,
    `- Compiler settings (contracts/foundry.toml): ${Object.entries(env.compiler)
      .filter(([key]) => key !== 'solc')
      .map(([key, value]) => `\`${key} = ${value}\``)
      .join(', ')}.`,
    `- forge ${env.binaries.forge}, anvil ${env.binaries.anvil}${chain ? ` (${chain.clientVersion}), hardfork ${chain.hardfork}` : ''}.`,
    `- EntryPoint v0.8 from @account-abstraction/contracts ${env.packages['@account-abstraction/contracts']}${chain ? ` at ${chain.entryPoint.address}, code hash \`${short(chain.entryPoint.codeHash)}\`` : ''}.`,
    ...(sideBySide
      ? [
          `- The peer: @metamask/smart-accounts-kit ${sideBySide.deployment.packages['@metamask/smart-accounts-kit']}, @metamask/delegation-abis ${sideBySide.deployment.packages['@metamask/delegation-abis']}, ` +
            `EntryPoint v0.7 from @account-abstraction/contracts ${sideBySide.deployment.packages['account-abstraction-contracts-v0.7']} at ${sideBySide.deployment.entryPoint.address}.`,
        ]
      : []),
    `- Alto ${env.packages['@pimlico/alto']} with ${env.altoPatches.join(', ')}, safe mode on.`,
    '',
  );
  return out.join('\n');
}

/** The chart's title, for the parts this run measured. */
export function chartTitle(results: Pick<BenchResults, 'gas' | 'sideBySide'>): string {
  if (results.sideBySide && results.gas) return "Leash side by side with MetaMask's Delegation Framework (one run), then beside peers' published figures";
  return results.sideBySide ? "Leash side by side with MetaMask's Delegation Framework (one run)" : "Leash gas beside peers' published figures and DESIGN.md's floor";
}

/** The lines under the chart. */
export function chartFootnotes(results: Pick<BenchResults, 'gas' | 'sideBySide'>): string[] {
  return [
    'Receipt gasUsed of handleOps with one op (an EOA path: of its own transaction). Each group has its own scale, starting at 0.',
    ...(results.sideBySide ? ['Side-by-side groups: both systems on one anvil in one run; Leash on EntryPoint v0.8, MetaMask on v0.7. See RESULTS.md for the conditions.'] : []),
    ...(results.gas ? ["Published figures come from the peers' own publications (EntryPoint v0.6/v0.7, conditions not always stated): see RESULTS.md."] : []),
  ];
}

function contractSizesTable(sizes: ChainFacts['contractSizes'] | undefined): string {
  // Gas figures carried over from a run before sizes were recorded have none.
  if (!sizes) return '_Not in these figures (measured before contract sizes were recorded): run `npm run bench -- --only gas`._';
  const rows = sizes.map((c) => `| ${c.name} | ${formatGas(c.codeSize)} | ${formatGas(c.eip170Room)} |`);
  return ['| contract | runtime bytes | room under EIP-170 |', '| --- | ---: | ---: |', ...rows].join('\n');
}
