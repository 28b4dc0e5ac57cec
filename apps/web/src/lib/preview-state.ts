/**
 * The live-preview state machine as a pure reducer. The hook feeds it EventSource events (batched
 * per animation frame) and a clock tick; everything the page shows about a preview — status,
 * rows, progress, rate, the seed used, errors, stalls — is derived here so it is testable in node.
 *
 *   idle ─start→ connecting ─data→ streaming ─complete→ completed
 *                    │                 │  ↑ data
 *                    │                 └→ reconnecting (pinned seed: the server resumes at Last-Event-ID)
 *                    └──── error / server error / stall / stop / too many reconnects ───→ error | stopped
 */
import type { PreviewCompleteEvent, PreviewDataEvent } from '@rowflow/contracts';
import { pushSample, RATE_WINDOW_MS, type Sample } from './progress-math.js';
import { appendRows, EMPTY_STORE, type RowStore } from './row-store.js';

/** Rate samples closer than this are merged (a fast stream delivers hundreds of events/s). */
const SAMPLE_GAP_MS = 50;

export type PreviewStatus = 'idle' | 'connecting' | 'streaming' | 'reconnecting' | 'completed' | 'error' | 'stopped';

/** Consecutive reconnects without data before the preview gives up. */
export const MAX_RECONNECTS = 3;

export interface PreviewState {
  status: PreviewStatus;
  /** Increments on every start, so stale events of a previous run can be told apart. */
  run: number;
  store: RowStore;
  /** Rows received (including those beyond the cap that were counted but not kept). */
  received: number;
  total: number;
  cap: number;
  samples: Sample[];
  startedAt: number;
  lastEventAt: number;
  seed: number | null;
  elapsedMs: number | null;
  error: string | null;
  /** The field a server error is about (from a 400 ErrorBody), for inline display. */
  errorField: string | null;
  /** Whole seconds without any event once that reaches QUIET_S (0 otherwise): shown as a warning before the watchdog fails the run. */
  quietS: number;
  /** Reconnects since the last data event. */
  reconnects: number;
}

/** Seconds of silence after which the page says it is waiting, well before the watchdog fires. */
export const QUIET_S = 3;

export type PreviewAction =
  | { type: 'start'; total: number; cap: number; now: number }
  | { type: 'data'; event: PreviewDataEvent; now: number }
  | { type: 'complete'; event: PreviewCompleteEvent; now: number }
  | { type: 'server-error'; message: string; field?: string | null; now: number }
  /** `retrying`: EventSource is reconnecting by itself (only worth it when the seed is pinned). */
  | { type: 'connection-error'; retrying: boolean; now: number }
  | { type: 'tick'; now: number; stallMs: number }
  | { type: 'stop'; now: number }
  | { type: 'batch'; actions: PreviewAction[] };

export const initialPreview: PreviewState = {
  status: 'idle',
  run: 0,
  store: EMPTY_STORE,
  received: 0,
  total: 0,
  cap: 100_000,
  samples: [],
  startedAt: 0,
  lastEventAt: 0,
  seed: null,
  elapsedMs: null,
  error: null,
  errorField: null,
  quietS: 0,
  reconnects: 0,
};

/** True while an EventSource should be open. */
export function isActive(s: PreviewState): boolean {
  return s.status === 'connecting' || s.status === 'streaming' || s.status === 'reconnecting';
}

export function previewReducer(s: PreviewState, a: PreviewAction): PreviewState {
  switch (a.type) {
    case 'batch':
      return a.actions.reduce(previewReducer, s);
    case 'start':
      return { ...initialPreview, status: 'connecting', run: s.run + 1, total: a.total, cap: a.cap, startedAt: a.now, lastEventAt: a.now, samples: [{ t: a.now, n: 0 }] };
    case 'data':
      return isActive(s) ? onData(s, a.event, a.now) : s;
    case 'complete':
      return isActive(s) ? onComplete(s, a.event, a.now) : s;
    case 'server-error':
      return isActive(s) ? fail(s, a.message, a.field ?? null) : s;
    case 'connection-error':
      return isActive(s) ? onConnectionError(s, a.retrying) : s;
    case 'tick':
      return isActive(s) ? onTick(s, a.now, a.stallMs) : s;
    case 'stop':
      return isActive(s) ? { ...s, status: 'stopped', elapsedMs: a.now - s.startedAt } : s;
  }
}

function onData(s: PreviewState, e: PreviewDataEvent, now: number): PreviewState {
  // `progress` is authoritative (rows delivered so far); fall back to counting if it is missing.
  const received = Number.isFinite(e.progress) ? e.progress : s.received + e.rows.length;
  // After a reconnect a server may repeat rows we already have: keep only the new ones.
  const overlap = Math.max(0, s.received - (received - e.rows.length));
  const progress = Math.max(received, s.received);
  return {
    ...s,
    status: 'streaming',
    reconnects: 0,
    store: appendRows(s.store, overlap ? e.rows.slice(overlap) : e.rows, s.cap),
    received: progress,
    total: e.total > 0 ? e.total : s.total,
    samples: pushSample(s.samples, { t: now, n: progress }, RATE_WINDOW_MS, SAMPLE_GAP_MS),
    lastEventAt: now,
    quietS: 0,
  };
}

function onConnectionError(s: PreviewState, retrying: boolean): PreviewState {
  if (!retrying) return fail(s, 'Lost the connection to the preview stream.', null);
  if (s.reconnects >= MAX_RECONNECTS) return fail(s, `Lost the connection to the preview stream (${MAX_RECONNECTS} reconnects failed).`, null);
  return { ...s, status: 'reconnecting', reconnects: s.reconnects + 1 };
}

function onTick(s: PreviewState, now: number, stallMs: number): PreviewState {
  const quietMs = now - s.lastEventAt;
  if (quietMs > stallMs) return fail(s, `No data for ${Math.round(quietMs / 1000)} s — the stream stalled.`, null);
  const quietS = quietMs >= QUIET_S * 1000 ? Math.floor(quietMs / 1000) : 0;
  return quietS === s.quietS ? s : { ...s, quietS };
}

function onComplete(s: PreviewState, e: PreviewCompleteEvent, now: number): PreviewState {
  return {
    ...s,
    status: 'completed',
    total: e.total,
    seed: e.seed,
    elapsedMs: e.elapsedMs,
    lastEventAt: now,
  };
}

function fail(s: PreviewState, message: string, field: string | null): PreviewState {
  return { ...s, status: 'error', error: message, errorField: field };
}
