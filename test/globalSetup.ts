import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fastCheckSeed, testSeed } from '../tools/test-seed.mjs';

// The CLI tests run the built CLI (packages/*/dist), as users do: build first (incremental, and a type check too).
export default function setup(): void {
  const { seed, source } = testSeed();
  process.env.LEASH_TEST_SEED = seed.toString(); // the test files' workers draw this same seed (even a random one)
  console.log(`fast-check seed ${fastCheckSeed(seed)} (${source}; LEASH_TEST_SEED=random for a fresh one)`);
  const require = createRequire(import.meta.url);
  const tsc = path.join(path.dirname(require.resolve('typescript/package.json')), 'bin', 'tsc');
  execFileSync(process.execPath, [tsc, '-b'], { stdio: 'inherit', cwd: path.resolve(import.meta.dirname, '..') });
}
