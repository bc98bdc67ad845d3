import type { Abi, AbiFunction, AbiParameter, Address, ContractFunctionName, Hex } from 'viem';
import { toFunctionSelector } from 'viem';
import {
  ArgumentOperator,
  type FunctionArgument,
  InvalidArgumentValueError,
  encodeArgumentWord,
  functionArguments,
  registerFunctionAbi,
} from './callArguments.js';
import { SessionKeyPermissionError, formatValue } from './errors.js';
import { DAY, HOUR, MINUTE, WEEK } from './types.js';

/**
 * A period for `maxCalls` and {@link sumAtMost}: a named one or seconds. Omitted: a lifetime total.
 *
 * @example
 * ```ts
 * allowCall({ target, abi, functionName: 'mint', maxCalls: { count: 10, per: 'day' } })
 * ```
 */
export type CallPolicyPeriod = 'minute' | 'hour' | 'day' | 'week' | number;

/**
 * A comparison of an argument with a value (made by {@link eq}, {@link neq}, {@link lt}, {@link lte}, {@link gt},
 * {@link gte}).
 *
 * @example
 * ```ts
 * const atMostTen: ArgumentComparison<'lte', bigint> = lte(parseUnits('10', 6))
 * ```
 */
export type ArgumentComparison<operator extends ComparisonName, value> = { readonly rule: 'compare'; readonly operator: operator; readonly value: value };
/**
 * The comparison names: `eq`, `neq`, `lt`, `lte`, `gt`, `gte`.
 *
 * @example
 * ```ts
 * const operator: ComparisonName = 'lte'
 * ```
 */
export type ComparisonName = 'eq' | 'neq' | 'lt' | 'lte' | 'gt' | 'gte';
/**
 * The argument must be one of `values` (made by {@link oneOf}).
 *
 * @example
 * ```ts
 * const recipients: ArgumentOneOf<Address> = oneOf([alice, bob])
 * ```
 */
export type ArgumentOneOf<value> = { readonly rule: 'oneOf'; readonly values: readonly value[] };
/**
 * The sum of the argument over the key's calls to the function is limited (made by {@link sumAtMost}).
 *
 * @example
 * ```ts
 * const daily: ArgumentSum = sumAtMost(parseUnits('100', 6), { per: 'day' })
 * ```
 */
export type ArgumentSum = { readonly rule: 'sum'; readonly limit: bigint; readonly per: CallPolicyPeriod | undefined };

type Numeric = bigint | number;
type NumericRule<unsigned extends boolean> = ArgumentComparison<ComparisonName, Numeric> | ArgumentOneOf<Numeric> | (unsigned extends true ? ArgumentSum : never);
type EqualityRule<value> = ArgumentComparison<'eq' | 'neq', value> | ArgumentOneOf<value>;
/** Any rule (an ABI that is not `as const`: types cannot tell; checked at run time). */
type AnyRule = ArgumentComparison<ComparisonName, unknown> | ArgumentOneOf<unknown> | ArgumentSum;

/**
 * The rules an argument of ABI type `type` may carry: comparisons, one-of and sums on integers (sums on unsigned
 * ones), equality and one-of on addresses, bytesN and bools, nothing on dynamic types (bytes, string, arrays, tuples).
 *
 * @example
 * ```ts
 * const rule: ArgumentRuleOf<'address'> = oneOf([alice, bob])
 * ```
 */
export type ArgumentRuleOf<type extends string> = string extends type
  ? AnyRule
  : type extends `${string}[${string}]` | 'tuple' | 'bytes' | 'string'
    ? never
    : type extends `uint${string}`
      ? NumericRule<true>
      : type extends `int${string}`
        ? NumericRule<false>
        : type extends 'address'
          ? EqualityRule<Address>
          : type extends 'bool'
            ? ArgumentComparison<'eq' | 'neq', boolean>
            : type extends `bytes${string}`
              ? EqualityRule<Hex>
              : never;

/**
 * Per argument of the function, in order: a rule, a list of rules (all must hold), or `undefined` (unconstrained).
 *
 * @example
 * ```ts
 * const args: ArgumentRules<[{ type: 'address'; name: 'to' }, { type: 'uint256'; name: 'amount' }]> = [oneOf([alice, bob]), [gt(0n), lte(10n)]]
 * ```
 */
export type ArgumentRules<inputs extends readonly AbiParameter[]> = {
  [K in keyof inputs]?: inputs[K] extends AbiParameter
    ? ArgumentRuleOf<inputs[K]['type']> | readonly ArgumentRuleOf<inputs[K]['type']>[] | undefined
    : never;
};

