import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { hostname } from 'node:os';
import { type BeforeApplicationShutdown, Inject, Injectable, type OnApplicationBootstrap, ServiceUnavailableException } from '@nestjs/common';
import type { JobStatus } from '@rowflow/contracts';
import { connectedRole, JobRepository, migrate, type OpenPartition, parseJobRequest, PartitionRunner, type PartitionWork, targetRef } from '@rowflow/jobs';
import { logger } from '@rowflow/platform';
import { ORCHESTRATOR_CONFIG, type OrchestratorConfig } from '../config/orchestrator-config.js';
import { Database } from '../database/database.module.js';
import { GeneratorClient } from '../generator-client/generator-client.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { GeneratorChunkSource } from './generator-chunk-source.js';
import { JobQueue } from './job-queue.js';
import { LocalChunkSource } from './local-chunk-source.js';

const READY_TIMEOUT_MS = 15_000;

/**
 * Jobs feature: the API side (create/list/cancel/resume) and, when JOB_WORKERS, the worker side
 * (pg-boss pollers running PartitionRunner). Start-up (migrations, pg-boss) runs in the
 * background with retries so the app boots (and /health answers) even while Postgres is down.
 */
@Injectable()
export class JobsService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = logger('JobsService');
  readonly repo: JobRepository;
  private readonly queue: JobQueue;
  private readonly runner: PartitionRunner;
  private readonly stopping = new AbortController();
  private ready: Promise<void> | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  private sweeping = false;

  constructor(
    @Inject(ORCHESTRATOR_CONFIG) private readonly config: OrchestratorConfig,
    private readonly db: Database,
    generator: GeneratorClient,
    metrics: MetricsService,
  ) {
    // Every concurrent chunk (COPY pipeline, generator request, the stream opened ahead, backoff
    // sleep) listens on this one signal; 4 partitions exceed Node's default of 10 legitimately.
    setMaxListeners(256, this.stopping.signal);
    this.repo = new JobRepository(db.pool, { targetSchema: config.TARGET_SCHEMA });
    this.queue = new JobQueue(config.DATABASE_URL);
    const owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    const sourceFor = config.JOB_ROW_SOURCE === 'local' ? (w: PartitionWork) => new LocalChunkSource(w) : (w: PartitionWork) => new GeneratorChunkSource(generator, w);
    this.runner = new PartitionRunner(db.pool, this.repo, sourceFor, {
      owner,
      observer: metrics,
      leaseSeconds: config.JOB_LEASE_SECONDS,
      retryWindowMs: config.JOB_RETRY_WINDOW,
      idleTimeoutMs: config.CHUNK_IDLE_TIMEOUT_MS,
      durableCommits: config.JOB_DURABLE_COMMITS,
    });
    metrics.setActiveJobsProvider(async () => {
      const res = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM rowflow.jobs WHERE state IN ('queued', 'running')`);
      return res.rows[0]?.n ?? 0;
    });
  }

  onApplicationBootstrap(): void {
    this.ready = this.startWithRetries();
    this.ready.catch(() => undefined); // surfaced to API callers via whenReady()
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    clearInterval(this.sweepTimer);
    await this.queue.stop();
  }

  async create(body: unknown): Promise<JobStatus> {
    const def = parseJobRequest(body, { maxRows: this.config.MAX_ROWS });
    targetRef(this.config.TARGET_SCHEMA, def.targetTable); // a refused name is a 400 even while the database is down
    await this.whenReady();
    const id = await this.repo.create(def);
    await this.enqueue(await this.repo.unfinishedPartitions(id));
    return this.repo.get(id);
  }

  async list(): Promise<JobStatus[]> {
    await this.whenReady();
    return this.repo.list();
  }

  async get(id: string): Promise<JobStatus> {
    await this.whenReady();
    return this.repo.get(id);
  }

  async cancel(id: string): Promise<JobStatus> {
    await this.whenReady();
    return this.repo.cancel(id);
  }

  /** Re-opens a cancelled/failed job (or re-enqueues a stuck one) from each partition's next_row. */
  async resume(id: string): Promise<JobStatus> {
    await this.whenReady();
    const status = await this.repo.resume(id);
    await this.enqueue(await this.repo.unfinishedPartitions(id));
    return status;
  }

  async deadLetters(id: string): Promise<Awaited<ReturnType<JobRepository['deadLetters']>>> {
    await this.repo.get(id);
    return this.repo.deadLetters(id);
  }

  private async whenReady(): Promise<void> {
    if (!this.ready) throw new ServiceUnavailableException('job store is starting');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, fail) => {
      timer = setTimeout(() => fail(new ServiceUnavailableException('job store unavailable (database down?)')), READY_TIMEOUT_MS);
    });
    try {
      await Promise.race([this.ready, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async startWithRetries(): Promise<void> {
    for (let attempt = 0; !this.stopping.signal.aborted; attempt++) {
      try {
        await this.start();
        return;
      } catch (err) {
        this.log.warn({ err: (err as Error).message, attempt }, 'jobs start-up failed; retrying');
        await new Promise((r) => setTimeout(r, Math.min(5000, 200 * 2 ** attempt)).unref());
      }
    }
  }

  private async start(): Promise<void> {
    await migrate(this.db.pool);
    await this.warnIfSuperuser();
    await this.queue.start();
    if (!this.config.JOB_WORKERS) return;
    await this.queue.work(this.config.WORKER_CONCURRENCY, (p) => this.work(p));
    // Start-up sweep: unfinished jobs (e.g. after a crash) are picked up again; then periodically,
    // so partitions of a process that died elsewhere are taken over once its lease expires.
    await this.sweep();
    this.sweepTimer = setInterval(() => void this.sweep(), this.config.JOB_SWEEP_MS);
    this.sweepTimer.unref();
  }

  /** A superuser bypasses every grant: the write-scope checks would be the only safeguard left. */
  private async warnIfSuperuser(): Promise<void> {
    const role = await connectedRole(this.db.pool);
    if (!role.superuser) return;
    this.log.warn(
      { event: 'superuser_connection', role: role.name, targetSchema: this.config.TARGET_SCHEMA },
      `connected to PostgreSQL as superuser "${role.name}": give Rowflow a role of its own without SUPERUSER (see README, "Least privilege")`,
    );
  }

  private async sweep(): Promise<void> {
    if (this.sweeping) return; // a slow sweep (Postgres away) must not pile up behind the timer
    this.sweeping = true;
    try {
      await this.enqueue(await this.repo.orphanedPartitions());
      // Jobs whose partitions all loaded but whose finisher died (kill -9 right after the last
      // commit): finish them here, through the same hook a finishing partition uses.
      for (const id of await this.repo.jobsAwaitingFinish()) await this.runner.finishJob(id, this.stopping.signal);
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'sweep failed');
    } finally {
      this.sweeping = false;
    }
  }

  private async enqueue(parts: OpenPartition[]): Promise<void> {
    if (!parts.length) return;
    try {
      await this.queue.enqueue(parts);
    } catch (err) {
      // The job rows are committed; the periodic sweep enqueues them once pg-boss is reachable.
      this.log.warn({ err: (err as Error).message }, 'enqueue failed; the sweep will retry');
    }
  }

  private async work(p: OpenPartition): Promise<void> {
    if (this.stopping.signal.aborted) return;
    const outcome = await this.runner.run(p.partitionId, this.stopping.signal);
    this.log.debug({ jobId: p.jobId, partitionId: p.partitionId, outcome }, 'partition run ended');
  }
}
