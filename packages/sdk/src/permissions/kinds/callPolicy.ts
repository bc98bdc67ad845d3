import { type Address, type Hex, formatUnits, hexToBigInt, numberToHex, size, slice } from 'viem';
import { SessionKeyViolationError, SpendLimitExceededError } from '../../errors/sessionKeyErrors.js';
import { formatAmount } from '../../format/amounts.js';
import { formatRefreshInterval } from '../../format/durations.js';
import {
  ArgumentOperator,
  type KnownFunction,
  argumentAt,
  argumentLabel,
  compareArgumentWords,
  formatArgumentWord,
  isSignedOperator,
  knownFunction,
  operatorSymbol,
} from '../callArguments.js';
import type { DescribeContext } from '../describeContext.js';
import { DuplicatePermissionError, SessionKeyPermissionError, formatValue } from '../errors.js';
import type { SpendLimitStatus } from '../state.js';
import type { SessionKeySpendLimit } from '../types.js';
import { normalizeRefreshInterval, normalizeSelector, normalizeSpendLimit, normalizeTarget } from '../validate.js';
import { type SessionKeyCallLimit, formatCallPeriod, maxCallLimit } from './callLimit.js';
import type { PermissionKind, PermissionUpdate } from './kind.js';
import { argsOf, chargedBudget, compareHex, copyLimit, encodeUpdate, limitOf, statusOf } from './shared.js';

/**
 * One condition on an argument word: `argument <operator> value` must hold.
 *
 * @example
 * ```ts
 * const atMostTen: SessionKeyArgumentCondition = { argIndex: 1, operator: ArgumentOperator.LESS_THAN_OR_EQUAL, value: numberToHex(10_000_000n, { size: 32 }) }
 * ```
 */
export type SessionKeyArgumentCondition = {
  /** The calldata word: argument n is the word at 4 + 32n. */
  argIndex: number;
  operator: ArgumentOperator;
  /** 32 bytes, lowercase hex. */
  value: Hex;
};

/**
 * The set of words an argument must be one of.
 *
 * @example
 * ```ts
 * const recipients: SessionKeyArgumentOneOf = { argIndex: 0, values: [pad(alice), pad(bob)] }
 * ```
 */
export type SessionKeyArgumentOneOf = { argIndex: number; /** 32-byte words, lowercase, sorted. */ values: Hex[] };

/**
 * A limit on the (unsigned) sum of one argument over the key's calls to the function, or `'unlimited'` to remove it
 * (its state is kept on-chain: setting it again continues from what was used).
 *
 * @example
 * ```ts
 * const daily: SessionKeyArgumentLimit = { argIndex: 1, limit: { spendLimit: parseUnits('100', 6), refreshInterval: DAY } }
 * ```
 */
export type SessionKeyArgumentLimit = { argIndex: number; limit: SessionKeySpendLimit | 'unlimited' };

/**
 * The call policy of one function of one contract: conditions on its arguments (all must hold), one-of sets, limits
 * on the sum of an argument, and a call count. It holds on top of the access list, in every access-list mode.
 *
 * @example
 * ```ts
 * const policy: SessionKeyCallPolicy = {
 *   target: usdc,
 *   selector: '0xa9059cbb',
 *   oneOf: [{ argIndex: 0, values: [pad(alice), pad(bob)] }],
 *   conditions: [{ argIndex: 1, operator: ArgumentOperator.LESS_THAN_OR_EQUAL, value: numberToHex(10_000_000n, { size: 32 }) }],
 *   callLimit: { callLimit: 20, refreshInterval: DAY },
 * }
 * ```
 */
export type SessionKeyCallPolicy = {
  /** Checksummed address. */
  target: Address;
  /** 4-byte selector, lowercase hex. */
  selector: Hex;
  /** Removes the function's earlier conditions and one-of sets first (`removeArgumentConditions`). */
  replaceConditions?: boolean | undefined;
  /** Sorted by argIndex, operator and value. */
  conditions?: SessionKeyArgumentCondition[] | undefined;
  /** Sorted by argIndex. */
  oneOf?: SessionKeyArgumentOneOf[] | undefined;
  /** Sorted by argIndex. */
  argumentLimits?: SessionKeyArgumentLimit[] | undefined;
  /** Calls to this function (each call of a batch counts), beside the key-wide call limit. */
  callLimit?: SessionKeyCallLimit | 'unlimited' | undefined;
};

/**
 * One function's budgets now: its call count and its argument sums, each with what is used and left.
 *
 * @example
 * ```ts
 * const { calls } = state.spending.callPolicies[0]!
 * if (calls !== 'unlimited') console.log(`${calls.remaining} calls left until ${calls.nextRefresh}`)
 * ```
 */
export type CallPolicySpending = {
  target: Address;
  selector: Hex;
  calls: SpendLimitStatus | 'unlimited';
  argumentLimits: { argIndex: number; status: SpendLimitStatus }[];
};

// ----------------------------------------------------------------------------- typed errors

type FunctionRef = { target: Address; selector: Hex };
const functionText = ({ target, selector }: FunctionRef, fn: KnownFunction | undefined) => `${fn?.name ?? selector} of ${target}`;
const argumentText = (fn: KnownFunction | undefined, argIndex: number) => {
  const name = argumentAt(fn, argIndex)?.name;
  return name ? `${name} (argument ${argIndex})` : `argument ${argIndex}`;
};
const wordText = (word: Hex, fn: KnownFunction | undefined, argIndex: number, signed = false) =>
  formatArgumentWord(word, { type: argumentAt(fn, argIndex)?.type, signed });

