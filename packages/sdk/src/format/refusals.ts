import type { Address } from 'viem';
import { SessionKeyNotAuthorizedError, SessionKeyViolationError } from '../errors/sessionKeyErrors.js';
import { permissionKinds } from '../permissions/kinds/index.js';
import type { ExplainContext, RefusalExplanation } from '../permissions/kinds/kind.js';
import type { SessionKeyState } from '../permissions/state.js';
import type { AmountUnit, FormatAmountOptions } from './amounts.js';

export type { RefusalExplanation } from '../permissions/kinds/kind.js';

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
 * title and the lines. Each permission kind explains its own refusals (spend and call limits give their numbers in
 * the limit's unit, with `tokens`, and period, with `state`); other refusals give their short message. Returns
 * undefined for an error that is not a refusal.
 *
 * @example
 * ```ts
 * const explained = explainRefusal(error, { tokens: () => ({ symbol: 'dUSD', decimals: 6 }), state })
 * // { title: "Refused: over the session key's dUSD limit.", summary: 'ERC-20 spend limit of 100 dUSD per week: used 90, attempted 20, remaining 10', … }
 * ```
 */
export function explainRefusal(error: unknown, options: ExplainRefusalOptions = {}): RefusalExplanation | undefined {
  if (!(error instanceof SessionKeyViolationError)) return undefined;
  const context: ExplainContext = {
    native: options.nativeCurrency ?? { symbol: 'ETH', decimals: 18 },
    tokens: options.tokens ?? (() => undefined),
    state: options.state,
    amounts: options.amounts,
    formatTimestamp: options.formatTimestamp ?? defaultFormatTimestamp,
  };
  for (const kind of permissionKinds) {
    const explained = kind.explain?.(error, context);
    if (explained) return explained;
  }
  // Without a cause the details are the SDK's own explanation; with one they repeat the bundler's raw message.
  const hint = error.cause === undefined && error.details ? error.details : undefined;
  if (error instanceof SessionKeyNotAuthorizedError)
    return {
      rule: error.rule,
      title: 'Refused: this key is not a session key of the account.',
      summary: error.shortMessage,
      lines: ['It was revoked, rotated away or never added.'],
      hint,
    };
  return { rule: error.rule, title: `Refused: ${error.shortMessage}`, summary: error.shortMessage, lines: error.details ? [error.details] : [], hint };
}
