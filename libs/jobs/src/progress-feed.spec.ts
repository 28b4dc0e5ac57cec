import type { JobStatus } from '@rowflow/contracts';
import { Observable, throwError } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { jobEvents$, ProgressFeed } from './progress-feed.js';

const status = (rowsWritten: number, state: JobStatus['state'] = 'running'): JobStatus => ({ id: 'j', state, rowsWritten, rowsSkipped: 0 }) as JobStatus;

function scheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

/** A reader that answers synchronously from a script of statuses (last one repeats) and counts calls. */
function scripted(script: (JobStatus | Error)[]): { read: () => Observable<JobStatus>; calls: () => number } {
  let n = 0;
  return {
    read: () => {
      const s = script[Math.min(n++, script.length - 1)]!;
      return s instanceof Error ? throwError(() => s) : new Observable<JobStatus>((sub) => (sub.next(s), sub.complete()));
    },
    calls: () => n,
  };
}

describe('ProgressFeed (marbles)', () => {
  it('polls once per interval however many watchers a job has', () => {
    const ts = scheduler();
    ts.run(({ expectObservable, flush }) => {
      const r = scripted([status(1), status(2), status(3), status(4)]);
      const feed = new ProgressFeed(r.read, { pollMs: 10, scheduler: ts });
      for (let i = 0; i < 100; i++) expectObservable(feed.statuses('j'), '^ 35ms !').toBe('a 9ms b 9ms c 9ms d', { a: status(1), b: status(2), c: status(3), d: status(4) });
      flush();
      expect(r.calls()).toBe(4); // ticks at 0, 10, 20, 30 — not 400
      expect(feed.active).toBe(0); // every watcher left: the loop stopped
    });
  });

  it('a late watcher gets the latest status at once, then shares the loop', () => {
    const ts = scheduler();
    ts.run(({ expectObservable, flush }) => {
      const r = scripted([status(1), status(2), status(3)]);
      const feed = new ProgressFeed(r.read, { pollMs: 10, scheduler: ts });
      expectObservable(feed.statuses('j'), '^ 25ms !').toBe('a 9ms b 9ms c', { a: status(1), b: status(2), c: status(3) });
      expectObservable(feed.statuses('j'), '15ms ^ 10ms !').toBe('15ms b 4ms c', { b: status(2), c: status(3) });
      flush();
      expect(r.calls()).toBe(3);
    });
  });

  it('stops polling when the last watcher leaves, and restarts for a new one', () => {
    const ts = scheduler();
    ts.run(({ expectObservable, flush }) => {
      const r = scripted([status(1), status(2), status(3)]);
      const feed = new ProgressFeed(r.read, { pollMs: 10, scheduler: ts });
      expectObservable(feed.statuses('j'), '^ 5ms !').toBe('a', { a: status(1) });
      expectObservable(feed.statuses('j'), '50ms ^ 5ms !').toBe('50ms b', { b: status(2) });
      flush();
      expect(r.calls()).toBe(2);
    });
  });

  it('completes every watcher after a terminal state; a watcher after the end reads it once', () => {
    const ts = scheduler();
    ts.run(({ expectObservable, flush }) => {
      const r = scripted([status(1), status(5, 'completed')]);
      const feed = new ProgressFeed(r.read, { pollMs: 10, scheduler: ts });
      expectObservable(feed.statuses('j')).toBe('a 9ms (b|)', { a: status(1), b: status(5, 'completed') });
      expectObservable(feed.statuses('j')).toBe('a 9ms (b|)', { a: status(1), b: status(5, 'completed') });
      expectObservable(feed.statuses('j'), '30ms ^').toBe('30ms (b|)', { b: status(5, 'completed') });
      flush();
      expect(r.calls()).toBe(3);
      expect(feed.active).toBe(0);
    });
  });

  it('skips a failed read (database restarting) and keeps polling', () => {
    const ts = scheduler();
    ts.run(({ expectObservable }) => {
      const r = scripted([status(1), new Error('connection refused'), status(3, 'failed')]);
      const feed = new ProgressFeed(r.read, { pollMs: 10, scheduler: ts });
      expectObservable(feed.statuses('j')).toBe('a 19ms (c|)', { a: status(1), c: status(3, 'failed') });
    });
  });

  it('a wake reads at once: the end is heard without waiting for the next tick, other jobs are not read', () => {
    const ts = scheduler();
    ts.run(({ cold, expectObservable, flush }) => {
      const r = scripted([status(1), status(5, 'completed')]);
      const other = scripted([status(7)]);
      const feed = new ProgressFeed((id) => (id === 'j' ? r.read() : other.read()), { pollMs: 100, scheduler: ts });
      cold('30ms a 9ms b').subscribe((id) => feed.wake(id === 'a' ? 'k' : 'j'));
      expectObservable(feed.statuses('j')).toBe('a 39ms (b|)', { a: status(1), b: status(5, 'completed') });
      expectObservable(feed.statuses('k'), '^ 50ms !').toBe('k 29ms k', { k: status(7) });
      flush();
      expect(r.calls()).toBe(2); // the tick at 0 and the wake at 40; no tick at 100
    });
  });

  it('keeps different jobs apart', () => {
    const ts = scheduler();
    ts.run(({ expectObservable, flush }) => {
      let calls = 0;
      const feed = new ProgressFeed((id) => (calls++, [{ ...status(1, 'completed'), id }]), { pollMs: 10, scheduler: ts });
      expectObservable(feed.statuses('x')).toBe('(x|)', { x: { ...status(1, 'completed'), id: 'x' } });
      expectObservable(feed.statuses('y')).toBe('(y|)', { y: { ...status(1, 'completed'), id: 'y' } });
      flush();
      expect(calls).toBe(2);
    });
  });
});

