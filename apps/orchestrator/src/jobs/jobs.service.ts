import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { hostname } from 'node:os';
import { type BeforeApplicationShutdown, Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { JobStatus } from '@rowflow/contracts';
import {
  type ChunkSource,
  type JobObserver,
  connectedRole,
  ConstraintBuilder,
  ConstraintRepository,
  applyResumeOptions,
  DEFAULT_AUTO,
  deleteJob,
  JobOrchestrator,
  JobRepository,
  jobTargets,
  LocalChunkSource,
  ThreadedChunkSource,
  parseJobRequest,
  parseResumeOptions,
  PartitionRunner,
  type PartitionWork,
  PgBossQueue,
  realTimers,
} from '@rowflow/jobs';
import { logger } from '@rowflow/platform';
import { Subject } from 'rxjs';
import { ORCHESTRATOR_CONFIG, type OrchestratorConfig } from '../config/orchestrator-config.js';
import { Database } from '../database/database.module.js';
import { GeneratorClient } from '../generator-client/generator-client.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { GeneratorChunkSource } from './generator-chunk-source.js';
import { RowThreads } from './row-threads.js';

/** Index builds of one job at once (each holds a connection and maintenance_work_mem). */
const INDEX_BUILDS = 2;
/**
 * How long one reading of memory pressure stands for the chunk loop. Each reading asks the kernel
 * for the process's RSS (a read of /proc); 4 partitions committing 5000-row chunks asked a few
 * hundred times a second, and RSS does not move that fast.
 */
const PRESSURE_SAMPLE_MS = 100;

/**
 * Nest adapter of the jobs lib: wires Postgres, pg-boss, the row source and metrics into a
 * JobOrchestrator and maps its "not ready" error to 503. All orchestration logic (start-up
 * retries, sweep, constraint phase hand-over) lives in @rowflow/jobs.
 */
@Injectable()
export class JobsService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly repo: JobRepository;
  /** Ids of jobs that ended in this process (completed or failed), the moment they did. */
  readonly ended = new Subject<string>();
  private readonly orchestrator: JobOrchestrator;
  private roleChecked = false;

  constructor(
    @Inject(ORCHESTRATOR_CONFIG) private readonly config: OrchestratorConfig,
    private readonly db: Database,
    generator: GeneratorClient,
    metrics: MetricsService,
    private readonly rowThreads: RowThreads,
  ) {
    this.repo = new JobRepository(db.pool, { targetSchema: config.TARGET_SCHEMAS });
    const owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    const sourceFor = this.sourceFor(config, generator);
    // Over MEMORY_BUDGET_MB the runner cuts smaller chunks instead of growing.
    const pressure = sampledEvery(PRESSURE_SAMPLE_MS, () => metrics.memory.over());
    const runner = new PartitionRunner(db.pool, this.repo, sourceFor, {
      owner,
      observer: endAware(metrics, (id) => this.ended.next(id)),
      leaseSeconds: config.JOB_LEASE_SECONDS,
      retryWindowMs: config.JOB_RETRY_WINDOW,
      idleTimeoutMs: config.CHUNK_IDLE_TIMEOUT_MS,
      durableCommits: config.JOB_DURABLE_COMMITS,
      auto: { ...DEFAULT_AUTO, pressure },
    });
    const phases = new ConstraintRepository(db.pool);
    const log = logger('JobOrchestrator');
    const onCompleted = (id: string): void => {
      metrics.jobFinished(id, 'completed');
      this.ended.next(id);
    };
    const builder = new ConstraintBuilder(db.pool, phases, { owner, leaseSeconds: config.JOB_LEASE_SECONDS, concurrency: INDEX_BUILDS, log, onCompleted, observer: metrics, durableCommits: config.JOB_DURABLE_COMMITS, indexMemoryMb: config.JOB_INDEX_MEMORY_MB });
    this.orchestrator = new JobOrchestrator(
      {
        store: this.repo,
        // API calls on the request pool: a locked job table is a quick 409, never a held connection.
        api: new JobRepository(db.requests, { targetSchema: config.TARGET_SCHEMAS }),
        orphanedPhases: () => phases.orphaned(),
        // The role check is a read of its own: at once, not one more round trip after the migration.
        migrate: async () => {
          await Promise.all([db.migrate(), this.warnIfSuperuser(db, log)]);
        },
        queue: new PgBossQueue(config.DATABASE_URL, logger('JobQueue')),
        runPartition: (id, signal) => runner.run(id, signal),
        runPartitions: (ids, signal) => runner.runBatch(ids, signal),
        finishJob: (id, signal) => runner.finishJob(id, signal),
        runPhase: (id, signal) => builder.run(id, signal),
        timers: realTimers,
        log,
      },
      { workers: config.JOB_WORKERS, concurrency: config.WORKER_CONCURRENCY, sweepMs: config.JOB_SWEEP_MS },
    );
    // Every concurrent chunk (COPY pipeline, generator request, the stream opened ahead, backoff
    // sleep) listens on this one signal; 4 partitions exceed Node's default of 10 legitimately.
    setMaxListeners(256, this.orchestrator.signal);
    metrics.setActiveJobsProvider(async () => {
      const res = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM rowflow.jobs WHERE state IN ('queued', 'running')`);
      return res.rows[0]?.n ?? 0;
    });
  }

  /**
   * Where partitions get their rows: the generator over HTTP, generated here on worker threads
   * (the default: generation then uses the machine's other cores, not the event loop that
   * drives the COPY connections), or here on the event loop (JOB_ROW_THREADS=0).
   */
  private sourceFor(config: OrchestratorConfig, generator: GeneratorClient): (w: PartitionWork) => ChunkSource {
    if (config.JOB_ROW_SOURCE === 'generator') return (w) => new GeneratorChunkSource(generator, w);
    if (config.JOB_ROW_THREADS === 0) return (w) => new LocalChunkSource(w);
    return (w) => new ThreadedChunkSource(this.rowThreads.pool(), w);
  }

  /** A superuser bypasses every grant: the write-scope checks would be the only safeguard left. */
  private async warnIfSuperuser(db: Database, log: ReturnType<typeof logger>): Promise<void> {
    if (this.roleChecked) return; // a start-up retried for its migration checks the role once
    const role = await connectedRole(db.pool);
    this.roleChecked = true;
    if (!role.superuser) return;
    log.warn(
      { event: 'superuser_connection', role: role.name, targetSchema: this.config.TARGET_SCHEMA },
      `connected to PostgreSQL as superuser "${role.name}": give Rowflow a role of its own without SUPERUSER (see docs/security.md, "Least privilege")`,
    );
  }

  /**
   * The first job after start took ~1.3 s longer than the next: its row threads started (a
   * Node isolate each, loading and compiling the generator) and its pool connections were
   * opened (password authentication included). Both are warmed in the background so that the
   * first job finds them ready: `main` starts both before it loads the app (see RowThreads and
   * DatabasePools); here again, for an app booted without `main` (tests).
   */
  onApplicationBootstrap(): void {
    this.orchestrator.start();
    void this.rowThreads.warm();
    void this.warmConnections();
  }

  /**
   * `main` opened them while the app loaded (or, without `main`, at once); when the database
   * was not up yet, again once the job store started. Best effort: a failure only means the
   * first job opens its connections itself.
   */
  private async warmConnections(): Promise<void> {
    if (await this.db.warm()) return;
    try {
      await this.orchestrator.whenReady();
      await this.db.warm();
    } catch (err) {
      logger('JobsService').debug({ err: err instanceof Error ? err.message : String(err) }, 'connection warm-up skipped');
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.orchestrator.stop();
    await this.rowThreads.close();
  }

  create(body: unknown): Promise<JobStatus> {
    const def = parseJobRequest(body, { maxRows: this.config.MAX_ROWS });
    jobTargets(this.config.TARGET_SCHEMAS, def); // a refused name or schema is a 400 even while the database is down
    return this.orchestrator.create(def);
  }

  list(): Promise<JobStatus[]> {
    return this.orchestrator.list();
  }

  get(id: string): Promise<JobStatus> {
    return this.orchestrator.get(id);
  }

  cancel(id: string): Promise<JobStatus> {
    return this.orchestrator.cancel(id);
  }

  /**
   * Re-opens a cancelled/failed job (or re-enqueues a stuck one) from each partition's next_row;
   * `maxDeadLetters` first raises (or sets) the dead-letter limit of a job that stopped on it.
   */
  async resume(id: string, body?: unknown): Promise<JobStatus> {
    const opts = parseResumeOptions(body);
    await this.orchestrator.whenReady();
    await this.orchestrator.get(id); // unknown → 404 before anything changes
    await applyResumeOptions(this.db.requests, id, opts);
    return this.orchestrator.resume(id);
  }

  /** Deletes a finished job and its dead letters; its target tables only with `dropTables`. */
  async delete(id: string, dropTables: boolean): Promise<void> {
    await this.orchestrator.whenReady();
    const writeScope = String(this.config.TARGET_SCHEMA).split(',').map((s) => s.trim());
    await deleteJob(this.db.requests, id, { dropTables, writeScope });
  }

  deadLetters(id: string): ReturnType<JobOrchestrator['deadLetters']> {
    return this.orchestrator.deadLetters(id);
  }
}

/** The metrics observer, also telling `onEnd` when a job ended here (its event streams re-read it at once). */
function endAware(metrics: MetricsService, onEnd: (jobId: string) => void): JobObserver {
  return {
    chunkCommitted: (id, rows, ms) => metrics.chunkCommitted(id, rows, ms),
    retried: () => metrics.retried(),
    deadLettered: (id, rows) => metrics.deadLettered(id, rows),
    partitionActive: (delta) => metrics.partitionActive(delta),
    phaseFinished: (id, phase, ms) => metrics.phaseFinished(id, phase, ms),
    jobFinished: (id, state) => {
      metrics.jobFinished(id, state);
      onEnd(id);
    },
  };
}

/** `read()`, asked again only once its last answer is `ms` old. */
function sampledEvery(ms: number, read: () => boolean): () => boolean {
  let value = false;
  let at = -Infinity;
  return () => {
    const now = performance.now();
    if (now - at >= ms) [value, at] = [read(), now];
    return value;
  };
}
