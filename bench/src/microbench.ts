import { type Summary, summarize } from './stats.js';

/** How a micro-benchmark samples. */
export type MicroBenchOptions = {
  /** Run the function this long before measuring, so the JIT has compiled its hot paths. */
  warmupMs: number;
  /** Number of timed batches. */
  samples: number;
  /** Each batch runs enough iterations to last at least this long, so timer resolution does not matter. */
  minBatchMs: number;
};

export const defaultMicroBenchOptions: MicroBenchOptions = { warmupMs: 500, samples: 40, minBatchMs: 25 };

/** A micro-benchmark's outcome: per-operation times in ms (one value per batch), and the rate at the median. */
export type MicroBenchResult = {
  name: string;
  /** Per-operation time in milliseconds, summarized over the batches. */
  timeMs: Summary;
  /** Operations per second at the median time. */
  opsPerSecond: number;
  iterationsPerBatch: number;
  totalIterations: number;
};

type Operation = () => unknown;

const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

// Awaits only real promises: awaiting a synchronous result would add a microtask to every iteration.
async function runBatch(operation: Operation, iterations: number): Promise<number> {
  const start = nowMs();
  for (let i = 0; i < iterations; i++) {
    const result = operation();
    if (result instanceof Promise) await result;
  }
  return nowMs() - start;
}

/** The smallest power-of-two iteration count whose batch lasts at least `minBatchMs`. */
async function calibrate(operation: Operation, minBatchMs: number): Promise<number> {
  let iterations = 1;
  while ((await runBatch(operation, iterations)) < minBatchMs && iterations < 1 << 24) iterations *= 2;
  return iterations;
}

/**
 * Measures `operation`: a warm-up, then `samples` batches of a calibrated size; each batch gives one per-operation
 * time. The median and p95 over batches resist the noise of a shared machine better than a single long run's mean.
 */
export async function microBench(
  name: string,
  operation: Operation,
  options: MicroBenchOptions = defaultMicroBenchOptions,
): Promise<MicroBenchResult> {
  const warmupEnd = nowMs() + options.warmupMs;
  while (nowMs() < warmupEnd) await runBatch(operation, 16);
  const iterationsPerBatch = await calibrate(operation, options.minBatchMs);
  const perOperation: number[] = [];
  for (let sample = 0; sample < options.samples; sample++)
    perOperation.push((await runBatch(operation, iterationsPerBatch)) / iterationsPerBatch);
  const timeMs = summarize(perOperation);
  return {
    name,
    timeMs,
    opsPerSecond: 1000 / timeMs.median,
    iterationsPerBatch,
    totalIterations: iterationsPerBatch * options.samples,
  };
}
