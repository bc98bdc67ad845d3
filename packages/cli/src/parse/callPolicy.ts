import { type AbiFunction, type Address, type Hex, getAddress, isAddress, parseAbiItem } from 'viem';
import { type AllowCallParameters, type ArgumentComparison, type ArgumentOneOf, type ArgumentSum, type CallPolicyPeriod, parseAmount, parseNativeAmount } from '@leash/sdk';
import { InvalidFlagError } from './errors.js';

/**
 * One condition of an `--allow` call rule, as written: `to=alice|bob`, `amount<=10usdc`, `sum(amount)<=100usdc/day`
 * or `calls<=20/day`.
 */
export type CallRuleItem =
  | { kind: 'compare'; argument: string; operator: '=' | '!=' | '<' | '<=' | '>' | '>='; values: string[] }
  | { kind: 'sum'; argument: string; limit: string; per: CallPolicyPeriod | undefined }
  | { kind: 'calls'; count: number; per: CallPolicyPeriod | undefined };

/**
 * An `--allow` entry with conditions, parsed but not yet resolved (names of contracts and addresses, token units):
 * `USDC:transfer(to=alice|bob, amount<=10usdc)`, or with a signature for functions the CLI does not know:
 * `0x…:swap(address recipient=me, uint256 amountIn<=1eth, uint256 minOut)`.
 */
export type CallRuleSpec = {
  /** An address or a name given with `--label`. */
  contract: string;
  functionName: string;
  /** The function when the entry gave its parameter types. */
  signature: AbiFunction | undefined;
  items: CallRuleItem[];
  /** The flag's text, for messages. */
  text: string;
};

const expectedForm =
  'a call rule such as USDC:transfer(to=alice|bob, amount<=10usdc, calls<=20/day), or with types for functions the CLI does not know: 0x…:swap(address recipient=0x…, uint256 amountIn<=1eth)';

// The ERC-20 functions the CLI knows by name (their argument names are the SDK's).
const knownSignatures: Record<string, string> = {
  transfer: 'function transfer(address to, uint256 amount)',
  approve: 'function approve(address spender, uint256 amount)',
  transferFrom: 'function transferFrom(address from, address to, uint256 amount)',
};

const periodPattern = /^(?:\/\s*(minute|hour|day|week|total|\d+s?))?$/;
function parsePer(text: string | undefined): CallPolicyPeriod | undefined {
  if (!text || text === 'total') return undefined;
  if (/^\d+s?$/.test(text)) return Number(text.replace(/s$/, ''));
  return text as CallPolicyPeriod;
}

/** True when an `--allow` value has conditions in its parentheses (`=`, `<`, `>`), not just a signature. */
export function isCallRule(value: string): boolean {
  const open = value.indexOf('(');
  return open > 0 && /[=<>]/.test(value.slice(open));
}

/**
 * Parses an `--allow` call rule's syntax (names and amounts are resolved later, once every flag is read). Throws an
 * {@link InvalidFlagError} that says what was expected.
 *
 * @example
 * ```ts
 * parseCallRule('USDC:transfer(to=alice|bob, amount<=10usdc)', '--allow')
 * // { contract: 'USDC', functionName: 'transfer', items: [{ kind: 'compare', argument: 'to', operator: '=', values: ['alice', 'bob'] }, …] }
 * ```
 */
