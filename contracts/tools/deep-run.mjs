#!/usr/bin/env node
// The deep run of the security suites, outside CI: the differential fuzz suite (issue 13) at 50,000 runs per property
// and the invariant suites at 10,000 runs × depth 50 (profile `deep` in foundry.toml). Hours on two cores; prints
// forge's summary and exits with its status. Extra arguments go to forge (e.g. --match-test invariant_onlyCanonical).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { forgeBinary } from './forge.mjs';

const contractsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const started = Date.now();
const run = spawnSync(
  forgeBinary(),
  ['test', '--match-path', 'test/session/{differential,invariant}/*.t.sol', ...process.argv.slice(2)],
  { cwd: contractsDir, stdio: 'inherit', env: { ...process.env, FOUNDRY_PROFILE: 'deep' } },
);
console.log(`deep run: ${Math.round((Date.now() - started) / 60_000)} min, exit status ${run.status}`);
process.exit(run.status ?? 1);
