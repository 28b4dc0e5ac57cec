import type { JobStatus } from '@rowflow/contracts';
import { describe, expect, it } from 'vitest';
import { initialMonitor, jobMonitorReducer as reduce, MAX_SERIES } from './job-monitor.js';

const job = (over: Partial<JobStatus> = {}): JobStatus => ({
  id: 'j1', state: 'running', phase: 'loading', table: 'users', dataset: null, targetSchema: 'public', targetTable: 'users', mode: 'create', rowsTotal: 10_000, rowsWritten: 0,
  rowsSkipped: 0, chunksCommitted: 0, retries: 0, chunkSize: 5000, partitions: [], tables: [], seed: 7, createdAt: '', startedAt: null,
  finishedAt: null, error: null, ...over,
});

describe('job monitor', () => {
  it('follows progress events to completion, with a rows/s series', () => {
    let s = reduce(initialMonitor, { type: 'open', job: job({ state: 'queued' }), now: 0 });
    expect(s.status).toBe('connecting');
    s = reduce(s, { type: 'event', name: 'progress', job: job({ rowsWritten: 2000 }), now: 1000 });
    s = reduce(s, { type: 'event', name: 'progress', job: job({ rowsWritten: 3900, rowsSkipped: 100 }), now: 2000 });
    expect(s.status).toBe('live');
    expect(s.series.map((p) => p.t)).toEqual([1000, 2000]);
    expect(s.series[1]!.rate).toBe(2000);
    s = reduce(s, { type: 'event', name: 'completed', job: job({ state: 'completed', rowsWritten: 9900, rowsSkipped: 100 }), now: 3000 });
    expect(s.status).toBe('ended');
    expect(s.job!.rowsWritten).toBe(9900);
  });

  it('opens an already finished job as ended', () => {
    expect(reduce(initialMonitor, { type: 'open', job: job({ state: 'failed' }), now: 0 }).status).toBe('ended');
  });

  it('distinguishes a reconnect (EventSource retries with Last-Event-ID) from a fatal drop', () => {
    const s = reduce(initialMonitor, { type: 'open', job: job(), now: 0 });
    expect(reduce(s, { type: 'connection-error', fatal: false, now: 1 }).status).toBe('reconnecting');
    const dead = reduce(s, { type: 'connection-error', fatal: true, now: 1 });
    expect(dead.status).toBe('error');
    expect(dead.error).toMatch(/connection/);
    const back = reduce(reduce(s, { type: 'connection-error', fatal: false, now: 1 }), { type: 'event', name: 'progress', job: job({ rowsWritten: 1 }), now: 2 });
    expect(back.status).toBe('live');
  });

  it('bounds the chart series', () => {
    let s = reduce(initialMonitor, { type: 'open', job: job(), now: 0 });
    for (let i = 1; i <= MAX_SERIES + 50; i++) s = reduce(s, { type: 'event', name: 'progress', job: job({ rowsWritten: i }), now: i * 100 });
    expect(s.series).toHaveLength(MAX_SERIES);
    expect(s.series[s.series.length - 1]!.t).toBe((MAX_SERIES + 50) * 100);
  });

  it('ignores events after close', () => {
    const s = reduce(reduce(initialMonitor, { type: 'open', job: job(), now: 0 }), { type: 'close' });
    expect(reduce(s, { type: 'event', name: 'progress', job: job({ rowsWritten: 5 }), now: 1 })).toBe(s);
  });
});
