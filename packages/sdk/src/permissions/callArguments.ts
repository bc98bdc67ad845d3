import {
  type AbiFunction,
  type AbiParameter,
  type Address,
  type Hex,
  getAddress,
  hexToBigInt,
  isAddress,
  isHex,
  numberToHex,
  pad,
  parseAbiItem,
  size,
  toFunctionSelector,
} from 'viem';
import { SessionKeyPermissionError, formatValue } from './errors.js';

/**
 * How an argument condition compares the call's argument word (left) with the condition's value (right), as the
 * module numbers it (`ArgumentOperator` in ISessionKeyPermissionUpdates). The unsigned comparisons read both words as
 * uint256, the signed ones as int256.
 *
 * @example
 * ```ts
 * const condition = { argIndex: 1, operator: ArgumentOperator.LESS_THAN_OR_EQUAL, value: numberToHex(10n ** 7n, { size: 32 }) }
 * ```
 */
export const ArgumentOperator = {
  EQUAL: 0,
  NOT_EQUAL: 1,
  LESS_THAN: 2,
  LESS_THAN_OR_EQUAL: 3,
  GREATER_THAN: 4,
  GREATER_THAN_OR_EQUAL: 5,
  SIGNED_LESS_THAN: 6,
  SIGNED_LESS_THAN_OR_EQUAL: 7,
  SIGNED_GREATER_THAN: 8,
  SIGNED_GREATER_THAN_OR_EQUAL: 9,
} as const;
/** One of the values of {@link ArgumentOperator}: 0 to 9. */
export type ArgumentOperator = (typeof ArgumentOperator)[keyof typeof ArgumentOperator];

const operatorSymbols = ['=', '≠', '<', '≤', '>', '≥', '<', '≤', '>', '≥'] as const;

/**
 * The operator as people read it: `=`, `≠`, `<`, `≤`, `>`, `≥` (signed operators read the same; their values are
 * shown signed).
 *
 * @example
 * ```ts
 * operatorSymbol(ArgumentOperator.LESS_THAN_OR_EQUAL) // '≤'
 * ```
 */
export function operatorSymbol(operator: ArgumentOperator): string {
  return operatorSymbols[operator] ?? `operator ${operator}`;
}

/** True for the signed operators (SIGNED_LESS_THAN and up). */
export const isSignedOperator = (operator: number): boolean => operator >= ArgumentOperator.SIGNED_LESS_THAN;

const twoTo256 = 1n << 256n;
const toSigned = (word: bigint) => (word >= 1n << 255n ? word - twoTo256 : word);

/**
 * Whether `actual <operator> allowed` holds, word against word, as the module compares them.
 *
 * @example
 * ```ts
 * compareArgumentWords(numberToHex(5n, { size: 32 }), ArgumentOperator.LESS_THAN_OR_EQUAL, numberToHex(10n, { size: 32 })) // true
 * ```
 */
export function compareArgumentWords(actual: Hex, operator: ArgumentOperator, allowed: Hex): boolean {
  const signed = isSignedOperator(operator);
  const a = signed ? toSigned(hexToBigInt(actual)) : hexToBigInt(actual);
  const b = signed ? toSigned(hexToBigInt(allowed)) : hexToBigInt(allowed);
  switch (operator) {
    case ArgumentOperator.EQUAL:
      return a === b;
    case ArgumentOperator.NOT_EQUAL:
      return a !== b;
    case ArgumentOperator.LESS_THAN:
    case ArgumentOperator.SIGNED_LESS_THAN:
      return a < b;
    case ArgumentOperator.LESS_THAN_OR_EQUAL:
    case ArgumentOperator.SIGNED_LESS_THAN_OR_EQUAL:
      return a <= b;
    case ArgumentOperator.GREATER_THAN:
    case ArgumentOperator.SIGNED_GREATER_THAN:
      return a > b;
    case ArgumentOperator.GREATER_THAN_OR_EQUAL:
    case ArgumentOperator.SIGNED_GREATER_THAN_OR_EQUAL:
      return a >= b;
  }
  return false;
}

/**
 * One argument of a function as a call policy sees it: its name and ABI type, the calldata word it starts at
 * (`4 + 32 × wordIndex`), and whether a condition can name it (a static value in one word: address, bool, intN,
 * uintN, bytesN; not bytes, string, arrays or tuples).
 *
 * @example
 * ```ts
 * functionArguments(parseAbiItem('function transfer(address to, uint256 amount)'))
 * // [{ name: 'to', type: 'address', position: 0, wordIndex: 0, conditionable: true }, { name: 'amount', …, wordIndex: 1 }]
 * ```
 */
export type FunctionArgument = { name: string | undefined; type: string; position: number; wordIndex: number; conditionable: boolean };

const isDynamic = (param: AbiParameter): boolean => {
  if (param.type === 'bytes' || param.type === 'string' || /\[\]$/.test(param.type)) return true;
  const fixed = /^(.*)\[(\d+)\]$/.exec(param.type);
  if (fixed) return isDynamic({ ...param, type: fixed[1]! } as AbiParameter);
  if (param.type === 'tuple') return ((param as { components?: readonly AbiParameter[] }).components ?? []).some(isDynamic);
  return false;
};

