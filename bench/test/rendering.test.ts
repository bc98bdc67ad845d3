import { describe, expect, it } from 'vitest';
import { chartHeight, escapeXml, renderChartSvg } from '../src/chart.js';
import { chartGroups, evaluateTargets, gasFiguresOf } from '../src/comparison.js';
import type { GasTarget } from '../src/gasTargets.js';
import { formatDuration, formatSigned, markdownTable, targetVerdict } from '../src/markdown.js';
import { peerFigures } from '../src/peers.js';

// Made-up figures: these tests check the rendering, not any real measurement.
const scenarios = [
  { id: 'owner-erc20-s1', gasUsed: 90_000n },
  { id: 'session-erc20-s1', gasUsed: 112_000n },
  { id: 'session-erc20-s0', gasUsed: 150_000 },
  { id: 'add-key-full', gasUsed: 190_000 },
];

describe('comparison', () => {
  it('derives the session overhead from the S1 transfers', () => {
    expect(gasFiguresOf(scenarios)).toMatchObject({ 'session-overhead-s1': 22_000, 'session-erc20-s0': 150_000 });
    expect(gasFiguresOf([{ id: 'session-erc20-s1', gasUsed: 1 }])).not.toHaveProperty('session-overhead-s1');
  });

  it('judges targets: met when at or under, with the distance to target and floor', () => {
    const targets: GasTarget[] = [
      { id: 'a', title: 'A', target: 100, floor: 90, peers: [] },
      { id: 'b', title: 'B', target: 100, peers: [] },
    ];
    const [a, b] = evaluateTargets({ a: 100, b: 130 }, targets);
    expect(a).toMatchObject({ met: true, overTarget: 0, overFloor: 10 });
    expect(b).toMatchObject({ met: false, overTarget: 30, overFloor: undefined });
    expect(targetVerdict(b!)).toBe('**missed** by 30 (+30.0 %)');
    expect(() => evaluateTargets({}, targets)).toThrow(/No measured figure for target a/);
  });

  it('puts our bars first with their targets, then floors, then every peer of the group', () => {
    const groups = chartGroups(gasFiguresOf(scenarios));
    const erc20 = groups.find((g) => g.group === 'session-erc20')!;
    expect(erc20.bars.map((b) => b.kind)).toEqual([
      'leash',
      'leash',
      'floor',
      'floor',
      ...peerFigures.filter((p) => p.group === 'session-erc20').map(() => 'peer'),
    ]);
    expect(erc20.bars[0]).toMatchObject({ gas: 112_000, target: 110_000 });
    // A group whose figure was not measured keeps only the peers.
    expect(groups.find((g) => g.group === 'session-native')!.bars.every((b) => b.kind === 'peer')).toBe(true);
    expect(groups.some((g) => g.group === 'not-comparable')).toBe(false);
  });
});

describe('chart', () => {
  const groups = chartGroups(gasFiguresOf(scenarios));
  const svg = renderChartSvg(groups, 'Gas <test> & more', ['first footnote', 'second footnote']);

  it('is a standalone SVG of the computed height', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain(`height="${chartHeight(groups, 2)}"`);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
  });

  it('draws one bar per figure and one tick per target, and escapes text', () => {
    const bars = groups.reduce((sum, g) => sum + g.bars.length, 0);
    expect(svg.match(/<rect x="\d+(\.\d+)?" y="[\d.]+" width="[\d.]+" height="13"/g)).toHaveLength(bars);
    expect(svg.match(/<line /g)).toHaveLength(groups.flatMap((g) => g.bars).filter((b) => b.target !== undefined).length);
    expect(svg).toContain('Gas &lt;test&gt; &amp; more');
    expect(escapeXml('"a"')).toBe('&quot;a&quot;');
  });

  it('scales each group to its largest bar or target', () => {
    const overhead = groups.find((g) => g.group === 'session-overhead')!;
    const widest = renderChartSvg([overhead], 't', []).match(/width="([\d.]+)" height="13"/g)!.map((m) => Number(/width="([\d.]+)"/.exec(m)![1]));
    // The peer's +41,000 is the largest: 360 px / 1.05.
    expect(Math.max(...widest)).toBeCloseTo(360 / 1.05, 0);
  });
});

describe('markdown helpers', () => {
  it('formats durations with a fitting unit', () => {
    expect(formatDuration(0.0123)).toBe('12.3 µs');
    expect(formatDuration(4.567)).toBe('4.57 ms');
    expect(formatDuration(2345)).toBe('2.35 s');
  });

  it('signs differences', () => {
    expect(formatSigned(1234)).toBe('+1,234');
    expect(formatSigned(-5)).toBe('−5');
    expect(formatSigned(0)).toBe('±0');
  });

  it('renders tables with alignment and escaped pipes', () => {
    expect(markdownTable(['a', 'b'], ['l', 'r'], [['x|y', '1']])).toBe('| a | b |\n| --- | ---: |\n| x\\|y | 1 |');
  });
});

describe('approximate figures', () => {
  it('marks floors and derived peer figures with ≈, measured ones without', () => {
    const svg = renderChartSvg(chartGroups(gasFiguresOf(scenarios)), 't', []);
    expect(svg).toContain('≈ 104,000');
    expect(svg).toContain('≈ 41,000');
    expect(svg).not.toContain('≈ 226,220');
    expect(svg).not.toContain('≈ 112,000');
  });
});
