import { describe, expect, it } from 'vitest';
import { countCalldataBytes, l1DataGas } from '../src/calldata.js';
import { chartHeight, renderChartSvg } from '../src/chart.js';
import { chartGroups, gasFiguresOf } from '../src/comparison.js';
import type { RatioTarget } from '../src/gasTargets.js';
import type { SideMeasurement, SidePathId, SideScenarioId, SideVariantId } from '../src/sideBySide.js';
import { compareSideBySide, evaluateRatioTargets, sessionOverheads, sideBySideChartGroups } from '../src/sideBySideComparison.js';
import { ratioVerdict, renderSideBySide } from '../src/sideBySideMarkdown.js';
import { fairnessNotes, l1DataGasDefinition, smartSessionsNote } from '../src/sideBySideNotes.js';
import type { SideBySideSection } from '../src/results.js';

// Made-up figures: these tests check the arithmetic and the layout, not any real measurement.
function m(
  scenario: SideScenarioId,
  variant: SideVariantId,
  path: SidePathId,
  gasUsed: number,
  zero = 100,
  nonzero = 50,
  system: SideMeasurement['system'] = variant.startsWith('leash') ? 'Leash' : 'MetaMask Delegation Framework',
): SideMeasurement {
  const calldataBytes = { zero, nonzero };
  return {
    scenario,
    system,
    variant,
    path,
    entryPoint: path === 'eoa-direct' ? null : variant.startsWith('leash') ? '0.8' : '0.7',
    gasUsed,
    calldataBytes,
    l1DataGas: l1DataGas(calldataBytes),
    transactionHash: null,
  };
}

const measurements: SideMeasurement[] = [
  m('owner-erc20-s1', 'owner', 'erc4337', 90_000, 100, 50, 'Leash'),
  m('grant', 'leash-full', 'erc4337', 200_000, 1000, 300),
  m('session-erc20-s0', 'leash-full', 'erc4337', 150_000),
  m('session-erc20-s1', 'leash-full', 'erc4337', 110_000),
  m('session-erc20-s1', 'leash-no-gas-limit', 'erc4337', 100_000),
  m('owner-erc20-s1', 'owner', 'erc4337', 99_000),
  m('grant', 'erc20-full', 'erc4337', 0, 0, 0),
  m('session-erc20-s0', 'erc20-full', 'erc4337', 400_000, 400, 200),
  m('session-erc20-s1', 'erc20-full', 'eoa-direct', 200_000, 300, 100),
  m('session-erc20-s1', 'erc20-full', 'erc4337-kit-execute', 275_000),
  m('session-erc20-s1', 'erc20-full', 'erc4337', 275_000, 400, 200),
  m('session-erc20-s1', 'erc20-minimal', 'erc4337', 200_000, 200, 100),
];

describe('L1 data gas', () => {
  it('prices calldata at EIP-7623’s floor: 10 gas per zero byte, 40 per nonzero byte', () => {
    expect(l1DataGas({ zero: 3, nonzero: 2 })).toBe(110);
    expect(countCalldataBytes('0x00ff0001')).toEqual({ zero: 2, nonzero: 2 });
  });
});

describe('side-by-side tables', () => {
  const scenarios = compareSideBySide(measurements);

  it('puts Leash first, then the peer’s ERC-4337 rows, its kit encoding, and the EOA path last', () => {
    const s1 = scenarios.find((s) => s.id === 'session-erc20-s1')!;
    expect(s1.rows.map((r) => `${r.variant}/${r.path}`)).toEqual([
      'leash-full/erc4337',
      'leash-no-gas-limit/erc4337',
      'erc20-full/erc4337',
      'erc20-minimal/erc4337',
      'erc20-full/erc4337-kit-execute',
      'erc20-full/eoa-direct',
    ]);
    expect(scenarios.map((s) => s.id)).toEqual(['session-erc20-s1', 'session-erc20-s0', 'grant-and-first-use', 'owner-erc20-s1']);
  });

  it('divides Leash (full set, and without its gas limit) by each peer row, for gas, bytes and L1 data gas', () => {
    const s1 = scenarios.find((s) => s.id === 'session-erc20-s1')!;
    const full = s1.rows.find((r) => r.variant === 'erc20-full' && r.path === 'erc4337')!;
    expect(full.ratios).toEqual({ gas: 110_000 / 275_000, gasWithoutGasLimit: 100_000 / 275_000, calldataBytes: 150 / 600, l1DataGas: 3000 / 12_000 });
    expect(s1.rows.filter((r) => r.system === 'Leash').every((r) => r.ratios === null)).toBe(true);
    expect(full.label).toBe('MetaMask, full caveat set (4 enforcers), ERC-4337 op');
  });

  it('adds each grant to the same session’s first use', () => {
    const grant = scenarios.find((s) => s.id === 'grant-and-first-use')!;
    expect(grant.rows.map((r) => r.gasUsed)).toEqual([350_000, 400_000]);
    expect(grant.rows[0]!.calldataBytes).toEqual({ zero: 1100, nonzero: 350 });
    expect(grant.rows[1]!.ratios!.gas).toBeCloseTo(0.875);
    expect(() => compareSideBySide([m('grant', 'erc20-minimal', 'erc4337', 0)])).toThrow(/No first use measured/);
  });

  it('derives what each permission system adds over its own owner op (ERC-4337 rows only)', () => {
    expect(sessionOverheads(scenarios).map((o) => o.overhead)).toEqual([20_000, 10_000, 176_000, 101_000]);
  });

  it('charts every row but the kit’s execute encoding, with Leash ÷ it on the peer’s bars', () => {
    const groups = sideBySideChartGroups(scenarios);
    const s1 = groups.find((g) => g.group === 'side-session-erc20-s1')!;
    expect(s1.bars.map((b) => b.kind)).toEqual(['leash', 'leash', 'peer-measured', 'peer-measured', 'peer-measured']);
    expect(s1.bars[2]).toMatchObject({ label: 'MetaMask, full set, ERC-4337', gas: 275_000, note: 'Leash ÷ it: 0.40' });
    expect(s1.bars[4]!.label).toBe('MetaMask, full set, EOA (other path)');
    expect(s1.bars[0]!.note).toBeUndefined();
  });

  it('draws them above the published groups, with a legend wrapped inside the chart’s width', () => {
    const groups = [...sideBySideChartGroups(scenarios), ...chartGroups(gasFiguresOf([{ id: 'session-erc20-s1', gasUsed: 110_000 }]))];
    const svg = renderChartSvg(groups, 't', ['a', 'b', 'c']);
    expect(svg).toContain(`height="${chartHeight(groups, 3)}"`);
    // Five legend entries (Leash, floor, peer measured, peer published, target) need two rows at 1,000 px.
    const legend = [...svg.matchAll(/<rect x="([\d.]+)" y="(38|56)" width="12"/g)].map((match) => [Number(match[1]), Number(match[2])]);
    expect(legend).toHaveLength(5);
    expect(new Set(legend.map(([, y]) => y))).toEqual(new Set([38, 56]));
    expect(legend.every(([x]) => x! < 1000 - 16)).toBe(true);
    expect(svg).toContain('(Leash ÷ it: 0.40)');
  });
});

