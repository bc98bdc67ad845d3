/**
 * An error the CLI explains itself: its message is shown as is, `hint` on the next line, and the process exits with
 * `exitCode` (1 by default; 2 for bad flags; 3 when a session key's permissions refuse an op).
 */
export class CliError extends Error {
  override name = 'CliError';
  readonly exitCode: number;
  readonly hint: string | undefined;
  /** Extra fields for `--json` output. */
  readonly details: Record<string, unknown>;

  constructor(message: string, options: { exitCode?: number; hint?: string; details?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.exitCode = options.exitCode ?? 1;
    this.hint = options.hint;
    this.details = options.details ?? {};
  }
}

/** Exit codes: 1 any error, 2 invalid flags or arguments, 3 refused by a session key's permissions. */
export const exitCodes = { error: 1, usage: 2, refused: 3 } as const;
