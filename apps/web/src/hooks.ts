import { type DependencyList, useCallback, useEffect, useRef, useState } from 'react';
import { type ExplainedError, explainError } from './errors.js';
import { nowInSeconds } from './format.js';

/** How often the page re-reads the chain (balances, budgets). */
export const pollIntervalMs = 2_000;

/**
 * Loads data now, again every `intervalMs`, and on `refresh()`. Loads never overlap; a result that arrives after the
 * dependencies changed is dropped. The last good data stays shown while a reload fails.
 */
export function usePolling<T>(load: () => Promise<T>, deps: DependencyList, intervalMs = pollIntervalMs) {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<unknown>();
  const [version, setVersion] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  useEffect(() => {
    let cancelled = false;
    let running = false;
    let again = false;
    const run = async () => {
      if (running) {
        again = true;
        return;
      }
      running = true;
      try {
        const result = await loadRef.current();
        if (!cancelled) {
          setData(result);
          setError(undefined);
        }
      } catch (cause) {
        if (!cancelled) setError(cause);
      } finally {
        running = false;
        if (again && !cancelled) {
          again = false;
          void run();
        }
      }
    };
    setData(undefined);
    void run();
    const timer = setInterval(run, intervalMs);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
    // `load` is read through a ref: callers pass a new closure each render, the dependencies say when it changes.
  }, [...deps, version, intervalMs]);

  const refresh = useCallback(() => setVersion((v) => v + 1), []);
  return { data, error, refresh };
}

/** The current time in seconds, updated every second (for countdowns). */
export function useNow(): number {
  const [now, setNow] = useState(nowInSeconds);
  useEffect(() => {
    const timer = setInterval(() => setNow(nowInSeconds()), 1_000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

/** The outcome of the last action: what is running, what succeeded, or why it failed; `place` says where to show it. */
export type ActionState =
  | { status: 'idle' }
  | { status: 'running'; label: string; place?: string | undefined }
  | { status: 'done'; message: string; place?: string | undefined }
  | { status: 'failed'; error: ExplainedError; place?: string | undefined };

/** Runs a user action: returns whether it succeeded. */
export type RunAction = (label: string, action: () => Promise<string | void>) => Promise<boolean>;

/**
 * Runs one user action at a time and keeps the outcome of the last one for display. Several panels may share it, each
 * passing its `place`: a new action's outcome then replaces the last one's wherever that was shown, so no stale
 * message stays beside a newer one.
 */
export function useAction(explain: (error: unknown) => ExplainedError = explainError) {
  const [state, setState] = useState<ActionState>({ status: 'idle' });
  const run = useCallback(
    async (label: string, action: () => Promise<string | void>, place?: string): Promise<boolean> => {
      setState({ status: 'running', label, place });
      try {
        const message = await action();
        setState({ status: 'done', message: message ?? `${label}: done.`, place });
        return true;
      } catch (error) {
        console.error(error);
        setState({ status: 'failed', error: explain(error), place });
        return false;
      }
    },
    [explain],
  );
  const clear = useCallback(() => setState({ status: 'idle' }), []);
  /** The same action, run and shown at `place`. */
  const at = useCallback(
    (place: string): PlacedAction => ({ state, busy: state.status === 'running', place, run: (label, action) => run(label, action, place) }),
    [state, run],
  );
  return { state, run, clear, at, busy: state.status === 'running' };
}

/** A shared action as one panel sees it: it runs actions at its place, and shows the outcome only when it is there. */
export type PlacedAction = { state: ActionState; busy: boolean; place: string; run: RunAction };

/** Re-renders when this browser's stored session keys change (here or in another tab). */
export function useLocalKeysVersion(): number {
  return useStorageVersion('leash:local-keys');
}

/** Re-renders on `eventName` (fired when this page changes what it stores) and on other tabs' storage changes. */
export function useStorageVersion(eventName: string): number {
  const [version, setVersion] = useState(0);
  useEffect(() => {
    const bump = () => setVersion((v) => v + 1);
    window.addEventListener(eventName, bump);
    window.addEventListener('storage', bump);
    return () => {
      window.removeEventListener(eventName, bump);
      window.removeEventListener('storage', bump);
    };
  }, [eventName]);
  return version;
}