describe('ratio targets', () => {
  const scenarios = compareSideBySide(measurements);
  const target = (over: Partial<RatioTarget>): RatioTarget => ({
    id: 't',
    title: 'T',
    scenario: 'session-erc20-s1',
    peer: { variant: 'erc20-full', path: 'erc4337' },
    metric: 'gas',
    max: 0.5,
    ...over,
  });

  it('judges gas with Leash’s full set, and reports the ratio without the gas limit beside it', () => {
    const [met, missed] = evaluateRatioTargets(scenarios, [target({}), target({ peer: { variant: 'erc20-minimal', path: 'erc4337' } })]);
    expect(met).toMatchObject({ met: true, ratio: 0.4, leash: 110_000, peer: 275_000 });
    expect(met!.ratioWithoutGasLimit).toBeCloseTo(100_000 / 275_000);
    expect(missed).toMatchObject({ met: false, ratio: 0.55 });
    expect(ratioVerdict(met!)).toBe('met (0.40 ≤ 0.5)');
    expect(ratioVerdict(missed!)).toBe('**missed**: 0.55 > 0.5, over by 10.0 %');
  });

  it('judges calldata by the larger of the bytes and L1 data gas ratios', () => {
    const [calldata] = evaluateRatioTargets(scenarios, [target({ metric: 'calldata', peer: { variant: 'erc20-minimal', path: 'erc4337' } })]);
    // bytes 150 / 300 = 0.5, L1 data gas 3,000 / 6,000 = 0.5
    expect(calldata).toMatchObject({ ratio: 0.5, met: true, leash: 150, peer: 300, ratioWithoutGasLimit: null, l1DataGas: { leash: 3000, peer: 6000 } });
  });

  it('reports a target that waits for a feature without judging it, and refuses a target with nothing measured', () => {
    const [pending] = evaluateRatioTargets(scenarios, [target({ scenario: 'grant-and-first-use', pendingOn: 'a feature' })]);
    expect(pending).toMatchObject({ met: null, pendingOn: 'a feature' });
    expect(ratioVerdict(pending!)).toMatch(/^reported: 0\.88 \(target ≤ 0\.5 once a feature\)$/);
    expect(() => evaluateRatioTargets(scenarios, [target({ scenario: 'session-native-s1' })])).toThrow(/No measurement for ratio target t/);
  });
});

describe('the side-by-side section of RESULTS.md', () => {
  it('has the targets, one table per scenario with the peer’s other path marked, and the notes', () => {
    const scenarios = compareSideBySide(measurements);
    const section = {
      chain: { hardfork: 'Prague' },
      scenarios,
      targets: evaluateRatioTargets(scenarios, [
        { id: 't', title: 'Target T', scenario: 'session-erc20-s1', peer: { variant: 'erc20-full', path: 'erc4337' }, metric: 'gas', max: 0.3 },
      ]),
      sessionOverheads: sessionOverheads(scenarios),
      l1DataGasDefinition,
      deploymentNotes: ['deployed so'],
      fairness: fairnessNotes(measurements),
      smartSessions: smartSessionsNote,
    } as unknown as SideBySideSection;
    const markdown = renderSideBySide(section, 'chart.svg').join('\n');
    expect(markdown).toContain('| Target T | 110,000 | 275,000 | **0.40** | 0.36 | ≤ 0.3 | **missed**: 0.40 > 0.3, over by 33.3 % |');
    expect(markdown).toContain('- Missed: "Target T", 0.40 against ≤ 0.3 (Leash 110,000, MetaMask 275,000).');
    expect(markdown).toContain('### Grant + first use');
    expect(markdown).toContain('| MetaMask, full caveat set (4 enforcers), EOA calls redeemDelegations (other path) | – | 200,000 | **0.55** (0.50 without gas limit) |');
    expect(markdown).toContain('- MetaMask, full caveat set (4 enforcers), ERC-4337 op: +176,000');
    // The kit's encoding is compared in the notes with the figure measured beside it.
    expect(markdown).toContain('+0 gas at S1');
  });
});
