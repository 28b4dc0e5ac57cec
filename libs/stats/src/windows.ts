import { WindowAccumulator } from './accumulator.js';
import type { AggregateSpec, WindowSpec } from './stats-spec.js';

/** An open window of one group key. */
export interface OpenWindow {
  key: string | undefined;
  start: number;
  end: number;
  acc: WindowAccumulator;
}

/**
 * Windows of one stream: assigns an event to its windows (creating them), and hands back
 * the windows the watermark has passed. Tumbling: [⌊t/size⌋·size, +size). Sliding: every
 * [s, s + size) with s a multiple of slide and s ≤ t < s + size. Session (per key): an event
 * opens [t, t + gap) and merges every open session it touches, so a session ends `gap` after its
 * last event — the same sessions as splitting the sorted events where the gap is ≥ gapMs.
 */
export class WindowSet {
  private readonly open = new Map<string, OpenWindow>();
  private readonly sessions = new Map<string, OpenWindow[]>();
  /** Per key, the end of its last emitted session: an older event would have belonged to emitted output. */
  private readonly closedUntil = new Map<string, number>();
  private nextEnd = Infinity;

  constructor(
    private readonly spec: WindowSpec,
    private readonly aggregates: AggregateSpec[],
    private readonly distinctLimit: number,
  ) {}

  /** End of the last window that can contain event time t: past it, the event is fully late. */
  latestEnd(t: number): number {
    switch (this.spec.type) {
      case 'tumbling':
        return Math.floor(t / this.spec.sizeMs) * this.spec.sizeMs + this.spec.sizeMs;
      case 'sliding':
        return Math.floor(t / this.spec.slideMs) * this.spec.slideMs + this.spec.sizeMs;
      case 'session':
        return t + this.spec.gapMs;
    }
  }

  /**
   * Adds the row to every window of t whose end is after the watermark; returns how many of its
   * windows were already closed (> 0 means the event is late for those).
   */
  add(t: number, key: string | undefined, row: Record<string, unknown>, watermark: number): number {
    if (this.spec.type === 'session') return this.addSession(t, key, row, watermark);
    const size = this.spec.sizeMs;
    const slide = this.spec.type === 'sliding' ? this.spec.slideMs : size;
    let missed = 0;
    for (let s = Math.floor(t / slide) * slide; s > t - size; s -= slide) {
      if (s + size <= watermark) {
        missed++;
        continue;
      }
      this.windowAt(key, s, s + size).acc.add(row);
    }
    return missed;
  }

  /** Windows whose end the watermark has reached, in (end, start, key) order; they are removed. */
  closeUpTo(watermark: number): OpenWindow[] {
    if (watermark < this.nextEnd) return [];
    const closed: OpenWindow[] = [];
    let nextEnd = Infinity;
    for (const [id, w] of this.open) {
      if (w.end <= watermark) {
        closed.push(w);
        this.open.delete(id);
      } else nextEnd = Math.min(nextEnd, w.end);
    }
    this.forgetClosedSessions(watermark);
    for (const [key, list] of this.sessions) {
      const keep = list.filter((w) => (w.end <= watermark ? (this.closeSession(key, w, closed), false) : true));
      if (keep.length) this.sessions.set(key, keep);
      else this.sessions.delete(key);
      for (const w of keep) nextEnd = Math.min(nextEnd, w.end);
    }
    this.nextEnd = nextEnd;
    return closed.sort((a, b) => a.end - b.end || a.start - b.start || (a.key ?? '').localeCompare(b.key ?? ''));
  }

  private closeSession(key: string, w: OpenWindow, closed: OpenWindow[]): void {
    closed.push(w);
    this.closedUntil.set(key, Math.max(this.closedUntil.get(key) ?? -Infinity, w.end));
  }

  /** Past `end + gap` every older event is late by the plain rule, so the marker is no longer needed. */
  private forgetClosedSessions(watermark: number): void {
    const gap = this.spec.type === 'session' ? this.spec.gapMs : 0;
    for (const [key, end] of this.closedUntil) if (end + gap <= watermark) this.closedUntil.delete(key);
  }

  private windowAt(key: string | undefined, start: number, end: number): OpenWindow {
    const id = `${start}\u0000${key ?? ''}`;
    let w = this.open.get(id);
    if (!w) {
      w = { key, start, end, acc: new WindowAccumulator(this.aggregates, this.distinctLimit) };
      this.open.set(id, w);
      this.nextEnd = Math.min(this.nextEnd, end);
    }
    return w;
  }

  private addSession(t: number, key: string | undefined, row: Record<string, unknown>, watermark: number): number {
    const gap = (this.spec as { gapMs: number }).gapMs;
    if (t + gap <= watermark || t < (this.closedUntil.get(key ?? '') ?? -Infinity)) return 1;
    const list = this.sessions.get(key ?? '') ?? [];
    const session: OpenWindow = { key, start: t, end: t + gap, acc: new WindowAccumulator(this.aggregates, this.distinctLimit) };
    session.acc.add(row);
    const rest: OpenWindow[] = [];
    for (const w of list) {
      // Touching: less than `gap` from the session's first event before it, or before its end.
      if (t > w.start - gap && t < w.end) {
        session.start = Math.min(session.start, w.start);
        session.end = Math.max(session.end, w.end);
        session.acc.merge(w.acc);
      } else rest.push(w);
    }
    rest.push(session);
    this.sessions.set(key ?? '', rest);
    this.nextEnd = Math.min(this.nextEnd, session.end);
    return 0;
  }
}
