import { type Address, maxUint256 } from 'viem';
import { SessionKeyViolationError } from '../../errors/sessionKeyErrors.js';
import { formatAmount } from '../../format/amounts.js';
import { DuplicatePermissionError } from '../errors.js';
import { normalizeSpendLimit } from '../validate.js';
import type { PermissionKind } from './kind.js';
import { type Single, argsOf, encodeUpdate } from './shared.js';

/**
 * One call of the op sends more native value than the key's per-call cap.
 *
 * @example
 * ```ts
 * if (error instanceof ValuePerCallExceededError) console.log(`${formatEther(error.value)} sent, at most ${formatEther(error.maxValue)} per call`)
 * ```
 */
export class ValuePerCallExceededError extends SessionKeyViolationError {
  override name = 'ValuePerCallExceededError';
  readonly target: Address;
  /** The cap, in wei. */
  readonly maxValue: bigint;
  /** The call's value, in wei. */
  readonly value: bigint;

  constructor(parameters: { target: Address; maxValue: bigint; value: bigint; cause?: Error | undefined }) {
    const { target, maxValue, value } = parameters;
    const eth = (wei: bigint) => formatAmount(wei, { symbol: 'ETH', decimals: 18 });
    super('value-per-call', `Per-call value cap exceeded: the call to ${target} sends ${eth(value)}, at most ${eth(maxValue)} per call.`, {
      cause: parameters.cause,
      metaMessages: [`Cap:   ${eth(maxValue)} per call`, `Value: ${eth(value)}`],
    });
    this.target = target;
    this.maxValue = maxValue;
    this.value = value;
  }
}

type State = Single<bigint | 'unlimited'>;

/** The largest native value one call may send: `setMaxValuePerCall` / `removeMaxValuePerCall`. A new key has no cap. */
export const maxValuePerCallKind: PermissionKind<State> = {
  name: 'per-call value cap',
  updates: ['setMaxValuePerCall', 'removeMaxValuePerCall'],
  create: () => ({ value: undefined }),
  decode(state, update, context) {
    state.value =
      update.functionName === 'removeMaxValuePerCall'
        ? 'unlimited'
        : normalizeSpendLimit(argsOf(update, 'setMaxValuePerCall')[0], maxUint256, { field: 'maxValue', context });
  },
  encode: ({ value }) =>
    value === undefined ? [] : [value === 'unlimited' ? encodeUpdate('removeMaxValuePerCall') : encodeUpdate('setMaxValuePerCall', value)],
  toPermissions({ value }, permissions) {
    if (value !== undefined) permissions.maxValuePerCall = value;
  },
  fromPermissions(state, permissions) {
    if (permissions.maxValuePerCall !== undefined) setMaxValuePerCall(state, permissions.maxValuePerCall, 'fromPermissions');
  },
  describe({ maxValuePerCall }, { native, nativeAmount }) {
    if (maxValuePerCall === undefined) return [];
    if (maxValuePerCall === 'unlimited') return [`No per-call cap on ${native.symbol}`];
    if (maxValuePerCall === 0n) return [`No call may send ${native.symbol} (per-call cap 0)`];
    return [`Each call sends at most ${nativeAmount(maxValuePerCall)}`];
  },
  read(lens) {
    const cap = (lens as { maxValuePerCall: bigint }).maxValuePerCall;
    return { permissions: { maxValuePerCall: cap === maxUint256 ? 'unlimited' : cap } };
  },
  check(lens, op) {
    const cap = (lens as { maxValuePerCall: bigint }).maxValuePerCall;
    const over = op.calls.find((call) => (call.value ?? 0n) > cap);
    return over ? new ValuePerCallExceededError({ target: over.to, maxValue: cap, value: over.value ?? 0n }) : undefined;
  },
  explain(error) {
    if (!(error instanceof ValuePerCallExceededError)) return undefined;
    const eth = (wei: bigint) => formatAmount(wei, { symbol: 'ETH', decimals: 18 });
    return {
      rule: error.rule,
      title: 'Refused: a call sends more than the per-call cap.',
      summary: `per-call value cap of ${eth(error.maxValue)}: the call to ${error.target} sends ${eth(error.value)}`,
      lines: [`Cap: ${eth(error.maxValue)} per call`, `This call: ${eth(error.value)}`],
    };
  },
  errors: {
    ValuePerCallExceeded: ([target, maxValue, value], cause) =>
      new ValuePerCallExceededError({ target: target as Address, maxValue: maxValue as bigint, value: value as bigint, cause }),
  },
};

/** The builder's `setMaxValuePerCall` (`'unlimited'`: `removeMaxValuePerCall`). */
export function setMaxValuePerCall(state: State, maxValue: bigint | 'unlimited', context = 'setMaxValuePerCall'): void {
  const value = maxValue === 'unlimited' ? maxValue : normalizeSpendLimit(maxValue, maxUint256, { field: 'maxValue', context });
  if (state.value !== undefined) {
    // allowCall may state the same key-wide cap once per function.
    if (state.value === value) return;
    throw new DuplicatePermissionError({ permission: 'the per-call value cap (one per key, not per function)', context });
  }
  state.value = value;
}
