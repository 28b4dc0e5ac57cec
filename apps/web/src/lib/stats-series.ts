import type { AlertEvent, QualityEvent, StatsEvent } from '@rowflow/contracts';

/** Most group keys charted at once: past it the chart would be unreadable; the rest is counted. */
export const MAX_SERIES = 8;
/** Windows kept per chart (older ones scroll out). */
export const MAX_WINDOWS = 500;

/** Everything the stats view shows, accumulated from SSE events (pure, for the reducer and tests). */
export interface StatsView {
  /** Window ends (epoch seconds), ascending as emitted. */
  windows: StatsEvent[];
  metrics: string[];
  keys: string[];
  hiddenKeys: number;
  late: number;
  quality: QualityEvent | null;
  alerts: AlertEvent[];
}

export const emptyStats: StatsView = { windows: [], metrics: [], keys: [], hiddenKeys: 0, late: 0, quality: null, alerts: [] };

export function addStats(v: StatsView, e: StatsEvent): StatsView {
  const metrics = v.metrics.length ? v.metrics : Object.keys(e.values);
  const key = e.key ?? '';
  const known = v.keys.includes(key);
  const keys = known || v.keys.length >= MAX_SERIES ? v.keys : [...v.keys, key];
  const hiddenKeys = known || keys.length > v.keys.length ? v.hiddenKeys : v.hiddenKeys + 1;
  return { ...v, windows: [...v.windows, e].slice(-MAX_WINDOWS * MAX_SERIES), metrics, keys, hiddenKeys, late: v.late + e.late };
}

export function addQuality(v: StatsView, q: QualityEvent): StatsView {
  return { ...v, quality: q };
}

export function addAlert(v: StatsView, a: AlertEvent): StatsView {
  return { ...v, alerts: [a, ...v.alerts].slice(0, 50) };
}

/**
 * uPlot's columnar data for one metric: x = window end in seconds (event time), one y series per
 * charted key (null where a key has no window at that x, so lines break instead of lying).
 */
export function seriesOf(v: StatsView, metric: string): { x: number[]; ys: (number | null)[][] } {
  const xs = [...new Set(v.windows.map((w) => w.window.end))].sort((a, b) => a - b).slice(-MAX_WINDOWS);
  const index = new Map(xs.map((x, i) => [x, i]));
  const ys = v.keys.map(() => new Array<number | null>(xs.length).fill(null));
  for (const w of v.windows) {
    const i = index.get(w.window.end);
    const k = v.keys.indexOf(w.key ?? '');
    if (i === undefined || k < 0) continue;
    ys[k]![i] = w.values[metric] ?? null;
  }
  return { x: xs.map((x) => x / 1000), ys };
}

/** A starting stats spec for a table: its first timestamp-like column, 10 s tumbling windows. */
export function defaultStatsSpec(timeColumn: string, numeric: string | undefined, key?: string): string {
  const aggregates: { op: string; column?: string }[] = [{ op: 'count' }];
  if (numeric) aggregates.push({ op: 'avg', column: numeric }, { op: 'p99', column: numeric });
  // Duplicates are counted by a key: without one the panel would always say 0 %.
  const spec = { timeColumn, window: { type: 'tumbling', sizeMs: 10_000 }, watermark: { delayMs: 5_000 }, ...(key ? { dedupBy: key } : {}), aggregates, alerts: [{ metric: 'lateRate', op: '>', value: 0.05 }] };
  return JSON.stringify(spec, null, 2);
}
