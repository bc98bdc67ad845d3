import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const repoRoot = path.resolve(import.meta.dirname, '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** Runs the forge half of `npm test` (`npm run test:contracts`) on the fixture suite, keeping one of its tests. */
function runContractTests(matchTest: string) {
  return spawnSync(npm, ['run', 'test:contracts'], {
    cwd: repoRoot,
    encoding: 'utf8',
    // The fixture lives outside the normal suite, in its own profile (contracts/foundry.toml).
    env: { ...process.env, FOUNDRY_PROFILE: 'exit-status', FOUNDRY_MATCH_TEST: matchTest, NO_COLOR: '1' },
  });
}

describe('the test command', () => {
  it('fails when a forge test fails', () => {
    const run = runContractTests('test_fixture_fails');
    expect(run.stdout).toContain('1 failed');
    expect(run.status).not.toBe(0);
  }, 300_000);

  it('passes when every forge test passes (so the check above can tell the two apart)', () => {
    const run = runContractTests('test_fixture_passes');
    expect(run.stdout).toContain('1 tests passed, 0 failed');
    expect(run.status).toBe(0);
  }, 300_000);
});
