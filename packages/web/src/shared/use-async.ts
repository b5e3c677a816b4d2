import { useCallback, useEffect, useRef, useState } from 'react';

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  /** Loads again (after a change), keeping the current data on screen meanwhile. */
  reload: () => void;
  /** Replaces the data in place, for changes whose answer already says what changed. */
  update: (change: (current: T | undefined) => T | undefined) => void;
}

/** Loads data for a component; a newer load (or unmounting) aborts the older one. */
export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, deps: readonly unknown[]): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [version, setVersion] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  useEffect(() => {
    const controller = new AbortController();
    setLoading(true);
    loadRef.current(controller.signal).then(
      (value) => {
        if (controller.signal.aborted) return;
        setData(value);
        setError(null);
        setLoading(false);
      },
      (err: unknown) => {
        if (controller.signal.aborted) return;
        setError(err);
        setLoading(false);
      },
    );
    return () => controller.abort();
    // The caller's deps decide when to load again, as with useEffect.
  }, [...deps, version]);

  const reload = useCallback(() => setVersion((v) => v + 1), []);
  const update = useCallback((change: (current: T | undefined) => T | undefined) => setData(change), []);
  return { data, error, loading, reload, update };
}

export type ActionResult<T> = { ok: true; value: T } | { ok: false };

export interface Action {
  pending: boolean;
  error: unknown;
  run: <T>(work: () => Promise<T>) => Promise<ActionResult<T>>;
  reset: () => void;
}

/** A write the user started: whether it is running, and its error to show. */
export function useAction(): Action {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = useCallback(async <T,>(work: () => Promise<T>): Promise<ActionResult<T>> => {
    setPending(true);
    setError(null);
    try {
      const value = await work();
      return { ok: true, value };
    } catch (err) {
      setError(err);
      return { ok: false };
    } finally {
      setPending(false);
    }
  }, []);
  const reset = useCallback(() => setError(null), []);
  return { pending, error, run, reset };
}
