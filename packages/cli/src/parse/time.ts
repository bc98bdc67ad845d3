import { millisecondsTimestampThreshold, parseDuration as sdkParseDuration, parsePeriod as sdkParsePeriod } from '@leash/sdk';
import { InvalidFlagError, parseFlag } from './errors.js';

export { MONTH } from '@leash/sdk';

/**
 * Parses a duration such as `90s`, `15m`, `1h`, `1h30m`, `2d`, `1w` or `1mo` (30 days) into seconds (the SDK's
 * `parseDuration`).
 *
 * @example
 * ```ts
 * parseDuration('1h30m', '--valid-for') // 5400
 * ```
 */
export function parseDuration(value: string, flag: string): number {
  return parseFlag(flag, value, () => sdkParseDuration(value));
}

/**
 * Parses a limit's refresh period into seconds (the SDK's `parsePeriod`): `hour`, `day`, `week`, `month` (30 days),
 * `total` (0), a number of seconds, or a duration such as `12h`.
 *
 * @example
 * ```ts
 * parsePeriod('week', '--erc20') // 604800
 * parsePeriod('total', '--gas')  // 0
 * ```
 */
export function parsePeriod(value: string, flag: string): number {
  return parseFlag(flag, value, () => sdkParsePeriod(value));
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
