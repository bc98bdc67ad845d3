import { describe, expect, it } from 'vitest';
import { type Address, type PublicClient, numberToHex, pad, parseEther } from 'viem';
import { ArgumentOperator, DAY, HOUR, decodePermissionUpdates } from '@leash/sdk';
import { parseAllowEntry, parseLabel, parseMaxValuePerCall } from '../src/commands/key/flags.js';
import { InvalidFlagError } from '../src/parse/errors.js';
import { parseCallRule } from '../src/parse/callPolicy.js';
import { buildPermissions } from '../src/permissions.js';
import { describeWithTokens } from '../src/commands/key/describe.js';

const usdc: Address = '0x1f08BBFde5eA8c5a6B4A23Ce29dD218eAcd23BA6';
const alice: Address = '0x00000000000000000000000000000000000A11cE';
const bob: Address = '0x0000000000000000000000000000000000000B0b';
const router: Address = '0x000000000000000000000000000000000000F00D';
const labels = { USDC: usdc, alice, bob };
// The token answers decimals() and symbol(); any other address is no token.
const chain = {
  readContract: async ({ address, functionName }: { address: Address; functionName: string }) => {
    if (address !== usdc) throw new Error('not a token');
    return functionName === 'decimals' ? 6 : 'USDC';
  },
  chain: { id: 1 },
} as unknown as PublicClient;
const word = (n: bigint) => numberToHex(n, { size: 32 });
const addressWord = (a: Address) => pad(a.toLowerCase() as `0x${string}`, { size: 32 });

const build = (allow: string[], extra: Record<string, unknown> = {}) =>
  buildPermissions({ allow: allow.map((v) => parseAllowEntry(v, '--allow')), label: labels, ...extra }, { publicClient: chain, now: 1_900_000_000 });

describe('--allow call rules', () => {
  it('reads the issue\'s example: names from --label, one-of, token units, a call count', async () => {
    const built = await build(['USDC:transfer(to=alice|bob, amount<=10usdc, calls<=20/day)'], { maxValuePerCall: 0n });
    const permissions = decodePermissionUpdates(built.builder.encode());
    expect(permissions.callPolicies).toEqual([
      {
        target: usdc,
        selector: '0xa9059cbb',
        conditions: [{ argIndex: 1, operator: ArgumentOperator.LESS_THAN_OR_EQUAL, value: word(10_000_000n) }],
        oneOf: [{ argIndex: 0, values: [addressWord(bob), addressWord(alice)] }],
        callLimit: { callLimit: 20, refreshInterval: DAY },
      },
    ]);
    expect(permissions.contracts).toEqual([{ contractAddress: usdc, isOnList: true, checkSelectors: true, functions: [{ selector: '0xa9059cbb', isOnList: true }] }]);
    expect(permissions.maxValuePerCall).toBe(0n);
    expect(describeWithTokens(built.builder.toPermissions(), built.tokens, built.labels)).toContain(
      'May call USDC.transfer with to ∈ {alice, bob} and amount ≤ 10 USDC, at most 20 times a day',
    );
  });

  it('takes a signature with conditions for functions it does not know, sums per period and signed comparisons', async () => {
    const built = await build([`${router}:swap(address recipient=alice, uint256 amountIn<=1eth, int256 slip>=-3, uint256 minOut, sum(amountIn)<=5eth/hour)`]);
    const [policy] = decodePermissionUpdates(built.builder.encode()).callPolicies!;
    expect(policy).toEqual({
      target: router,
      selector: expect.stringMatching(/^0x[0-9a-f]{8}$/),
      conditions: [
        { argIndex: 0, operator: ArgumentOperator.EQUAL, value: addressWord(alice) },
        { argIndex: 1, operator: ArgumentOperator.LESS_THAN_OR_EQUAL, value: word(parseEther('1')) },
        { argIndex: 2, operator: ArgumentOperator.SIGNED_GREATER_THAN_OR_EQUAL, value: word(2n ** 256n - 3n) },
      ],
      argumentLimits: [{ argIndex: 1, limit: { spendLimit: parseEther('5'), refreshInterval: HOUR } }],
    });
  });

  it('refuses what it cannot read, saying what was expected', async () => {
    const refused = (value: string) => () => parseCallRule(value, '--allow');
    expect(refused('USDC:transfer(to=)')).toThrow(InvalidFlagError);
    expect(refused('USDC:transfer(to=alice,, amount<=1usdc)')).toThrow(/empty condition/);
    expect(refused('USDC:swap(to=alice)')).toThrow(/does not know the arguments of swap/);
    expect(refused('USDC:transfer(address to=alice, amount<=1)')).toThrow(/every parameter with its type/);
    expect(refused('USDC:transfer(amount<=1|2)')).toThrow(/for = only/);
    expect(refused('USDC:transfer(calls<=20/fortnight)')).toThrow(/calls<=20\/day/);
    await expect(build(['USDC:transfer(to=carol)'])).rejects.toThrow(/neither an address nor a name given with --label carol/);
    await expect(build(['USDC:transfer(amount<=10)'])).rejects.toThrow(/give amount with its unit \(10usdc\) or in base units \(10e6\)/);
    await expect(build(['USDC:transfer(amount<=10dai)'])).rejects.toThrow(/dai is not a unit here/);
    await expect(build(['USDC:transfer(recipient=alice)'])).rejects.toThrow(/has no argument "recipient"/);
    await expect(build([`${router}:run(bytes data=0x12)`])).rejects.toThrow(/only static arguments/);
    expect(() => parseLabel('alice', '--label')).toThrow(/name=address/);
    expect(() => parseMaxValuePerCall('0.05', '--max-value-per-call')).toThrow(/with its unit/);
    expect(parseMaxValuePerCall('0.05eth', '--max-value-per-call')).toBe(parseEther('0.05'));
  });

  it('keeps plain --allow entries as they were', () => {
    expect(parseAllowEntry(`${usdc}:transfer(address,uint256)`, '--allow')).toEqual({ contract: usdc, function: { selector: '0xa9059cbb', signature: 'transfer(address,uint256)' } });
  });
});
