import type { JobStatus } from '@rowflow/contracts';
import type { PhaseOutcome } from './constraint-builder.js';
import type { JobRepository, OpenPartition } from './job-repository.js';
import type { JobDefinition } from './job-spec.js';
import type { RunOutcome } from './partition-runner.js';
import type { LogPort, QueuePort, Repeating, TimerPort } from './ports.js';
import { deliveryPartitions, foldBatches } from './partition-batches.js';
import { Startup } from './startup.js';

export { UnavailableError } from './startup.js';

/** The job store calls the orchestrator makes (JobRepository; a fake in unit specs). */
export type JobStorePort = Pick<
  JobRepository,
  'create' | 'get' | 'stateOf' | 'list' | 'cancel' | 'resume' | 'unfinishedPartitions' | 'orphanedPartitions' | 'readyPartitions' | 'jobsAwaitingFinish' | 'deadLetters'
>;

/** The store calls the API operations make (create, read, cancel, resume). */
export type JobApiPort = Pick<JobStorePort, 'create' | 'get' | 'list' | 'cancel' | 'resume' | 'unfinishedPartitions' | 'deadLetters'>;

export interface OrchestratorDeps {
  store: JobStorePort;
  /**
   * The store as API callers reach it; default `store`. The server gives it the request pool
   * (lock_timeout, acquire timeout), so a request on a locked job table is answered at once
   * instead of holding a connection for as long as the lock lasts.
   */
  api?: JobApiPort;
  /** Jobs in the constraint phase nobody holds a live lease on. */
  orphanedPhases(): Promise<string[]>;
  /** Creates/updates the job tables (idempotent). */
  migrate(): Promise<void>;
  queue: QueuePort;
  runPartition(partitionId: number, signal: AbortSignal): Promise<RunOutcome>;
  /**
   * Several small partitions of one job delivered together (PartitionRunner.runBatch); without
   * it they run one by one through runPartition.
   */
  runPartitions?(partitionIds: number[], signal: AbortSignal): Promise<RunOutcome>;
  /** Ends the load of a job whose partitions all committed (completes it or starts its constraint phase). */
  finishJob(jobId: string, signal: AbortSignal): Promise<void>;
  runPhase(jobId: string, signal: AbortSignal): Promise<PhaseOutcome>;
  timers: TimerPort;
  log: LogPort;
}

export interface OrchestratorOptions {
  /** Work partitions and constraint phases in this process (false: API only). */
  workers: boolean;
  /** Partitions worked at once by this process. */
  concurrency: number;
  /** How often to look for partitions/phases whose lease lapsed (a process died elsewhere). */
  sweepMs: number;
  /** How long an API call waits for start-up (migrations, queue) before giving up. */
  readyTimeoutMs: number;
  /** Cap of the start-up retry backoff. */
  startBackoffCapMs: number;
}

export const DEFAULT_ORCHESTRATOR: OrchestratorOptions = { workers: true, concurrency: 4, sweepMs: 3000, readyTimeoutMs: 15_000, startBackoffCapMs: 5000 };

/**
 * Job orchestration without a framework: start-up with retries (migrations, queue, consumers),
 * the periodic sweep that re-queues partitions and constraint phases whose lease lapsed, the
 * hand-over from the last partition of a job to its constraint phase, and the API operations
 * (each waiting for start-up). Everything with I/O or time is a port, so it is unit-tested
 * with fakes; the apps wire Postgres, pg-boss and real timers.
 */
export class JobOrchestrator {
  private readonly opts: OrchestratorOptions;
  private readonly api: JobApiPort;
  private readonly stopping = new AbortController();
  private readonly phases = new Map<string, Promise<void>>();
  private readonly startup: Startup;
  private sweeper: Repeating | undefined;
  private sweeping = false;
  private firstSweep: Promise<void> | undefined;

