import type { SessionKeyCallLimit } from '../permissions/kinds/callLimit.js';
import { maxCallLimit } from '../permissions/kinds/callLimit.js';
import { InvalidInputError } from './inputError.js';
import { parsePeriod } from './durations.js';

/**
 * A limit that is not `<amount>/<period>` or `unlimited`, or whose amount is out of range.
 *
 * @example
 * ```ts
 * parseCallLimit('twenty a day') // throws InvalidLimitError
 * ```
 */
export class InvalidLimitError extends InvalidInputError {
  override name = 'InvalidLimitError';
}

const unlimitedWords = new Set(['unlimited', 'no-limit']);

/**
 * A limit as people write it, `<amount>/<period>` (`100/week`, `0.1eth/day`, `20/total`), or `unlimited`: the amount
 * stays text (its unit decides how it reads), the period is in seconds (0 for a lifetime total).
 *
 * @example
 * ```ts
 * parseLimitText('100/week') // { amount: '100', refreshInterval: 604800 }
 * parseLimitText('unlimited') // 'unlimited'
 * ```
 */
export function parseLimitText(input: string): { amount: string; refreshInterval: number } | 'unlimited' {
  const text = input.trim();
  if (unlimitedWords.has(text.toLowerCase())) return 'unlimited';
  const [amount, period, ...rest] = text.split('/');
  if (amount === undefined || period === undefined || rest.length > 0 || amount.trim() === '')
    throw new InvalidLimitError({ input, expected: 'expected <amount>/<period>, such as 100/week or 0.1eth/day, or "unlimited"' });
  return { amount: amount.trim(), refreshInterval: parsePeriod(period) };
}

/**
 * Parses a call-count limit: `20/day`, `5/total`, `100/1h`, or `unlimited`.
 *
 * @example
 * ```ts
 * parseCallLimit('20/day') // { callLimit: 20, refreshInterval: 86400 }
 * ```
 */
export function parseCallLimit(input: string): SessionKeyCallLimit | 'unlimited' {
  const limit = parseLimitText(input);
  if (limit === 'unlimited') return limit;
  const count = Number(limit.amount);
  if (!/^\d+$/.test(limit.amount) || count > maxCallLimit)
    throw new InvalidLimitError({ input, expected: `the number of calls must be a whole number from 0 to ${maxCallLimit}, such as 20/day` });
  return { callLimit: count, refreshInterval: limit.refreshInterval };
}
