import { SpendLimitExceededError } from '../../errors/sessionKeyErrors.js';
import { namedPeriods } from '../../format/durations.js';
import { DuplicatePermissionError, SessionKeyPermissionError, formatValue } from '../errors.js';
import type { SessionKeyPermissions } from '../types.js';
import { normalizeRefreshInterval } from '../validate.js';
import type { PermissionKind } from './kind.js';
import { type Single, argsOf, chargedBudget, encodeUpdate, periodOfStatus, statusOf } from './shared.js';

/**
 * The largest call limit the module stores: 2^32 - 1 calls. Remove the limit for "no limit".
 *
 * @example
 * ```ts
 * builder.setCallLimit({ callLimit: maxCallLimit })
 * ```
 */
export const maxCallLimit = 2 ** 32 - 1;

/**
 * A limit on the number of calls a key's ops may make (each call of a batch counts): at most `callLimit` per
 * `refreshInterval` seconds, or in total when the interval is 0.
 *
 * @example
 * ```ts
 * const daily: SessionKeyCallLimit = { callLimit: 20, refreshInterval: DAY }
 * ```
 */
export type SessionKeyCallLimit = {
  /** Calls; 0 allows none, which differs from no limit. */
  callLimit: number;
  /** Seconds; 0 for a lifetime total. */
  refreshInterval: number;
};

/**
 * Parameters of {@link SessionKeyPermissionsBuilder.setCallLimit}.
 *
 * @example
 * ```ts
 * builder.setCallLimit({ callLimit: 20, refreshInterval: DAY }) // at most 20 calls a day
 * ```
 */
export type CallLimitParameters = {
  /** A whole number of calls, 0 to {@link maxCallLimit}. */
  callLimit: number | bigint;
  /** Seconds per period (e.g. `DAY`); omitted or 0 for a lifetime total. */
  refreshInterval?: number | bigint | undefined;
};

/**
 * A call limit that is not a whole number from 0 to 2^32 - 1.
 *
 * @example
 * ```ts
 * builder.setCallLimit({ callLimit: 2.5 }) // throws CallLimitOutOfRangeError
 * ```
 */
export class CallLimitOutOfRangeError extends SessionKeyPermissionError {
  override name = 'CallLimitOutOfRangeError';
  readonly value: unknown;

  constructor({ value, context }: { value: unknown; context?: string | undefined }) {
    super(`callLimit ${formatValue(value)} is not a call limit the module accepts.`, {
      context,
      details: `A call limit is a whole number of calls from 0 to ${maxCallLimit} (2^32 - 1); remove the limit for "no limit".`,
      metaMessages: [`callLimit: ${formatValue(value)}`],
    });
    this.value = value;
  }
}

/**
 * The op makes more calls than the key's call limit leaves (each call of a batch counts).
 *
 * @example
 * ```ts
 * if (error instanceof CallLimitExceededError) console.log(`${error.attempted} calls asked, ${error.remaining} of ${error.limit} left`)
 * ```
 */
export class CallLimitExceededError extends SpendLimitExceededError {
  override name = 'CallLimitExceededError';

  constructor(parameters: { limit: bigint; used: bigint; attempted: bigint; cause?: Error | undefined }) {
    const { limit, used, attempted } = parameters;
    const remaining = limit > used ? limit - used : 0n;
    super('call-limit', `Call limit exceeded: the op makes ${calls(attempted)}, ${remaining} of ${limit} left.`, parameters, {
      cause: parameters.cause,
      details: 'Each call of a batch counts.',
    });
  }
}

const calls = (count: bigint | number) => `${count} call${BigInt(count) === 1n ? '' : 's'}`;

/**
 * "a day", "an hour", "per 2 days", or "in total": how call counts read ("at most 20 calls a day").
 *
 * @example
 * ```ts
 * formatCallPeriod(DAY) // 'a day'
 * formatCallPeriod(2 * DAY) // 'per 2 days'
 * ```
 */
export function formatCallPeriod(seconds: number): string {
  if (seconds === 0) return 'in total';
  for (const [unit, name] of namedPeriods) {
    if (seconds === unit) return `${name === 'hour' ? 'an' : 'a'} ${name}`;
    if (seconds % unit === 0) return `per ${seconds / unit} ${name}s`;
  }
  return seconds === 1 ? 'a second' : `per ${seconds} seconds`;
}

type State = Single<SessionKeyCallLimit | 'unlimited'>;

