import { totalBytes } from './calldata.js';
import { formatGas, markdownTable } from './markdown.js';
import type { SideBySideSection } from './results.js';
import type { ComparedRow, ComparedScenario, RatioOutcome } from './sideBySideComparison.js';

const ratio = (r: number) => r.toFixed(2);

/** "met (0.42 ≤ 0.5)", "**missed**: 0.55 > 0.5, by 10 %", or "reported (…)" while the target waits for a feature. */
export function ratioVerdict(t: RatioOutcome): string {
  if (t.met === null) return `reported: ${ratio(t.ratio)} (target ≤ ${t.max} once ${t.pendingOn})`;
  return t.met
    ? `met (${ratio(t.ratio)} ≤ ${t.max})`
    : `**missed**: ${ratio(t.ratio)} > ${t.max}, over by ${(((t.ratio - t.max) / t.max) * 100).toFixed(1)} %`;
}

function targetsTable(targets: readonly RatioOutcome[]): string {
  const value = (t: RatioOutcome, side: 'leash' | 'peer') =>
    t.l1DataGas ? `${formatGas(t[side])} bytes, ${formatGas(t.l1DataGas[side])} L1 data gas` : formatGas(t[side]);
  return markdownTable(
    ['target', 'Leash', 'MetaMask', 'Leash ÷ MetaMask', 'without Leash\'s gas limit', 'target', 'result'],
    ['l', 'r', 'r', 'r', 'r', 'r', 'l'],
    targets.map((t) => [
      t.title,
      value(t, 'leash'),
      value(t, 'peer'),
      `**${ratio(t.ratio)}**`,
      t.ratioWithoutGasLimit === null ? '–' : ratio(t.ratioWithoutGasLimit),
      `≤ ${t.max}`,
      ratioVerdict(t),
    ]),
  );
}

function gasRatioCell(row: ComparedRow): string {
  if (!row.ratios) return '–';
  const without = row.ratios.gasWithoutGasLimit;
  return `**${ratio(row.ratios.gas)}**${without === null ? '' : ` (${ratio(without)} without gas limit)`}`;
}

function scenarioTable(s: ComparedScenario): string {
  return markdownTable(
    ['figure', 'EntryPoint', 'gas', 'Leash ÷ it: gas', 'calldata bytes (zero / nonzero)', 'L1 data gas', 'Leash ÷ it: bytes, L1 data gas'],
    ['l', 'c', 'r', 'r', 'r', 'r', 'r'],
    s.rows.map((row) => [
      row.system === 'Leash' ? `**${row.label}**` : row.label,
      row.entryPoint ?? '–',
      row.system === 'Leash' ? `**${formatGas(row.gasUsed)}**` : formatGas(row.gasUsed),
      gasRatioCell(row),
      `${formatGas(totalBytes(row.calldataBytes))} (${row.calldataBytes.zero} / ${row.calldataBytes.nonzero})`,
      formatGas(row.l1DataGas),
      row.ratios ? `${ratio(row.ratios.calldataBytes)}, ${ratio(row.ratios.l1DataGas)}` : '–',
    ]),
  );
}

/** The closing note: each target met (with its headroom), missed (by how much), or waiting for a feature. */
function closingNote(targets: readonly RatioOutcome[]): string[] {
  const missed = targets.filter((t) => t.met === false);
  const pending = targets.filter((t) => t.met === null);
  const met = targets.filter((t) => t.met === true);
  const closest = [...met].sort((a, b) => b.ratio / b.max - a.ratio / a.max)[0];
  const lines = [
    `${met.length} of ${targets.length - pending.length} judged targets met` +
      (closest ? `; the closest to its bound is "${closest.title}": ${ratio(closest.ratio)} against ≤ ${closest.max}.` : '.'),
  ];
  for (const t of missed) lines.push(`Missed: "${t.title}", ${ratio(t.ratio)} against ≤ ${t.max} (Leash ${formatGas(t.leash)}, MetaMask ${formatGas(t.peer)}).`);
  for (const t of pending)
    lines.push(
      `Reported, not yet judged: "${t.title}" is ${ratio(t.ratio)} (Leash ${formatGas(t.leash)}, MetaMask ${formatGas(t.peer)}); its target ≤ ${t.max} applies once ${t.pendingOn}.`,
    );
  return lines;
}

/** The side-by-side section of RESULTS.md. */
export function renderSideBySide(side: SideBySideSection, chartFile: string): string[] {
  const out: string[] = [
    "## Side by side with MetaMask's Delegation Framework (one chain, one run)",
    '',
    "The same work, with the same rules, done by Leash and by MetaMask's Delegation Framework on one fresh anvil " +
      `(hardfork ${side.chain.hardfork}), both deployed side by side by this run. Gas is the receipt \`gasUsed\` of handleOps carrying one op ` +
      '(Leash: EntryPoint v0.8; MetaMask: the smart account delegate on EntryPoint v0.7, the one its DeleGators are built for), and for the ' +
      "peer's other path the receipt `gasUsed` of an EOA's own `redeemDelegations` transaction, marked \"other path\": a Leash session always goes " +
      'through ERC-4337. Ratios are Leash ÷ MetaMask, with Leash\'s full permission set (its gas limit included), and without the gas limit in brackets. ' +
      "Leash's figures here can differ from the gas sections' by a few dozen gas: this run's keys, accounts and recipients are others, with other zero bytes in the calldata.",
    '',
    `![Leash side by side with MetaMask's Delegation Framework, and beside peers' published figures](${chartFile})`,
    '',
    '### Targets against the peer',
    '',
    targetsTable(side.targets),
    '',
    'A calldata target is met when both the bytes and their L1 data gas are within it; its ratio is the larger of the two.',
    '',
    ...closingNote(side.targets).map((line) => `- ${line}`),
    '',
  ];
  for (const s of side.scenarios) out.push(`### ${s.title}`, '', `Conditions: ${s.conditions}.`, '', scenarioTable(s), '');
  if (side.sessionOverheads.length)
    out.push(
      "What the permission system adds: the session ERC-20 transfer at S1 minus the same system's owner-signed transfer at S1 (both ERC-4337 ops):",
      '',
      ...side.sessionOverheads.map((o) => `- ${o.label}: +${formatGas(o.overhead)}`),
      '',
    );
  out.push(
    '### Calldata and L1 data gas',
    '',
    side.l1DataGasDefinition,
    '',
    '### How the peer was deployed',
    '',
    ...side.deploymentNotes.map((n) => `- ${n}`),
    '',
    '### Choices that could favour either side',
    '',
    'Could favour MetaMask:',
    '',
    ...side.fairness.favoursPeer.map((n) => `- ${n}`),
    '',
    'Could favour Leash:',
    '',
    ...side.fairness.favoursLeash.map((n) => `- ${n}`),
    '',
    'The same on both sides:',
    '',
    ...side.fairness.neutral.map((n) => `- ${n}`),
    '',
    '### Smart Sessions (Rhinestone, Biconomy)',
    '',
    `${side.smartSessions.conclusion} Looked for the policies' bytecode in:`,
    '',
    ...side.smartSessions.searched.map((n) => `- ${n}`),
    '',
  );
  return out;
}
