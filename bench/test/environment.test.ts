import { describe, expect, it } from 'vitest';
import { parseCompilerSettings } from '../src/environment.js';

describe('parseCompilerSettings', () => {
  it('reads the default profile’s single-line compiler settings and nothing else', () => {
    const toml = [
      '[profile.default]',
      'src = "src"',
      'solc = "tools/solc.cjs"',
      'evm_version = "cancun"',
      'optimizer = true',
      'optimizer_runs = 10_000',
      'remappings = [',
      '  "a/=b/",',
      ']',
      'compilation_restrictions = [{ paths = "src/M.sol", via_ir = true, optimizer_runs = 1000000 }]',
      '',
      '[profile.ci]',
      'optimizer_runs = 1',
      '[fuzz]',
      'runs = 256',
    ].join('\n');
    expect(parseCompilerSettings(toml)).toEqual({
      solc: 'tools/solc.cjs',
      evm_version: 'cancun',
      optimizer: true,
      optimizer_runs: 10000,
      compilation_restrictions: '[{ paths = "src/M.sol", via_ir = true, optimizer_runs = 1000000 }]',
    });
  });
});
