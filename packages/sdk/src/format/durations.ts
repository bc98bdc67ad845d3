import { InvalidInputError } from './inputError.js';
import { DAY, HOUR, MINUTE, WEEK, maxSessionKeyRefreshInterval } from '../permissions/types.js';

/**
 * The named periods, longest first: how refresh intervals read.
 *
 * @example
 * ```ts
 * namedPeriods.find(([seconds]) => seconds === DAY) // [86400, 'day']
 * ```
 */
export const namedPeriods = [
  [WEEK, 'week'],
  [DAY, 'day'],
  [HOUR, 'hour'],
  [MINUTE, 'minute'],
] as const;

/**
 * "per week", "per 2 days", "per 90 seconds", or "in total" for a lifetime limit.
 *
 * @example
 * ```ts
 * formatRefreshInterval(WEEK) // 'per week'
 * formatRefreshInterval(0) // 'in total'
 * ```
 */
export function formatRefreshInterval(seconds: number): string {
  if (seconds === 0) return 'in total';
  for (const [unit, name] of namedPeriods) {
    if (seconds % unit === 0) return seconds === unit ? `per ${name}` : `per ${seconds / unit} ${name}s`;
  }
  return seconds === 1 ? 'per second' : `per ${seconds} seconds`;
}

/**
 * A span of seconds, coarse to fine, two units at most: `3d 4h`, `1h 0m`, `59m 12s`, `45s` (negative spans are `0s`).
 * With `compact`, units that are zero are left out: `1h`, `1d 30s`.
 *
 * @example
 * ```ts
 * formatDuration(90_061) // '1d 1h'
 * formatDuration(3_600, { compact: true }) // '1h'
 * ```
 */
export function formatDuration(totalSeconds: number, options: { compact?: boolean | undefined } = {}): string {
  let rest = Math.max(0, Math.floor(totalSeconds));
  const parts: string[] = [];
  for (const [size, name] of [
    [DAY, 'd'],
    [HOUR, 'h'],
    [MINUTE, 'm'],
    [1, 's'],
  ] as const) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count > 0 || (parts.length > 0 && !options.compact)) parts.push(`${count}${name}`);
    if (parts.length === 2) break;
  }
  return parts.length > 0 ? parts.join(' ') : '0s';
}

/**
 * A duration or period that cannot be read.
 *
 * @example
 * ```ts
 * parseDuration('soon') // throws InvalidDurationError
 * ```
 */
export class InvalidDurationError extends InvalidInputError {
  override name = 'InvalidDurationError';
}

/**
 * A month, as refresh periods count it: 30 days.
 *
 * @example
 * ```ts
 * builder.setGasSpendLimit({ spendLimit: parseEther('0.1'), refreshInterval: MONTH })
 * ```
 */
export const MONTH = 30 * DAY;

const durationUnits: Record<string, number> = {
  s: 1, sec: 1, second: 1, seconds: 1,
  m: MINUTE, min: MINUTE, minute: MINUTE, minutes: MINUTE,
  h: HOUR, hour: HOUR, hours: HOUR,
  d: DAY, day: DAY, days: DAY,
  w: WEEK, week: WEEK, weeks: WEEK,
  mo: MONTH, month: MONTH, months: MONTH,
};

/**
 * Parses a duration such as `90s`, `15m`, `1h`, `1h30m`, `2d`, `1w` or `1mo` (30 days) into seconds.
 *
 * @example
 * ```ts
 * parseDuration('1h30m') // 5400
 * ```
 */
export function parseDuration(input: string): number {
  const text = input.trim().toLowerCase();
  const expected = 'expected a duration such as 30m, 1h, 1h30m, 7d or 2w';
  if (!/^(\d+\s*[a-z]+\s*)+$/.test(text)) throw new InvalidDurationError({ input, expected });
  let seconds = 0;
  for (const [, count, unit] of text.matchAll(/(\d+)\s*([a-z]+)/g)) {
    const size = durationUnits[unit!];
    if (size === undefined) throw new InvalidDurationError({ input, expected: `unknown unit "${unit}"; ${expected}` });
    seconds += Number(count) * size;
  }
  if (seconds <= 0 || !Number.isSafeInteger(seconds)) throw new InvalidDurationError({ input, expected: `${expected}, longer than 0` });
  return seconds;
}

/**
 * Parses a limit's refresh period into seconds: `hour`, `day`, `week`, `month` (30 days), `total` (0: a lifetime limit,
 * never refreshed), a number of seconds, or a duration such as `12h`.
 *
 * @example
 * ```ts
 * parsePeriod('week')  // 604800
 * parsePeriod('total') // 0
 * ```
 */
export function parsePeriod(input: string): number {
  const text = input.trim().toLowerCase();
  if (text === 'total') return 0;
  let seconds: number;
  if (/^\d+$/.test(text)) seconds = Number(text);
  else if (/^[a-z]+$/.test(text) && durationUnits[text] !== undefined) seconds = durationUnits[text]!;
  else {
    try {
      seconds = parseDuration(text);
    } catch {
      throw new InvalidDurationError({
        input,
        expected: 'expected a period: hour, day, week, month (30 days), total, a number of seconds, or a duration such as 12h',
      });
    }
  }
  if (seconds <= 0 || seconds > maxSessionKeyRefreshInterval)
    throw new InvalidDurationError({ input, expected: `a period must be between 1 s and ${maxSessionKeyRefreshInterval} s (or "total")` });
  return seconds;
}
