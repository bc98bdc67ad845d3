import type { ChartGroup, GasFigures, TargetOutcome } from './comparison.js';
import type { ChainFacts, Environment } from './environment.js';
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
  /** Parts not run (only when a part was skipped on the command line). */
  skipped: string[];
  gas: GasSection | null;
  sideBySide: SideBySideSection | null;
  sdk: SdkSpeedResult | null;
  /** The session ERC-20 transfer at S1 on each kind of account. */
  accounts: { conditions: string; rows: AccountGasRow[] } | null;
  throughput: ThroughputResult | null;
};

/** JSON with bigints as numbers (every bigint here is a gas figure or gas field, far below 2^53). */
export const toJson = (value: unknown): string =>
  `${JSON.stringify(value, (_, v: unknown) => (typeof v === 'bigint' ? Number(v) : v), 2)}\n`;