/**
 * A call's argument breaks one of its function's conditions (`actual <operator> allowed` does not hold).
 *
 * @example
 * ```ts
 * if (error instanceof ArgumentConditionFailedError) console.log(error.argument, error.operator, error.allowed, error.actual) // 'amount', '≤', …
 * ```
 */
export class ArgumentConditionFailedError extends SessionKeyViolationError {
  override name = 'ArgumentConditionFailedError';
  readonly target: Address;
  readonly selector: Hex;
  readonly argIndex: number;
  /** The argument's name when the SDK knows the function, else `argument n`. */
  readonly argument: string;
  readonly operator: ArgumentOperator;
  /** 32-byte words. */
  readonly allowed: Hex;
  readonly actual: Hex;

  constructor(parameters: FunctionRef & { argIndex: number; operator: number; allowed: Hex; actual: Hex; cause?: Error | undefined }) {
    const { target, selector, argIndex, allowed, actual } = parameters;
    const operator = parameters.operator as ArgumentOperator;
    const fn = knownFunction(selector);
    const signed = isSignedOperator(operator);
    const shown = (word: Hex) => wordText(word, fn, argIndex, signed);
    super(
      'argument-condition',
      `Argument condition failed on ${functionText(parameters, fn)}: ${argumentText(fn, argIndex)} must be ${operatorSymbol(operator)} ${shown(allowed)}, the call has ${shown(actual)}.`,
      { cause: parameters.cause, metaMessages: [`Allowed: ${operatorSymbol(operator)} ${shown(allowed)}`, `Actual:  ${shown(actual)}`] },
    );
    this.target = target;
    this.selector = selector;
    this.argIndex = argIndex;
    this.argument = argumentLabel(fn, argIndex);
    this.operator = operator;
    this.allowed = allowed;
    this.actual = actual;
  }
}

/**
 * A call's argument is not one of its allowed values (`allowed` is filled in when the SDK knew the key's state: the
 * dry run, or `explainRefusal` with the state).
 *
 * @example
 * ```ts
 * if (error instanceof ArgumentNotOneOfError) console.log(`${error.argument} = ${error.actual}, allowed: ${error.allowed?.join(', ')}`)
 * ```
 */
export class ArgumentNotOneOfError extends SessionKeyViolationError {
  override name = 'ArgumentNotOneOfError';
  readonly target: Address;
  readonly selector: Hex;
  readonly argIndex: number;
  readonly argument: string;
  readonly actual: Hex;
  readonly allowed: Hex[] | undefined;

  constructor(parameters: FunctionRef & { argIndex: number; actual: Hex; allowed?: Hex[] | undefined; cause?: Error | undefined }) {
    const { target, selector, argIndex, actual, allowed } = parameters;
    const fn = knownFunction(selector);
    const shown = (word: Hex) => wordText(word, fn, argIndex);
    const set = allowed ? `{${allowed.map(shown).join(', ')}}` : 'its allowed set';
    super('argument-condition', `Argument not allowed on ${functionText(parameters, fn)}: ${argumentText(fn, argIndex)} must be one of ${set}, the call has ${shown(actual)}.`, {
      cause: parameters.cause,
      metaMessages: [...(allowed ? [`Allowed: ${set}`] : []), `Actual:  ${shown(actual)}`],
    });
    this.target = target;
    this.selector = selector;
    this.argIndex = argIndex;
    this.argument = argumentLabel(fn, argIndex);
    this.actual = actual;
    this.allowed = allowed;
  }
}

/**
 * A call's data is too short to hold an argument its function's policy names (never read as zero).
 *
 * @example
 * ```ts
 * if (error instanceof ArgumentMissingError) console.log(`${error.argument} missing: ${error.dataLength} bytes`)
 * ```
 */
export class ArgumentMissingError extends SessionKeyViolationError {
  override name = 'ArgumentMissingError';
  readonly target: Address;
  readonly selector: Hex;
  readonly argIndex: number;
  readonly argument: string;
  readonly dataLength: number;

  constructor(parameters: FunctionRef & { argIndex: number; dataLength: number; cause?: Error | undefined }) {
    const { target, selector, argIndex, dataLength } = parameters;
    const fn = knownFunction(selector);
    super(
      'argument-condition',
      `Argument missing on ${functionText(parameters, fn)}: the call's data is ${dataLength} bytes, too short for ${argumentText(fn, argIndex)} (needs ${4 + 32 * (argIndex + 1)}).`,
      { cause: parameters.cause },
    );
    this.target = target;
    this.selector = selector;
    this.argIndex = argIndex;
    this.argument = argumentLabel(fn, argIndex);
    this.dataLength = dataLength;
  }
}

/**
 * The sum of an argument over the key's calls to a function would exceed its limit (in the argument's units).
 *
 * @example
 * ```ts
 * if (error instanceof ArgumentSpendLimitExceededError) console.log(`${error.argument}: ${error.remaining} of ${error.limit} left`)
 * ```
 */
export class ArgumentSpendLimitExceededError extends SpendLimitExceededError {
  override name = 'ArgumentSpendLimitExceededError';
  readonly target: Address;
  readonly selector: Hex;
  readonly argIndex: number;
  readonly argument: string;

  constructor(parameters: FunctionRef & { argIndex: number; limit: bigint; used: bigint; attempted: bigint; cause?: Error | undefined }) {
    const { target, selector, argIndex, limit, used, attempted } = parameters;
    const fn = knownFunction(selector);
    const remaining = limit > used ? limit - used : 0n;
    super(
      'argument-spend-limit',
      `Argument limit exceeded on ${functionText(parameters, fn)}: the sum of ${argumentText(fn, argIndex)} may reach ${limit}; used ${used}, attempted ${attempted}, remaining ${remaining}.`,
      parameters,
      { cause: parameters.cause },
    );
    this.target = target;
    this.selector = selector;
    this.argIndex = argIndex;
    this.argument = argumentLabel(fn, argIndex);
  }
}