// The ABI's function(s) of that name (abitype's ExtractAbiFunction, over viem's re-exported abitype types).
type FunctionOf<abi extends Abi, functionName extends string> = Extract<abi[number], { type: 'function'; name: functionName }>;

/**
 * Parameters of {@link allowCall}: a function of a contract, typed from its ABI, with rules on its arguments.
 *
 * @example
 * ```ts
 * const parameters: AllowCallParameters<typeof erc20Abi, 'transfer'> = { target: usdc, abi: erc20Abi, functionName: 'transfer', args: [oneOf([alice, bob])] }
 * ```
 */
export type AllowCallParameters<abi extends Abi | readonly unknown[] = Abi, functionName extends ContractFunctionName<abi> = ContractFunctionName<abi>> = {
  /** The contract. */
  target: Address;
  abi: abi;
  functionName: functionName;
  /** Rules on the arguments, by position (only static one-word arguments can carry rules). */
  args?: ArgumentRules<FunctionOf<abi extends Abi ? abi : Abi, functionName>['inputs']> | undefined;
  /** Calls to this function (each call of a batch counts): at most `count`, per period or in total. */
  maxCalls?: { count: number; per?: CallPolicyPeriod | undefined } | undefined;
  /** The key-wide per-call value cap in wei (the module has one cap per key, not per function). */
  maxValue?: bigint | undefined;
};

/**
 * A rule `allowCall` cannot turn into a condition: on a dynamic argument (bytes, string, arrays, tuples), a comparison
 * other than = / ≠ on an address, bool or bytesN, a sum on a signed argument, or an unknown function.
 *
 * @example
 * ```ts
 * allowCall({ target, abi, functionName: 'execute', args: [undefined, eq('0x')] as never }) // throws CallPolicyRuleError: bytes is dynamic
 * ```
 */
export class CallPolicyRuleError extends SessionKeyPermissionError {
  override name = 'CallPolicyRuleError';
}

/**
 * The argument must equal `value`.
 *
 * @example
 * ```ts
 * allowCall({ target: router, abi, functionName: 'swap', args: [eq(account.address)] })
 * ```
 */
export const eq = <const value>(value: value): ArgumentComparison<'eq', value> => ({ rule: 'compare', operator: 'eq', value });
/**
 * The argument must differ from `value`.
 *
 * @example
 * ```ts
 * allowCall({ target: usdc, abi: erc20Abi, functionName: 'approve', args: [neq(attacker)] })
 * ```
 */
export const neq = <const value>(value: value): ArgumentComparison<'neq', value> => ({ rule: 'compare', operator: 'neq', value });
/**
 * The argument must be below `value` (signed for intN arguments, unsigned otherwise).
 *
 * @example
 * ```ts
 * allowCall({ target: usdc, abi: erc20Abi, functionName: 'transfer', args: [undefined, lt(parseUnits('10', 6))] })
 * ```
 */
export const lt = (value: Numeric): ArgumentComparison<'lt', Numeric> => ({ rule: 'compare', operator: 'lt', value });
/**
 * The argument must be at most `value` (signed for intN arguments, unsigned otherwise).
 *
 * @example
 * ```ts
 * allowCall({ target: usdc, abi: erc20Abi, functionName: 'transfer', args: [undefined, lte(parseUnits('10', 6))] })
 * ```
 */
export const lte = (value: Numeric): ArgumentComparison<'lte', Numeric> => ({ rule: 'compare', operator: 'lte', value });
/**
 * The argument must be above `value` (signed for intN arguments, unsigned otherwise).
 *
 * @example
 * ```ts
 * allowCall({ target: pool, abi, functionName: 'swap', args: [undefined, undefined, gt(0n)] })
 * ```
 */
export const gt = (value: Numeric): ArgumentComparison<'gt', Numeric> => ({ rule: 'compare', operator: 'gt', value });
/**
 * The argument must be at least `value` (signed for intN arguments, unsigned otherwise).
 *
 * @example
 * ```ts
 * allowCall({ target: pool, abi, functionName: 'adjust', args: [gte(-100n)] })
 * ```
 */
export const gte = (value: Numeric): ArgumentComparison<'gte', Numeric> => ({ rule: 'compare', operator: 'gte', value });
/**
 * The argument must be one of `values` (e.g. recipients).
 *
 * @example
 * ```ts
 * allowCall({ target: usdc, abi: erc20Abi, functionName: 'transfer', args: [oneOf([alice, bob])] })
 * ```
 */
