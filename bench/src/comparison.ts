import { type GasTarget, gasTargets } from './gasTargets.js';
import { type ComparisonGroup, type PeerFigure, peersOf } from './peers.js';

/** Our gas figures by id: every scenario's receipt gasUsed, plus the derived session overhead. */
export type GasFigures = Record<string, number>;

/** The scenario fields the comparison needs (ScenarioResult has them, as bigint). */
export type MeasuredScenario = { id: string; gasUsed: bigint | number };

export const overheadId = 'session-overhead-s1';
/** What a call-count limit adds to the session S1 transfer (issue 14: at most 3,000). */
export const callLimitOverheadId = 'call-limit-overhead-s1';
/** Adding a key (owner op), then its first op at S0: what a grant in the first op replaces (issue 17). */
export const addKeyThenFirstOpId = 'add-key-then-s0';
/** A later op of a key enabled by a grant, over the same op of a key added by the owner (issue 17: within 200 gas). */
export const grantLaterOpOverheadId = 'grant-later-op-over-s1';

/** Figures by id, with the session overhead in S1 derived as session transfer minus owner transfer. */
export function gasFiguresOf(scenarios: readonly MeasuredScenario[]): GasFigures {
  const figures: GasFigures = Object.fromEntries(scenarios.map((s) => [s.id, Number(s.gasUsed)]));
  const session = figures['session-erc20-s1'];
  const owner = figures['owner-erc20-s1'];
  if (session !== undefined && owner !== undefined) figures[overheadId] = session - owner;
  const counted = figures['session-erc20-s1-calls'];
  if (session !== undefined && counted !== undefined) figures[callLimitOverheadId] = counted - session;
  const [addKey, firstOp] = [figures['add-key-full'], figures['session-erc20-s0']];
  if (addKey !== undefined && firstOp !== undefined) figures[addKeyThenFirstOpId] = addKey + firstOp;
  const grantLater = figures['session-erc20-grant-s1'];
  if (session !== undefined && grantLater !== undefined) figures[grantLaterOpOverheadId] = grantLater - session;
  return figures;
}

/** A DESIGN.md target, judged. */
export type TargetOutcome = {
  id: string;
  title: string;
  ours: number;
  target: number;
  floor: number | undefined;
  met: boolean;
  /** ours − target: negative is headroom, positive is by how much it is missed. */
  overTarget: number;
  /** ours − floor (undefined without a floor). */
  overFloor: number | undefined;
  isOverhead: boolean;
  peers: PeerFigure[];
};

export function evaluateTargets(figures: GasFigures, targets: readonly GasTarget[] = gasTargets): TargetOutcome[] {
  return targets.map((t) => {
    const ours = figures[t.id];
    if (ours === undefined) throw new Error(`No measured figure for target ${t.id}`);
    return {
      id: t.id,
      title: t.title,
      ours,
      target: t.target,
      floor: t.floor,
      met: ours <= t.target,
      overTarget: ours - t.target,
      overFloor: t.floor === undefined ? undefined : ours - t.floor,
      isOverhead: t.isOverhead ?? false,
      peers: t.peers,
    };
  });
}

/** Leash measured here, DESIGN.md's floor estimate, a peer measured in the same run, a peer's published figure. */
export type BarKind = 'leash' | 'floor' | 'peer-measured' | 'peer';

/** One bar of the comparison chart. */
export type Bar = {
  label: string;
  gas: number;
  kind: BarKind;
  /** DESIGN.md's target for this figure, drawn as a tick across the bar. */
  target?: number;
  /** An estimate or a figure derived by difference, shown with ≈. */
  approximate?: boolean;
  /** Shown after the value, e.g. Leash ÷ this bar. */
  note?: string;
};

/** A group of bars measuring the same kind of action, ours first, then the floor, then peers. */
export type ChartGroup = { group: ComparisonGroup | `side-${string}`; title: string; bars: Bar[] };

type OursSpec = { id: string; label: string };
const groupSpecs: { group: ComparisonGroup; title: string; ours: OursSpec[] }[] = [
  {
    group: 'session-erc20',
    title: 'Session ERC-20 transfer',
    ours: [
      { id: 'session-erc20-s1', label: 'Leash, full set, S1' },
      { id: 'session-erc20-s0', label: 'Leash, full set, S0' },
    ],
  },
  {
    group: 'session-native',
    title: 'Session native transfer',
    ours: [
      { id: 'session-native-s1', label: 'Leash, value limit, S1' },
      { id: 'session-native-s0', label: 'Leash, value limit, S0' },
    ],
  },
  { group: 'owner-erc20', title: 'Owner-signed ERC-20 transfer', ours: [{ id: 'owner-erc20-s1', label: 'Leash, S1' }] },
  {
    group: 'add-key',
    title: 'Add a session key',
    ours: [
      { id: 'add-key-full', label: 'Leash, full set' },
      { id: 'add-key-full-tagged', label: 'Leash, full set + tag' },
    ],
  },
  { group: 'install-module', title: 'Install the module with a key', ours: [{ id: 'install-module-one-key', label: 'Leash, one key, full set' }] },
  { group: 'session-overhead', title: 'Session overhead over an owner op (S1)', ours: [{ id: overheadId, label: 'Leash' }] },
  {
    group: 'grant-first-use',
    title: 'Enable a key and use it',
    ours: [
      { id: 'session-erc20-grant-s0', label: 'Leash, first op with a grant (S0)' },
      { id: addKeyThenFirstOpId, label: 'Leash, add a key, then its first op (S0)' },
    ],
  },
];

const peerLabel = (p: PeerFigure) => `${p.system} (EP ${p.entryPoint})`;

/** Builds the chart's groups: our figures with their targets, DESIGN.md's floors, and the peers' published figures. */
export function chartGroups(figures: GasFigures, targets: readonly GasTarget[] = gasTargets): ChartGroup[] {
  const targetOf = new Map(targets.map((t) => [t.id, t]));
  return groupSpecs.map(({ group, title, ours }) => {
    const bars: Bar[] = [];
    for (const { id, label } of ours) {
      const gas = figures[id];
      if (gas === undefined) continue;
      const target = targetOf.get(id)?.target;
      bars.push({ label, gas, kind: 'leash', ...(target !== undefined ? { target } : {}) });
    }
    for (const { id, label } of ours) {
      const floor = targetOf.get(id)?.floor;
      if (floor !== undefined) bars.push({ label: `Floor estimate (${label.replace(/^Leash,? ?/, '') || 'DESIGN.md'})`, gas: floor, kind: 'floor', approximate: true });
    }
    for (const peer of peersOf(group)) bars.push({ label: peerLabel(peer), gas: peer.gas, kind: 'peer', ...(peer.approximate ? { approximate: true } : {}) });
    return { group, title, bars };
  });
}