/**
 * The op's calls to one function would exceed that function's call limit (each call of a batch counts).
 *
 * @example
 * ```ts
 * if (error instanceof FunctionCallLimitExceededError) console.log(`${error.functionName}: ${error.remaining} of ${error.limit} calls left`)
 * ```
 */
export class FunctionCallLimitExceededError extends SpendLimitExceededError {
  override name = 'FunctionCallLimitExceededError';
  readonly target: Address;
  readonly selector: Hex;
  /** The function's name when the SDK knows it, else its selector. */
  readonly functionName: string;

  constructor(parameters: FunctionRef & { limit: bigint; used: bigint; attempted: bigint; cause?: Error | undefined }) {
    const { target, selector, limit, used, attempted } = parameters;
    const fn = knownFunction(selector);
    const remaining = limit > used ? limit - used : 0n;
    super(
      'function-call-limit',
      `Call limit of ${functionText(parameters, fn)} exceeded: the op makes ${attempted} call${attempted === 1n ? '' : 's'} to it, ${remaining} of ${limit} left.`,
      parameters,
      { cause: parameters.cause, details: 'Each call of a batch counts.' },
    );
    this.target = target;
    this.selector = selector;
    this.functionName = fn?.name ?? selector;
  }
}

/**
 * A call policy update the module would refuse: an operator outside {@link ArgumentOperator}, or a condition on an
 * argument index the module cannot hold (0 to 255).
 *
 * @example
 * ```ts
 * decodePermissionUpdates([addArgumentConditionWithOperator12]) // throws InvalidCallPolicyError
 * ```
 */
export class InvalidCallPolicyError extends SessionKeyPermissionError {
  override name = 'InvalidCallPolicyError';
}

// ----------------------------------------------------------------------------- state

type PolicyState = {
  target: Address;
  selector: Hex;
  replaceConditions: boolean;
  conditions: SessionKeyArgumentCondition[];
  oneOf: Map<number, Set<Hex>>;
  argumentLimits: Map<number, SessionKeySpendLimit | 'unlimited'>;
  callLimit: SessionKeyCallLimit | 'unlimited' | undefined;
};
type State = Map<string, PolicyState>;

const keyOf = (target: Address, selector: Hex) => `${target.toLowerCase()}:${selector}`;
const policyOf = (state: State, target: Address, selector: Hex): PolicyState => {
  const key = keyOf(target, selector);
  let policy = state.get(key);
  if (!policy)
    state.set(key, (policy = { target, selector, replaceConditions: false, conditions: [], oneOf: new Map(), argumentLimits: new Map(), callLimit: undefined }));
  return policy;
};
const sortedPolicies = (state: State) => [...state.values()].sort((a, b) => compareHex(a.target, b.target) || compareHex(a.selector, b.selector));
const compareConditions = (a: SessionKeyArgumentCondition, b: SessionKeyArgumentCondition) =>
  a.argIndex - b.argIndex || a.operator - b.operator || compareHex(a.value, b.value);
const byIndex = <T>(map: Map<number, T>) => [...map].sort(([a], [b]) => a - b);

function normalizeArgIndex(value: unknown, context: string): number {
  const n = typeof value === 'bigint' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 255)
    throw new InvalidCallPolicyError(`Argument index ${formatValue(value)} is not one the module holds.`, { context, details: 'An argument index is a whole number from 0 to 255 (the calldata word at 4 + 32 × index).' });
  return n;
}
function normalizeOperator(value: unknown, context: string): ArgumentOperator {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 9)
    throw new InvalidCallPolicyError(`Operator ${formatValue(value)} is not an ArgumentOperator.`, { context, details: 'Operators are 0 (EQUAL) to 9 (SIGNED_GREATER_THAN_OR_EQUAL).' });
  return value as ArgumentOperator;
}
function normalizeWord(value: unknown, context: string): Hex {
  if (typeof value !== 'string' || !/^0x[0-9a-fA-F]{64}$/.test(value))
    throw new InvalidCallPolicyError(`${formatValue(value)} is not a 32-byte word.`, { context, details: 'Condition values are 32-byte words (0x and 64 hex digits).' });
  return value.toLowerCase() as Hex;
}
function normalizeFunctionCallLimit(value: unknown, context: string): number {
  const ok =
    (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value <= maxCallLimit) ||
    (typeof value === 'bigint' && value >= 0n && value <= BigInt(maxCallLimit));
  if (!ok)
    throw new InvalidCallPolicyError(`Call limit ${formatValue(value)} is not one the module accepts.`, { context, details: `A call limit is a whole number from 0 to ${maxCallLimit}; remove it for "no limit".` });
  return Number(value);
}
/**
 * What one function's policy holds at most (the module refuses more with `TooManyArgumentConditions`): 4 conditions, 3
 * one-of sets of up to 63 values each, 3 argument limits; argument limits up to 2^96 - 1, call limits up to 2^32 - 1.
 *
 * @example
 * ```ts
 * callPolicyCapacity.conditions // 4
 * ```
 */
export const callPolicyCapacity = { conditions: 4, oneOfSets: 3, oneOfValues: 63, argumentLimits: 3, maxArgumentSpendLimit: 2n ** 96n - 1n } as const;
const maxArgumentSpendLimit = callPolicyCapacity.maxArgumentSpendLimit;

