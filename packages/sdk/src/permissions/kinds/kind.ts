import type { Address, DecodeFunctionDataReturnType, Hex } from 'viem';
import type { Call } from '../../account/execution.js';
import type { SessionKeyViolationError } from '../../errors/sessionKeyErrors.js';
import type { AmountUnit, FormatAmountOptions } from '../../format/amounts.js';
import type { sessionKeyPermissionUpdatesAbi } from '../../generated/ISessionKeyPermissionUpdates.js';
import type { LensSessionKeyState } from '../../lens/types.js';
import type { DescribeContext } from '../describeContext.js';
import type { SessionKeyPermissions } from '../types.js';
import type { SessionKeyState } from '../state.js';

/** One decoded permission update (a call to a function of ISessionKeyPermissionUpdates). */
export type PermissionUpdate = DecodeFunctionDataReturnType<typeof sessionKeyPermissionUpdatesAbi>;

/** The name of a permission update function. */
export type PermissionUpdateName = PermissionUpdate['functionName'];

/** What an op is about to do, as the planner and the dry run see it. */
export type PlannedOp = {
  calls: readonly Call[];
  /** A paymaster pays: gas budgets are not charged. */
  paymasterPays: boolean;
  /** The paymaster, when known (the dry run). */
  paymaster?: Address | undefined;
  /** The op's maximum cost in wei, once its gas is known (the dry run). */
  maxCost?: bigint | undefined;
};

/** A refreshing budget an op charges: it narrows the op's validity window to its period. */
export type ChargedBudget = { what: string; refreshInterval: number; periodStart: number; nextRefresh: number };

/** What a kind knows from the lens's answer: its part of the permissions, and of the key's state. */
export type KindReading = Partial<Omit<SessionKeyState, 'spending' | 'permissions'>> & {
  permissions?: Partial<SessionKeyPermissions>;
  spending?: Partial<SessionKeyState['spending']>;
};

/** What a kind's `explain` may know to make a refusal's numbers readable (resolved from `explainRefusal`'s options). */
export type ExplainContext = {
  native: AmountUnit;
  tokens: (address: Address) => AmountUnit | undefined;
  state: SessionKeyState | undefined;
  amounts: FormatAmountOptions | undefined;
  formatTimestamp: (seconds: number) => string;
};

/**
 * Why a session op was refused, in words for people: a title, the numbers one per line, and a one-line summary.
 *
 * @example
 * ```ts
 * const { title, lines }: RefusalExplanation = explainRefusal(error, { state })!
 * ```
 */
export type RefusalExplanation = {
  /** The rule the op broke (`erc20-spend-limit`, `call-limit`, …). */
  rule: SessionKeyViolationError['rule'];
  /** `Refused: over the session key's dUSD limit.` */
  title: string;
  /** `ERC-20 spend limit of 100 dUSD per week: used 90, attempted 20, remaining 10` */
  summary: string;
  /** `Limit: 100 dUSD`, `Already used: 90 dUSD`, `Left: 10 dUSD`, `This action: 20 dUSD`. */
  lines: string[];
  /** A hint on how the rule counts, when it is not obvious. */
  hint?: string | undefined;
  /** For a spend or call limit: its unit and period (seconds; undefined when unknown). */
  unit?: AmountUnit | undefined;
  refreshInterval?: number | undefined;
};

/** Maps one of the module's custom errors (its decoded arguments) to a typed SDK error. */
export type ModuleErrorMapping = (args: readonly unknown[], cause: Error | undefined) => SessionKeyViolationError;

/**
 * One permission kind of the session key module, everything the SDK does with it in one place: encode and decode its
 * updates, describe it in words, read its state from the lens, and turn the module's refusals into typed errors. The
 * builder, `decodePermissionUpdates`, `describePermissions`, the reader, the planner and the dry run iterate over
 * {@link permissionKinds}; adding a kind means adding one file here and listing it there.
 *
 * `State` is what a builder (or a decoder) holds of this kind between updates.
 *
 * @example
 * ```ts
 * const kind: PermissionKind<unknown> = permissionKinds[0]!
 * const lines = kind.describe(permissions, toDescribeContext())
 * ```
 */
export type PermissionKind<State> = {
  /** The kind's name, for messages. */
  name: string;
  /** The update functions it encodes and decodes. */
  updates: readonly PermissionUpdateName[];
  /** An empty state: nothing set. */
  create(): State;
  /** Applies one decoded update (checked like the module checks it); a later update of the same thing wins. */
  decode(state: State, update: PermissionUpdate, context: string): void;
  /** The state's updates, in canonical order. */
  encode(state: State): Hex[];
  /** Writes what the state sets into `permissions` (a fresh copy). */
  toPermissions(state: State, permissions: SessionKeyPermissions): void;
  /** Replays `permissions` into a builder state, validated as the builder methods validate. */
  fromPermissions(state: State, permissions: SessionKeyPermissions): void;
  /** Plain-English lines for what `permissions` says of this kind. */
  describe(permissions: SessionKeyPermissions, context: DescribeContext): string[];
  /** Its part of a key's state, from the lens's answer. */
  read(lens: LensSessionKeyState): KindReading;
  /** Refreshing budgets of this kind an op charges (for the op's validity window). */
  charges?(lens: LensSessionKeyState, op: PlannedOp): ChargedBudget[];
  /** A refusal the key's state already shows, before the op is simulated (the dry run). */
  check?(lens: LensSessionKeyState, op: PlannedOp): SessionKeyViolationError | undefined;
  /** Typed errors for the module's custom errors of this kind, by error name. */
  errors: Readonly<Record<string, ModuleErrorMapping>>;
  /** A refusal of this kind in words (undefined for another kind's error). */
  explain?(error: SessionKeyViolationError, context: ExplainContext): RefusalExplanation | undefined;
};

/** Any kind (the registry's element type). */
// biome-ignore lint: the registry holds kinds of different states.
export type AnyPermissionKind = PermissionKind<any>;
