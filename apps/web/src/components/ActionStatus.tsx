import type { ActionState } from '../hooks.js';

/**
 * Shows what the last action is doing, did, or why it failed (with the rule and numbers of a refused session op).
 * With `place`, only an action that was run there.
 */
export function ActionStatus({ state, place }: { state: ActionState; place?: string }) {
  if (place !== undefined && state.status !== 'idle' && state.place !== place) return null;
  switch (state.status) {
    case 'idle':
      return null;
    case 'running':
      return (
        <p className="status running" role="status">
          <span className="spinner" aria-hidden="true" /> {state.label}…
        </p>
      );
    case 'done':
      return (
        <p className="status done" role="status">
          {state.message}
        </p>
      );
    case 'failed':
      return (
        <div className="status failed" role="alert">
          <strong>{state.error.title}</strong>
          {state.error.lines.length > 0 && (
            <ul>
              {state.error.lines.map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ul>
          )}
          {state.error.rule && <p className="rule">Rule: {state.error.rule}</p>}
        </div>
      );
  }
}