/**
 * One function's policy would hold more than the module keeps (see {@link callPolicyCapacity}).
 *
 * @example
 * ```ts
 * if (error instanceof TooManyArgumentConditionsError) console.log(error.what, error.max)
 * ```
 */
export class TooManyArgumentConditionsError extends SessionKeyPermissionError {
  override name = 'TooManyArgumentConditionsError';
  readonly what: string;
  readonly max: number;

  constructor({ target, selector, what, max, context }: FunctionRef & { what: string; max: number; context?: string | undefined }) {
    super(`${selector} on ${target} would hold more ${what} than the module keeps (${max}).`, {
      context,
      details: `A function's policy holds at most ${callPolicyCapacity.conditions} conditions, ${callPolicyCapacity.oneOfSets} one-of sets of ${callPolicyCapacity.oneOfValues} values, and ${callPolicyCapacity.argumentLimits} argument limits.`,
    });
    this.what = what;
    this.max = max;
  }
}

// The module's capacity, checked where a rule is added (the builder) or applied (the decoder). An update adds to what
// is on-chain already, which the SDK does not see here: the module has the last word.
function checkCapacity(policy: PolicyState, context: string): void {
  const ref = { target: policy.target, selector: policy.selector, context };
  if (policy.conditions.length > callPolicyCapacity.conditions) throw new TooManyArgumentConditionsError({ ...ref, what: 'conditions', max: callPolicyCapacity.conditions });
  if (policy.oneOf.size > callPolicyCapacity.oneOfSets) throw new TooManyArgumentConditionsError({ ...ref, what: 'one-of sets', max: callPolicyCapacity.oneOfSets });
  for (const values of policy.oneOf.values())
    if (values.size > callPolicyCapacity.oneOfValues) throw new TooManyArgumentConditionsError({ ...ref, what: 'values in a one-of set', max: callPolicyCapacity.oneOfValues });
  if ([...policy.argumentLimits.values()].filter((l) => l !== 'unlimited').length > callPolicyCapacity.argumentLimits)
    throw new TooManyArgumentConditionsError({ ...ref, what: 'argument limits', max: callPolicyCapacity.argumentLimits });
}

// ----------------------------------------------------------------------------- the builder's operations

/** The builder's `addArgumentCondition` (and `allowCall`'s comparisons). */
export function addArgumentCondition(state: State, parameters: FunctionRef & SessionKeyArgumentCondition, context = 'addArgumentCondition'): void {
  const target = normalizeTarget(parameters.target, { field: 'target', context });
  const selector = normalizeSelector(parameters.selector, context);
  const condition = { argIndex: normalizeArgIndex(parameters.argIndex, context), operator: normalizeOperator(parameters.operator, context), value: normalizeWord(parameters.value, context) };
  const policy = policyOf(state, target, selector);
  if (policy.conditions.some((c) => compareConditions(c, condition) === 0))
    throw new DuplicatePermissionError({ permission: `the condition ${operatorSymbol(condition.operator)} ${condition.value} on argument ${condition.argIndex} of ${selector} on ${target}`, context });
  policy.conditions.push(condition);
  checkCapacity(policy, context);
}

/** The builder's `addArgumentOneOf`: the allowed words of one argument (a set per argument). */
export function addArgumentOneOf(state: State, parameters: FunctionRef & { argIndex: number; values: readonly Hex[] }, context = 'addArgumentOneOf'): void {
  const target = normalizeTarget(parameters.target, { field: 'target', context });
  const selector = normalizeSelector(parameters.selector, context);
  const argIndex = normalizeArgIndex(parameters.argIndex, context);
  if (!Array.isArray(parameters.values) || parameters.values.length === 0)
    throw new InvalidCallPolicyError('A one-of set needs at least one value.', { context });
  const policy = policyOf(state, target, selector);
  if (policy.oneOf.has(argIndex)) throw new DuplicatePermissionError({ permission: `the one-of set of argument ${argIndex} of ${selector} on ${target}`, context });
  policy.oneOf.set(argIndex, new Set(parameters.values.map((value) => normalizeWord(value, context))));
  checkCapacity(policy, context);
}

/** The builder's `removeArgumentConditions`: the function's conditions and one-of sets are replaced by what follows. */
export function removeArgumentConditions(state: State, parameters: FunctionRef, context = 'removeArgumentConditions'): void {
  const target = normalizeTarget(parameters.target, { field: 'target', context });
  const selector = normalizeSelector(parameters.selector, context);
  const policy = policyOf(state, target, selector);
  // Within one builder the removal comes first whatever the call order: the conditions it adds replace the old ones.
  if (policy.replaceConditions) throw new DuplicatePermissionError({ permission: `the removal of the conditions of ${selector} on ${target}`, context });
  policy.replaceConditions = true;
}

/** The builder's `setArgumentSpendLimit` / `removeArgumentSpendLimit` (`'unlimited'`). */
export function setArgumentSpendLimit(
  state: State,
  parameters: FunctionRef & { argIndex: number; limit: { spendLimit: bigint; refreshInterval?: number | bigint | undefined } | 'unlimited' },
  context = 'setArgumentSpendLimit',
): void {
  const target = normalizeTarget(parameters.target, { field: 'target', context });
  const selector = normalizeSelector(parameters.selector, context);
  const argIndex = normalizeArgIndex(parameters.argIndex, context);
  const { limit } = parameters;
  const normalized =
    limit === 'unlimited'
      ? limit
      : {
          spendLimit: normalizeSpendLimit(limit.spendLimit, maxArgumentSpendLimit, { field: 'spendLimit', context }),
          refreshInterval: normalizeRefreshInterval(limit.refreshInterval, { field: 'refreshInterval', context }, true),
        };
  const policy = policyOf(state, target, selector);
  if (policy.argumentLimits.has(argIndex)) throw new DuplicatePermissionError({ permission: `the limit on argument ${argIndex} of ${selector} on ${target}`, context });
  policy.argumentLimits.set(argIndex, normalized);
  checkCapacity(policy, context);
}