// Words a static parameter takes in the head of the encoding (a dynamic one takes one: its offset).
const headWords = (param: AbiParameter): number => {
  if (isDynamic(param)) return 1;
  const fixed = /^(.*)\[(\d+)\]$/.exec(param.type);
  if (fixed) return Number(fixed[2]) * headWords({ ...param, type: fixed[1]! } as AbiParameter);
  if (param.type === 'tuple') return ((param as { components?: readonly AbiParameter[] }).components ?? []).reduce((sum, c) => sum + headWords(c), 0);
  return 1;
};

/** A one-word static type a condition can name. */
export const isConditionableType = (type: string): boolean =>
  type === 'address' || type === 'bool' || /^u?int(\d+)?$/.test(type) || /^bytes([1-9]|[12]\d|3[0-2])$/.test(type);

/**
 * The arguments of a function with the calldata word each starts at.
 *
 * @example
 * ```ts
 * functionArguments(parseAbiItem('function f(uint256[2] pair, address to)'))[1]!.wordIndex // 2
 * ```
 */
export function functionArguments(fn: Pick<AbiFunction, 'inputs'>): FunctionArgument[] {
  let wordIndex = 0;
  return fn.inputs.map((param, position) => {
    const argument = { name: param.name || undefined, type: param.type, position, wordIndex, conditionable: isConditionableType(param.type) };
    wordIndex += headWords(param);
    return argument;
  });
}

// ----------------------------------------------------------------------------- functions the SDK knows by selector

const builtInFunctions = [
  'function transfer(address to, uint256 amount)',
  'function approve(address spender, uint256 amount)',
  'function transferFrom(address from, address to, uint256 amount)',
  'function increaseAllowance(address spender, uint256 addedValue)',
  'function decreaseAllowance(address spender, uint256 subtractedValue)',
  'function safeTransferFrom(address from, address to, uint256 tokenId)',
  'function setApprovalForAll(address operator, bool approved)',
  'function mint(address to, uint256 amount)',
  'function withdraw(uint256 amount)',
];

/**
 * A function the SDK knows by selector: its name and arguments (for naming arguments in descriptions and refusals).
 *
 * @example
 * ```ts
 * const fn: KnownFunction | undefined = knownFunction('0xa9059cbb') // { name: 'transfer', arguments: [{ name: 'to', … }, { name: 'amount', … }] }
 * ```
 */
export type KnownFunction = { name: string; arguments: FunctionArgument[] };

let known: Map<string, KnownFunction> | undefined;
const knownFunctions = () => {
  known ??= new Map(
    builtInFunctions.map((signature) => {
      const fn = parseAbiItem(signature) as AbiFunction;
      return [toFunctionSelector(fn), { name: fn.name, arguments: functionArguments(fn) }] as const;
    }),
  );
  return known;
};

/**
 * Tells the SDK the argument names of a function, so that call policies and their refusals name arguments (`amount`
 * rather than `argument 1`). `allowCall` does this for the ABI it is given; common ERC-20 and ERC-721 functions are
 * built in (and keep their built-in names: `to`, `amount`).
 *
 * @example
 * ```ts
 * registerFunctionAbi(parseAbiItem('function swap(address recipient, uint256 amountIn, uint256 minOut)'))
 * ```
 */
export function registerFunctionAbi(fn: AbiFunction): void {
  // Built-in names win, so that a function reads the same whichever ABI was seen first (viem's erc20Abi says `recipient`).
  const selector = toFunctionSelector(fn);
  if (fn.inputs.some((input) => input.name) && !knownFunctions().has(selector)) knownFunctions().set(selector, { name: fn.name, arguments: functionArguments(fn) });
}

/**
 * A function the SDK knows by selector (built in, registered, or among `signatures`: `'swap(address to, uint256 amount)'`).
 *
 * @example
 * ```ts
 * knownFunction('0xa9059cbb')?.arguments.map((a) => a.name) // ['to', 'amount']
 * ```
 */
export function knownFunction(selector: Hex, signatures: readonly string[] = []): KnownFunction | undefined {
  for (const signature of signatures) {
    try {
      const fn = parseAbiItem(`function ${signature.replace(/^function\s+/, '')}`) as AbiFunction;
      if (toFunctionSelector(fn) === selector.toLowerCase()) return { name: fn.name, arguments: functionArguments(fn) };
    } catch {
      // Not a signature: ignored.
    }
  }
  return knownFunctions().get(selector.toLowerCase());
}

/** The argument that starts at calldata word `wordIndex`, when the function is known. */
export function argumentAt(fn: KnownFunction | undefined, wordIndex: number): FunctionArgument | undefined {
  return fn?.arguments.find((argument) => argument.wordIndex === wordIndex);
}

/** `amount` when the argument's name is known, `argument 1` otherwise. */
export const argumentLabel = (fn: KnownFunction | undefined, wordIndex: number): string =>
  argumentAt(fn, wordIndex)?.name ?? `argument ${wordIndex}`;

// ----------------------------------------------------------------------------- values

