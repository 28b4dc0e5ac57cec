import type { JobStatus } from '@rowflow/contracts';
import { describe, expect, it } from 'vitest';
import type { PhaseOutcome } from './constraint-builder.js';
import { JobOrchestrator, type JobStorePort, type OrchestratorDeps, UnavailableError } from './job-orchestrator.js';
import type { OpenPartition } from './job-repository.js';
import type { JobDefinition } from './job-spec.js';
import type { RunOutcome } from './partition-runner.js';
import type { LogPort, QueuePort, TimerPort } from './ports.js';

/** Timers driven by the test: sleeps wait until released, intervals fire on tick(). */
class ManualTimers implements TimerPort {
  readonly sleeps: Array<{ ms: number; release: () => void }> = [];
  private readonly intervals: Array<{ ms: number; fn: () => void; live: boolean }> = [];

  every(ms: number, fn: () => void) {
    const entry = { ms, fn, live: true };
    this.intervals.push(entry);
    return { cancel: () => void (entry.live = false) };
  }

  sleep(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      this.sleeps.push({ ms, release: resolve });
      signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
    });
  }

  tick(): void {
    for (const i of this.intervals) if (i.live) i.fn();
  }

  get liveIntervals(): number {
    return this.intervals.filter((i) => i.live).length;
  }
}

class FakeQueue implements QueuePort {
  readonly sent: OpenPartition[] = [];
  handler: ((p: OpenPartition) => Promise<void>) | undefined;
  consumers = 0;
  failSends = false;
  stopped = false;
  start = () => Promise.resolve();
  work(concurrency: number, handler: (p: OpenPartition) => Promise<void>): Promise<void> {
    this.consumers = concurrency;
    this.handler = handler;
    return Promise.resolve();
  }
  enqueue(parts: OpenPartition[]): Promise<void> {
    if (this.failSends) return Promise.reject(new Error('queue down'));
    this.sent.push(...parts);
    return Promise.resolve();
  }
  stop(): Promise<void> {
    this.stopped = true;
    return Promise.resolve();
  }
}

const silent: LogPort & { warnings: string[] } = {
  warnings: [],
  debug: () => undefined,
  info: () => undefined,
  warn(_obj: object, msg: string) {
    this.warnings.push(msg);
  },
  error: () => undefined,
};

function status(id: string, over: Partial<JobStatus> = {}): JobStatus {
  return { id, state: 'running', phase: 'loading', table: 't', dataset: null, targetSchema: 'public', targetTable: 't', mode: 'create', rowsTotal: 1, rowsWritten: 0, rowsSkipped: 0, chunksCommitted: 0, retries: 0, chunkSize: 5000, partitions: [], tables: [], seed: 1, createdAt: '', startedAt: null, finishedAt: null, error: null, ...over };
}

/** An in-memory job store: only what the orchestrator asks. */
function fakeStore(over: Partial<JobStorePort> = {}): JobStorePort {
  return {
    create: () => Promise.resolve('job-1'),
    get: (id) => Promise.resolve(status(id)),
    stateOf: () => Promise.resolve({ state: 'running', phase: 'loading' }),
    list: () => Promise.resolve([]),
    cancel: (id) => Promise.resolve(status(id, { state: 'cancelled' })),
    resume: (id) => Promise.resolve(status(id, { state: 'queued' })),
    unfinishedPartitions: (jobId) => Promise.resolve([{ jobId, partitionId: 1 }, { jobId, partitionId: 2 }]),
    orphanedPartitions: () => Promise.resolve([]),
    readyPartitions: () => Promise.resolve([]),
    jobsAwaitingFinish: () => Promise.resolve([]),
    deadLetters: () => Promise.resolve([]),
    ...over,
  };
}

interface Rig {
  orch: JobOrchestrator;
  queue: FakeQueue;
  timers: ManualTimers;
  phaseRuns: string[];
  partitionRuns: number[];
  finishPhase: () => void;
}

function rig(over: Partial<OrchestratorDeps> = {}, opts: { workers?: boolean } = {}): Rig {
  const queue = new FakeQueue();
  const timers = new ManualTimers();
  const phaseRuns: string[] = [];
  const partitionRuns: number[] = [];
  let finishPhase: () => void = () => undefined;
  const deps: OrchestratorDeps = {
    store: fakeStore(),
    orphanedPhases: () => Promise.resolve([]),
    migrate: () => Promise.resolve(),
    queue,
    runPartition: (id): Promise<RunOutcome> => {
      partitionRuns.push(id);
      return Promise.resolve('done');
    },
    finishJob: () => Promise.resolve(),
    runPhase: (id, signal): Promise<PhaseOutcome> => {
      phaseRuns.push(id);
      return new Promise((resolve) => {
        finishPhase = () => resolve('done');
        signal.addEventListener('abort', () => resolve('stopped'), { once: true });
      });
    },
    timers,
    log: silent,
    ...over,
  };
  const orch = new JobOrchestrator(deps, { concurrency: 3, readyTimeoutMs: 1000, ...opts });
  return { orch, queue, timers, phaseRuns, partitionRuns, finishPhase: () => finishPhase() };
}