/** The builder's `setFunctionCallLimit` / `removeFunctionCallLimit` (`'unlimited'`). */
export function setFunctionCallLimit(
  state: State,
  parameters: FunctionRef & { limit: { callLimit: number | bigint; refreshInterval?: number | bigint | undefined } | 'unlimited' },
  context = 'setFunctionCallLimit',
): void {
  const target = normalizeTarget(parameters.target, { field: 'target', context });
  const selector = normalizeSelector(parameters.selector, context);
  const { limit } = parameters;
  const normalized =
    limit === 'unlimited'
      ? limit
      : { callLimit: normalizeFunctionCallLimit(limit.callLimit, context), refreshInterval: normalizeRefreshInterval(limit.refreshInterval, { field: 'refreshInterval', context }, true) };
  const policy = policyOf(state, target, selector);
  if (policy.callLimit !== undefined) throw new DuplicatePermissionError({ permission: `the call limit of ${selector} on ${target}`, context });
  policy.callLimit = normalized;
}

function toPolicy(policy: PolicyState): SessionKeyCallPolicy {
  const out: SessionKeyCallPolicy = { target: policy.target, selector: policy.selector };
  if (policy.replaceConditions) out.replaceConditions = true;
  if (policy.conditions.length) out.conditions = [...policy.conditions].sort(compareConditions).map((c) => ({ ...c }));
  if (policy.oneOf.size) out.oneOf = byIndex(policy.oneOf).map(([argIndex, values]) => ({ argIndex, values: [...values].sort(compareHex) }));
  if (policy.argumentLimits.size) out.argumentLimits = byIndex(policy.argumentLimits).map(([argIndex, limit]) => ({ argIndex, limit: copyLimit(limit) }));
  if (policy.callLimit !== undefined) out.callLimit = policy.callLimit === 'unlimited' ? 'unlimited' : { ...policy.callLimit };
  return out;
}

// ----------------------------------------------------------------------------- describe

const erc20AmountFunctions = new Set(['0xa9059cbb', '0x095ea7b3', '0x23b872dd', '0x39509351', '0xa457c2d7']);

/** How one argument's values read: a label for addresses, token units for a known token's amounts. */
function argumentFormat(policy: FunctionRef, fn: KnownFunction | undefined, argIndex: number, context: DescribeContext, signed = false) {
  const argument = argumentAt(fn, argIndex);
  const token = context.token(policy.target);
  const isAmount =
    token?.decimals !== undefined &&
    (argument === undefined || /^uint/.test(argument.type)) &&
    (erc20AmountFunctions.has(policy.selector) || /amount|value|wad/i.test(argument?.name ?? ''));
  const amount = isAmount ? (value: bigint) => `${formatUnits(value, token!.decimals!)}${token!.symbol ? ` ${token!.symbol}` : ''}` : undefined;
  return { type: argument?.type, signed, label: context.label, amount };
}

/**
 * A call policy in one line: `May call USDC.transfer with to ∈ {alice, bob} and amount ≤ 10 USDC, at most 20 times a day`.
 *
 * @example
 * ```ts
 * describeCallPolicy(policy, toDescribeContext({ tokens: { [usdc]: { symbol: 'USDC', decimals: 6 } } }))
 * ```
 */
export function describeCallPolicy(policy: SessionKeyCallPolicy, context: DescribeContext): string {
  const fn = knownFunction(policy.selector, context.signatures);
  const name = `${context.label(policy.target) ?? policy.target}.${fn?.name ?? policy.selector}`;
  const arg = (argIndex: number) => argumentLabel(fn, argIndex);
  const show = (word: Hex, argIndex: number, signed = false) => formatArgumentWord(word, argumentFormat(policy, fn, argIndex, context, signed));
  const conditions = [
    ...(policy.oneOf ?? []).map(({ argIndex, values }) =>
      values.length === 1
        ? `${arg(argIndex)} = ${show(values[0]!, argIndex)}`
        : `${arg(argIndex)} ∈ {${values
            .map((v) => show(v, argIndex))
            .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
            .join(', ')}}`,
    ),
    ...(policy.conditions ?? []).map(({ argIndex, operator, value }) => `${arg(argIndex)} ${operatorSymbol(operator)} ${show(value, argIndex, isSignedOperator(operator))}`),
  ].sort((a, b) => conditionOrder(a, fn) - conditionOrder(b, fn));
  const clauses: string[] = [];
  if (policy.callLimit === 'unlimited') clauses.push('any number of times (no call limit of its own)');
  else if (policy.callLimit?.callLimit === 0) clauses.push('never (a call limit of 0)');
  else if (policy.callLimit) clauses.push(`at most ${policy.callLimit.callLimit} time${policy.callLimit.callLimit === 1 ? '' : 's'} ${formatCallPeriod(policy.callLimit.refreshInterval)}`);
  for (const { argIndex, limit } of policy.argumentLimits ?? []) {
    if (limit === 'unlimited') clauses.push(`no limit on the sum of ${arg(argIndex)}`);
    else clauses.push(`${arg(argIndex)} adding up to at most ${show(numberToHex(limit.spendLimit, { size: 32 }), argIndex)} ${formatRefreshInterval(limit.refreshInterval)}`);
  }
  const replaced = policy.replaceConditions ? (conditions.length ? ' (replacing its earlier conditions)' : '') : '';
  if (policy.replaceConditions && conditions.length === 0)
    return [`Removes the argument conditions of ${name}`, ...clauses].join('; ');
  const head = conditions.length ? `May call ${name} with ${conditions.join(' and ')}${replaced}` : `May call ${name}`;
  return clauses.length ? `${head}, ${clauses.join(', ')}` : `${head}: no conditions`;
}

