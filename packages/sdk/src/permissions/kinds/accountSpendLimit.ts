import type { SessionKeyViolationError, SpendLimitExceededError } from '../../errors/sessionKeyErrors.js';
import type { LensSessionKeyState, LensSpendLimitStatus } from '../../lens/types.js';
import type { DescribeContext } from '../describeContext.js';
import { DuplicatePermissionError } from '../errors.js';
import type { SessionKeyPermissions, SessionKeySpendLimit } from '../types.js';
import { normalizeLimitParameters, normalizeRefreshInterval, normalizeSpendLimit } from '../validate.js';
import type { ChargedBudget, ModuleErrorMapping, PermissionKind, PlannedOp } from './kind.js';
import { type Single, argsOf, copyLimit, encodeUpdate, explainSpend, limitOf, periodOfStatus, statusOf } from './shared.js';

type State = Single<SessionKeySpendLimit | 'unlimited'>;
type Field = 'nativeTokenSpendLimit' | 'gasSpendLimit';
type SpendingField = 'nativeToken' | 'gas';

/** What differs between the key-wide spend limits (native token, gas). */
type AccountSpendLimitConfig = {
  name: string;
  /** How a DuplicatePermissionError names it. */
  permission: string;
  field: Field;
  spendingField: SpendingField;
  set: 'setNativeTokenSpendLimit' | 'setGasSpendLimit';
  remove: 'removeNativeTokenSpendLimit' | 'removeGasSpendLimit';
  max: bigint;
  lensStatus: (lens: LensSessionKeyState) => LensSpendLimitStatus;
  describe: (limit: SessionKeySpendLimit | 'unlimited', context: DescribeContext) => string;
  charges?: (lens: LensSessionKeyState, op: PlannedOp) => ChargedBudget[];
  check?: (lens: LensSessionKeyState, op: PlannedOp) => SessionKeyViolationError | undefined;
  errors: Record<string, ModuleErrorMapping>;
  /** How a refusal of this limit reads: its error class, name and the hint on how it counts. */
  refusal: { error: new (...args: never[]) => SpendLimitExceededError; what: string; short?: string | undefined; hint?: string | undefined };
};

/**
 * A key-wide limit in wei, in total or per period, with set and remove updates: the native token and gas limits share
 * this shape.
 */
export function accountSpendLimitKind(config: AccountSpendLimitConfig): PermissionKind<State> & {
  set(state: State, parameters: { spendLimit: bigint; refreshInterval?: number | bigint | undefined }, context?: string): void;
  remove(state: State, context?: string): void;
} {
  const put = (state: State, limit: SessionKeySpendLimit | 'unlimited', context: string) => {
    if (state.value !== undefined) throw new DuplicatePermissionError({ permission: config.permission, context });
    state.value = limit;
  };
  const set = (state: State, parameters: { spendLimit: bigint; refreshInterval?: number | bigint | undefined }, context: string = config.set) =>
    put(state, normalizeLimitParameters(parameters, config.max, context), context);
  const remove = (state: State, context: string = config.remove) => put(state, 'unlimited', context);
  return {
    name: config.name,
    updates: [config.set, config.remove],
    create: () => ({ value: undefined }),
    decode(state, update, context) {
      if (update.functionName === config.remove) {
        state.value = 'unlimited';
        return;
      }
      const [spendLimit, refreshInterval] = argsOf(update, config.set);
      state.value = {
        spendLimit: normalizeSpendLimit(spendLimit, config.max, { field: 'spendLimit', context }),
        refreshInterval: normalizeRefreshInterval(refreshInterval, { field: 'refreshInterval', context }),
      };
    },
    encode({ value }) {
      if (value === undefined) return [];
      return [value === 'unlimited' ? encodeUpdate(config.remove) : encodeUpdate(config.set, value.spendLimit, value.refreshInterval)];
    },
    toPermissions({ value }, permissions) {
      if (value !== undefined) permissions[config.field] = copyLimit(value);
    },
    fromPermissions(state, permissions: SessionKeyPermissions) {
      const limit = permissions[config.field];
      if (limit === 'unlimited') remove(state);
      else if (limit) set(state, limit);
    },
    describe(permissions, context) {
      const limit = permissions[config.field];
      return limit === undefined ? [] : [config.describe(limit, context)];
    },
    read(lens) {
      const status = config.lensStatus(lens);
      return { permissions: { [config.field]: limitOf(status) }, spending: { [config.spendingField]: statusOf(status) } };
    },
    ...(config.charges ? { charges: config.charges } : {}),
    ...(config.check ? { check: config.check } : {}),
    errors: config.errors,
    explain(error, context) {
      if (!(error instanceof config.refusal.error)) return undefined;
      const { what, short = context.native.symbol, hint } = config.refusal;
      const refreshInterval = periodOfStatus(context.state?.spending[config.spendingField]);
      return explainSpend(error, { what, short, unit: context.native, refreshInterval, hint }, context);
    },
    set,
    remove,
  };
}
