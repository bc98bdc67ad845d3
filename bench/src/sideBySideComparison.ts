import { type CalldataBytes, totalBytes } from './calldata.js';
import type { ChartGroup } from './comparison.js';
import { type RatioTarget, ratioTargets } from './gasTargets.js';
import { caveatSets } from './peers/metamask/caveats.js';
import {
  type SideMeasurement,
  type SidePathId,
  type SideScenarioId,
  type SideVariantId,
  sideScenarios,
} from './sideBySide.js';

/** Leash ÷ a peer's figure: Leash with its full set (gas limit included) and, for gas, without its gas limit. */
export type SideRatios = { gas: number; gasWithoutGasLimit: number | null; calldataBytes: number; l1DataGas: number };

/** One row of a side-by-side table. */
export type ComparedRow = {
  label: string;
  system: SideMeasurement['system'];
  variant: SideVariantId;
  path: SidePathId;
  entryPoint: SideMeasurement['entryPoint'];
  gasUsed: number;
  calldataBytes: CalldataBytes;
  l1DataGas: number;
  /** Leash ÷ this row; null on Leash's own rows. */
  ratios: SideRatios | null;
};

export type ComparedScenarioId = Exclude<SideScenarioId, 'grant'> | 'grant-and-first-use';

/** One side-by-side table: a scenario, Leash's rows first, then the peer's. */
export type ComparedScenario = { id: ComparedScenarioId; title: string; conditions: string; rows: ComparedRow[] };

const variantLabels: Record<SideVariantId, string> = {
  'leash-full': 'full permission set (gas limit included)',
  'leash-no-gas-limit': 'same rules without the gas limit',
  'leash-grant': "full permission set, granted by the owner's signature (the first op carries the grant)",
  'erc20-full': `${caveatSets['erc20-full'].title} (${caveatSets['erc20-full'].enforcers.length} enforcers)`,
  'erc20-minimal': `${caveatSets['erc20-minimal'].title} (${caveatSets['erc20-minimal'].enforcers.length} enforcers)`,
  native: `${caveatSets.native.title} (${caveatSets.native.enforcers.length} enforcers)`,
  owner: 'owner-signed, no session',
};

export const pathLabels: Record<SidePathId, string> = {
  erc4337: 'ERC-4337 op',
  'erc4337-kit-execute': "ERC-4337 op, the kit's execute encoding",
  'eoa-direct': 'EOA calls redeemDelegations (other path)',
};

export const systemShortName = (system: SideMeasurement['system']): string => (system === 'Leash' ? 'Leash' : 'MetaMask');

export function rowLabel(row: Pick<ComparedRow, 'system' | 'variant' | 'path'>): string {
  const variant = variantLabels[row.variant];
  return row.system === 'Leash' ? `Leash, ${variant}` : `MetaMask, ${variant}, ${pathLabels[row.path]}`;
}

const pathOrder: SidePathId[] = ['erc4337', 'erc4337-kit-execute', 'eoa-direct'];
const scenarioOrder: ComparedScenarioId[] = [
  'session-erc20-s1',
  'session-erc20-s0',
  'session-native-s1',
  'session-native-s0',
  'session-batch-2',
  'grant-and-first-use',
  'owner-erc20-s1',
];

const titleOf = (id: ComparedScenarioId) =>
  id === 'grant-and-first-use'
    ? {
        title: 'Grant + first use (the permission granted, then its first session transfer at S0)',
        conditions: `${sideScenarios.grant.conditions}; then the session ERC-20 transfer at S0 (later use: see S1)`,
      }
    : sideScenarios[id];

/**
 * Builds the side-by-side tables: per scenario, Leash's rows, then MetaMask's (ERC-4337 first, the EOA path last),
 * each peer row with Leash ÷ it. Grant + first use adds each system's grant to its S0 transfer.
 */
export function compareSideBySide(measurements: readonly SideMeasurement[]): ComparedScenario[] {
  const rows = (scenario: SideScenarioId) => measurements.filter((m) => m.scenario === scenario);
  const grantAndFirstUse: SideMeasurement[] = rows('grant').map((grant) => {
    const firstUse = measurements.find(
      (m) => m.scenario === 'session-erc20-s0' && m.system === grant.system && m.variant === grant.variant && m.path === grant.path,
    );
    if (!firstUse) throw new Error(`No first use measured for the grant of ${rowLabel(grant)}`);
    return {
      ...grant,
      gasUsed: grant.gasUsed + firstUse.gasUsed,
      calldataBytes: { zero: grant.calldataBytes.zero + firstUse.calldataBytes.zero, nonzero: grant.calldataBytes.nonzero + firstUse.calldataBytes.nonzero },
      l1DataGas: grant.l1DataGas + firstUse.l1DataGas,
    };
  });
  return scenarioOrder.flatMap((id) => {
    const measured = id === 'grant-and-first-use' ? grantAndFirstUse : rows(id);
    if (measured.length === 0) return [];
    const leash = measured.filter((m) => m.system === 'Leash');
    const [reference, withoutGasLimit] = [leashReference(leash, id), leash.find((m) => m.variant === 'leash-no-gas-limit')];
    const peer = measured
      .filter((m) => m.system !== 'Leash')
      .sort((a, b) => pathOrder.indexOf(a.path) - pathOrder.indexOf(b.path));
    const toRow = (m: SideMeasurement, ratios: SideRatios | null): ComparedRow => ({
      label: rowLabel(m),
      system: m.system,
      variant: m.variant,
      path: m.path,
      entryPoint: m.entryPoint,
      gasUsed: m.gasUsed,
      calldataBytes: m.calldataBytes,
      l1DataGas: m.l1DataGas,
      ratios,
    });
    const ratiosTo = (m: SideMeasurement): SideRatios | null =>
      reference
        ? {
            gas: reference.gasUsed / m.gasUsed,
            gasWithoutGasLimit: withoutGasLimit ? withoutGasLimit.gasUsed / m.gasUsed : null,
            calldataBytes: totalBytes(reference.calldataBytes) / totalBytes(m.calldataBytes),
            l1DataGas: reference.l1DataGas / m.l1DataGas,
          }
        : null;
    return [{ id, ...titleOf(id), rows: [...leash.map((m) => toRow(m, null)), ...peer.map((m) => toRow(m, ratiosTo(m)))] }];
  });
}

