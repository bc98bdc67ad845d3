import type { BarKind, ChartGroup } from './comparison.js';

/** Layout of the chart, in SVG user units (px). */
const layout = {
  width: 1000,
  margin: 16,
  labelWidth: 380,
  barWidth: 360,
  rowHeight: 20,
  barHeight: 13,
  groupTitleHeight: 26,
  groupGap: 10,
  headerHeight: 64,
  footerHeight: 40,
} as const;

const colors: Record<BarKind, string> = { leash: '#2563eb', floor: '#9ca3af', peer: '#f59e0b' };
const targetColor = '#dc2626';
const legend: [string, string][] = [
  [colors.leash, 'Leash (measured by this bench)'],
  [colors.floor, 'Floor estimate (DESIGN.md)'],
  [colors.peer, 'Peer, published figure (conditions differ)'],
  [targetColor, 'DESIGN.md target'],
];

export const escapeXml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const formatGas = (gas: number) => gas.toLocaleString('en-US');

/** The height the chart needs for these groups. */
export function chartHeight(groups: readonly ChartGroup[]): number {
  const rows = groups.reduce((sum, g) => sum + g.bars.length, 0);
  return layout.headerHeight + groups.length * (layout.groupTitleHeight + layout.groupGap) + rows * layout.rowHeight + layout.footerHeight;
}

/**
 * Renders the comparison as a standalone SVG: one group per kind of action, each with its own scale starting at 0,
 * our bars first with DESIGN.md's target as a tick, then the floor estimate, then the peers' published figures.
 */
export function renderChartSvg(groups: readonly ChartGroup[], title: string): string {
  const { width, margin, labelWidth, barWidth, rowHeight, barHeight } = layout;
  const height = chartHeight(groups);
  const barX = margin + labelWidth;
  const parts: string[] = [];
  const text = (x: number, y: number, content: string, attributes = '') =>
    parts.push(`<text x="${x}" y="${y}"${attributes ? ` ${attributes}` : ''}>${escapeXml(content)}</text>`);

  parts.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  text(margin, 24, title, 'font-size="15" font-weight="bold"');
  let legendX = margin;
  for (const [color, label] of legend) {
    parts.push(`<rect x="${legendX}" y="38" width="12" height="12" fill="${color}"/>`);
    text(legendX + 17, 48, label);
    legendX += 32 + label.length * 5.9;
  }

  let y = layout.headerHeight;
  for (const group of groups) {
    y += layout.groupGap;
    text(margin, y + 17, group.title, 'font-size="13" font-weight="bold"');
    y += layout.groupTitleHeight;
    const scaleMax = Math.max(...group.bars.map((b) => Math.max(b.gas, b.target ?? 0))) * 1.05;
    const scale = (gas: number) => (gas / scaleMax) * barWidth;
    for (const bar of group.bars) {
      const barY = y + (rowHeight - barHeight) / 2;
      text(barX - 8, y + 14, bar.label, 'text-anchor="end"');
      parts.push(`<rect x="${barX}" y="${barY}" width="${scale(bar.gas).toFixed(1)}" height="${barHeight}" fill="${colors[bar.kind]}"/>`);
      let value = `${bar.approximate ? '≈ ' : ''}${formatGas(bar.gas)}`;
      if (bar.target !== undefined) {
        const tickX = (barX + scale(bar.target)).toFixed(1);
        parts.push(`<line x1="${tickX}" y1="${y + 1}" x2="${tickX}" y2="${y + rowHeight - 1}" stroke="${targetColor}" stroke-width="2"/>`);
        value += ` (target ≤ ${formatGas(bar.target)})`;
      }
      text(barX + Math.max(scale(bar.gas), bar.target !== undefined ? scale(bar.target) : 0) + 6, y + 14, value, 'fill="#374151"');
      y += rowHeight;
    }
  }
  text(margin, height - 20, 'Receipt gasUsed of handleOps with one op. Each group has its own scale, starting at 0.', 'fill="#4b5563"');
  text(margin, height - 6, "Peers' figures come from their own publications (EntryPoint v0.6/v0.7, conditions not always stated): see RESULTS.md.", 'fill="#4b5563"');

  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    ...parts.map((p) => `  ${p}`),
    '</svg>',
    '',
  ].join('\n');
}
