// `npm run bench`: gas per scenario beside the peers' published figures, Leash side by side with MetaMask's Delegation
// Framework on one chain, SDK speed, an agent's throughput through the local bundler, and many agents under load.
// Writes bench/results.json, bench/RESULTS.md and bench/chart.svg. Not part of `npm test`.
//
// Options: --only gas,peer,sdk,throughput,load (a partial run: the other parts' figures are kept from the last
// results.json), --ops N and --lanes L (throughput), --accounts A, --load-ops N and --load-rounds R (load).
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { renderChartSvg } from './chart.js';
import { chartGroups, evaluateTargets, gasFiguresOf } from './comparison.js';
import { type ChainFacts, readChainFacts, readEnvironment, repoRoot } from './environment.js';
import { fixedGas } from './handleOps.js';
import { chartFootnotes, chartTitle, formatDuration, formatGas, formatRate, renderResultsMarkdown, targetVerdict } from './markdown.js';
import { ratioVerdict } from './sideBySideMarkdown.js';
import { peerFigures, publishedFigureNotes } from './peers.js';
import { ProgressDisplay } from './progress.js';
import { type BenchResults, type GasSection, toJson } from './results.js';
import { runGasScenarios } from './scenarios.js';
import { runSdkSpeed } from './sdkSpeed.js';
import { runSideBySide } from './sideBySide.js';
import { compareSideBySide, evaluateRatioTargets, sessionOverheads, sideBySideChartGroups, systemShortName } from './sideBySideComparison.js';
import { deploymentNotes, fairnessNotes, l1DataGasDefinition, smartSessionsNote } from './sideBySideNotes.js';
import { maxLanesPerUnstakedSender, runThroughput } from './throughput.js';
import { accountGasConditions, runAccountGas } from './accountGas.js';
import { runLoad } from './load.js';
import { type BenchPart as Part, benchParts as parts, carryOver, readPreviousResults } from './partialRuns.js';

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    ops: { type: 'string', default: '24' },
    lanes: { type: 'string', default: String(maxLanesPerUnstakedSender) },
    accounts: { type: 'string', default: '5' },
    'load-ops': { type: 'string', default: '1000' },
    'load-rounds': { type: 'string', default: '4' },
  },
});
const selected = new Set<Part>(values.only ? (values.only.split(',') as Part[]) : parts);
for (const part of selected) if (!parts.includes(part)) throw new Error(`Unknown part "${part}" (parts: ${parts.join(', ')})`);
const ops = Number(values.ops);
const lanes = Number(values.lanes);
if (!Number.isInteger(ops) || ops < 1) throw new Error('--ops must be a positive integer');
const loadAccounts = Number(values.accounts);
const loadOps = Number(values['load-ops']);
if (!Number.isInteger(loadAccounts) || loadAccounts < 2) throw new Error('--accounts must be an integer of at least 2 (the load run rotates a key on one and removes one on another)');
if (!Number.isInteger(loadOps) || loadOps < 10) throw new Error('--load-ops must be an integer of at least 10');
const loadRounds = Number(values['load-rounds']);
if (!Number.isInteger(loadRounds) || loadRounds < 1 || loadRounds * 2 > loadOps) throw new Error('--load-rounds must be an integer from 1 to half of --load-ops');

const progress = new ProgressDisplay();
// Children (anvil, Alto) are killed by the SDK's process hooks on Ctrl-C; this only ends the progress line first, and
// re-raises the signal when no such hook is installed yet, so Ctrl-C always ends the bench.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    progress.clear();
    progress.log(`${signal}: stopping the processes the bench started`);
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  });
}

const benchDir = path.join(repoRoot, 'bench');
const started = Date.now();
const environment = readEnvironment();
let results: BenchResults = {
  generatedAt: new Date(started).toISOString(),
  durationSeconds: 0,
  command: 'npm run bench',
  environment,
  skipped: parts.filter((p) => !selected.has(p)),
  measured: Object.fromEntries([...selected].map((part) => [part, { at: new Date(started).toISOString(), commit: environment.git.commit }])),
  gas: null,
  sideBySide: null,
  sdk: null,
  accounts: null,
  throughput: null,
  load: null,
};
progress.log(`Leash bench: ${[...selected].join(', ')} (commit ${environment.git.commit.slice(0, 12)}, node ${environment.node})`);

// SDK timings first, while no anvil or Alto competes for the CPU.
if (selected.has('sdk')) {
  progress.log('SDK speed (no network):');
  results.sdk = await runSdkSpeed({
    onResult: (r) => progress.log(`  ${r.name}: median ${formatDuration(r.timeMs.median)}, p95 ${formatDuration(r.timeMs.p95)}, ${formatRate(r.opsPerSecond)} ops/s`),
  });
}

