import { styleText } from 'node:util';

type Style = Parameters<typeof styleText>[0];

const useColor = process.stdout.isTTY && !process.env.NO_COLOR;
let jsonMode = false;

/** Switches to `--json` output: no progress display, results printed by {@link printJson}. */
export function setJsonMode(enabled: boolean): void {
  jsonMode = enabled;
}

/** Colors text when stdout is a terminal (and NO_COLOR is unset). */
export function paint(style: Style, text: string): string {
  return useColor ? styleText(style, text) : text;
}

/** Prints aligned `label  value` rows. */
export function printRows(rows: [string, string][], indent = '  '): void {
  const width = Math.max(...rows.map(([label]) => label.length));
  for (const [label, value] of rows) console.log(`${indent}${paint('dim', label.padEnd(width))}  ${value}`);
}

/** Prints a section heading. */
export function heading(text: string): void {
  console.log(`\n${paint('bold', text)}`);
}

/** Prints a note on stderr (never on stdout, so `--json` output stays parseable). */
export function note(text: string): void {
  console.error(`${paint('yellow', 'note:')} ${text}`);
}

/** Prints `value` as JSON on stdout, bigints as decimal strings. */
export function printJson(value: unknown): void {
  console.log(toJson(value));
}

/** JSON text of `value`, bigints as decimal strings. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2);
}

/**
 * Prints a table: a header row, then rows; cells padded to their column's widest cell (by character count, so
 * colored cells must be painted after padding: pass plain text).
 */
export function printTable(headers: string[], rows: string[][]): void {
  const widths = headers.map((header, i) => Math.max(header.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ').trimEnd();
  console.log(paint('bold', line(headers)));
  for (const row of rows) console.log(line(row));
}

/** A running progress display; `update` changes its text. */
export type Progress = { update(text: string): void };

/**
 * Shows a spinner with `text` on stderr while `task` runs (only on a terminal, never with `--json`), then a ✔ or ✖
 * line. The task may change the text through the {@link Progress} it receives.
 */
export async function withProgress<T>(text: string, task: (progress: Progress) => Promise<T>): Promise<T> {
  const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
  const started = Date.now();
  const tty = process.stderr.isTTY && !jsonMode;
  let current = text;
  let frame = 0;
  const draw = () =>
    process.stderr.write(`\r\x1b[2K${paint('cyan', frames[frame++ % frames.length]!)} ${current} ${paint('dim', `${((Date.now() - started) / 1000).toFixed(1)}s`)}`);
  const timer = tty ? setInterval(draw, 80) : undefined;
  try {
    const result = await task({ update: (next) => (current = next) });
    if (tty) process.stderr.write(`\r\x1b[2K${paint('green', '✔')} ${current} ${paint('dim', `${Date.now() - started} ms`)}\n`);
    return result;
  } catch (error) {
    if (tty) process.stderr.write(`\r\x1b[2K${paint('red', '✖')} ${current}\n`);
    throw error;
  } finally {
    if (timer) clearInterval(timer);
  }
}
