import { describe, expect, it } from 'vitest';
import { exampleTimeout, stackPids, startExample, survivors } from './helpers.js';

const userOp = /0x[0-9a-f]{64}/;

describe('npm run example:7702', () => {
  it('delegates an EOA with EIP-7702, installs the module with the EOA key, and a session key acts within its limit', async () => {
    const run = startExample({ npmScript: 'example:7702' });
    const code = await run.exit;
    const out = run.stdout();
    expect(code, `${out}\n${run.stderr()}`).toBe(0);

    expect(out).toMatch(/EOA 0x[0-9a-fA-F]{40} is now an ERC-7579 account \(EIP-7702 EOA\) delegating to 0x[0-9a-fA-F]{40}/);
    expect(out).toMatch(new RegExp(`Installed in user op ${userOp.source}, signed by the EOA's own key`));
    expect(out).toContain("Alice's balance: 0 dUSD -> 10 dUSD");
    expect(out).toMatch(/Refused: .*ERC-20/i);
    expect(out).toContain('Local stack stopped.');

    const { anvil, bundler } = stackPids(out);
    expect(run.descendants).toContain(anvil);
    expect(run.descendants).toContain(bundler);
    expect(survivors(run)).toEqual([]);
  }, exampleTimeout);
});
