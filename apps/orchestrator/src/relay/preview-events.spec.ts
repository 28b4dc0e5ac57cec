import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import type { RowBatch } from './ndjson-batcher.js';
import { previewEvents$ } from './preview-events.js';
import type { SseEvent } from './sse-event.js';

const batch = (...ids: number[]): RowBatch => ({ json: Buffer.from(ids.map((i) => `{"id":${i}}`).join(',')), count: ids.length });
const opts = (o: { total: number; seed?: number }, ts: TestScheduler) => ({
  seed: 1,
  now: () => ts.now(),
  ...o,
});

function scheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

describe('previewEvents$ (marbles)', () => {
  it('numbers batches with cumulative progress, then completes with total, seed, elapsedMs', () => {
    const ts = scheduler();
    ts.run(({ cold, expectObservable }) => {
      const a = batch(1, 2);
      const b = batch(3, 4);
      const c = batch(5);
      const batches = cold('--a---b--c|', { a, b, c });
      expectObservable(previewEvents$(batches, opts({ total: 5, seed: 7 }, ts))).toBe('--x---y--z(c|)', {
        x: { kind: 'data', batch: a, progress: 2, total: 5 },
        y: { kind: 'data', batch: b, progress: 4, total: 5 },
        z: { kind: 'data', batch: c, progress: 5, total: 5 },
        c: { kind: 'complete', data: { total: 5, seed: 7, elapsedMs: 10 } },
      } satisfies Record<string, SseEvent>);
    });
  });

  it('turns an upstream failure into one error event and unsubscribes upstream', () => {
    const ts = scheduler();
    ts.run(({ cold, expectObservable, expectSubscriptions }) => {
      const a = batch(1);
      const batches = cold('a-#', { a }, new Error('socket hang up'));
      expectObservable(previewEvents$(batches, opts({ total: 3 }, ts))).toBe('d-(e|)', {
        d: { kind: 'data', batch: a, progress: 1, total: 3 },
        e: { kind: 'error', data: { message: 'upstream failed: socket hang up' } },
      });
      expectSubscriptions(batches.subscriptions).toBe('^-!');
    });
  });

  it('reports a stream that ends short of the requested rows as an error', () => {
    const ts = scheduler();
    ts.run(({ cold, expectObservable }) => {
      const a = batch(1);
      expectObservable(previewEvents$(cold('a|', { a }), opts({ total: 2 }, ts))).toBe('d(e|)', {
        d: { kind: 'data', batch: a, progress: 1, total: 2 },
        e: { kind: 'error', data: { message: 'upstream failed: generator stream ended after 1 of 2 rows' } },
      });
    });
  });

  it('a resumed stream counts progress on from the rows the client already has', () => {
    const ts = scheduler();
    ts.run(({ cold, expectObservable }) => {
      const a = batch(41, 42);
      expectObservable(previewEvents$(cold('a|', { a }), { ...opts({ total: 42 }, ts), from: 40 })).toBe('d(c|)', {
        d: { kind: 'data', batch: a, progress: 42, total: 42 },
        c: { kind: 'complete', data: { total: 42, seed: 1, elapsedMs: 1 } },
      });
    });
  });

  it('keeps progress per subscription', () => {
    const ts = scheduler();
    ts.run(({ cold, expectObservable }) => {
      const a = batch(1);
      const events = previewEvents$(cold('a|', { a }), { total: 1, seed: 1, now: () => 0 });
      const expected = { d: { kind: 'data', batch: a, progress: 1, total: 1 }, c: { kind: 'complete', data: { total: 1, seed: 1, elapsedMs: 0 } } };
      expectObservable(events).toBe('d(c|)', expected);
      expectObservable(events).toBe('d(c|)', expected);
    });
  });
});
