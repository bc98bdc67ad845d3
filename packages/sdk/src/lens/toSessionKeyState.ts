import { tagText } from '../actions/internal/tag.js';
import { permissionKinds } from '../permissions/kinds/index.js';
import type { SessionKeyState } from '../permissions/state.js';
import type { SessionKeyPermissions } from '../permissions/types.js';
import type { LensSessionKeyState } from './types.js';

/**
 * A key's state as the SDK reports it, from the lens's answer: each permission kind reads its own part (its
 * permissions, and its budget with what is used and left).
 *
 * @example
 * ```ts
 * const state = toSessionKeyState(lensState)
 * state.spending.calls // { limit: 20n, used: 3n, remaining: 17n, refreshInterval: 86400, … }
 * ```
 */
export function toSessionKeyState(lens: LensSessionKeyState): SessionKeyState {
  const permissions: SessionKeyPermissions = {};
  const spending: Partial<SessionKeyState['spending']> = {};
  const state: Partial<SessionKeyState> = { sessionKey: lens.sessionKey, tag: lens.info.tag, tagText: tagText(lens.info.tag) };
  for (const kind of permissionKinds) {
    const { permissions: part, spending: budgets, ...rest } = kind.read(lens);
    Object.assign(permissions, part);
    Object.assign(spending, budgets);
    Object.assign(state, rest);
  }
  return { ...state, permissions, spending } as SessionKeyState;
}
