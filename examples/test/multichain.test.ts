import { describe, expect, it } from 'vitest';
import { exampleTimeout, startExample, survivors } from './helpers.js';

describe('npm run example:multichain', () => {
  it('two chains, one owner signature: the key enables itself on each with its first op, then sends ordinary ops; both stacks stop', async () => {
    const run = startExample({ npmScript: 'example:multichain' });
    const code = await run.exit;
    const out = run.stdout();
    expect(code, `${out}\n${run.stderr()}`).toBe(0);

    const pids = [...out.matchAll(/\(anvil, pid (\d+)\).*\(Alto, pid (\d+)\)/g)].flatMap((m) => [Number(m[1]), Number(m[2])]);
    expect(pids).toHaveLength(4);
    expect(out).toMatch(/Chain 31337: RPC http:\/\/127\.0\.0\.1:\d+/);
    expect(out).toMatch(/Chain 31338: RPC http:\/\/127\.0\.0\.1:\d+/);
    expect(out).toMatch(/Account 0x[0-9a-fA-F]{40} \(the same address on both chains\)/);
    expect(out).toContain('Chain 31337: Spends at most 50 dUSD');
    expect(out).toContain('Chain 31338: Spends at most 20 dUSD');
    expect(out.match(/One owner signature \(65 bytes\)/g)).toHaveLength(1);
    for (const chain of [31337, 31338]) {
      expect(out).toMatch(new RegExp(`Chain ${chain}: sent 10 dUSD to Alice; the op enabled the key: true`));
      expect(out).toMatch(new RegExp(`Chain ${chain}: sent 5 dUSD more; an ordinary op this time: true`));
      expect(out).toMatch(new RegExp(`Chain ${chain}: spent 15 dUSD of ${chain === 31337 ? 50 : 20} dUSD today; the grant is now used`));
    }
    expect(out).toContain('Local stacks stopped.');
    for (const pid of pids) expect(run.descendants).toContain(pid);
    expect(survivors(run)).toEqual([]);
  }, 2 * exampleTimeout);
});
