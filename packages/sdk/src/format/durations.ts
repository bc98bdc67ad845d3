import { DAY, HOUR, MINUTE, WEEK } from '../permissions/types.js';

/** The named periods, longest first: how refresh intervals read. */
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
