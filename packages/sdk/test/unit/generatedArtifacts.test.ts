import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const contractsDir = path.resolve(import.meta.dirname, '../../../../contracts');

describe('generated ABIs and bytecode', () => {
  it('match a fresh forge build of the contracts (one source of truth)', () => {
    // forge build is incremental: a no-op when `npm test` has already compiled for the forge tests.
    // Through tools/forge.mjs: the npm wrapper of forge would hide a failed build behind exit status 0.
    execFileSync(process.execPath, ['tools/forge.mjs', 'build'], { cwd: contractsDir, stdio: 'pipe' });
    const output = execFileSync(process.execPath, ['tools/generate-sdk-artifacts.mjs', '--check'], {
      cwd: contractsDir,
      encoding: 'utf8',
    });
    expect(output).toContain('SDK artifacts are up to date.');
  }, 600_000);
});