if (selected.has('gas')) {
  progress.log('Gas scenarios (fresh anvil, one op per handleOps):');
  let chain: ChainFacts | undefined;
  const scenarios = await runGasScenarios({
    onDeployed: async ({ publicClient, addresses }) => {
      chain = await readChainFacts(publicClient, addresses);
    },
    onResult: (r) => progress.log(`  ${r.id.padEnd(24)} ${formatGas(Number(r.gasUsed)).padStart(9)}`),
  });
  const figures = gasFiguresOf(scenarios);
  const gas: GasSection = {
    chain: chain!,
    opGasFields: Object.fromEntries(Object.entries(fixedGas).map(([k, v]) => [k, Number(v)])),
    scenarios: scenarios.map((s) => ({
      id: s.id,
      title: s.title,
      conditions: s.conditions,
      gasUsed: Number(s.gasUsed),
      actualGasUsed: Number(s.actualGasUsed),
      calldataBytes: s.calldataBytes,
      transactionHash: s.transactionHash,
    })),
    figures,
    targets: evaluateTargets(figures),
    chart: chartGroups(figures),
    peers: peerFigures,
    peerNotes: publishedFigureNotes,
  };
  results.gas = gas;
  for (const t of gas.targets) progress.log(`  ${t.title}: ${formatGas(t.ours)} (target ≤ ${formatGas(t.target)}): ${targetVerdict(t).replace(/\*/g, '')}`);
}

if (selected.has('peer')) {
  progress.log("Side by side with MetaMask's Delegation Framework (one anvil, both deployed):");
  let chain: ChainFacts | undefined;
  const run = await runSideBySide({
    onDeployed: async ({ publicClient, addresses }) => {
      chain = await readChainFacts(publicClient, addresses);
    },
    onResult: (m) =>
      progress.log(`  ${m.scenario.padEnd(18)} ${systemShortName(m.system).padEnd(8)} ${m.variant.padEnd(18)} ${m.path.padEnd(19)} ${formatGas(m.gasUsed).padStart(9)}`),
  });
  const scenarios = compareSideBySide(run.measurements);
  results.sideBySide = {
    chain: chain!,
    deployment: run.deployment,
    measurements: run.measurements,
    scenarios,
    targets: evaluateRatioTargets(scenarios),
    sessionOverheads: sessionOverheads(scenarios),
    l1DataGasDefinition,
    deploymentNotes: deploymentNotes(run.deployment),
    fairness: fairnessNotes(run.measurements),
    smartSessions: smartSessionsNote,
    chart: sideBySideChartGroups(scenarios),
  };
  for (const t of results.sideBySide.targets) progress.log(`  ${t.title}: ${t.ratio.toFixed(3)} (target ≤ ${t.max}): ${ratioVerdict(t).replace(/\*/g, '')}`);
}

if (selected.has('accounts')) {
  progress.log('Session ERC-20 transfer at S1 on each account (local stack, Alto in safe mode):');
  const rows = await runAccountGas({
    onStep: (message) => progress.log(message),
    onResult: (r) => progress.log(`  ${r.account.padEnd(32)} EntryPoint v${r.entryPoint} ${formatGas(r.gasUsed).padStart(9)}`),
  });
  results.accounts = { conditions: accountGasConditions, rows };
}

if (selected.has('throughput')) {
  progress.log(`Agent throughput (${ops} session ops, ${lanes} lanes, local stack with Alto in safe mode):`);
  results.throughput = await runThroughput({
    ops,
    lanes,
    pollingIntervalMs: 100,
    onStep: (message) => progress.log(message),
    onProgress: (state) => progress.update(state),
  });
  const t = results.throughput;
  progress.log(
    `  agent ${formatRate(t.agent.opsPerSecond)} ops/s, pre-signed ${formatRate(t.preSigned.opsPerSecond)} ops/s: ratio ${t.ratio.toFixed(2)}`,
  );
}

if (selected.has('load')) {
  progress.log(`Under load (${loadAccounts} accounts × 4 agents, ${loadOps} payments, local stack with Alto in safe mode):`);
  results.load = await runLoad({
    accounts: loadAccounts,
    ops: loadOps,
    segments: loadRounds,
    pollingIntervalMs: 100,
    onStep: (message) => progress.log(message),
    onProgress: (state) => progress.update(state),
  });
  const l = results.load;
  progress.log(
    `  ${l.agentRun.landed} of ${l.agentRun.attempted} landed, ${formatRate(l.agentRun.opsPerSecond)} ops/s; pre-signed ${formatRate(l.preSigned.opsPerSecond)} ops/s: ratio ${l.ratio.toFixed(2)}`,
  );
  progress.log(`  audit from the chain: ${l.audit.passed ? 'passed' : 'FAILED'} (${Object.entries(l.audit.checks).map(([k, v]) => `${k} ${v}`).join(', ')})`);
  if (!l.audit.passed) process.exitCode = 1;
}

results.durationSeconds = (Date.now() - started) / 1000;
const chartFile = 'chart.svg';
const resultsFile = path.join(benchDir, 'results.json');
results = carryOver(results, readPreviousResults(resultsFile), [...selected]);
fs.writeFileSync(resultsFile, toJson(results));
// With both parts, the published figures' groups follow the side-by-side ones and say so in their titles.
const publishedGroups = (results.gas?.chart ?? []).map((g) => (results.sideBySide ? { ...g, title: `${g.title}: beside published figures` } : g));
const allChartGroups = [...(results.sideBySide?.chart ?? []), ...publishedGroups];
if (allChartGroups.length) fs.writeFileSync(path.join(benchDir, chartFile), renderChartSvg(allChartGroups, chartTitle(results), chartFootnotes(results)));
fs.writeFileSync(path.join(benchDir, 'RESULTS.md'), renderResultsMarkdown(results, chartFile));
progress.log(`Wrote bench/results.json, bench/RESULTS.md${allChartGroups.length ? ', bench/chart.svg' : ''} in ${Math.round(results.durationSeconds)} s.`);
