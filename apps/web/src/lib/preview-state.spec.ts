import { describe, expect, it } from 'vitest';
import { initialPreview, isActive, MAX_RECONNECTS, previewReducer as reduce, type PreviewAction, type PreviewState } from './preview-state.js';
import { rateOf } from './progress-math.js';
import { rowAt } from './row-store.js';

const rows = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ id: from + i }));
const data = (from: number, n: number, total: number, now: number): PreviewAction => ({
  type: 'data',
  event: { rows: rows(from, n), progress: from + n, total },
  now,
});
const started = (total = 1000, cap = 100_000): PreviewState => reduce(initialPreview, { type: 'start', total, cap, now: 0 });

describe('preview state machine', () => {
  it('goes idle → connecting → streaming → completed with the seed used', () => {
    let s = started(300);
    expect(s.status).toBe('connecting');
    expect(isActive(s)).toBe(true);
    s = reduce(s, data(0, 100, 300, 100));
    expect(s.status).toBe('streaming');
    expect(rowAt(s.store, 0)).toEqual({ id: 0 });
    s = reduce(s, data(100, 200, 300, 200));
    s = reduce(s, { type: 'complete', event: { total: 300, seed: 42, elapsedMs: 210 }, now: 210 });
    expect(s).toMatchObject({ status: 'completed', received: 300, total: 300, seed: 42, elapsedMs: 210 });
    expect(isActive(s)).toBe(false);
  });

  it('counts rows beyond the cap but does not keep them', () => {
    let s = started(1000, 250);
    for (let i = 0; i < 10; i++) s = reduce(s, data(i * 100, 100, 1000, i * 10));
    expect(s.received).toBe(1000);
    expect(s.store.size).toBe(250);
  });

  it('tracks the rate over a sliding window', () => {
    let s = started(100_000);
    for (let t = 100; t <= 5000; t += 100) s = reduce(s, data((t / 100 - 1) * 100, 100, 100_000, t));
    expect(rateOf(s.samples)).toBeCloseTo(1000, 5);
  });

  it('shows the server error event and the field it names', () => {
    let s = reduce(started(), { type: 'server-error', message: 'schema.columns[1].type: unknown type "nope"', field: 'schema.columns[1].type', now: 5 });
    expect(s).toMatchObject({ status: 'error', errorField: 'schema.columns[1].type' });
    expect(s.error).toContain('unknown type');
    // a late connection error (the server closed the socket) does not overwrite it
    s = reduce(s, { type: 'connection-error', retrying: false, now: 6 });
    expect(s.error).toContain('unknown type');
  });

  it('turns a dropped connection into a visible error while streaming, but not after completion', () => {
    const lost = reduce(reduce(started(), data(0, 100, 1000, 1)), { type: 'connection-error', retrying: false, now: 2 });
    expect(lost.status).toBe('error');
    expect(lost.error).toMatch(/connection/i);
    const done = reduce(reduce(started(100), data(0, 100, 100, 1)), { type: 'complete', event: { total: 100, seed: 1, elapsedMs: 1 }, now: 2 });
    expect(reduce(done, { type: 'connection-error', retrying: false, now: 3 }).status).toBe('completed');
  });

  it('rides out a reconnect (pinned seed) and gives up after MAX_RECONNECTS without data', () => {
    let s = reduce(started(1000), data(0, 100, 1000, 1));
    s = reduce(s, { type: 'connection-error', retrying: true, now: 2 });
    expect(s.status).toBe('reconnecting');
    expect(isActive(s)).toBe(true);
    s = reduce(s, data(100, 100, 1000, 3));
    expect(s).toMatchObject({ status: 'streaming', reconnects: 0, received: 200 });
    for (let i = 0; i < MAX_RECONNECTS; i++) s = reduce(s, { type: 'connection-error', retrying: true, now: 4 + i });
    expect(s.status).toBe('reconnecting');
    s = reduce(s, { type: 'connection-error', retrying: true, now: 10 });
    expect(s.status).toBe('error');
    expect(s.error).toMatch(/reconnects failed/);
  });

  it('keeps no duplicates when a server repeats rows it already sent', () => {
    let s = reduce(started(300), data(0, 100, 300, 1));
    s = reduce(s, data(50, 100, 300, 2)); // rows 50..149: 50..99 are repeats
    expect(s.received).toBe(150);
    expect(s.store.size).toBe(150);
    expect(rowAt(s.store, 100)).toEqual({ id: 100 });
    s = reduce(s, data(0, 100, 300, 3)); // an old batch again: nothing new
    expect(s.received).toBe(150);
    expect(s.store.size).toBe(150);
  });

  it('never stalls silently: a tick past the no-data watchdog fails the preview', () => {
    let s = reduce(started(), data(0, 100, 1000, 1000));
    s = reduce(s, { type: 'tick', now: 10_000, stallMs: 15_000 });
    expect(s.status).toBe('streaming');
    s = reduce(s, { type: 'tick', now: 17_000, stallMs: 15_000 });
    expect(s.status).toBe('error');
    expect(s.error).toMatch(/No data for 16 s/);
  });

  it('says it is waiting after a few quiet seconds, and clears that when data flows', () => {
    let s = reduce(started(), data(0, 100, 1000, 1000));
    const t1 = reduce(s, { type: 'tick', now: 2000, stallMs: 20_000 });
    expect(t1).toBe(s); // nothing to re-render
    s = reduce(s, { type: 'tick', now: 5500, stallMs: 20_000 });
    expect(s.quietS).toBe(4);
    expect(reduce(s, { type: 'tick', now: 5900, stallMs: 20_000 })).toBe(s);
    s = reduce(s, data(100, 100, 1000, 6000));
    expect(s.quietS).toBe(0);
  });

  it('stop ends the run; events of the stopped run are ignored; restart resets', () => {
    const s = reduce(reduce(started(), data(0, 100, 1000, 1)), { type: 'stop', now: 50 });
    expect(s).toMatchObject({ status: 'stopped', elapsedMs: 50 });
    expect(reduce(s, data(100, 100, 1000, 60))).toBe(s);
    const again = reduce(s, { type: 'start', total: 10, cap: 5, now: 70 });
    expect(again).toMatchObject({ status: 'connecting', run: s.run + 1, received: 0, total: 10, cap: 5, error: null });
    expect(again.store.size).toBe(0);
  });

  it('applies a batch of actions in order (one render per animation frame)', () => {
    const s = reduce(started(300), { type: 'batch', actions: [data(0, 100, 300, 1), data(100, 100, 300, 2), data(200, 100, 300, 3)] });
    expect(s.received).toBe(300);
    expect(s.store.size).toBe(300);
  });
});
