// The seed of every randomised test in `npm test` (forge's fuzz and invariant runs, fast-check's properties).
//
// One seed per commit: CI and a local run of the same commit draw the same cases, so a failure CI reports is
// reproduced by running the same commit, and each new commit still explores new cases. LEASH_TEST_SEED overrides it
// (a number, or `random` for a fresh seed each run, as the deep run uses).
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Used when the tree is not a git checkout (a tarball): still deterministic. */
const FALLBACK_SEED = 0x1ea5_4e55n;

/**
 * The test seed as a 256-bit bigint, and where it came from.
 * @example
 * const { seed, source } = testSeed(); // { seed: 0x3f…n, source: 'commit 1f1d31e' }
 */
export function testSeed(env = process.env) {
  const override = env.LEASH_TEST_SEED?.trim();
  if (override === 'random') return { seed: BigInt(`0x${randomBytes(32).toString('hex')}`), source: 'random' };
  if (override) {
    try {
      return { seed: BigInt(override), source: 'LEASH_TEST_SEED' };
    } catch {
      throw new Error(`LEASH_TEST_SEED must be a number (decimal or 0x…) or "random", not "${override}"`);
    }
  }
  let commit;
  try {
    commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    return { seed: FALLBACK_SEED, source: 'fixed (no git checkout)' };
  }
  const digest = createHash('sha256').update(`leash-test-seed:${commit}`).digest('hex');
  return { seed: BigInt(`0x${digest}`), source: `commit ${commit.slice(0, 7)}` };
}

/** fast-check takes a 32-bit signed integer. */
export function fastCheckSeed(seed) {
  return Number(BigInt.asIntN(32, seed));
}
