import { WindowAccumulator } from './accumulator.js';
import { EndHeap } from './end-heap.js';
import type { AggregateSpec, WindowSpec } from './stats-spec.js';

/** An open window of one group key. */
export interface OpenWindow {
  key: string | undefined;
  start: number;
  end: number;
  acc: WindowAccumulator;
  /** A session merged into a newer one: its heap entry is stale. */
  merged?: boolean;
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
  private readonly heap = new EndHeap<OpenWindow>();
  private closedSwept = 0;

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
    const closed: OpenWindow[] = [];
    for (let top = this.heap.peek(); top !== undefined && top.end <= watermark; top = this.heap.peek()) {
      const w = this.heap.pop()!;
      if (w.merged) continue;
      if (this.spec.type === 'session') this.closeSession(w.key ?? '', w, closed);
      else {
        this.open.delete(`${w.start}\u0000${w.key ?? ''}`);
        closed.push(w);
      }
    }
    if (this.spec.type === 'session' && closed.length) this.forgetClosedSessions(watermark);
    return closed.sort((a, b) => a.end - b.end || a.start - b.start || (a.key ?? '').localeCompare(b.key ?? ''));
  }

  private closeSession(key: string, w: OpenWindow, closed: OpenWindow[]): void {
    closed.push(w);
    const rest = (this.sessions.get(key) ?? []).filter((x) => x !== w);
    if (rest.length) this.sessions.set(key, rest);
    else this.sessions.delete(key);
    this.closedUntil.set(key, Math.max(this.closedUntil.get(key) ?? -Infinity, w.end));
  }

  /**
   * Past `end + gap` every older event is late by the plain rule, so the marker is no longer
   * needed. Swept when the map doubled since the last sweep (O(1) amortised per session).
   */
  private forgetClosedSessions(watermark: number): void {
    if (this.closedUntil.size < 2 * this.closedSwept + 1024) return;
    const gap = this.spec.type === 'session' ? this.spec.gapMs : 0;
    for (const [key, end] of this.closedUntil) if (end + gap <= watermark) this.closedUntil.delete(key);
    this.closedSwept = this.closedUntil.size;
  }

  private windowAt(key: string | undefined, start: number, end: number): OpenWindow {
    const id = `${start}\u0000${key ?? ''}`;
    let w = this.open.get(id);
    if (!w) {
      w = { key, start, end, acc: new WindowAccumulator(this.aggregates, this.distinctLimit) };
      this.open.set(id, w);
      this.heap.push(w);
    }
    return w;
  }

  private addSession(t: number, key: string | undefined, row: Record<string, unknown>, watermark: number): number {
    const gap = (this.spec as { gapMs: number }).gapMs;
    const id = key ?? '';
    if (t + gap <= watermark || t < (this.closedUntil.get(id) ?? -Infinity)) return 1;
    const list = this.sessions.get(id) ?? [];
    // Touching: less than `gap` after the session's end minus gap (its last event), or before its first.
    const touched = list.filter((w) => t > w.start - gap && t < w.end);
    if (touched.length === 0) {
      const session: OpenWindow = { key, start: t, end: t + gap, acc: new WindowAccumulator(this.aggregates, this.distinctLimit) };
      session.acc.add(row);
      list.push(session);
      this.sessions.set(id, list);
      this.heap.push(session);
      return 0;
    }
    // The first touched session absorbs the event and the others (the common case is one: no merge).
    const [into, ...others] = touched as [OpenWindow, ...OpenWindow[]];
    into.acc.add(row);
    const end = Math.max(into.end, t + gap, ...others.map((w) => w.end));
    into.start = Math.min(into.start, t, ...others.map((w) => w.start));
    for (const w of others) {
      into.acc.merge(w.acc);
      w.merged = true;
    }
    if (others.length) this.sessions.set(id, list.filter((w) => !w.merged));
    if (end !== into.end) {
      // Its heap entry is keyed by the old end: retire it and file the session again.
      const moved: OpenWindow = { ...into, end };
      into.merged = true;
      this.sessions.set(id, (this.sessions.get(id) ?? []).map((w) => (w === into ? moved : w)));
      this.heap.push(moved);
    }
    return 0;
  }

}
