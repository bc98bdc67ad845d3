/** Summary statistics of a set of measurements (durations in ms, or any other unit). */
export type Summary = {
  count: number;
  min: number;
  max: number;
  mean: number;
  median: number;
  p95: number;
};

/**
 * The q-quantile (0 ≤ q ≤ 1) of `values`, interpolating linearly between the two nearest ranks (the common
 * "type 7" definition, as numpy and spreadsheets use), so small samples still give a stable p95.
 */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) throw new Error('quantile of an empty set');
  if (!(q >= 0 && q <= 1)) throw new Error(`quantile ${q} is outside [0, 1]`);
  const sorted = [...values].sort((a, b) => a - b);
  const rank = q * (sorted.length - 1);
  const below = Math.floor(rank);
  const above = Math.ceil(rank);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (rank - below);
}

export const median = (values: readonly number[]): number => quantile(values, 0.5);

export function mean(values: readonly number[]): number {
  if (values.length === 0) throw new Error('mean of an empty set');
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}

export function summarize(values: readonly number[]): Summary {
  return {
    count: values.length,
    min: Math.min(...values),
    max: Math.max(...values),
    mean: mean(values),
    median: median(values),
    p95: quantile(values, 0.95),
  };
}
