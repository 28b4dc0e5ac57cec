/** Query of the generator's and orchestrator's stream endpoints. */
export interface StreamRequest {
  table?: string;
  rows: number;
  seed?: number;
  offset?: number;
  header?: boolean;
}

/** Response header that carries the seed actually used (seed=0/absent picks one). */
export const SEED_HEADER = 'x-rowflow-seed';

/** SSE `event: data` payload of /api/orchestrator/stream. */
export interface PreviewDataEvent {
  rows: Record<string, unknown>[];
  /** Rows delivered so far, including these. Also the SSE `id`. */
  progress: number;
  total: number;
}

/** SSE `event: complete` payload. */
export interface PreviewCompleteEvent {
  total: number;
  seed: number;
  elapsedMs: number;
}

/** SSE `event: error` payload. */
export interface PreviewErrorEvent {
  message: string;
}

/** A time window of a stats result: [start, end) in epoch milliseconds of event time. */
export interface StatsWindow {
  start: number;
  end: number;
}

/** SSE `event: stats` payload: one closed window (per group key when grouped). */
export interface StatsEvent {
  window: StatsWindow;
  key?: string;
  /** `<op>` or `<op>_<column>` → value (e.g. `count`, `p99_duration_ms`); NaN-free (null when empty). */
  values: Record<string, number | null>;
  /** Late events (stream-wide: they missed a window that had already been emitted) counted since the previous stats event. */
  late: number;
}

/** SSE `event: alert` payload. */
export interface AlertEvent {
  /** Rule name (given, or `<metric> <op> <value>`). */
  name: string;
  metric: string;
  value: number;
  kind: 'threshold' | 'trend';
  /** Event-time window end the metric was taken at, or the quality snapshot's time. */
  at: number;
  message: string;
}

/** SSE `event: quality` payload: running stream-quality metrics. */
export interface QualityEvent {
  rows: number;
  nullRate: Record<string, number>;
  duplicateRate: number;
  lateRate: number;
  outOfOrderRate: number;
  /** Wall-clock ms minus the newest event time seen, at the last row. */
  freshnessMs: number | null;
  watermark: number | null;
  /** Totals behind the rates: late rows (left out of at least one closed window), duplicates dropped, rows without a readable event time. */
  late: number;
  duplicates: number;
  badTime: number;
}
