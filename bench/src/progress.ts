/** What a long-running phase reports. */
export type ProgressState = { label: string; done: number; total: number; elapsedMs: number };

/** What every run through the local stack takes: how often its clients poll for receipts, and how it reports (its progress bar, a line per step). */
export type StackRunOptions = {
  pollingIntervalMs: number;
  onProgress?: (state: ProgressState) => void;
  onStep?: (message: string) => void;
};

/** One line of progress: a bar, the count, the rate so far and the elapsed time. */
export function formatProgressLine(state: ProgressState, barWidth = 24): string {
  const { label, done, total, elapsedMs } = state;
  const fraction = total > 0 ? Math.min(done / total, 1) : 0;
  const filled = Math.round(fraction * barWidth);
  const rate = elapsedMs > 0 ? (done / elapsedMs) * 1000 : 0;
  return `${label} [${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}] ${done}/${total}  ${rate.toFixed(2)} ops/s  ${(elapsedMs / 1000).toFixed(1)} s`;
}

/** The milestones (in quarters) a non-interactive log reports, so CI logs get a few lines rather than hundreds. */
export function quarterOf(done: number, total: number): number {
  return total > 0 ? Math.floor((Math.min(done, total) / total) * 4) : 0;
}

type Output = { isTTY?: boolean; write(chunk: string): unknown };

/**
 * Progress on the terminal: on a TTY one line redrawn in place (at most every 100 ms); elsewhere (CI, a pipe) a line
 * at each quarter, so logs stay readable.
 */
export class ProgressDisplay {
  private lastDraw = 0;
  private lastQuarter = -1;
  private lineOpen = false;

  constructor(private readonly output: Output = process.stderr) {}

  get interactive(): boolean {
    return this.output.isTTY === true;
  }

  /** A one-off message (a step starting, a result), on its own line. */
  log(message: string): void {
    this.clear();
    this.output.write(`${message}\n`);
  }

  update(state: ProgressState): void {
    const finished = state.done >= state.total;
    if (this.interactive) {
      const now = Date.now();
      if (!finished && now - this.lastDraw < 100) return;
      this.lastDraw = now;
      this.output.write(`\r\x1b[2K${formatProgressLine(state)}`);
      this.lineOpen = true;
      if (finished) this.clear();
      return;
    }
    const quarter = quarterOf(state.done, state.total);
    if (quarter !== this.lastQuarter) {
      this.lastQuarter = quarter;
      this.output.write(`${formatProgressLine(state)}\n`);
    }
    if (finished) this.lastQuarter = -1;
  }

  /** Ends the progress line (also on Ctrl-C, so the shell prompt starts on a clean line). */
  clear(): void {
    if (!this.lineOpen) return;
    this.output.write('\n');
    this.lineOpen = false;
  }
}