export function parseCallRule(value: string, flag: string): CallRuleSpec {
  const text = value.trim();
  const fail = (expected: string): never => {
    throw new InvalidFlagError({ flag, value, expected });
  };
  const match = /^([^:\s]+)\s*:\s*([A-Za-z_$][\w$]*)\s*\((.*)\)$/s.exec(text);
  if (!match) return fail(`expected ${expectedForm}`);
  const [, contract, functionName, body] = match as unknown as [string, string, string, string];
  const parts = body.split(',').map((p) => p.trim());
  if (parts.some((p) => p === '')) fail('an empty condition between commas');
  const items: CallRuleItem[] = [];
  const params: string[] = [];
  let typed: boolean | undefined;
  for (const part of parts) {
    const calls = /^calls\s*<=\s*(\d+)\s*(\/.*)?$/.exec(part);
    if (calls) {
      const per = (calls[2] ?? '').replace(/\s/g, '');
      if (!periodPattern.test(per)) fail(`"${part}": a call count reads calls<=20/day (minute, hour, day, week, total or seconds)`);
      items.push({ kind: 'calls', count: Number(calls[1]), per: parsePer(per.slice(1)) });
      continue;
    }
    const sum = /^sum\(\s*(\w+)\s*\)\s*<=\s*([^/\s]+)\s*(\/.*)?$/.exec(part);
    if (sum) {
      const per = (sum[3] ?? '').replace(/\s/g, '');
      if (!periodPattern.test(per)) fail(`"${part}": a sum reads sum(amount)<=100usdc/day`);
      items.push({ kind: 'sum', argument: sum[1]!, limit: sum[2]!, per: parsePer(per.slice(1)) });
      continue;
    }
    const condition = /^(?:([a-z]\w*(?:\[\d*\])*)\s+)?([A-Za-z_$][\w$]*)?\s*(?:(<=|>=|!=|==|=|<|>)\s*(.+))?$/.exec(part);
    if (!condition || (!condition[2] && !condition[1])) return fail(`"${part}" is not a condition: expected name=value, name<=value, name=a|b, sum(name)<=value/day or calls<=20/day`);
    const [, type, name, operator, rest] = condition;
    const isTyped = type !== undefined || (name !== undefined && operator === undefined);
    if (typed !== undefined && typed !== isTyped) fail('give every parameter with its type (address to=…, uint256 amount) or none');
    typed = isTyped;
    if (isTyped) params.push(`${type ?? name} ${type ? (name ?? '') : ''}`.trim());
    if (operator) {
      if (!name) fail(`"${part}": name the parameter (${type} name${operator}…)`);
      const values = rest!.split('|').map((v) => v.trim());
      if (values.some((v) => v === '')) fail(`"${part}": an empty value`);
      if (values.length > 1 && operator !== '=' && operator !== '==') fail(`"${part}": a|b lists values for = only`);
      items.push({ kind: 'compare', argument: name!, operator: operator === '==' ? '=' : (operator as '='), values });
    }
  }
  let signature: AbiFunction | undefined;
  if (typed) {
    try {
      signature = parseAbiItem(`function ${functionName}(${params.join(', ')})`) as AbiFunction;
    } catch {
      fail(`the parameters do not form a function signature: ${functionName}(${params.join(', ')})`);
    }
  } else if (!knownSignatures[functionName]) {
    fail(`the CLI does not know the arguments of ${functionName}: give them with types, e.g. ${functionName}(address to=…, uint256 amount<=…)`);
  }
  return { contract, functionName, signature, items, text };
}

/** What resolving a call rule needs: names for addresses, and the contract's token symbol and decimals if it is one. */
export type CallRuleContext = {
  labels: Record<string, Address>;
  token: (address: Address) => Promise<{ symbol: string; decimals: number } | undefined>;
};

const amountNames = /^(amount|value|wad)$/i;

/**
 * Resolves a parsed call rule into `allowCall`'s parameters: the contract and address values by name (`--label`) or
 * address, amounts with a unit (`10usdc`: the contract's token; `0.1eth`; `25e6`: base units; a plain whole number
 * for other integers).
 *
 * @example
 * ```ts
 * const parameters = await resolveCallRule(spec, { labels: { alice, bob, USDC: usdc }, token })
 * builder.allowCall(parameters)
 * ```
 */