// Conditions read in argument order ("to … and amount …").
const conditionOrder = (text: string, fn: KnownFunction | undefined) => {
  const index = fn?.arguments.findIndex((a) => a.name && text.startsWith(`${a.name} `)) ?? -1;
  const match = /^argument (\d+) /.exec(text);
  return index >= 0 ? fn!.arguments[index]!.wordIndex : match ? Number(match[1]) : 0;
};


function applyUpdate(policy: PolicyState, update: PermissionUpdate, context: string): void {
  switch (update.functionName) {
    case 'addArgumentCondition': {
      const [, , argIndex, operator, value] = argsOf(update, 'addArgumentCondition');
      policy.conditions.push({ argIndex: normalizeArgIndex(argIndex, context), operator: normalizeOperator(operator, context), value: normalizeWord(value, context) });
      return;
    }
    case 'addArgumentOneOf': {
      const [, , argIndex, value] = argsOf(update, 'addArgumentOneOf');
      const index = normalizeArgIndex(argIndex, context);
      policy.oneOf.set(index, (policy.oneOf.get(index) ?? new Set()).add(normalizeWord(value, context)));
      return;
    }
    case 'removeArgumentConditions':
      policy.replaceConditions = true;
      policy.conditions = [];
      policy.oneOf.clear();
      return;
    case 'setArgumentSpendLimit': {
      const [, , argIndex, spendLimit, refreshInterval] = argsOf(update, 'setArgumentSpendLimit');
      policy.argumentLimits.set(normalizeArgIndex(argIndex, context), {
        spendLimit: normalizeSpendLimit(spendLimit, maxArgumentSpendLimit, { field: 'spendLimit', context }),
        refreshInterval: normalizeRefreshInterval(refreshInterval, { field: 'refreshInterval', context }),
      });
      return;
    }
    case 'removeArgumentSpendLimit':
      policy.argumentLimits.set(normalizeArgIndex(argsOf(update, 'removeArgumentSpendLimit')[2], context), 'unlimited');
      return;
    case 'setFunctionCallLimit': {
      const [, , callLimit, refreshInterval] = argsOf(update, 'setFunctionCallLimit');
      policy.callLimit = { callLimit: normalizeFunctionCallLimit(callLimit, context), refreshInterval: normalizeRefreshInterval(refreshInterval, { field: 'refreshInterval', context }) };
      return;
    }
    case 'removeFunctionCallLimit':
      policy.callLimit = 'unlimited';
      return;
  }
}

// ----------------------------------------------------------------------------- the kind

type LensPolicy = {
  target: Address;
  selector: Hex;
  conditions: readonly { argIndex: number; operator: number; value: Hex }[];
  oneOf: readonly { argIndex: number; values: readonly Hex[] }[];
  argumentLimits: readonly { argIndex: number; spend: Parameters<typeof statusOf>[0] }[];
  calls: Parameters<typeof statusOf>[0];
};
const lensPolicies = (lens: { callPolicies: readonly LensPolicy[] }) => lens.callPolicies;
const selectorOfCall = (data: Hex | undefined): Hex | undefined => (data && size(data) >= 4 ? (slice(data, 0, 4).toLowerCase() as Hex) : undefined);
const wordAt = (data: Hex, argIndex: number): Hex => slice(data, 4 + 32 * argIndex, 4 + 32 * (argIndex + 1)).toLowerCase() as Hex;

/**
 * Call policies (docs/call-policies.md): `addArgumentCondition`, `addArgumentOneOf`, `removeArgumentConditions`,
 * `setArgumentSpendLimit` / `removeArgumentSpendLimit` and `setFunctionCallLimit` / `removeFunctionCallLimit`, per
 * contract and function.
 */