const flush = () => new Promise((r) => setImmediate(r));
const DEF = {} as JobDefinition;

describe('JobOrchestrator', () => {
  it('retries start-up with growing, capped backoff until migrations succeed, then serves', async () => {
    let attempts = 0;
    const r = rig({ migrate: () => (++attempts < 4 ? Promise.reject(new Error('db down')) : Promise.resolve()) });
    r.orch.start();
    for (let i = 0; i < 3; i++) {
      await flush();
      r.timers.sleeps.find((s) => s.ms !== 1000)!.release();
      r.timers.sleeps.splice(r.timers.sleeps.findIndex((s) => s.ms !== 1000), 1);
    }
    await r.orch.whenReady();
    expect(attempts).toBe(4);
    expect(r.queue.consumers).toBe(3);
    expect(silent.warnings.filter((w) => w.includes('start-up failed')).length).toBeGreaterThanOrEqual(3);
  });

  it('backoff doubles from 200 ms and is capped', async () => {
    const r = rig({ migrate: () => Promise.reject(new Error('db down')) });
    r.orch.start();
    const waits: number[] = [];
    for (let i = 0; i < 7; i++) {
      await flush();
      const s = r.timers.sleeps.shift()!;
      waits.push(s.ms);
      s.release();
    }
    expect(waits).toEqual([200, 400, 800, 1600, 3200, 5000, 5000]);
    await r.orch.stop();
  });

  it('migrates and starts the queue at once, and retries only once both settled', async () => {
    let queueStarted = false;
    let attempts = 0;
    let starting = 0;
    let mostAtOnce = 0;
    const r = rig({
      // Resolves only once the queue's start began: sequential steps would never get there.
      migrate: async () => {
        const attempt = ++attempts;
        while (!queueStarted) await flush();
        if (attempt === 1) throw new Error('db down');
      },
    });
    r.queue.start = async () => {
      mostAtOnce = Math.max(mostAtOnce, ++starting);
      queueStarted = true;
      for (let i = 0; i < 5; i++) await flush();
      starting--;
    };
    r.orch.start();
    while (!r.timers.sleeps.some((s) => s.ms !== 1000)) await flush();
    r.timers.sleeps.find((s) => s.ms !== 1000)!.release();
    await r.orch.whenReady();
    expect(attempts).toBe(2);
    expect(mostAtOnce).toBe(1); // the retry began after the failed attempt's queue start ended
    await r.orch.stop();
  });

  it('API calls do not wait for the start-up sweep', async () => {
    let release: () => void = () => undefined;
    const hung = new Promise<OpenPartition[]>((ok) => (release = () => ok([{ jobId: 'old', partitionId: 3 }])));
    const r = rig({ store: fakeStore({ orphanedPartitions: () => hung }) });
    r.orch.start();
    await expect(r.orch.create(DEF)).resolves.toMatchObject({ id: 'job-1' });
    expect(r.queue.sent.map((p) => p.partitionId)).toEqual([1, 2]);
    release();
    await r.orch.swept();
    expect(r.queue.sent.map((p) => p.partitionId)).toEqual([1, 2, 3]);
    await r.orch.stop();
  });

  it('API calls fail with UnavailableError while start-up cannot finish', async () => {
    const r = rig({ migrate: () => new Promise(() => undefined) });
    r.orch.start();
    const call = r.orch.list();
    await flush();
    r.timers.sleeps.find((s) => s.ms === 1000)!.release(); // the ready timeout expires
    await expect(call).rejects.toBeInstanceOf(UnavailableError);
    await expect(rig().orch.list()).rejects.toThrow(/starting/); // never started
  });

  it('create stores the job and enqueues its partitions; an enqueue failure is left to the sweep', async () => {
    const r = rig();
    r.orch.start();
    const created = await r.orch.create(DEF);
    expect(created.id).toBe('job-1');
    expect(r.queue.sent.map((p) => p.partitionId)).toEqual([1, 2]);
    r.queue.failSends = true;
    await expect(r.orch.create(DEF)).resolves.toMatchObject({ id: 'job-1' });
    expect(silent.warnings).toContain('enqueue failed; the sweep will retry');
  });

  it('the sweep re-queues orphaned partitions and starts each orphaned phase once while it runs', async () => {
    let orphans: OpenPartition[] = [{ jobId: 'a', partitionId: 7 }];
    const r = rig({ store: fakeStore({ orphanedPartitions: () => Promise.resolve(orphans) }), orphanedPhases: () => Promise.resolve(['job-x']) });
    r.orch.start();
    await r.orch.whenReady();
    await r.orch.swept();
    expect(r.queue.sent).toEqual([{ jobId: 'a', partitionId: 7 }]);
    orphans = [];
    r.timers.tick();
    r.timers.tick();
    await flush();
    expect(r.phaseRuns).toEqual(['job-x']); // not again while the first run is in flight
    r.finishPhase();
    await flush();
    r.timers.tick();
    await flush();
    expect(r.phaseRuns).toEqual(['job-x', 'job-x']);
    await r.orch.stop();
  });

  it('a finished partition enqueues tables that waited on it and hands the job to its constraint phase', async () => {
    let phase: JobStatus['phase'] = 'loading';
    const store = fakeStore({
      stateOf: () => Promise.resolve({ state: 'running', phase }),
      readyPartitions: (jobId) => Promise.resolve([{ jobId, partitionId: 9 }]),
    });
    const r = rig({ store });
    r.orch.start();
    await r.orch.whenReady();
    await r.queue.handler!({ jobId: 'j', partitionId: 1 });
    expect(r.partitionRuns).toEqual([1]);
    expect(r.queue.sent).toEqual([{ jobId: 'j', partitionId: 9 }]);
    expect(r.phaseRuns).toEqual([]);
    phase = 'building indexes';
    await r.queue.handler!({ jobId: 'j', partitionId: 2 });
    expect(r.phaseRuns).toEqual(['j']);
    await r.orch.stop();
  });

  it('small partitions of a job go out as one delivery per batch group and run as one batch', async () => {
    const batches: number[][] = [];
    const store = fakeStore({
      unfinishedPartitions: (jobId) => Promise.resolve([1, 2, 3, 4].map((id) => ({ jobId, partitionId: id, group: id === 4 ? null : Math.floor(id / 3) }))),
    });
    const r = rig({ store, runPartitions: (ids) => (batches.push(ids), Promise.resolve('done' as const)) });
    r.orch.start();
    await r.orch.create(DEF);
    expect(r.queue.sent).toEqual([
      { jobId: 'job-1', partitionId: 1, group: 0, batch: [2] },
      { jobId: 'job-1', partitionId: 3, group: 1 },
      { jobId: 'job-1', partitionId: 4, group: null },
    ]);
    for (const d of r.queue.sent.slice()) await r.queue.handler!(d);
    expect(batches).toEqual([[1, 2]]);
    expect(r.partitionRuns).toEqual([3, 4]);
    await r.orch.stop();
  });

  it('without a batch runner, a batch runs partition by partition and stops at a stop', async () => {
    const r = rig({ runPartition: (id) => (r.partitionRuns.push(id), Promise.resolve(id === 2 ? ('stopped' as const) : ('done' as const))) });
    r.orch.start();
    await r.orch.whenReady();
    await r.queue.handler!({ jobId: 'j', partitionId: 1, batch: [2, 3] });
    expect(r.partitionRuns).toEqual([1, 2]);
    await r.orch.stop();
  });

  it('a partition that did not finish starts nothing else', async () => {
    const r = rig({ runPartition: () => Promise.resolve('lost' as const) });
    r.orch.start();
    await r.orch.whenReady();
    await r.queue.handler!({ jobId: 'j', partitionId: 1 });
    expect(r.queue.sent).toEqual([]);
    expect(r.phaseRuns).toEqual([]);
  });

  it('API-only processes (workers: false) neither consume nor sweep', async () => {
    const r = rig({ orphanedPhases: () => Promise.resolve(['p']) }, { workers: false });
    r.orch.start();
    await r.orch.whenReady();
    expect(r.queue.handler).toBeUndefined();
    expect(r.timers.liveIntervals).toBe(0);
    await r.orch.resume('p');
    expect(r.phaseRuns).toEqual([]);
  });

  it('resume re-enqueues partitions and restarts a phase that was interrupted', async () => {
    const r = rig({ store: fakeStore({ resume: (id) => Promise.resolve(status(id, { phase: 'building indexes' })) }) });
    r.orch.start();
    await r.orch.whenReady();
    await r.orch.resume('j');
    expect(r.queue.sent.map((p) => p.partitionId)).toEqual([1, 2]);
    expect(r.phaseRuns).toEqual(['j']);
    await r.orch.stop();
  });

  it('stop aborts the shared signal, cancels the sweep, stops the queue and waits for running phases', async () => {
    let phaseSignal: AbortSignal | undefined;
    let ended = false;
    const r = rig({
      orphanedPhases: () => Promise.resolve(['j']),
      runPhase: (_id, signal) => {
        phaseSignal = signal;
        return new Promise((resolve) => signal.addEventListener('abort', () => setImmediate(() => ((ended = true), resolve('stopped')))));
      },
    });
    r.orch.start();
    await r.orch.whenReady();
    await r.orch.swept();
    await r.orch.stop();
    expect(phaseSignal?.aborted).toBe(true);
    expect(ended).toBe(true);
    expect(r.queue.stopped).toBe(true);
    expect(r.timers.liveIntervals).toBe(0);
  });
});
