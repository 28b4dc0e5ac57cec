/**
 * Progress arithmetic shared by the preview and the job monitor: percentage, rate over a sliding
 * window, ETA and the human formats. Pure and DOM-free so vitest runs it in node.
 */

/** A cumulative count observed at a moment (ms, any monotonic clock). */
export interface Sample {
  t: number;
  n: number;
}

/** Default rate window: long enough to smooth bursty SSE delivery, short enough to react. */
export const RATE_WINDOW_MS = 3000;

/** Integer-ish percentage of done/total, clamped to 0..100; an empty total counts as 0 %. */
export function percent(done: number, total: number): number {
  if (!(total > 0) || !(done > 0)) return 0;
  return Math.min(100, (done / total) * 100);
}

/**
 * Appends a sample and drops the ones that fell out of the window — but keeps the newest sample
 * older than the window as the baseline, so the rate spans the whole window, not less.
 * Returns a new array; a sample older than the last one (clock went back) is ignored. A sample
 * closer than `minGapMs` to the previous one replaces it (same rate, and a fast stream's
 * thousands of events per window don't become thousands of samples).
 */
export function pushSample(samples: readonly Sample[], next: Sample, windowMs = RATE_WINDOW_MS, minGapMs = 0): Sample[] {
  const last = samples[samples.length - 1];
  if (last && next.t < last.t) return [...samples];
  const merge = samples.length >= 2 && next.t - samples[samples.length - 2]!.t < minGapMs;
  const all = merge ? [...samples.slice(0, -1), next] : [...samples, next];
  let start = 0;
  while (start + 1 < all.length - 1 && all[start + 1]!.t <= next.t - windowMs) start++;
  return all.slice(start);
}

/** Units per second across the samples (first to last); 0 with fewer than two or no elapsed time. */
export function rateOf(samples: readonly Sample[]): number {
  if (samples.length < 2) return 0;
  const first = samples[0]!;
  const last = samples[samples.length - 1]!;
  const dt = last.t - first.t;
  if (dt <= 0) return 0;
  return Math.max(0, ((last.n - first.n) / dt) * 1000);
}

/** Milliseconds left at `rate` units/s, or null when unknown (no rate yet) or already done. */
export function etaMs(done: number, total: number, rate: number): number | null {
  if (!(rate > 0) || !(total > 0)) return null;
  const left = total - done;
  if (left <= 0) return 0;
  return (left / rate) * 1000;
}

/** 1234567 → "1,234,567" (fixed locale so tests and screenshots are stable). */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** 12345.6 → "12.3k rows/s"; keeps three significant-ish digits. */
export function formatRate(perSecond: number, unit = 'rows/s'): string {
  return `${compact(perSecond)} ${unit}`;
}

/** 1234 → "1.2k", 2_500_000 → "2.5M". */
export function compact(n: number): string {
  const abs = Math.abs(n);
  if (abs >= 1e9) return `${trim(n / 1e9)}G`;
  if (abs >= 1e6) return `${trim(n / 1e6)}M`;
  if (abs >= 1e3) return `${trim(n / 1e3)}k`;
  return String(Math.round(n));
}

function trim(x: number): string {
  return Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(1).replace(/\.0$/, '');
}

/** 65_000 → "1m 05s", 4_200 → "4.2s", 350 → "350ms". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const totalS = Math.round(ms / 1000);
  const h = Math.floor(totalS / 3600);
  const m = Math.floor((totalS % 3600) / 60);
  const s = String(totalS % 60).padStart(2, '0');
  return h > 0 ? `${h}h ${String(m).padStart(2, '0')}m` : `${m}m ${s}s`;
}
