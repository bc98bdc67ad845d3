import { DuplicatePermissionError } from '../errors.js';
import { normalizeTimestamp } from '../validate.js';
import type { SessionKeyTimestamp } from '../SessionKeyPermissionsBuilder.js';
import type { PermissionKind } from './kind.js';
import { type Single, argsOf, encodeUpdate } from './shared.js';

type State = Single<number>;

/** When refreshing limits' periods start: `setRefreshAnchor` (periods are `anchor + k × interval`). */
export const refreshAnchorKind: PermissionKind<State> = {
  name: 'refresh anchor',
  updates: ['setRefreshAnchor'],
  create: () => ({ value: undefined }),
  decode(state, update, context) {
    state.value = normalizeTimestamp(argsOf(update, 'setRefreshAnchor')[0], { field: 'anchor', context }, false);
  },
  encode: ({ value }) => (value === undefined ? [] : [encodeUpdate('setRefreshAnchor', value)]),
  toPermissions({ value }, permissions) {
    if (value !== undefined) permissions.refreshAnchor = value;
  },
  fromPermissions(state, permissions) {
    if (permissions.refreshAnchor !== undefined) setRefreshAnchor(state, { anchor: permissions.refreshAnchor });
  },
  describe({ refreshAnchor }, { formatTimestamp }) {
    if (refreshAnchor === undefined) return [];
    return [
      refreshAnchor === 0
        ? 'Refreshing limits’ periods start at the Unix epoch (the default)'
        : `Refreshing limits’ periods start at ${formatTimestamp(refreshAnchor)} and every whole interval after it`,
    ];
  },
  read({ info }) {
    const refreshAnchor = Number(info.refreshAnchor);
    return { refreshAnchor, permissions: { refreshAnchor } };
  },
  errors: {},
};

/** The builder's `setRefreshAnchor`. */
export function setRefreshAnchor(state: State, parameters: { anchor: SessionKeyTimestamp }, context = 'setRefreshAnchor'): void {
  const anchor = normalizeTimestamp(parameters.anchor, { field: 'anchor', context }, true);
  if (state.value !== undefined) throw new DuplicatePermissionError({ permission: 'the refresh anchor', context });
  state.value = anchor;
}