export const oneOf = <const value>(values: readonly value[]): ArgumentOneOf<value> => ({ rule: 'oneOf', values });
/**
 * The sum of the (unsigned) argument over the key's calls to the function may reach at most `limit`, per period
 * (`{ per: 'day' }`, fixed periods as the ERC-20 limits) or in total.
 *
 * @example
 * ```ts
 * allowCall({ target: usdc, abi: erc20Abi, functionName: 'transfer', args: [undefined, sumAtMost(parseUnits('100', 6), { per: 'day' })] })
 * ```
 */
export const sumAtMost = (limit: bigint, options: { per?: CallPolicyPeriod | undefined } = {}): ArgumentSum => ({ rule: 'sum', limit, per: options.per });

const periods: Record<string, number> = { minute: MINUTE, hour: HOUR, day: DAY, week: WEEK };

/**
 * A period in seconds: `'day'` → 86400, a number as it is, undefined → 0 (a lifetime total).
 *
 * @example
 * ```ts
 * periodSeconds('week') // 604800
 * ```
 */
export function periodSeconds(per: CallPolicyPeriod | undefined, context = 'allowCall'): number {
  if (per === undefined) return 0;
  if (typeof per === 'number') return per;
  const seconds = periods[per];
  if (seconds === undefined)
    throw new CallPolicyRuleError(`${formatValue(per)} is not a period.`, { context, details: "A period is 'minute', 'hour', 'day', 'week' or a number of seconds." });
  return seconds;
}

/**
 * What one `allowCall` amounts to: the function, its argument conditions, one-of sets and sums (by calldata word),
 * its call limit, and the key-wide per-call value cap.
 *
 * @example
 * ```ts
 * const plan = planAllowCall({ target: usdc, abi: erc20Abi, functionName: 'transfer', args: [oneOf([alice, bob])] })
 * plan.oneOf // [{ argIndex: 0, values: ['0x…a11ce', '0x…b0b'] }]
 * ```
 */
export type AllowCallPlan = {
  target: Address;
  selector: Hex;
  function: AbiFunction;
  conditions: { argIndex: number; operator: ArgumentOperator; value: Hex }[];
  oneOf: { argIndex: number; values: Hex[] }[];
  sums: { argIndex: number; limit: { spendLimit: bigint; refreshInterval: number } }[];
  callLimit: { callLimit: number; refreshInterval: number } | undefined;
  maxValue: bigint | undefined;
};

const unsignedOperators = {
  eq: ArgumentOperator.EQUAL,
  neq: ArgumentOperator.NOT_EQUAL,
  lt: ArgumentOperator.LESS_THAN,
  lte: ArgumentOperator.LESS_THAN_OR_EQUAL,
  gt: ArgumentOperator.GREATER_THAN,
  gte: ArgumentOperator.GREATER_THAN_OR_EQUAL,
} as const;
const signedOperators = {
  ...unsignedOperators,
  lt: ArgumentOperator.SIGNED_LESS_THAN,
  lte: ArgumentOperator.SIGNED_LESS_THAN_OR_EQUAL,
  gt: ArgumentOperator.SIGNED_GREATER_THAN,
  gte: ArgumentOperator.SIGNED_GREATER_THAN_OR_EQUAL,
} as const;

function findFunction(abi: readonly unknown[], functionName: string, argCount: number | undefined, context: string): AbiFunction {
  const candidates = (abi as readonly { type?: string; name?: string }[]).filter(
    (item): item is AbiFunction => item?.type === 'function' && item.name === functionName,
  );
  const matching = candidates.length > 1 && argCount !== undefined ? candidates.filter((fn) => fn.inputs.length === argCount) : candidates;
  if (matching.length === 0) throw new CallPolicyRuleError(`The ABI has no function ${formatValue(functionName)}.`, { context });
  if (matching.length > 1)
    throw new CallPolicyRuleError(`${functionName} is overloaded in the ABI.`, { context, details: 'Give an ABI with only the overload you mean (e.g. parseAbi([signature])).' });
  return matching[0]!;
}

const describeArgument = (argument: FunctionArgument) => `${argument.name ?? `argument ${argument.position}`} (${argument.type})`;

/**
 * Turns `allowCall`'s typed parameters into the call policy they mean, checking every rule against the function's
 * ABI (typed errors: {@link CallPolicyRuleError}, {@link InvalidArgumentValueError}). It also tells the SDK the
 * function's argument names, so refusals name them.
 *
 * @example
 * ```ts
 * const plan = planAllowCall({ target: usdc, abi: erc20Abi, functionName: 'transfer', args: [undefined, lte(10n ** 7n)] })
 * plan.conditions // [{ argIndex: 1, operator: 3, value: '0x…989680' }]
 * ```
 */
