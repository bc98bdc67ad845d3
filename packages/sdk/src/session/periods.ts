/**
 * The period containing `time`, inclusive: periods are `[anchor + k × interval, anchor + (k + 1) × interval)`, and the
 * stretch before the first of them after the epoch counts as one. The same arithmetic as the module's TimeRange.
 *
 * @example
 * ```ts
 * periodOf(1_750_000_123, 0, 86_400) // { start: 1_749_945_600, end: 1_750_031_999 }: that UTC day
 * ```
 */
export function periodOf(time: number, anchor: number, interval: number): { start: number; end: number } {
  const offset = anchor % interval;
  if (time < offset) return { start: 0, end: offset - 1 };
  const start = time - ((time - offset) % interval);
  return { start, end: start + interval - 1 };
}
