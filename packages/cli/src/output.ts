import { styleText } from 'node:util';

type Style = Parameters<typeof styleText>[0];

const useColor = process.stdout.isTTY && !process.env.NO_COLOR;

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

/**
 * Shows a spinner with `text` on stderr while `task` runs (only on a terminal), then a ✔ or ✖ line.
 */
export async function withProgress<T>(text: string, task: () => Promise<T>): Promise<T> {
  const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
  const started = Date.now();
  const tty = process.stderr.isTTY;
  let frame = 0;
  const timer = tty
    ? setInterval(() => process.stderr.write(`\r${paint('cyan', frames[frame++ % frames.length]!)} ${text} ${paint('dim', `${((Date.now() - started) / 1000).toFixed(1)}s`)}`), 80)
    : undefined;
  try {
    const result = await task();
    if (tty) process.stderr.write(`\r\x1b[2K${paint('green', '✔')} ${text} ${paint('dim', `${Date.now() - started} ms`)}\n`);
    return result;
  } catch (error) {
    if (tty) process.stderr.write(`\r\x1b[2K${paint('red', '✖')} ${text}\n`);
    throw error;
  } finally {
    if (timer) clearInterval(timer);
  }
}
