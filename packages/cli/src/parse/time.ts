import { DAY, HOUR, MINUTE, WEEK, maxSessionKeyRefreshInterval, millisecondsTimestampThreshold } from '@leash/sdk';
import { InvalidFlagError } from './errors.js';

/** A month, as refresh periods count it: 30 days. */
export const MONTH = 30 * DAY;

const units: Record<string, number> = {
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
 * parseDuration('1h30m', '--valid-for') // 5400
 * ```
 */
export function parseDuration(value: string, flag: string): number {
  const text = value.trim().toLowerCase();
  const expected = 'expected a duration such as 30m, 1h, 1h30m, 7d or 2w';
  if (!/^(\d+\s*[a-z]+\s*)+$/.test(text)) throw new InvalidFlagError({ flag, value, expected });
  const parts = [...text.matchAll(/(\d+)\s*([a-z]+)/g)];
  let seconds = 0;
  for (const [, count, unit] of parts) {
    const size = units[unit!];
    if (size === undefined) throw new InvalidFlagError({ flag, value, expected: `unknown unit "${unit}"; ${expected}` });
    seconds += Number(count) * size;
  }
  if (seconds <= 0 || !Number.isSafeInteger(seconds)) throw new InvalidFlagError({ flag, value, expected: `${expected}, longer than 0` });
  return seconds;
}

/**
 * Parses a limit's refresh period into seconds: `hour`, `day`, `week`, `month` (30 days), `total` (0: a lifetime limit,
 * never refreshed), a number of seconds, or a duration such as `12h`.
 *
 * @example
 * ```ts
 * parsePeriod('week', '--erc20') // 604800
 * parsePeriod('total', '--gas')  // 0
 * ```
 */
export function parsePeriod(value: string, flag: string): number {
  const text = value.trim().toLowerCase();
  if (text === 'total') return 0;
  let seconds: number;
  if (/^\d+$/.test(text)) seconds = Number(text);
  else if (/^[a-z]+$/.test(text) && units[text] !== undefined) seconds = units[text]!;
  else {
    try {
      seconds = parseDuration(text, flag);
    } catch {
      throw new InvalidFlagError({
        flag,
        value,
        expected: 'expected a period: hour, day, week, month (30 days), total, a number of seconds, or a duration such as 12h',
      });
    }
  }
  if (seconds <= 0 || seconds > maxSessionKeyRefreshInterval)
    throw new InvalidFlagError({ flag, value, expected: `a period must be between 1 s and ${maxSessionKeyRefreshInterval} s (or "total")` });
  return seconds;
}

/**
 * Parses a point in time into Unix seconds: an ISO 8601 date (`2030-01-31`, midnight UTC) or date and time
 * (`2030-01-31T12:00:00Z`; without a zone it is local time), or Unix seconds. Refuses milliseconds.
 *
 * @example
 * ```ts
 * parseDate('2030-01-01', '--valid-until') // 1893456000
 * ```
 */
export function parseDate(value: string, flag: string): number {
  const text = value.trim();
  if (/^\d+$/.test(text)) {
    const seconds = Number(text);
    if (seconds >= millisecondsTimestampThreshold)
      throw new InvalidFlagError({ flag, value, expected: 'this looks like milliseconds; give Unix seconds or an ISO date' });
    return seconds;
  }
  const ms = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i.test(text) ? Date.parse(text.replace(' ', 'T')) : NaN;
  if (Number.isNaN(ms))
    throw new InvalidFlagError({ flag, value, expected: 'expected an ISO date (2030-01-31 or 2030-01-31T12:00:00Z) or Unix seconds' });
  return Math.floor(ms / 1000);
}

/**
 * Parses `--valid-until`: a date as {@link parseDate} takes it, or `never` for a key with no end.
 *
 * @example
 * ```ts
 * parseValidUntil('never', '--valid-until') // 'never'
 * ```
 */
export function parseValidUntil(value: string, flag: string): number | 'never' {
  return value.trim().toLowerCase() === 'never' ? 'never' : parseDate(value, flag);
}