/**
 * The Leash row peers are divided by: the full permission set; for grant + first use, the key granted by the owner's
 * signature (what the peer's off-chain delegation compares with), else the add-key op.
 */
function leashReference<T extends { variant: SideVariantId }>(leash: readonly T[], id: ComparedScenarioId): T | undefined {
  const preferred: SideVariantId = id === 'grant-and-first-use' ? 'leash-grant' : 'leash-full';
  return leash.find((m) => m.variant === preferred) ?? leash.find((m) => m.variant !== 'leash-no-gas-limit' && m.variant !== 'leash-grant');
}

/** A ratio target, judged (or reported, when it waits for a feature). */
export type RatioOutcome = {
  id: string;
  title: string;
  metric: RatioTarget['metric'];
  max: number;
  /** Leash (full set) ÷ the peer: gas, or for calldata the larger of the bytes and L1 data gas ratios. */
  ratio: number;
  /** The same without Leash's gas limit (gas targets only). */
  ratioWithoutGasLimit: number | null;
  /** Gas, or calldata bytes for a calldata target. */
  leash: number;
  peer: number;
  /** For a calldata target: the L1 data gas of both sides' calldata. */
  l1DataGas: { leash: number; peer: number } | null;
  /** null while the target waits for a feature (`pendingOn`). */
  met: boolean | null;
  pendingOn: string | null;
};

export function evaluateRatioTargets(scenarios: readonly ComparedScenario[], targets: readonly RatioTarget[] = ratioTargets): RatioOutcome[] {
  return targets.map((t) => {
    const scenario = scenarios.find((s) => s.id === t.scenario);
    const leash = scenario && leashReference(scenario.rows.filter((r) => r.system === 'Leash'), scenario.id);
    const peer = scenario?.rows.find((r) => r.system !== 'Leash' && r.variant === t.peer.variant && r.path === t.peer.path);
    if (!leash || !peer?.ratios) throw new Error(`No measurement for ratio target ${t.id}`);
    const calldata = t.metric === 'calldata';
    const ratio = calldata ? Math.max(peer.ratios.calldataBytes, peer.ratios.l1DataGas) : peer.ratios.gas;
    return {
      id: t.id,
      title: t.title,
      metric: t.metric,
      max: t.max,
      ratio,
      ratioWithoutGasLimit: calldata ? null : peer.ratios.gasWithoutGasLimit,
      leash: calldata ? totalBytes(leash.calldataBytes) : leash.gasUsed,
      peer: calldata ? totalBytes(peer.calldataBytes) : peer.gasUsed,
      l1DataGas: calldata ? { leash: leash.l1DataGas, peer: peer.l1DataGas } : null,
      met: t.pendingOn ? null : ratio <= t.max,
      pendingOn: t.pendingOn ?? null,
    };
  });
}

/** The session's cost over the same system's owner-signed transfer, S1 (receipt gas): what the permission system adds. */
export function sessionOverheads(scenarios: readonly ComparedScenario[]): { label: string; overhead: number }[] {
  const owner = scenarios.find((s) => s.id === 'owner-erc20-s1');
  const session = scenarios.find((s) => s.id === 'session-erc20-s1');
  if (!owner || !session) return [];
  // Both baselines are ERC-4337 ops, so only the ERC-4337 rows have one.
  return session.rows.flatMap((row) => {
    const baseline = owner.rows.find((o) => o.system === row.system);
    return baseline && row.path === 'erc4337' ? [{ label: row.label, overhead: row.gasUsed - baseline.gasUsed }] : [];
  });
}

const ratioNote = (r: SideRatios) => `Leash ÷ it: ${r.gas.toFixed(2)}`;

/**
 * The chart's side-by-side groups: per scenario, Leash's bars, then the peer's ERC-4337 path and its EOA path, each peer
 * bar with Leash ÷ it. The kit's `execute` encoding stays in the tables.
 */
export function sideBySideChartGroups(scenarios: readonly ComparedScenario[]): ChartGroup[] {
  return scenarios.map((s) => ({
    group: `side-${s.id}` as const,
    title: s.id === 'grant-and-first-use' ? 'Grant + first use (S0)' : s.title,
    bars: s.rows
      .filter((r) => r.path !== 'erc4337-kit-execute')
      .map((r) => ({
        label: chartLabel(r),
        gas: r.gasUsed,
        kind: r.system === 'Leash' ? ('leash' as const) : ('peer-measured' as const),
        ...(r.ratios ? { note: ratioNote(r.ratios) } : {}),
      })),
  }));
}

function chartLabel(r: ComparedRow): string {
  const set: Record<SideVariantId, string> = {
    'leash-full': 'full set',
    'leash-no-gas-limit': 'no gas limit',
    'leash-grant': 'full set, grant',
    'erc20-full': 'full set',
    'erc20-minimal': 'minimal set',
    native: 'equivalent set',
    owner: 'owner op',
  };
  const path = r.path === 'eoa-direct' ? ', EOA (other path)' : r.system === 'Leash' ? '' : ', ERC-4337';
  return `${systemShortName(r.system)}, ${set[r.variant]}${path}`;
}
