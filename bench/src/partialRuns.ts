import fs from 'node:fs';
import type { BenchResults } from './results.js';

/** The parts of the bench, in the order a full run measures them. */
export const benchParts = ['sdk', 'gas', 'peer', 'accounts', 'throughput', 'load'] as const;
export type BenchPart = (typeof benchParts)[number];

/** The results.json section each part writes. */
export const sectionOf = {
  sdk: 'sdk',
  gas: 'gas',
  peer: 'sideBySide',
  accounts: 'accounts',
  throughput: 'throughput',
  load: 'load',
} as const satisfies Record<BenchPart, keyof BenchResults>;

/** When and at which commit a part's figures were measured. */
export type Measured = { at: string; commit: string };

/** The previous results.json, or undefined when there is none or it cannot be read. */
export function readPreviousResults(file: string): Partial<BenchResults> | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<BenchResults>;
  } catch {
    return undefined;
  }
}

/**
 * A partial run (`--only`) keeps the other parts' figures from the previous results.json, with when and where they
 * were measured, instead of wiping them: results.json and RESULTS.md always hold every part's latest figures.
 */
export function carryOver(results: BenchResults, previous: Partial<BenchResults> | undefined, measuredNow: readonly BenchPart[]): BenchResults {
  const measured: Partial<Record<BenchPart, Measured>> = { ...results.measured };
  const merged: BenchResults = { ...results };
  for (const part of benchParts) {
    if (measuredNow.includes(part)) continue;
    const section = previous?.[sectionOf[part]];
    if (section === undefined || section === null) continue;
    (merged as Record<string, unknown>)[sectionOf[part]] = section;
    const when = previous?.measured?.[part] ?? { at: previous?.generatedAt ?? 'unknown', commit: previous?.environment?.git.commit ?? 'unknown' };
    measured[part] = when;
  }
  return { ...merged, measured };
}
