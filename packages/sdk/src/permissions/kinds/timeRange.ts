import { SessionKeyOutsideTimeRangeError } from '../../errors/sessionKeyErrors.js';
import { DuplicatePermissionError } from '../errors.js';
import type { SessionKeyTimeRange } from '../types.js';
import { checkTimeRange, normalizeTimestamp } from '../validate.js';
import type { SessionKeyTimestamp } from '../SessionKeyPermissionsBuilder.js';
import type { PermissionKind } from './kind.js';
import { type Single, argsOf, encodeUpdate } from './shared.js';

type State = Single<{ validFrom: number; validUntil: number }>;

/** When the key is valid: `setTimeRange(validFrom, validUntil)`, 0 leaving a side open. */
export const timeRangeKind: PermissionKind<State> = {
  name: 'time range',
  updates: ['setTimeRange'],
  create: () => ({ value: undefined }),
  decode(state, update, context) {
    const [from, until] = argsOf(update, 'setTimeRange');
    const validFrom = normalizeTimestamp(from, { field: 'validFrom', context }, false);
    const validUntil = normalizeTimestamp(until, { field: 'validUntil', context }, false);
    checkTimeRange(validFrom, validUntil, context);
    state.value = { validFrom, validUntil };
  },
  encode: (state) => (state.value ? [encodeUpdate('setTimeRange', state.value.validFrom, state.value.validUntil)] : []),
  toPermissions(state, permissions) {
    if (!state.value) return;
    const timeRange: SessionKeyTimeRange = {};
    if (state.value.validFrom !== 0) timeRange.validFrom = state.value.validFrom;
    if (state.value.validUntil !== 0) timeRange.validUntil = state.value.validUntil;
    permissions.timeRange = timeRange;
  },
  fromPermissions(state, permissions) {
    if (permissions.timeRange) setTimeRange(state, permissions.timeRange);
  },
  describe({ timeRange }, { formatTimestamp }) {
    if (!timeRange) return [];
    const from = timeRange.validFrom ? formatTimestamp(timeRange.validFrom) : undefined;
    const until = timeRange.validUntil ? formatTimestamp(timeRange.validUntil) : undefined;
    return [
      from && until ? `Valid from ${from} until ${until}` : from ? `Valid from ${from}, with no end` : until ? `Valid until ${until}` : 'Valid at any time',
    ];
  },
  read({ info }) {
    const validFrom = info.validFrom ? Number(info.validFrom) : undefined;
    const validUntil = info.validUntil ? Number(info.validUntil) : undefined;
    return {
      timeRange: { validFrom, validUntil },
      permissions: { timeRange: { ...(validFrom ? { validFrom } : {}), ...(validUntil ? { validUntil } : {}) } },
    };
  },
  // The module returns the range in validationData; the EntryPoint (AA22) and bundlers refuse ops outside it.
  errors: {},
  explain(error, { formatTimestamp }) {
    if (!(error instanceof SessionKeyOutsideTimeRangeError)) return undefined;
    const lines = [
      error.validFrom ? `Valid from: ${formatTimestamp(error.validFrom)}` : undefined,
      error.validUntil ? `Valid until: ${formatTimestamp(error.validUntil)}` : undefined,
    ].filter((line): line is string => line !== undefined);
    return {
      rule: error.rule,
      title: 'Refused: the session key is expired or not valid yet.',
      summary: error.shortMessage,
      lines,
      hint: error.cause === undefined ? error.details : undefined,
    };
  },
};

/** The builder's `setTimeRange`: seconds, bigints or Dates; an omitted (or 0) side is open. */
export function setTimeRange(
  state: State,
  parameters: { validFrom?: SessionKeyTimestamp | undefined; validUntil?: SessionKeyTimestamp | undefined },
  context = 'setTimeRange',
): void {
  const validFrom = parameters.validFrom === undefined ? 0 : normalizeTimestamp(parameters.validFrom, { field: 'validFrom', context }, true);
  const validUntil = parameters.validUntil === undefined ? 0 : normalizeTimestamp(parameters.validUntil, { field: 'validUntil', context }, true);
  checkTimeRange(validFrom, validUntil, context);
  if (state.value) throw new DuplicatePermissionError({ permission: 'the time range', context });
  state.value = { validFrom, validUntil };
}
