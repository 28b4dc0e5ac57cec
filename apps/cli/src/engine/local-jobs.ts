import { randomUUID } from 'node:crypto';
import { availableParallelism, hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { JobStatus } from '@rowflow/contracts';
import { RowThreadPool } from '@rowflow/generator';
import { ConstraintBuilder, DEFAULT_INDEX_MEMORY_MB, ConstraintRepository, type JobDefinition, JobRepository, migrate, PartitionRunner, ThreadedChunkSource } from '@rowflow/jobs';
import { logger } from '@rowflow/platform';
import type pg from 'pg';
import { targetSchema } from './database.js';

/**
 * The CLI's only coupling to the job engine's internals: run a job's partitions in this process
 * with PartitionRunner (no pg-boss), generating rows in-process with the same generator code the
 * HTTP generator runs — on worker threads, as the server does — so a job loaded here is
 * byte-for-byte the job a server would load.
 */
const ROW_THREADS = Math.min(4, availableParallelism());

/** Lease of the constraint phase: the partition runner's default, so a killed run's phase lapses as soon as its partitions do. */
const LEASE_SECONDS = 10;

const OPEN = new Set(['queued', 'running', 'cancelled', 'failed']);

export class LocalJobs {
  readonly repo: JobRepository;
  private threads: RowThreadPool | undefined;
  constructor(private readonly pool: pg.Pool) {
    // New jobs write into TARGET_SCHEMA, as the server's would.
    this.repo = new JobRepository(pool, { targetSchema: targetSchema() });
  }

  migrate(): Promise<void> {
    return migrate(this.pool);
  }

  /**
   * The unfinished job a rerun of the same `load` command should continue: same table, target,
   * rows, partitions and mode (and seed, when one was given), most recent first.
   */
  async findResumable(def: JobDefinition, seedGiven: boolean): Promise<JobStatus | undefined> {
    const jobs = await this.repo.list(200);
    return jobs.find(
      (j) =>
        OPEN.has(j.state) && j.table === def.table && j.targetTable === def.targetTable && j.rowsTotal === def.rows &&
        j.partitions.length === def.partitions && j.mode === def.mode && (!seedGiven || j.seed === def.seed),
    );
  }

  /** Re-opens a cancelled/failed job so its partitions can be claimed again. */
  async reopen(id: string): Promise<JobStatus> {
    return this.repo.resume(id);
  }

  create(def: JobDefinition): Promise<string> {
    return this.repo.create(def);
  }

  /**
   * Works every unfinished partition of a job here until the job ends or `signal` fires.
   * A partition still leased by a killed process ('busy') is retried until its lease lapses.
   */
  async run(id: string, signal: AbortSignal, onStatus: (s: JobStatus) => void): Promise<JobStatus> {
    const owner = `cli:${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    const runner = new PartitionRunner(this.pool, this.repo, (w) => new ThreadedChunkSource((this.threads ??= new RowThreadPool(ROW_THREADS)), w), { owner });
    const parts = await this.repo.unfinishedPartitions(id);
    // The first status is read before any chunk: progress counts rates from what was already there.
    onStatus(await this.repo.get(id));
    const timer = setInterval(() => void this.repo.get(id).then(onStatus, () => undefined), 250);
    try {
      await Promise.all(parts.map((p) => this.settle(runner, p.partitionId, signal)));
      // Idempotent: ends the load when a killed run committed the last chunk but not the finish.
      if (!signal.aborted) await runner.finishJob(id, signal);
      await this.buildConstraints(id, owner, signal);
    } finally {
      clearInterval(timer);
      await this.threads?.close();
      this.threads = undefined;
    }
    const status = await this.repo.get(id);
    onStatus(status);
    return status;
  }

  /**
   * A `create` job's keys are built after its load (phase "building indexes"), as the server
   * does. 'busy': another process holds the phase lease (retry until it lapses) or nothing is
   * left to build (the job's state then says so).
   */
  private async buildConstraints(id: string, owner: string, signal: AbortSignal): Promise<void> {
    const builder = new ConstraintBuilder(this.pool, new ConstraintRepository(this.pool), { owner, leaseSeconds: LEASE_SECONDS, concurrency: 2, log: logger('ConstraintBuilder'), indexMemoryMb: DEFAULT_INDEX_MEMORY_MB });
    while (!signal.aborted) {
      const status = await this.repo.get(id);
      if (status.state !== 'running' || status.phase !== 'building indexes') return;
      const outcome = await builder.run(id, signal);
      if (outcome !== 'busy' && outcome !== 'lost') return;
      await sleep(1000, undefined, { signal }).catch(() => undefined);
    }
  }

  private async settle(runner: PartitionRunner, partitionId: number, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const outcome = await runner.run(partitionId, signal);
      if (outcome !== 'busy' && outcome !== 'lost') return;
      await sleep(1000, undefined, { signal }).catch(() => undefined);
    }
  }
}
