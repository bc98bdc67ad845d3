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
  footnoteHeight: 14,
} as const;

const colors: Record<BarKind, string> = { leash: '#2563eb', floor: '#9ca3af', 'peer-measured': '#059669', peer: '#f59e0b' };
const targetColor = '#dc2626';
const legendLabels: Record<BarKind, string> = {
  leash: 'Leash (measured by this bench)',
  floor: 'Floor estimate (DESIGN.md)',
  'peer-measured': 'Peer, measured in the same run',
  peer: 'Peer, published figure (conditions differ)',
};

/** The legend's entries: the kinds of bar the chart has, and the target tick if any bar has one. */
function legendOf(groups: readonly ChartGroup[]): [string, string][] {
  const bars = groups.flatMap((g) => g.bars);
  const entries = (Object.keys(colors) as BarKind[]).filter((kind) => bars.some((b) => b.kind === kind)).map((kind): [string, string] => [colors[kind], legendLabels[kind]]);
  if (bars.some((b) => b.target !== undefined)) entries.push([targetColor, 'DESIGN.md target']);
  return entries;
}

export const escapeXml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const formatGas = (gas: number) => gas.toLocaleString('en-US');

const legendRowHeight = 18;

/** The legend's entries placed left to right, wrapping to a new row where the chart's width ends. */
function legendLayout(groups: readonly ChartGroup[]): { color: string; label: string; x: number; row: number }[] {
  let x = layout.margin;
  let row = 0;
  return legendOf(groups).map(([color, label]) => {
    const width = 36 + label.length * 6.4;
    if (x > layout.margin && x + width > layout.width - layout.margin) [x, row] = [layout.margin, row + 1];
    const placed = { color, label, x, row };
    x += width;
    return placed;
  });
}

const legendRows = (groups: readonly ChartGroup[]) => Math.max(0, ...legendLayout(groups).map((entry) => entry.row)) + 1;

/** The height the chart needs for these groups and footnote lines. */
export function chartHeight(groups: readonly ChartGroup[], footnotes = 2): number {
  const rows = groups.reduce((sum, g) => sum + g.bars.length, 0);
  const header = layout.headerHeight + (legendRows(groups) - 1) * legendRowHeight;
  return header + groups.length * (layout.groupTitleHeight + layout.groupGap) + rows * layout.rowHeight + footnotes * layout.footnoteHeight + 12;
}

/**
 * Renders the comparison as a standalone SVG: one group per kind of action, each with its own scale starting at 0,
 * our bars first with DESIGN.md's target as a tick, then the floor estimate, then the peers' figures; `footnotes`
 * are lines under the chart.
 */
export function renderChartSvg(groups: readonly ChartGroup[], title: string, footnotes: readonly string[]): string {
  const { width, margin, labelWidth, barWidth, rowHeight, barHeight } = layout;
  const height = chartHeight(groups, footnotes.length);
  const barX = margin + labelWidth;
  const parts: string[] = [];
  const text = (x: number, y: number, content: string, attributes = '') =>
    parts.push(`<text x="${x}" y="${y}"${attributes ? ` ${attributes}` : ''}>${escapeXml(content)}</text>`);

  parts.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  text(margin, 24, title, 'font-size="15" font-weight="bold"');
  for (const { color, label, x, row } of legendLayout(groups)) {
    parts.push(`<rect x="${x}" y="${38 + row * legendRowHeight}" width="12" height="12" fill="${color}"/>`);
    text(x + 17, 48 + row * legendRowHeight, label);
  }

  let y = layout.headerHeight + (legendRows(groups) - 1) * legendRowHeight;
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
      if (bar.note) value += ` (${bar.note})`;
      text(barX + Math.max(scale(bar.gas), bar.target !== undefined ? scale(bar.target) : 0) + 6, y + 14, value, 'fill="#374151"');
      y += rowHeight;
    }
  }
  footnotes.forEach((line, i) => text(margin, height - 6 - (footnotes.length - 1 - i) * layout.footnoteHeight, line, 'fill="#4b5563"'));

  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    ...parts.map((p) => `  ${p}`),
    '</svg>',
    '',
  ].join('\n');
}