function normalizeCallLimit(value: unknown, context: string): number {
  const ok =
    (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value <= maxCallLimit) ||
    (typeof value === 'bigint' && value >= 0n && value <= BigInt(maxCallLimit));
  if (!ok) throw new CallLimitOutOfRangeError({ value, context });
  return Number(value);
}

/** How many calls the key's ops may make: `setCallLimit` / `removeCallLimit`. A new key has no call limit. */
export const callLimitKind: PermissionKind<State> = {
  name: 'call limit',
  updates: ['setCallLimit', 'removeCallLimit'],
  create: () => ({ value: undefined }),
  decode(state, update, context) {
    if (update.functionName === 'removeCallLimit') {
      state.value = 'unlimited';
      return;
    }
    const [callLimit, refreshInterval] = argsOf(update, 'setCallLimit');
    state.value = {
      callLimit: normalizeCallLimit(callLimit, context),
      refreshInterval: normalizeRefreshInterval(refreshInterval, { field: 'refreshInterval', context }),
    };
  },
  encode({ value }) {
    if (value === undefined) return [];
    return [value === 'unlimited' ? encodeUpdate('removeCallLimit') : encodeUpdate('setCallLimit', BigInt(value.callLimit), value.refreshInterval)];
  },
  toPermissions({ value }, permissions) {
    if (value !== undefined) permissions.callLimit = value === 'unlimited' ? value : { ...value };
  },
  fromPermissions(state, permissions: SessionKeyPermissions) {
    if (permissions.callLimit === 'unlimited') removeCallLimit(state);
    else if (permissions.callLimit) setCallLimit(state, permissions.callLimit);
  },
  describe({ callLimit }) {
    if (callLimit === undefined) return [];
    if (callLimit === 'unlimited') return ['Calls: no limit'];
    if (callLimit.callLimit === 0) return ['May make no calls'];
    return [`At most ${calls(callLimit.callLimit)} ${formatCallPeriod(callLimit.refreshInterval)} (each call of a batch counts)`];
  },
  read({ calls: status }) {
    return {
      permissions: { callLimit: status.hasLimit ? { callLimit: Number(status.limit), refreshInterval: Number(status.refreshInterval) } : 'unlimited' },
      spending: { calls: statusOf(status) },
    };
  },
  charges: ({ calls: status }) => chargedBudget(status, 'call limit'),
  check({ calls: status }, op) {
    const attempted = BigInt(op.calls.length);
    if (status.hasLimit && attempted > status.remaining) return new CallLimitExceededError({ limit: status.limit, used: status.used, attempted });
    return undefined;
  },
  explain(error, { state }) {
    if (!(error instanceof CallLimitExceededError)) return undefined;
    const refreshInterval = periodOfStatus(state?.spending.calls);
    const period = refreshInterval === undefined ? '' : ` ${formatCallPeriod(refreshInterval)}`;
    return {
      rule: error.rule,
      title: 'Refused: over the session key\'s call limit.',
      summary: `call limit of ${calls(error.limit)}${period}: used ${error.used}, attempted ${error.attempted}, remaining ${error.remaining}`,
      lines: [`Limit: ${calls(error.limit)}${period}`, `Already used: ${calls(error.used)}`, `Left: ${calls(error.remaining)}`, `This action: ${calls(error.attempted)}`],
      hint: 'Each call of a batch counts.',
      unit: { symbol: 'calls', decimals: 0 },
      refreshInterval,
    };
  },
  errors: {
    CallLimitExceeded: ([limit, used, attempted], cause) =>
      new CallLimitExceededError({ limit: limit as bigint, used: used as bigint, attempted: attempted as bigint, cause }),
  },
};

/** The builder's `setCallLimit`. */
export function setCallLimit(state: State, parameters: CallLimitParameters, context = 'setCallLimit'): void {
  if (typeof parameters !== 'object' || parameters === null) throw new SessionKeyPermissionError('Expected { callLimit, refreshInterval? }.', { context });
  const callLimit = normalizeCallLimit(parameters.callLimit, context);
  const refreshInterval = normalizeRefreshInterval(parameters.refreshInterval, { field: 'refreshInterval', context }, true);
  if (state.value !== undefined) throw new DuplicatePermissionError({ permission: 'the call limit', context });
  state.value = { callLimit, refreshInterval };
}

/** The builder's `removeCallLimit`. */
export function removeCallLimit(state: State, context = 'removeCallLimit'): void {
  if (state.value !== undefined) throw new DuplicatePermissionError({ permission: 'the call limit', context });
  state.value = 'unlimited';
}