export const callPolicyKind: PermissionKind<State> = {
  name: 'call policy',
  updates: [
    'addArgumentCondition',
    'addArgumentOneOf',
    'removeArgumentConditions',
    'setArgumentSpendLimit',
    'removeArgumentSpendLimit',
    'setFunctionCallLimit',
    'removeFunctionCallLimit',
  ],
  create: () => new Map(),
  decode(state, update, context) {
    const [target, selector] = update.args as unknown as [Address, Hex];
    const policy = policyOf(state, normalizeTarget(target, { field: 'target', context }), selector.toLowerCase() as Hex);
    applyUpdate(policy, update, context);
    checkCapacity(policy, context);
  },
  encode(state) {
    return sortedPolicies(state).flatMap((policy) => {
      const p = toPolicy(policy);
      const { target, selector } = p;
      return [
        ...(p.replaceConditions ? [encodeUpdate('removeArgumentConditions', target, selector)] : []),
        ...(p.conditions ?? []).map((c) => encodeUpdate('addArgumentCondition', target, selector, c.argIndex, c.operator, c.value)),
        ...(p.oneOf ?? []).flatMap(({ argIndex, values }) => values.map((value) => encodeUpdate('addArgumentOneOf', target, selector, argIndex, value))),
        ...(p.argumentLimits ?? []).map(({ argIndex, limit }) =>
          limit === 'unlimited'
            ? encodeUpdate('removeArgumentSpendLimit', target, selector, argIndex)
            : encodeUpdate('setArgumentSpendLimit', target, selector, argIndex, limit.spendLimit, limit.refreshInterval),
        ),
        ...(p.callLimit === undefined
          ? []
          : [
              p.callLimit === 'unlimited'
                ? encodeUpdate('removeFunctionCallLimit', target, selector)
                : encodeUpdate('setFunctionCallLimit', target, selector, BigInt(p.callLimit.callLimit), p.callLimit.refreshInterval),
            ]),
      ];
    });
  },
  toPermissions(state, permissions) {
    // A policy that sets nothing encodes to nothing, so it is not shown either (decode(encode()) equals toPermissions()).
    const policies = sortedPolicies(state).map(toPolicy).filter((p) => Object.keys(p).length > 2);
    if (policies.length > 0) permissions.callPolicies = policies;
  },
  fromPermissions(state, permissions) {
    for (const policy of permissions.callPolicies ?? []) {
      const ref = { target: policy.target, selector: policy.selector };
      if (policy.replaceConditions) removeArgumentConditions(state, ref, 'fromPermissions');
      for (const condition of policy.conditions ?? []) addArgumentCondition(state, { ...ref, ...condition }, 'fromPermissions');
      for (const set of policy.oneOf ?? []) addArgumentOneOf(state, { ...ref, ...set }, 'fromPermissions');
      for (const limit of policy.argumentLimits ?? []) setArgumentSpendLimit(state, { ...ref, ...limit }, 'fromPermissions');
      if (policy.callLimit !== undefined) setFunctionCallLimit(state, { ...ref, limit: policy.callLimit }, 'fromPermissions');
    }
  },
  describe({ callPolicies }, context) {
    return (callPolicies ?? []).map((policy) => describeCallPolicy(policy, context));
  },
  read(lens) {
    const policies = [...lensPolicies(lens as never)].sort((a, b) => compareHex(a.target, b.target) || compareHex(a.selector, b.selector));
    return {
      permissions: {
        callPolicies: policies.map((rule) => {
          const policy: SessionKeyCallPolicy = { target: rule.target, selector: rule.selector.toLowerCase() as Hex };
          const conditions = rule.conditions.map((c) => ({ argIndex: Number(c.argIndex), operator: Number(c.operator) as ArgumentOperator, value: c.value.toLowerCase() as Hex }));
          if (conditions.length) policy.conditions = conditions.sort(compareConditions);
          const oneOf = rule.oneOf.filter((set) => set.values.length > 0);
          if (oneOf.length)
            policy.oneOf = oneOf
              .map((set) => ({ argIndex: Number(set.argIndex), values: [...new Set(set.values.map((v) => v.toLowerCase() as Hex))].sort(compareHex) }))
              .sort((a, b) => a.argIndex - b.argIndex);
          const limits = rule.argumentLimits.filter((l) => l.spend.hasLimit);
          if (limits.length)
            policy.argumentLimits = limits.map((l) => ({ argIndex: Number(l.argIndex), limit: limitOf(l.spend) })).sort((a, b) => a.argIndex - b.argIndex);
          if (rule.calls.hasLimit) policy.callLimit = { callLimit: Number(rule.calls.limit), refreshInterval: Number(rule.calls.refreshInterval) };
          return policy;
        }),
      },
      spending: {
        callPolicies: policies.map((rule) => ({
          target: rule.target,
          selector: rule.selector.toLowerCase() as Hex,
          calls: statusOf(rule.calls),
          argumentLimits: rule.argumentLimits
            .filter((l) => l.spend.hasLimit)
            .map((l) => ({ argIndex: Number(l.argIndex), status: statusOf(l.spend) as SpendLimitStatus }))
            .sort((a, b) => a.argIndex - b.argIndex),
        })),
      },
    };
  },
  charges(lens, op) {
    const called = new Set(op.calls.map((call) => `${call.to.toLowerCase()}:${selectorOfCall(call.data)}`));
    return lensPolicies(lens as never)
      .filter((rule) => called.has(`${rule.target.toLowerCase()}:${rule.selector.toLowerCase()}`))
      .flatMap((rule) => [
        ...chargedBudget(rule.calls, `call limit of ${rule.selector} on ${rule.target}`),
        ...rule.argumentLimits.flatMap((l) => chargedBudget(l.spend, `limit on argument ${l.argIndex} of ${rule.selector} on ${rule.target}`)),
      ]);
  },
  check(lens, op) {
    const rules = lensPolicies(lens as never);
    const counts = new Map<LensPolicy, bigint>();
    const sums = new Map<LensPolicy['argumentLimits'][number], { rule: LensPolicy; sum: bigint }>();
    for (const call of op.calls) {
      const selector = selectorOfCall(call.data);
      const rule = rules.find((r) => r.target.toLowerCase() === call.to.toLowerCase() && r.selector.toLowerCase() === selector);
      if (!rule || !call.data) continue;
      const ref = { target: rule.target, selector: selector! };
      const dataLength = size(call.data);
      const named = [...rule.conditions.map((c) => c.argIndex), ...rule.oneOf.map((s) => s.argIndex), ...rule.argumentLimits.filter((l) => l.spend.hasLimit).map((l) => l.argIndex)];
      const missing = named.map(Number).find((argIndex) => dataLength < 4 + 32 * (argIndex + 1));
      if (missing !== undefined) return new ArgumentMissingError({ ...ref, argIndex: missing, dataLength });
      for (const c of rule.conditions) {
        const actual = wordAt(call.data, Number(c.argIndex));
        if (!compareArgumentWords(actual, Number(c.operator) as ArgumentOperator, c.value))
          return new ArgumentConditionFailedError({ ...ref, argIndex: Number(c.argIndex), operator: Number(c.operator), allowed: c.value, actual });
      }
      for (const set of rule.oneOf) {
        if (set.values.length === 0) continue;
        const actual = wordAt(call.data, Number(set.argIndex));
        if (!set.values.some((v) => v.toLowerCase() === actual))
          return new ArgumentNotOneOfError({ ...ref, argIndex: Number(set.argIndex), actual, allowed: set.values.map((v) => v.toLowerCase() as Hex) });
      }
      counts.set(rule, (counts.get(rule) ?? 0n) + 1n);
      for (const l of rule.argumentLimits) {
        if (!l.spend.hasLimit) continue;
        const entry = sums.get(l) ?? { rule, sum: 0n };
        entry.sum += hexToBigInt(wordAt(call.data, Number(l.argIndex)));
        sums.set(l, entry);
      }
    }
    for (const [rule, attempted] of counts) {
      if (rule.calls.hasLimit && attempted > rule.calls.remaining)
        return new FunctionCallLimitExceededError({ target: rule.target, selector: rule.selector.toLowerCase() as Hex, limit: rule.calls.limit, used: rule.calls.used, attempted });
    }
    for (const [l, { rule, sum }] of sums) {
      if (sum > l.spend.remaining)
        return new ArgumentSpendLimitExceededError({ target: rule.target, selector: rule.selector.toLowerCase() as Hex, argIndex: Number(l.argIndex), limit: l.spend.limit, used: l.spend.used, attempted: sum });
    }
    return undefined;
  },
  explain(error, context) {
    if (error instanceof FunctionCallLimitExceededError) {
      const status = context.state?.spending.callPolicies?.find((p) => p.target.toLowerCase() === error.target.toLowerCase() && p.selector === error.selector)?.calls;
      const period = status && status !== 'unlimited' ? ` ${formatCallPeriod(status.refreshInterval)}` : '';
      return {
        rule: error.rule,
        title: `Refused: over the call limit of ${error.functionName}.`,
        summary: `call limit of ${error.functionName}: ${error.limit} calls${period}: used ${error.used}, attempted ${error.attempted}, remaining ${error.remaining}`,
        lines: [`Limit: ${error.limit} calls${period}`, `Already used: ${error.used}`, `Left: ${error.remaining}`, `This action: ${error.attempted}`],
        hint: 'Each call of a batch counts.',
        unit: { symbol: 'calls', decimals: 0 },
        refreshInterval: status && status !== 'unlimited' ? status.refreshInterval : undefined,
      };
    }
    if (error instanceof ArgumentSpendLimitExceededError) {
      const unit = erc20AmountFunctions.has(error.selector) ? context.tokens(error.target) : undefined;
      const show = (value: bigint) => (unit ? formatAmount(value, unit, context.amounts) : value.toString());
      return {
        rule: error.rule,
        title: `Refused: over the limit on ${error.argument}.`,
        summary: `sum of ${error.argument}: limit ${show(error.limit)}, used ${show(error.used)}, attempted ${show(error.attempted)}, remaining ${show(error.remaining)}`,
        lines: [`Limit: ${show(error.limit)}`, `Already used: ${show(error.used)}`, `Left: ${show(error.remaining)}`, `This action: ${show(error.attempted)}`],
        unit,
      };
    }
    if (error instanceof ArgumentNotOneOfError && error.allowed === undefined) {
      // The module names the argument, not its allowed set: the key's state has it.
      const allowed = context.state?.permissions.callPolicies
        ?.find((p) => p.target.toLowerCase() === error.target.toLowerCase() && p.selector === error.selector.toLowerCase())
        ?.oneOf?.find((set) => set.argIndex === error.argIndex)?.values;
      if (allowed) {
        const full = new ArgumentNotOneOfError({ target: error.target, selector: error.selector, argIndex: error.argIndex, actual: error.actual, allowed });
        return { rule: error.rule, title: 'Refused: a call argument is not allowed.', summary: full.shortMessage, lines: [full.shortMessage] };
      }
    }
    if (error instanceof ArgumentConditionFailedError || error instanceof ArgumentNotOneOfError || error instanceof ArgumentMissingError) {
      return { rule: error.rule, title: 'Refused: a call argument is not allowed.', summary: error.shortMessage, lines: [error.shortMessage] };
    }
    return undefined;
  },
  errors: {
    ArgumentMissing: ([target, selector, argIndex, dataLength], cause) =>
      new ArgumentMissingError({ target: target as Address, selector: selector as Hex, argIndex: Number(argIndex), dataLength: Number(dataLength), cause }),
    ArgumentConditionFailed: ([target, selector, argIndex, operator, allowed, actual], cause) =>
      new ArgumentConditionFailedError({ target: target as Address, selector: selector as Hex, argIndex: Number(argIndex), operator: Number(operator), allowed: allowed as Hex, actual: actual as Hex, cause }),
    ArgumentNotOneOf: ([target, selector, argIndex, actual], cause) =>
      new ArgumentNotOneOfError({ target: target as Address, selector: selector as Hex, argIndex: Number(argIndex), actual: actual as Hex, cause }),
    ArgumentSpendLimitExceeded: ([target, selector, argIndex, limit, used, attempted], cause) =>
      new ArgumentSpendLimitExceededError({ target: target as Address, selector: selector as Hex, argIndex: Number(argIndex), limit: limit as bigint, used: used as bigint, attempted: attempted as bigint, cause }),
    FunctionCallLimitExceeded: ([target, selector, limit, used, attempted], cause) =>
      new FunctionCallLimitExceededError({ target: target as Address, selector: selector as Hex, limit: limit as bigint, used: used as bigint, attempted: attempted as bigint, cause }),
  },
};
