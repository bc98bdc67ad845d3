import type { PermissionWarning } from '../permissions/warnings.js';

/**
 * Something the SDK tells the app while it works: a wait it is about to make, or a permission that will bite later.
 *
 * @example
 * ```ts
 * const event: LeashLogEvent = { level: 'info', code: 'wait-for-window', message: 'Waiting 3 s…', waitSeconds: 3 }
 * ```
 */
export type LeashLogEvent =
  | {
      level: 'info';
      /** The op waits before it is sent: its validity window opens later, or a bundler needs it a few seconds old. */
      code: 'wait-for-window';
      message: string;
      waitSeconds: number;
    }
  | {
      level: 'warn';
      /** A permission set that will refuse every op in some way (see {@link PermissionWarning}). */
      code: 'permission-warning';
      message: string;
      warning: PermissionWarning;
    };

/**
 * Where the SDK's log events go.
 *
 * @example
 * ```ts
 * const logger: LeashLogger = (event) => myLogger[event.level](event.message)
 * ```
 */
export type LeashLogger = (event: LeashLogEvent) => void;

/**
 * The SDK's default logger: `[leash] <message>` on the console (`console.info` or `console.warn`).
 *
 * @example
 * ```ts
 * setLeashLogger((event) => { if (event.level === 'warn') defaultLeashLogger(event) }) // warnings only
 * ```
 */
export const defaultLeashLogger: LeashLogger = (event) => {
  (event.level === 'warn' ? console.warn : console.info)(`[leash] ${event.message}`);
};

let current: LeashLogger | undefined = defaultLeashLogger;

/**
 * Sets where the SDK's log events go: a function, or `undefined` for silence. The default,
 * {@link defaultLeashLogger}, writes them to the console. Returns the previous logger.
 *
 * @example
 * ```ts
 * setLeashLogger((event) => pino[event.level]({ code: event.code }, event.message))
 * setLeashLogger(undefined) // quiet
 * ```
 */
export function setLeashLogger(logger: LeashLogger | undefined): LeashLogger | undefined {
  const previous = current;
  current = logger;
  return previous;
}

/** Sends an event to the current logger (internal). */
export function log(event: LeashLogEvent): void {
  current?.(event);
}