describe('jobEvents$ (marbles)', () => {
  it('sends progress only when the id moved, then the terminal event, and completes', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const s = cold('a-a-b-c|', { a: status(10), b: status(20), c: status(20, 'completed') });
      expectObservable(jobEvents$(s)).toBe('a---b-(c|)', {
        a: { event: 'progress', id: 10, data: status(10) },
        b: { event: 'progress', id: 20, data: status(20) },
        c: { event: 'completed', id: 20, data: status(20, 'completed') },
      });
    });
  });

  it('skips what Last-Event-ID says the client has, but always sends the terminal event', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const s = cold('a-b-c', { a: status(10), b: status(30), c: status(30, 'cancelled') });
      expectObservable(jobEvents$(s, 30)).toBe('----(c|)', { c: { event: 'cancelled', id: 30, data: status(30, 'cancelled') } });
    });
  });

  it('sends a phase change although no row moved (same id), also after a resume', () => {
    const at = (rows: number, phase: JobStatus['phase'], state: JobStatus['state'] = 'running') => ({ ...status(rows, state), phase });
    const a = at(10, 'loading');
    const b = at(20, 'loading');
    const c = at(20, 'building indexes');
    const d = at(20, 'done', 'completed');
    scheduler().run(({ cold, expectObservable }) => {
      const s = cold('a-b-b-c-c-d|', { a, b, c, d });
      expectObservable(jobEvents$(s)).toBe('a-b---c---(d|)', {
        a: { event: 'progress', id: 10, data: a },
        b: { event: 'progress', id: 20, data: b },
        c: { event: 'progress', id: 20, data: c },
        d: { event: 'completed', id: 20, data: d },
      });
      expectObservable(jobEvents$(s, 20)).toBe('------c---(d|)', { c: { event: 'progress', id: 20, data: c }, d: { event: 'completed', id: 20, data: d } });
    });
  });

  it('keeps the last id per watcher', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const s = cold('a-b|', { a: status(10), b: status(20) });
      const events = jobEvents$(s, 15);
      const b = { b: { event: 'progress', id: 20, data: status(20) } };
      expectObservable(events).toBe('--b|', b);
      expectObservable(events).toBe('--b|', b);
    });
  });
});