  constructor(
    private readonly deps: OrchestratorDeps,
    opts: Partial<OrchestratorOptions> = {},
  ) {
    this.opts = { ...DEFAULT_ORCHESTRATOR, ...opts };
    this.api = deps.api ?? deps.store;
    this.startup = new Startup('job store', deps.timers, deps.log, { readyTimeoutMs: this.opts.readyTimeoutMs, backoffCapMs: this.opts.startBackoffCapMs });
  }

  /** Aborted on stop(); every run started here listens on it. */
  get signal(): AbortSignal {
    return this.stopping.signal;
  }

  /** Starts in the background (retrying) so the process boots while Postgres is still down. */
  start(): void {
    this.startup.begin(() => this.startOnce(), this.stopping.signal);
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    this.sweeper?.cancel();
    await this.deps.queue.stop();
    await Promise.allSettled([...this.phases.values()]);
  }

  async create(def: JobDefinition): Promise<JobStatus> {
    const t = stepTimer();
    await this.whenReady();
    t.step('ready');
    const id = await this.api.create(def);
    t.step('create');
    this.deps.log.debug({ event: 'job_created', jobId: id, ms: t.ms() }, 'job created');
    await this.enqueue(await this.api.unfinishedPartitions(id));
    this.deps.log.debug({ event: 'job_enqueued', jobId: id }, 'job enqueued');
    return this.api.get(id);
  }

  async list(): Promise<JobStatus[]> {
    await this.whenReady();
    return this.api.list();
  }

  async get(id: string): Promise<JobStatus> {
    await this.whenReady();
    return this.api.get(id);
  }

  async cancel(id: string): Promise<JobStatus> {
    await this.whenReady();
    return this.api.cancel(id);
  }

  /** Re-opens a cancelled/failed job from each partition's next_row (or its constraint phase). */
  async resume(id: string): Promise<JobStatus> {
    await this.whenReady();
    const status = await this.api.resume(id);
    await this.enqueue(await this.api.unfinishedPartitions(id));
    if (status.phase === 'building indexes' && status.state === 'running') this.startPhase(id);
    return status;
  }

  async deadLetters(id: string): ReturnType<JobStorePort['deadLetters']> {
    await this.whenReady();
    await this.api.get(id);
    return this.api.deadLetters(id);
  }

  /** Resolves once started; UnavailableError if start-up does not finish within readyTimeoutMs. */
  whenReady(): Promise<void> {
    return this.startup.whenReady();
  }

  /**
   * What API calls wait for: the job tables migrated, the queue started (independent of each
   * other: rowflow's schema and pg-boss's, so both at once) and this process's consumers
   * registered. The start-up sweep is not part of it: it only re-queues and finishes work that
   * was already in the store, the periodic sweep does the same while API calls run, and a job
   * posted right after start waited for it (a few round trips on fresh connections) for nothing.
   */
  private async startOnce(): Promise<void> {
    const t = stepTimer();
    await allSettledOrThrow([this.deps.migrate().then(() => t.step('migrate')), this.deps.queue.start().then(() => t.step('queue'))]);
    if (this.opts.workers) {
      await this.deps.queue.work(this.opts.concurrency, (p) => this.work(p));
      t.step('work');
      this.startSweeping();
    }
    this.deps.log.debug({ event: 'job_store_started', ms: t.ms() }, 'job store started');
  }

  /**
   * The start-up sweep at once (unfinished jobs, e.g. after a crash, are picked up again), then
   * periodically, so work of a process that died elsewhere is taken over once its lease expires.
   */
  private startSweeping(): void {
    if (this.stopping.signal.aborted) return;
    this.sweeper = this.deps.timers.every(this.opts.sweepMs, () => void this.sweep());
    this.firstSweep = this.sweep();
  }

  /** Resolves once the start-up sweep ended (at once when it has not started). */
  async swept(): Promise<void> {
    await this.firstSweep;
  }