export async function resolveCallRule(spec: CallRuleSpec, context: CallRuleContext, flag = '--allow'): Promise<AllowCallParameters<readonly unknown[], string>> {
  const fail = (expected: string): never => {
    throw new InvalidFlagError({ flag, value: spec.text, expected });
  };
  const address = (name: string): Address => {
    if (isAddress(name, { strict: false })) return getAddress(name);
    const found = Object.entries(context.labels).find(([label]) => label.toLowerCase() === name.toLowerCase());
    return found ? found[1] : fail(`"${name}" is neither an address nor a name given with --label ${name}=0x…`);
  };
  const target = address(spec.contract);
  const fn = spec.signature ?? (parseAbiItem(knownSignatures[spec.functionName]!) as AbiFunction);
  const token = await context.token(target);
  const args: unknown[][] = fn.inputs.map(() => []);
  const position = (name: string) => {
    const index = fn.inputs.findIndex((input) => input.name === name);
    return index >= 0 ? index : fail(`${fn.name} has no argument "${name}" (it has ${fn.inputs.map((i) => i.name || '?').join(', ')})`);
  };
  const isAmount = (name: string) => !!token && (spec.signature === undefined || amountNames.test(name));
  const number = (text: string, name: string, type: string): bigint => {
    const scientific = /^(\d+)e(\d+)$/i.exec(text);
    if (scientific) return BigInt(scientific[1]!) * 10n ** BigInt(scientific[2]!);
    const withUnit = /^(-?\d+(?:\.\d+)?)\s*([a-z][\w.-]*)$/i.exec(text);
    if (withUnit) {
      const unit = withUnit[2]!.toLowerCase();
      if (token && unit === token.symbol.toLowerCase()) return parseAmount(withUnit[1]!, token);
      if (['eth', 'ether', 'gwei', 'wei'].includes(unit)) return parseNativeAmount(text);
      return fail(`"${text}": ${unit} is not a unit here (${token ? `${token.symbol}, ` : ''}eth, gwei, wei, or base units such as 25e6)`);
    }
    if (!/^-?\d+$/.test(text)) return fail(`"${text}" is not a number for ${name} (${type})`);
    if (isAmount(name)) return fail(`"${text}": give ${name} with its unit (${text}${token!.symbol.toLowerCase()}) or in base units (${text}e${token!.decimals})`);
    return BigInt(text);
  };
  const valueOf = (text: string, name: string, type: string): unknown => {
    if (type === 'address') return address(text);
    if (type === 'bool') return text === 'true' ? true : text === 'false' ? false : fail(`"${text}" is not true or false for ${name}`);
    if (/^bytes\d+$/.test(type)) return text as Hex;
    if (/^u?int/.test(type)) return number(text, name, type);
    return fail(`${name} is a ${type}: only static arguments (address, bool, intN, uintN, bytesN) take conditions`);
  };
  const comparisons = { '=': 'eq', '!=': 'neq', '<': 'lt', '<=': 'lte', '>': 'gt', '>=': 'gte' } as const;
  let maxCalls: AllowCallParameters['maxCalls'];
  for (const item of spec.items) {
    if (item.kind === 'calls') {
      if (maxCalls) fail('calls<=… given twice');
      maxCalls = { count: item.count, per: item.per };
      continue;
    }
    const index = position(item.argument);
    const { type } = fn.inputs[index]!;
    if (item.kind === 'sum') {
      args[index]!.push({ rule: 'sum', limit: number(item.limit, item.argument, type), per: item.per } satisfies ArgumentSum);
    } else if (item.values.length > 1) {
      args[index]!.push({ rule: 'oneOf', values: item.values.map((v) => valueOf(v, item.argument, type)) } satisfies ArgumentOneOf<unknown>);
    } else {
      args[index]!.push({ rule: 'compare', operator: comparisons[item.operator], value: valueOf(item.values[0]!, item.argument, type) } as ArgumentComparison<"eq", unknown>);
    }
  }
  return { target, abi: [fn], functionName: fn.name, args: args.map((rules) => (rules.length ? rules : undefined)) as never, maxCalls };
}