export function planAllowCall(parameters: AllowCallParameters<readonly unknown[], string>, context = 'allowCall'): AllowCallPlan {
  if (typeof parameters !== 'object' || parameters === null) throw new CallPolicyRuleError('Expected { target, abi, functionName, args? }.', { context });
  const { target, abi, functionName, maxCalls, maxValue } = parameters;
  const args = (parameters.args ?? []) as readonly unknown[];
  if (!Array.isArray(abi)) throw new CallPolicyRuleError('abi must be an ABI (an array).', { context });
  if (!Array.isArray(args)) throw new CallPolicyRuleError('args must be an array with one entry per argument.', { context });
  const fn = findFunction(abi, functionName, parameters.args ? args.length : undefined, context);
  const inputs = functionArguments(fn);
  if (args.length > inputs.length)
    throw new CallPolicyRuleError(`${fn.name} takes ${inputs.length} arguments, args has ${args.length}.`, { context });
  registerFunctionAbi(fn);
  const plan: AllowCallPlan = { target, selector: toFunctionSelector(fn), function: fn, conditions: [], oneOf: [], sums: [], callLimit: undefined, maxValue };

  args.forEach((entry, position) => {
    if (entry === undefined) return;
    const argument = inputs[position]!;
    const label = describeArgument(argument);
    const rules = (Array.isArray(entry) ? entry : [entry]) as readonly AnyRule[];
    if (!argument.conditionable)
      throw new CallPolicyRuleError(`${label} is not a static one-word argument: it cannot carry a condition.`, {
        context,
        details: 'Conditions name static arguments (address, bool, intN, uintN, bytesN); bytes, string, arrays and tuples stay unconstrained.',
      });
    const numeric = /^u?int/.test(argument.type);
    const signed = argument.type.startsWith('int');
    for (const rule of rules) {
      if (rule?.rule === 'compare') {
        if (!numeric && rule.operator !== 'eq' && rule.operator !== 'neq')
          throw new CallPolicyRuleError(`${rule.operator} does not apply to ${label}: only eq and neq compare a ${argument.type}.`, { context });
        const operator = (signed ? signedOperators : unsignedOperators)[rule.operator];
        if (operator === undefined) throw new CallPolicyRuleError(`${formatValue(rule.operator)} is not a comparison.`, { context });
        plan.conditions.push({ argIndex: argument.wordIndex, operator, value: encodeArgumentWord(rule.value, argument.type, label, context) });
      } else if (rule?.rule === 'oneOf') {
        if (!Array.isArray(rule.values) || rule.values.length === 0) throw new CallPolicyRuleError(`oneOf for ${label} needs at least one value.`, { context });
        if (plan.oneOf.some((set) => set.argIndex === argument.wordIndex)) throw new CallPolicyRuleError(`${label} has two oneOf sets: give one.`, { context });
        plan.oneOf.push({ argIndex: argument.wordIndex, values: [...new Set(rule.values.map((value) => encodeArgumentWord(value, argument.type, label, context)))] });
      } else if (rule?.rule === 'sum') {
        if (!numeric || signed) throw new CallPolicyRuleError(`sumAtMost applies to unsigned integers, not to ${label}.`, { context });
        if (plan.sums.some((sum) => sum.argIndex === argument.wordIndex)) throw new CallPolicyRuleError(`${label} has two sumAtMost limits: give one.`, { context });
        if (typeof rule.limit !== 'bigint' || rule.limit < 0n)
          throw new InvalidArgumentValueError({ argument: label, type: argument.type, value: rule.limit, expected: 'a sum limit: a bigint of at least 0n', context });
        plan.sums.push({ argIndex: argument.wordIndex, limit: { spendLimit: rule.limit, refreshInterval: periodSeconds(rule.per, context) } });
      } else {
        throw new CallPolicyRuleError(`${formatValue(rule)} is not a rule for ${label}.`, { context, details: 'Rules are made by eq, neq, lt, lte, gt, gte, oneOf and sumAtMost.' });
      }
    }
  });
  if (maxCalls !== undefined) {
    if (typeof maxCalls !== 'object' || maxCalls === null) throw new CallPolicyRuleError('maxCalls is { count, per? }.', { context });
    plan.callLimit = { callLimit: maxCalls.count, refreshInterval: periodSeconds(maxCalls.per, context) };
  }
  return plan;
}