  /**
   * Re-queues partitions whose lease lapsed, finishes jobs whose last partition's worker died
   * before finishing them, and restarts constraint phases whose lease lapsed. Never throws; a
   * slow sweep (Postgres away) does not pile up behind the timer.
   */
  async sweep(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      await this.enqueue(await this.deps.store.orphanedPartitions());
      for (const id of await this.deps.store.jobsAwaitingFinish()) await this.deps.finishJob(id, this.stopping.signal);
      for (const id of await this.deps.orphanedPhases()) this.startPhase(id);
    } catch (err) {
      this.deps.log.warn({ err: message(err) }, 'sweep failed');
    } finally {
      this.sweeping = false;
    }
  }

  private async enqueue(parts: OpenPartition[]): Promise<void> {
    if (!parts.length) return;
    try {
      // Small partitions travel in batches: one delivery and claim for up to MAX_BATCH of them.
      await this.deps.queue.enqueue(foldBatches(parts));
    } catch (err) {
      // The job rows are committed; the periodic sweep enqueues them once the queue is reachable.
      this.deps.log.warn({ err: message(err) }, 'enqueue failed; the sweep will retry');
    }
  }

  /** One delivery (a partition, or a batch of small ones); when it finished, tables waiting on it and the constraint phase may start. */
  private async work(p: OpenPartition): Promise<void> {
    if (this.stopping.signal.aborted) return;
    this.deps.log.debug({ event: 'partition_delivered', jobId: p.jobId, partitionId: p.partitionId, batch: p.batch }, 'partition delivered');
    const outcome = await this.run(deliveryPartitions(p));
    this.deps.log.debug({ event: 'partition_end', jobId: p.jobId, partitionId: p.partitionId, batch: p.batch, outcome }, 'partition run ended');
    if (outcome !== 'done') return;
    try {
      await this.enqueue(await this.deps.store.readyPartitions(p.jobId));
      const now = await this.deps.store.stateOf(p.jobId);
      if (now?.state === 'running' && now.phase === 'building indexes') this.startPhase(p.jobId);
    } catch (err) {
      this.deps.log.warn({ jobId: p.jobId, err: message(err) }, 'follow-up after partition failed; the sweep will retry');
    }
  }

  private async run(ids: number[]): Promise<RunOutcome> {
    const signal = this.stopping.signal;
    if (ids.length === 1) return this.deps.runPartition(ids[0]!, signal);
    if (this.deps.runPartitions) return this.deps.runPartitions(ids, signal);
    let done = false;
    let last: RunOutcome = 'busy';
    for (const id of ids) {
      last = await this.deps.runPartition(id, signal);
      if (last === 'stopped' || last === 'failed') return last;
      done ||= last === 'done';
    }
    return done ? 'done' : last;
  }

  /** Runs a job's constraint phase in the background, at most once at a time per job in this process. */
  private startPhase(jobId: string): void {
    if (!this.opts.workers || this.phases.has(jobId) || this.stopping.signal.aborted) return;
    const run = this.deps
      .runPhase(jobId, this.stopping.signal)
      .then((outcome) => this.deps.log.debug({ jobId, outcome }, 'constraint phase run ended'))
      .catch((err: unknown) => this.deps.log.warn({ jobId, err: message(err) }, 'constraint phase run failed; the sweep will retry'))
      .finally(() => this.phases.delete(jobId));
    this.phases.set(jobId, run);
  }
}

/**
 * Waits for every promise, then throws the first failure: a retried start-up must not begin
 * while a step of the failed attempt still runs (pg-boss's start returns at once while starting).
 */
async function allSettledOrThrow(steps: Array<Promise<unknown>>): Promise<void> {
  const failed = (await Promise.allSettled(steps)).find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
}

/** When each named step ended, in ms since the timer started (debug lines of start-up and create). */
function stepTimer(): { step(name: string): void; ms(): Record<string, number> } {
  const ms: Record<string, number> = {};
  const start = performance.now();
  return {
    step: (name) => void (ms[name] = Math.round(performance.now() - start)),
    ms: () => ms,
  };
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
