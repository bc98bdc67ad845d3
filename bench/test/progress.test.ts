import { describe, expect, it } from 'vitest';
import { ProgressDisplay, formatProgressLine, quarterOf } from '../src/progress.js';

const sink = (isTTY: boolean) => {
  const chunks: string[] = [];
  return { isTTY, chunks, write: (chunk: string) => chunks.push(chunk) };
};

describe('progress', () => {
  it('formats a bar, the count, the rate and the time', () => {
    expect(formatProgressLine({ label: 'agent', done: 5, total: 10, elapsedMs: 2000 }, 10)).toBe('agent [#####.....] 5/10  2.50 ops/s  2.0 s');
    expect(formatProgressLine({ label: 'x', done: 0, total: 4, elapsedMs: 0 }, 4)).toBe('x [....] 0/4  0.00 ops/s  0.0 s');
  });

  it('reports quarters', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 8].map((done) => quarterOf(done, 8))).toEqual([0, 0, 1, 1, 2, 2, 3, 3, 4]);
    expect(quarterOf(0, 0)).toBe(0);
  });

  it('writes a line per quarter when not on a terminal', () => {
    const output = sink(false);
    const progress = new ProgressDisplay(output);
    for (let done = 0; done <= 8; done++) progress.update({ label: 'run', done, total: 8, elapsedMs: 100 * done });
    expect(output.chunks).toHaveLength(5);
    expect(output.chunks.every((c) => c.endsWith('\n') && !c.includes('\r'))).toBe(true);
  });

  it('redraws one line on a terminal and ends it when done', () => {
    const output = sink(true);
    const progress = new ProgressDisplay(output);
    progress.update({ label: 'run', done: 0, total: 2, elapsedMs: 0 });
    progress.update({ label: 'run', done: 2, total: 2, elapsedMs: 10 });
    progress.log('next step');
    expect(output.chunks[0]).toMatch(/^\r\x1b\[2Krun \[/);
    expect(output.chunks.slice(-2)).toEqual(['\n', 'next step\n']);
  });
});
