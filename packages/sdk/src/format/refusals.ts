import type { Address } from 'viem';
import { formatCallPeriod } from '../permissions/kinds/callLimit.js';
import { CallLimitExceededError } from '../permissions/kinds/callLimit.js';
import type { SessionKeyState } from '../permissions/state.js';
import {
  Erc20SpendLimitExceededError,
  GasSpendLimitExceededError,
  NativeTokenSpendLimitExceededError,
  SessionKeyNotAuthorizedError,
  SessionKeyOutsideTimeRangeError,
  SessionKeyViolationError,
  SpendLimitExceededError,
} from '../errors/sessionKeyErrors.js';
import { type AmountUnit, type FormatAmountOptions, formatAmount } from './amounts.js';
import { formatRefreshInterval } from './durations.js';

/**
 * Why a session op was refused, in words for people: a title, the numbers one per line, and a one-line summary.
 *
 * @example
 * ```ts
 * const { title, lines }: RefusalExplanation = explainRefusal(error, { state })
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

/**
 * What {@link explainRefusal} may know to make the numbers readable.
 *
 * @example
 * ```ts
 * explainRefusal(error, { tokens: (address) => tokenInfo[address], state: await client.getSessionKeyPermissions({ key }) })
 * ```
 */
export type ExplainRefusalOptions = {
  /** A token's symbol and decimals (amounts show in base units without them). */
  tokens?: ((address: Address) => AmountUnit | undefined) | undefined;
  /** The chain's native currency; default ETH with 18 decimals. */
  nativeCurrency?: AmountUnit | undefined;
  /** The key's state, for each limit's period. */
  state?: SessionKeyState | undefined;
  /** How amounts show (e.g. `{ maxDecimals: 6, groupThousands: true }`). */
  amounts?: FormatAmountOptions | undefined;
  /** Renders a timestamp (seconds); default ISO 8601 in UTC. */
  formatTimestamp?: ((seconds: number) => string) | undefined;
};

const defaultFormatTimestamp = (seconds: number) => new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');

/**
 * Explains a refused session op in words, once for every app: the CLI prints `refused: <summary>`, the web manager the
 * title and the lines. Spend and call limits give their numbers in the limit's unit (token units with `tokens`) and
 * period (with `state`); other refusals their short message. Returns undefined for an error that is not a refusal.
 *
 * @example
 * ```ts
 * const explained = explainRefusal(error, { tokens: () => ({ symbol: 'dUSD', decimals: 6 }), state })
 * // { title: "Refused: over the session key's dUSD limit.", summary: 'ERC-20 spend limit of 100 dUSD per week: used 90, attempted 20, remaining 10', … }
 * ```
 */
export function explainRefusal(error: unknown, options: ExplainRefusalOptions = {}): RefusalExplanation | undefined {
  if (!(error instanceof SessionKeyViolationError)) return undefined;
  const native = options.nativeCurrency ?? { symbol: 'ETH', decimals: 18 };
  const rule = error.rule;
  if (error instanceof CallLimitExceededError) {
    const status = options.state?.spending.calls;
    const refreshInterval = status && status !== 'unlimited' ? status.refreshInterval : undefined;
    const calls = (n: bigint) => `${n} call${n === 1n ? '' : 's'}`;
    const period = refreshInterval === undefined ? '' : ` ${formatCallPeriod(refreshInterval)}`;
    return {
      rule,
      title: 'Refused: over the session key\'s call limit.',
      summary: `call limit of ${calls(error.limit)}${period}: used ${error.used}, attempted ${error.attempted}, remaining ${error.remaining}`,
      lines: [`Limit: ${calls(error.limit)}${period}`, `Already used: ${calls(error.used)}`, `Left: ${calls(error.remaining)}`, `This action: ${calls(error.attempted)}`],
      hint: 'Each call of a batch counts.',
      unit: { symbol: 'calls', decimals: 0 },
      refreshInterval,
    };
  }
  if (error instanceof SpendLimitExceededError) {
    const spend = spendOf(error, options, native);
    const amount = (value: bigint) => formatAmount(value, spend.unit, options.amounts);
    const bare = (value: bigint) => amount(value).replace(new RegExp(` ${escape(spend.unit.symbol)}$`), '');
    const period = spend.refreshInterval === undefined ? '' : ` ${formatRefreshInterval(spend.refreshInterval)}`;
    return {
      rule,
      title: `Refused: over the session key's ${spend.short} limit.`,
      summary: `${spend.what} of ${amount(error.limit)}${period}: used ${bare(error.used)}, attempted ${bare(error.attempted)}, remaining ${bare(error.remaining)}`,
      lines: [
        `Limit: ${amount(error.limit)}${period}`,
        `Already used: ${amount(error.used)}`,
        `Left: ${amount(error.remaining)}`,
        `This action: ${amount(error.attempted)}`,
        ...(spend.hint ? [spend.hint] : []),
      ],
      hint: spend.hint,
      unit: spend.unit,
      refreshInterval: spend.refreshInterval,
    };
  }
  const formatTimestamp = options.formatTimestamp ?? defaultFormatTimestamp;
  if (error instanceof SessionKeyOutsideTimeRangeError) {
    const lines = [
      error.validFrom ? `Valid from: ${formatTimestamp(error.validFrom)}` : undefined,
      error.validUntil ? `Valid until: ${formatTimestamp(error.validUntil)}` : undefined,
    ].filter((line): line is string => line !== undefined);
    return { rule, title: 'Refused: the session key is expired or not valid yet.', summary: error.shortMessage, lines, hint: error.cause === undefined ? error.details : undefined };
  }
  if (error instanceof SessionKeyNotAuthorizedError)
    return {
      rule,
      title: 'Refused: this key is not a session key of the account.',
      summary: error.shortMessage,
      lines: ['It was revoked, rotated away or never added.'],
      hint: error.cause === undefined ? error.details : undefined,
    };
  // Without a cause the details are the SDK's own explanation; with one they repeat the bundler's raw message.
  const hint = error.cause === undefined && error.details ? error.details : undefined;
  return { rule, title: `Refused: ${error.shortMessage}`, summary: error.shortMessage, lines: error.details ? [error.details] : [], hint };
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function spendOf(error: SpendLimitExceededError, options: ExplainRefusalOptions, native: AmountUnit) {
  const state = options.state;
  const periodOf = (status: SessionKeyState['spending']['gas'] | undefined) => (status && status !== 'unlimited' ? status.refreshInterval : undefined);
  if (error instanceof Erc20SpendLimitExceededError) {
    const unit = options.tokens?.(error.token) ?? { symbol: `base units of ${error.token}`, decimals: 0 };
    const status = state?.spending.erc20.find((t) => t.tokenAddress.toLowerCase() === error.token.toLowerCase())?.status;
    return { what: 'ERC-20 spend limit', short: unit.symbol, unit, refreshInterval: periodOf(status), hint: undefined };
  }
  if (error instanceof GasSpendLimitExceededError)
    return {
      what: 'gas spend limit',
      short: 'gas',
      unit: native,
      refreshInterval: periodOf(state?.spending.gas),
      hint: 'An op counts at its maximum cost (all gas limits × maxFeePerGas) unless a paymaster pays.',
    };
  if (error instanceof NativeTokenSpendLimitExceededError)
    return { what: 'native token spend limit', short: native.symbol, unit: native, refreshInterval: periodOf(state?.spending.nativeToken), hint: undefined };
  return { what: 'spend limit', short: 'spend', unit: native, refreshInterval: undefined, hint: undefined };
}
