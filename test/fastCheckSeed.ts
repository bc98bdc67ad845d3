// Every fast-check property in `npm test` draws from the commit's seed (tools/test-seed.mjs), as forge's fuzz runs do:
// a failure CI reports is replayed by running the same commit (or LEASH_TEST_SEED=<seed>).
import fc from 'fast-check';
import { fastCheckSeed, testSeed } from '../tools/test-seed.mjs';

fc.configureGlobal({ seed: fastCheckSeed(testSeed().seed) });
