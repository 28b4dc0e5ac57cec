import type { CreateExportRequest, ExportStatus } from '@rowflow/contracts';
import type { LogPort, TimerPort } from '@rowflow/jobs';
import { describe, expect, it } from 'vitest';
import { type ExportApiPort, ExportOrchestrator, type ExportOrchestratorDeps, type ExportStorePort } from './export-orchestrator.js';

const quiet: LogPort = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** Back-off sleeps end at once, the ready timeout never (until aborted); intervals run on fire(). */
function instantTimers(): TimerPort & { fire(): void; live: number } {
  const fns: Array<{ fn: () => void; live: boolean }> = [];
  return {
    every(_ms, fn) {
      const e = { fn, live: true };
      fns.push(e);
      return { cancel: () => void (e.live = false) };
    },
    sleep: (ms, signal) =>
      ms < 10_000
        ? Promise.resolve()
        : new Promise<void>((_resolve, reject) => signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true })),
    fire: () => fns.filter((e) => e.live).forEach((e) => e.fn()),
    get live() {
      return fns.filter((e) => e.live).length;
    },
  };
}

function status(id: string, state: ExportStatus['state'] = 'queued'): ExportStatus {
  return { id, state, table: 't', request: { table: 't' } as CreateExportRequest, rows: 0, bytes: 0, chunks: 0, rowsEstimate: null, retries: 0, sha256: null, error: null, file: null, createdAt: '', startedAt: null, finishedAt: null };
}

/** A store whose orphaned exports and transient failures the test sets; the runs are recorded and held until aborted. */
function harness(over: { orphaned?: string[]; reopened?: string[]; migrateFailures?: number; workers?: boolean } = {}) {
  let failures = over.migrateFailures ?? 0;
  const orphaned = [...(over.orphaned ?? [])];
  const runs: Array<{ id: string; signal: AbortSignal }> = [];
  const store: ExportStorePort = {
    get: (id) => Promise.resolve(status(id)),
    orphaned: () => Promise.resolve(orphaned.splice(0)),
    reopenTransientFailures: () => Promise.resolve(over.reopened ?? []),
    expired: () => Promise.resolve([]),
    delete: () => Promise.resolve(),
  };
  const api: ExportApiPort = { create: (_r, _e, id) => Promise.resolve(id ?? 'x'), get: (id) => Promise.resolve(status(id)), list: () => Promise.resolve([]), cancel: (id) => Promise.resolve(status(id, 'cancelled')), resume: (id) => Promise.resolve(status(id)) };
  const timers = instantTimers();
  const deps: ExportOrchestratorDeps = {
    store,
    api,
    migrate: () => (failures-- > 0 ? Promise.reject(new Error('connect ECONNREFUSED')) : Promise.resolve()),
    run: (s, signal) =>
      new Promise<void>((resolve) => {
        runs.push({ id: s.id, signal });
        signal.addEventListener('abort', () => resolve(), { once: true });
      }),
    removeFiles: () => Promise.resolve(),
    timers,
    log: quiet,
  };
  const orch = new ExportOrchestrator(deps, { workers: over.workers ?? true });
  return { orch, runs, timers, addOrphan: (id: string) => orphaned.push(id) };
}

/** Lets queued promise callbacks run (the runs start asynchronously). */
const settle = () => new Promise((r) => setImmediate(r));

describe('ExportOrchestrator', () => {
  it('retries start-up until the database answers, then continues every export nobody holds', async () => {
    const h = harness({ migrateFailures: 3, orphaned: ['a', 'b'] });
    h.orch.start();
    await h.orch.whenReady();
    await settle();
    expect(h.runs.map((r) => r.id).sort()).toEqual(['a', 'b']);
    // Taken over later (another process died): the periodic sweep starts it, once.
    h.addOrphan('c');
    h.addOrphan('a'); // still running here: not started twice
    h.timers.fire();
    await settle();
    expect(h.runs.map((r) => r.id).sort()).toEqual(['a', 'b', 'c']);
    await h.orch.stop();
    expect(h.runs.every((r) => r.signal.aborted)).toBe(true);
    expect(h.timers.live).toBe(0);
  });

  it('cancel stops the run in this process; create and resume start one', async () => {
    const h = harness();
    h.orch.start();
    await h.orch.whenReady();
    await h.orch.create({ table: 't' } as CreateExportRequest, null, 'n1');
    await settle();
    expect(h.runs.map((r) => r.id)).toEqual(['n1']);
    expect((await h.orch.cancel('n1')).state).toBe('cancelled');
    expect(h.runs[0]!.signal.aborted).toBe(true);
    await settle();
    await h.orch.resume('n1');
    await settle();
    expect(h.runs.map((r) => r.id)).toEqual(['n1', 'n1']);
    await h.orch.stop();
  });

  it('an API-only process (no workers) runs nothing and starts no sweep', async () => {
    const h = harness({ workers: false, orphaned: ['a'] });
    h.orch.start();
    await h.orch.whenReady();
    await h.orch.create({ table: 't' } as CreateExportRequest, null, 'n1');
    await settle();
    expect(h.runs).toEqual([]);
    expect(h.timers.live).toBe(0);
    await h.orch.stop();
  });
});
