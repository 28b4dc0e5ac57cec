import type { AlertEvent, QualityEvent, StatsEvent } from '@rowflow/contracts';
import { AlertEvaluator } from './alerts.js';
import { QualityTracker, qualityMetric } from './quality.js';
import type { StatsSpec } from './stats-spec.js';
import { Watermark } from './watermark.js';
import { type OpenWindow, WindowSet } from './windows.js';

export type Row = Record<string, unknown>;

/** What the stats stream emits, in order. */
export type StatsOutput = { kind: 'stats'; data: StatsEvent } | { kind: 'alert'; data: AlertEvent } | { kind: 'quality'; data: QualityEvent };

/** Event time of a cell: epoch ms (number) or an ISO string; NaN when unreadable. */
export function eventTime(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return Date.parse(v);
  return NaN;
}

function keyText(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v ?? null);
}

/**
 * The windowed-stats state machine, synchronous and clock-free (the caller passes wall time),
 * so the Rx operator stays thin and tests can drive it row by row.
 *
 * Per row: quality counters; event time (unreadable → counted as badTime, not windowed);
 * out-of-order when older than the newest seen; duplicate (dropped, counted) when its `dedupBy`
 * value was seen and could still land in an open window; otherwise added to its open windows —
 * late when at least one of them had already closed. Then the watermark advances and every
 * window it passed is emitted once, with alerts. `late` on a stats event = late rows since the
 * previous stats event, so every late row is reported exactly once.
 */
export class StatsEngine {
  private readonly windows: WindowSet;
  private readonly watermark: Watermark;
  private readonly quality: QualityTracker;
  private readonly alerts: AlertEvaluator;
  private readonly seen = new Map<string, number>();
  /** Size of `seen` after its last sweep: sweeping only when it doubled keeps dedup O(1) amortised. */
  private seenSwept = 0;
  private pendingLate = 0;
  private lastQualityAt = -Infinity;

  constructor(private readonly spec: StatsSpec) {
    this.windows = new WindowSet(spec.window, spec.aggregates, spec.distinctLimit);
    this.watermark = new Watermark(spec.watermark);
    this.quality = new QualityTracker(spec.quality.columns, spec.dedupBy !== undefined);
    this.alerts = new AlertEvaluator(spec.alerts);
  }

  /** Current watermark and delay (the adaptive one widens). */
  get state(): { watermark: number; delayMs: number } {
    return { watermark: this.watermark.value, delayMs: this.watermark.delayMs };
  }

  push(row: Row, wallNow: number): StatsOutput[] {
    this.quality.row(row);
    const t = eventTime(row[this.spec.timeColumn]);
    const out: StatsOutput[] = [];
    if (Number.isFinite(t)) this.accept(row, t, out);
    else this.quality.badTime++;
    if (wallNow - this.lastQualityAt >= this.spec.quality.everyMs) this.emitQuality(wallNow, out);
    return out;
  }

  /** End of input: the watermark jumps to +∞, every open window is emitted, then a final quality snapshot. */
  finish(wallNow: number): StatsOutput[] {
    const out: StatsOutput[] = [];
    this.emitClosed(this.windows.closeUpTo(this.watermark.close()), out);
    this.emitQuality(wallNow, out);
    return out;
  }

  private accept(row: Row, t: number, out: StatsOutput[]): void {
    if (t < this.watermark.newest) this.quality.outOfOrder++;
    if (this.isDuplicate(row, t)) return;
    const key = this.spec.groupBy === undefined ? undefined : keyText(row[this.spec.groupBy]);
    const late = this.windows.add(t, key, row, this.watermark.value) > 0;
    if (late) {
      this.quality.late++;
      this.pendingLate++;
    }
    const before = this.watermark.value;
    const mark = this.watermark.observe(t, late);
    if (mark > before) {
      const closed = this.windows.closeUpTo(mark);
      if (closed.length) {
        this.emitClosed(closed, out);
        this.evictSeen(mark);
      }
    }
  }

  /** Dedup within the watermark: a key is remembered while an event with its time could still be windowed. */
  private isDuplicate(row: Row, t: number): boolean {
    if (this.spec.dedupBy === undefined) return false;
    const id = keyText(row[this.spec.dedupBy]);
    if (this.seen.has(id)) {
      this.quality.duplicates++;
      return true;
    }
    this.seen.set(id, t);
    return false;
  }

  /**
   * Forgets keys whose every window is closed: a repeat of them is late anyway, never
   * double-counted. Swept when the map doubled since the last sweep, so memory stays within 2× the
   * keys that can still matter and the sweep costs O(1) per row.
   */
  private evictSeen(mark: number): void {
    if (this.seen.size < 2 * this.seenSwept + 1024) return;
    for (const [id, t] of this.seen) if (this.windows.latestEnd(t) <= mark) this.seen.delete(id);
    this.seenSwept = this.seen.size;
  }

  private emitClosed(closed: OpenWindow[], out: StatsOutput[]): void {
    for (const w of closed) {
      const data: StatsEvent = { window: { start: w.start, end: w.end }, values: w.acc.values(), late: this.pendingLate };
      if (w.key !== undefined) data.key = w.key;
      this.pendingLate = 0;
      out.push({ kind: 'stats', data });
      const lookup = (m: string) => (m === 'late' ? data.late : data.values[m]);
      for (const a of this.alerts.evaluate(lookup, w.key ?? '', w.end)) out.push({ kind: 'alert', data: a });
    }
  }

  private emitQuality(wallNow: number, out: StatsOutput[]): void {
    this.lastQualityAt = wallNow;
    const q = this.quality.snapshot(this.watermark.newest, this.watermark.value, wallNow);
    out.push({ kind: 'quality', data: q });
    const at = Number.isFinite(this.watermark.newest) ? this.watermark.newest : wallNow;
    for (const a of this.alerts.evaluate((m) => qualityMetric(q, m), 'quality', at)) out.push({ kind: 'alert', data: a });
  }
}