/**
 * A value that does not fit the argument's ABI type (or a condition the type cannot hold).
 *
 * @example
 * ```ts
 * allowCall({ target, abi: erc20Abi, functionName: 'approve', args: [undefined, lte(-1n)] }) // throws InvalidArgumentValueError
 * ```
 */
export class InvalidArgumentValueError extends SessionKeyPermissionError {
  override name = 'InvalidArgumentValueError';
  readonly argument: string;
  readonly type: string;
  readonly value: unknown;

  constructor({ argument, type, value, expected, context }: { argument: string; type: string; value: unknown; expected: string; context?: string | undefined }) {
    super(`${formatValue(value)} is not a ${type} value for ${argument}.`, {
      context,
      details: `Expected ${expected}.`,
      metaMessages: [`Argument: ${argument} (${type})`, `Value: ${formatValue(value)}`],
    });
    this.argument = argument;
    this.type = type;
    this.value = value;
  }
}

const integerBits = (type: string): number => {
  const match = /^u?int(\d*)$/.exec(type);
  return match?.[1] ? Number(match[1]) : 256;
};

/**
 * The 32-byte word the ABI encodes `value` as, for a static one-word type: addresses and integers left-padded,
 * signed integers in two's complement, bytesN right-padded, bools 0 or 1. Throws {@link InvalidArgumentValueError}
 * for a value the type cannot hold.
 *
 * @example
 * ```ts
 * encodeArgumentWord(-1n, 'int256', 'delta') // '0xffff…ff'
 * ```
 */
export function encodeArgumentWord(value: unknown, type: string, argument: string, context?: string): Hex {
  const fail = (expected: string): never => {
    throw new InvalidArgumentValueError({ argument, type, value, expected, context });
  };
  if (type === 'address') {
    if (typeof value !== 'string' || !isAddress(value)) fail('an address (0x and 40 hex digits, valid checksum when mixed case)');
    return pad((value as string).toLowerCase() as Hex, { size: 32 });
  }
  if (type === 'bool') {
    if (typeof value !== 'boolean') fail('true or false');
    return pad(value ? '0x01' : '0x00', { size: 32 });
  }
  const bytes = /^bytes(\d+)$/.exec(type);
  if (bytes) {
    const length = Number(bytes[1]);
    if (typeof value !== 'string' || !isHex(value) || size(value) !== length) fail(`${length} bytes of hex`);
    return pad((value as Hex).toLowerCase() as Hex, { size: 32, dir: 'right' });
  }
  if (/^u?int\d*$/.test(type)) {
    const signed = type.startsWith('int');
    const bits = integerBits(type);
    if (typeof value === 'number' && !Number.isSafeInteger(value)) fail('a whole number (a bigint for large values)');
    if (typeof value !== 'bigint' && typeof value !== 'number') fail('a whole number (bigint or number)');
    const n = BigInt(value as bigint | number);
    const min = signed ? -(1n << BigInt(bits - 1)) : 0n;
    const max = signed ? (1n << BigInt(bits - 1)) - 1n : (1n << BigInt(bits)) - 1n;
    if (n < min || n > max) fail(`a whole number from ${min} to ${max}`);
    return numberToHex(n < 0n ? n + twoTo256 : n, { size: 32 });
  }
  return fail('a static one-word type (address, bool, intN, uintN, bytesN)');
}

/**
 * How to show an argument word: its ABI type when known, a label for addresses, token units for amounts.
 *
 * @example
 * ```ts
 * const show: WordFormat = { type: 'address', label: (a) => names[a] }
 * ```
 */
export type WordFormat = {
  type?: string | undefined;
  /** Read signed (a signed operator, or an intN argument). */
  signed?: boolean | undefined;
  label?: ((address: Address) => string | undefined) | undefined;
  amount?: ((value: bigint) => string) | undefined;
};

/**
 * An argument word in words: an address (or its label), a number (signed where it should be, in token units where
 * it is an amount of a known token), true/false, or hex.
 *
 * @example
 * ```ts
 * formatArgumentWord(pad(alice), { type: 'address', label: () => 'alice' }) // 'alice'
 * ```
 */
export function formatArgumentWord(word: Hex, format: WordFormat = {}): string {
  const n = hexToBigInt(word);
  const { type } = format;
  const asAddress = () => {
    const address = getAddress(`0x${word.slice(-40)}`);
    return format.label?.(address) ?? address;
  };
  if (type === 'address') return n >> 160n === 0n ? asAddress() : word;
  if (type === 'bool') return n === 0n ? 'false' : n === 1n ? 'true' : word;
  if (type && /^bytes\d+$/.test(type)) return word.slice(0, 2 + 2 * Number(type.slice(5)));
  const signed = format.signed || type?.startsWith('int');
  const value = signed ? toSigned(n) : n;
  if (type && /^u?int\d*$/.test(type)) return format.amount && value >= 0n ? format.amount(value) : value.toString();
  // Type unknown: a word with 20 significant bytes reads as an address, anything else as a number.
  if (!signed && n >> 160n === 0n && n >= 1n << 128n) return asAddress();
  return format.amount && value >= 0n ? format.amount(value) : value.toString();
}
