#!/usr/bin/env node
// `forge test` with the commit's fuzz seed (../../tools/test-seed.mjs): the fuzz and invariant cases CI runs are the
// ones a local run of the same commit runs. Prints the seed first so any failure can be replayed with --fuzz-seed.
// Extra arguments go to forge; an explicit --fuzz-seed wins.
import { testSeed } from '../../tools/test-seed.mjs';
import { runForge } from './forge.mjs';

const args = process.argv.slice(2);
if (!args.includes('--fuzz-seed')) {
  const { seed, source } = testSeed();
  const hex = `0x${seed.toString(16)}`;
  console.log(`fuzz seed ${hex} (${source}; LEASH_TEST_SEED=random for a fresh one)`);
  args.push('--fuzz-seed', hex);
}
runForge(['test', ...args]);
