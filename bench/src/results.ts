import type { ChartGroup, GasFigures, TargetOutcome } from './comparison.js';
import type { ChainFacts, Environment } from './environment.js';
import type { LoadResult } from './load.js';
import type { BenchPart, Measured } from './partialRuns.js';
import type { MetaMaskDeployment } from './peers/metamask/deploy.js';
import type { PeerFigure } from './peers.js';
import type { SdkSpeedResult } from './sdkSpeed.js';
import type { SideMeasurement } from './sideBySide.js';
import type { ComparedScenario, RatioOutcome } from './sideBySideComparison.js';
import type { fairnessNotes, smartSessionsNote } from './sideBySideNotes.js';
import type { ThroughputResult } from './throughput.js';
import type { AccountGasRow } from './accountGas.js';

/** A gas scenario as written to results.json (numbers, not bigints). */
export type GasScenarioRow = {
  id: string;
  title: string;
  conditions: string;
  gasUsed: number;
  actualGasUsed: number;
  calldataBytes: { zero: number; nonzero: number };
  transactionHash: string;
};

export type GasSection = {
  chain: ChainFacts;
  /** The gas fields every scenario's op carries (management ops raise callGasLimit). */
  opGasFields: Record<string, number>;
  scenarios: GasScenarioRow[];
  figures: GasFigures;
  targets: TargetOutcome[];
  chart: ChartGroup[];
  peers: PeerFigure[];
  peerNotes: string[];
};

/** Leash beside MetaMask's Delegation Framework, measured on one chain in one run. */
export type SideBySideSection = {
  chain: ChainFacts;
  deployment: MetaMaskDeployment;
  /** Each measured transaction (an off-chain grant: 0 gas, no transaction). */
  measurements: SideMeasurement[];
  /** The tables: per scenario, Leash's rows and the peer's, with Leash ÷ peer. */
  scenarios: ComparedScenario[];
  targets: RatioOutcome[];
  /** Session S1 transfer minus the same system's owner-signed S1 transfer (ERC-4337 rows). */
  sessionOverheads: { label: string; overhead: number }[];
  l1DataGasDefinition: string;
  deploymentNotes: string[];
  fairness: ReturnType<typeof fairnessNotes>;
  smartSessions: typeof smartSessionsNote;
  chart: ChartGroup[];
};

/** Everything one `npm run bench` measured, as written to bench/results.json. */
export type BenchResults = {
  generatedAt: string;
  durationSeconds: number;
  command: string;
  environment: Environment;
  /** Parts not measured by this run (`--only`); their figures, if any, are carried over from an earlier run. */
  skipped: string[];
  /** When and at which commit each part's figures were measured. */
  measured: Partial<Record<BenchPart, Measured>>;
  gas: GasSection | null;
  sideBySide: SideBySideSection | null;
  sdk: SdkSpeedResult | null;
  /** The session ERC-20 transfer at S1 on each kind of account. */
  accounts: { conditions: string; rows: AccountGasRow[] } | null;
  throughput: ThroughputResult | null;
  load: LoadResult | null;
};

/**
 * JSON with bigints as numbers, or as decimal strings past 2^53 (wei totals), where a number would lose digits. An
 * array of numbers stays on one line (the load run's per-op rows would otherwise take thousands of lines).
 */
export const toJson = (value: unknown): string =>
  `${JSON.stringify(value, (_, v: unknown) => (typeof v === 'bigint' ? (v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString()) : v), 2).replace(
    /\[\n\s*(-?[\d.e+-]+(?:,\n\s*-?[\d.e+-]+)*)\n\s*\]/g,
    (_, items: string) => `[${items.split(/,\n\s*/).join(', ')}]`,
  )}\n`;
