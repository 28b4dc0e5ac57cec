import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { previewEvents$ } from './preview-events.js';
import type { SseEvent } from './sse-event.js';

const row = (i: number) => `{"id":${i}}`;

function scheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

describe('previewEvents$ (marbles)', () => {
  it('batches rows with cumulative progress, flushes the tail, then completes', () => {
    const ts = scheduler();
    ts.run(({ cold, expectObservable }) => {
      const lines = cold('a-b-c-d-e|', { a: row(1), b: row(2), c: row(3), d: row(4), e: row(5) });
      const events = previewEvents$(lines, { total: 5, seed: 7, batchSize: 2, heartbeatMs: 1000, now: () => ts.now() });
      // The last row completes the stream at once (take(total)), without waiting for upstream's end.
      expectObservable(events).toBe('--x---y-(zc|)', {
        x: { kind: 'data', lines: [row(1), row(2)], progress: 2, total: 5 },
        y: { kind: 'data', lines: [row(3), row(4)], progress: 4, total: 5 },
        z: { kind: 'data', lines: [row(5)], progress: 5, total: 5 },
        c: { kind: 'complete', data: { total: 5, seed: 7, elapsedMs: 8 } },
      } satisfies Record<string, SseEvent>);
    });
  });

  it('sends a heartbeat every period while idle and stops it with the stream', () => {
    const ts = scheduler();
    ts.run(({ cold, expectObservable }) => {
      const lines = cold('25ms a|', { a: row(1) });
      const events = previewEvents$(lines, { total: 1, seed: 1, batchSize: 100, heartbeatMs: 10, now: () => ts.now() });
      expectObservable(events).toBe('10ms h 9ms h 4ms (dc|)', {
        h: { kind: 'heartbeat' },
        d: { kind: 'data', lines: [row(1)], progress: 1, total: 1 },
        c: { kind: 'complete', data: { total: 1, seed: 1, elapsedMs: 25 } },
      } satisfies Record<string, SseEvent>);
    });
  });

  it('turns an upstream failure into one error event and unsubscribes upstream', () => {
    const ts = scheduler();
    ts.run(({ cold, expectObservable, expectSubscriptions }) => {
      const lines = cold('a-#', { a: row(1) }, new Error('socket hang up'));
      const events = previewEvents$(lines, { total: 3, seed: 1, batchSize: 100, heartbeatMs: 1000, now: () => ts.now() });
      expectObservable(events).toBe('--(e|)', { e: { kind: 'error', data: { message: 'upstream failed: socket hang up' } } });
      expectSubscriptions(lines.subscriptions).toBe('^-!');
    });
  });

  it('reports a stream that ends short of the requested rows as an error', () => {
    const ts = scheduler();
    ts.run(({ cold, expectObservable }) => {
      const lines = cold('a|', { a: row(1) });
      const events = previewEvents$(lines, { total: 2, seed: 1, batchSize: 100, heartbeatMs: 1000, now: () => ts.now() });
      expectObservable(events).toBe('-(de|)', {
        d: { kind: 'data', lines: [row(1)], progress: 1, total: 2 },
        e: { kind: 'error', data: { message: 'upstream failed: generator stream ended after 1 of 2 rows' } },
      });
    });
  });

  it('rejects a line that is not a JSON object', () => {
    const ts = scheduler();
    ts.run(({ cold, expectObservable }) => {
      const lines = cold('x|', { x: 'not json' });
      const events = previewEvents$(lines, { total: 1, seed: 1, batchSize: 100, heartbeatMs: 1000, now: () => ts.now() });
      expectObservable(events).toBe('(e|)', { e: { kind: 'error', data: { message: 'upstream failed: generator sent a malformed line: not json' } } });
    });
  });

  it('relays at most total rows and drops upstream after that', () => {
    const ts = scheduler();
    ts.run(({ cold, expectObservable, expectSubscriptions }) => {
      const lines = cold('a-b-c-d|', { a: row(1), b: row(2), c: row(3), d: row(4) });
      const events = previewEvents$(lines, { total: 2, seed: 1, batchSize: 100, heartbeatMs: 1000, now: () => 0 });
      expectObservable(events).toBe('--(dc|)', {
        d: { kind: 'data', lines: [row(1), row(2)], progress: 2, total: 2 },
        c: { kind: 'complete', data: { total: 2, seed: 1, elapsedMs: 0 } },
      });
      expectSubscriptions(lines.subscriptions).toBe('^-!');
    });
  });

  it('keeps progress per subscription', () => {
    const ts = scheduler();
    ts.run(({ cold, expectObservable }) => {
      const lines = cold('a|', { a: row(1) });
      const events = previewEvents$(lines, { total: 1, seed: 1, batchSize: 100, heartbeatMs: 1000, now: () => 0 });
      const expected = { d: { kind: 'data', lines: [row(1)], progress: 1, total: 1 }, c: { kind: 'complete', data: { total: 1, seed: 1, elapsedMs: 0 } } };
      expectObservable(events).toBe('(dc|)', expected);
      expectObservable(events).toBe('(dc|)', expected);
    });
  });
});
