import type { PreviewCompleteEvent, PreviewDataEvent, PreviewErrorEvent } from '@rowflow/contracts';
import { useCallback, useEffect, useReducer, useRef } from 'react';
import { diagnose } from '../lib/api.js';
import { initialPreview, isActive, previewReducer, type PreviewAction } from '../lib/preview-state.js';

/** How long without any event before a preview counts as stalled (server heartbeats are 15 s). */
export const STALL_MS = 20_000;
/** Events are applied in batches this often, so a fast stream costs ~30 renders/s, not 1000s. */
const FLUSH_MS = 33;

/**
 * Owns the preview EventSource: opens it on start, closes it on stop/restart/unmount/complete/error,
 * feeds events into the pure reducer in batches and runs the no-data watchdog.
 */
export function usePreview(stallMs = STALL_MS) {
  const [state, dispatch] = useReducer(previewReducer, initialPreview);
  const source = useRef<EventSource | null>(null);
  const queue = useRef<PreviewAction[]>([]);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const flush = useCallback(() => {
    timer.current = null;
    const actions = queue.current;
    queue.current = [];
    if (actions.length) dispatch({ type: 'batch', actions });
  }, []);

  const enqueue = useCallback(
    (a: PreviewAction) => {
      queue.current.push(a);
      timer.current ??= setTimeout(flush, FLUSH_MS);
    },
    [flush],
  );

  const close = useCallback(() => {
    source.current?.close();
    source.current = null;
  }, []);

  const start = useCallback(
    (url: string, total: number, cap: number) => {
      close();
      queue.current = [];
      dispatch({ type: 'start', total, cap, now: performance.now() });
      source.current = openPreview(url, enqueue, close, flush);
    },
    [close, enqueue, flush],
  );

  const stop = useCallback(() => {
    close();
    flush();
    dispatch({ type: 'stop', now: performance.now() });
  }, [close, flush]);

  const active = isActive(state);
  useEffect(() => {
    if (!active) return undefined;
    const id = setInterval(() => enqueue({ type: 'tick', now: performance.now(), stallMs }), 1000);
    return () => clearInterval(id);
  }, [active, enqueue, stallMs]);

  // The reducer may end a run on its own (watchdog): make sure the socket goes with it.
  useEffect(() => {
    if (!active) close();
  }, [active, close]);

  useEffect(() => () => close(), [close]);

  return { state, start, stop };
}

function openPreview(url: string, enqueue: (a: PreviewAction) => void, close: () => void, flush: () => void): EventSource {
  const es = new EventSource(url);
  let gotData = false;
  es.addEventListener('data', (e) => {
    gotData = true;
    enqueue({ type: 'data', event: JSON.parse(e.data as string) as PreviewDataEvent, now: performance.now() });
  });
  es.addEventListener('complete', (e) => {
    es.close(); // before the server hangs up, or EventSource would reconnect and start over
    enqueue({ type: 'complete', event: JSON.parse(e.data as string) as PreviewCompleteEvent, now: performance.now() });
    flush();
  });
  // With a pinned seed the relay resumes at Last-Event-ID, so EventSource's own reconnect is safe;
  // with a random seed it would start over with another seed: give up instead.
  const pinned = new URL(url, location.href).searchParams.has('seed');
  es.addEventListener('error', (e) => {
    if (!(e instanceof MessageEvent) && gotData && pinned && es.readyState === EventSource.CONNECTING) {
      enqueue({ type: 'connection-error', retrying: true, now: performance.now() });
      return;
    }
    es.close();
    if (e instanceof MessageEvent && typeof e.data === 'string') {
      // the server's own `event: error` (it has data); a dropped connection has none
      enqueue({ type: 'server-error', message: parseMessage(e.data), now: performance.now() });
    } else if (gotData) {
      enqueue({ type: 'connection-error', retrying: false, now: performance.now() });
    } else {
      void explain(url, enqueue);
    }
    close();
  });
  return es;
}

/** EventSource hides the status of a refused stream; ask again to show the server's reason. */
async function explain(url: string, enqueue: (a: PreviewAction) => void): Promise<void> {
  const body = await diagnose(url);
  if (!body) enqueue({ type: 'connection-error', retrying: false, now: performance.now() });
  else enqueue({ type: 'server-error', message: body.message, field: body.field ?? null, now: performance.now() });
}

function parseMessage(data: string): string {
  try {
    return (JSON.parse(data) as PreviewErrorEvent).message || data;
  } catch {
    return data;
  }
}
