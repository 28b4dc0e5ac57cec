import { setTimeout as sleep } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import { logger } from '@rowflow/platform';
import type pg from 'pg';
import { type ChunkSource, PrefetchingSource } from './chunk-source.js';
import { type AutoChunkOptions, ChunkSizer, DEFAULT_AUTO, estimateBytesPerRow } from './chunk-sizer.js';
import { type ChunkContext, type ChunkResult, ChunkWriter, type DeadLetter } from './chunk-writer.js';
import type { JobRepository, PartitionWork } from './job-repository.js';
import { backoffMs, classifyError } from './pg-errors.js';
import { copySql } from './target-table.js';

/** Observations for metrics; every method optional so the lib needs no metrics library. */
export interface JobObserver {
  chunkCommitted?(jobId: string, rows: number, ms: number): void;
  retried?(jobId: string, err: unknown): void;
  deadLettered?(jobId: string, rows: DeadLetter[]): void;
  partitionActive?(delta: 1 | -1): void;
  jobFinished?(jobId: string, state: 'completed' | 'failed'): void;
  /** A job phase ended (e.g. `loading`, `building indexes`) after `ms`; feeds the phase-duration histogram. */
  phaseFinished?(jobId: string, phase: string, ms: number): void;
}

export interface RunnerOptions {
  /** Identifies this worker process in partition leases. */
  owner: string;
  leaseSeconds: number;
  maxRetries: number;
  backoffBaseMs: number;
  backoffCapMs: number;
  auto: AutoChunkOptions;
  observer?: JobObserver;
}

export const DEFAULT_RUNNER: Omit<RunnerOptions, 'owner'> = { leaseSeconds: 10, maxRetries: 12, backoffBaseMs: 100, backoffCapMs: 5000, auto: DEFAULT_AUTO };

/** How a `run` ended: finished, someone else owns it, stopped by shutdown, or the job failed. */
export type RunOutcome = 'done' | 'busy' | 'lost' | 'stopped' | 'failed';

/**
 * Works one partition from its checkpoint to its end, chunk by chunk (see ChunkWriter), with
 * retries for transient errors and fail-fast for the rest. Any number of runners in any number
 * of processes may be pointed at the same partition: the fenced checkpoint keeps it exact.
 */
export class PartitionRunner {
  private readonly log = logger('PartitionRunner');
  private readonly writer: ChunkWriter;
  private readonly opts: RunnerOptions;

  constructor(
    pool: pg.Pool,
    private readonly repo: JobRepository,
    private readonly sourceFor: (work: PartitionWork) => ChunkSource,
    opts: Partial<RunnerOptions> & { owner: string },
  ) {
    this.writer = new ChunkWriter(pool);
    this.opts = { ...DEFAULT_RUNNER, ...opts };
  }

  async run(partitionId: number, signal: AbortSignal): Promise<RunOutcome> {
    const claim = await this.repo.claim(partitionId, this.opts.owner, this.opts.leaseSeconds);
    if (claim.kind !== 'claimed') return claim.kind;
    const work = claim.work;
    if (claim.jobStarted) {
      this.log.info({ event: 'job_start', jobId: work.jobId, table: work.table, targetTable: work.targetTable, rows: work.toRow, seed: work.seed }, 'job start');
    }
    this.opts.observer?.partitionActive?.(1);
    try {
      return await this.loop(work, signal);
    } catch (err) {
      return await this.onError(work, err, signal);
    } finally {
      this.opts.observer?.partitionActive?.(-1);
    }
  }

  private async loop(work: PartitionWork, signal: AbortSignal): Promise<RunOutcome> {
    const source = new PrefetchingSource(this.sourceFor(work), signal);
    const ctx: ChunkContext = {
      partitionId: work.partitionId,
      jobId: work.jobId,
      index: work.index,
      copySql: copySql(work.targetTable, work.schema),
      skipLimit: work.skipLimit,
      source,
      leaseSeconds: this.opts.leaseSeconds,
    };
    const sizer = new ChunkSizer(work.chunkSize, estimateBytesPerRow(work.schema), this.opts.auto, work.partitionChunk);
    this.log.info({ event: 'partition_start', jobId: work.jobId, partition: work.index, nextRow: work.nextRow, toRow: work.toRow }, 'partition start');
    try {
      // Each chunk's size is fixed one chunk ahead, so its stream can be opened early.
      let count = Math.min(sizer.size, work.toRow - work.nextRow);
      for (let next = work.nextRow; next < work.toRow; ) {
        if (signal.aborted) return await this.stop(work);
        const after = next + count;
        const nextCount = Math.min(sizer.size, work.toRow - after);
        if (nextCount > 0) source.prefetch(after, nextCount);
        if (!(await this.chunk(work, ctx, sizer, next, count, signal))) return 'lost';
        [next, count] = [after, nextCount];
      }
    } finally {
      source.discard();
    }
    await this.finish(work);
    return 'done';
  }

  /** Writes one chunk with retries; false when the partition is no longer ours. */
  private async chunk(work: PartitionWork, ctx: ChunkContext, sizer: ChunkSizer, next: number, count: number, signal: AbortSignal): Promise<boolean> {
    const started = performance.now();
    const size = sizer.size;
    const res = await this.withRetries(work, (retries) => this.writer.write(ctx, next, count, { retries, chunkSize: size }, signal), signal);
    if (res.kind === 'lost') return false;
    const ms = performance.now() - started;
    sizer.observe(count, ms);
    this.opts.observer?.chunkCommitted?.(work.jobId, res.written, ms);
    if (res.skipped.length) this.opts.observer?.deadLettered?.(work.jobId, res.skipped);
    this.log.debug({ event: 'chunk_committed', jobId: work.jobId, partition: work.index, from: next, rows: count, ms: Math.round(ms) }, 'chunk committed');
    return true;
  }

  private async withRetries(work: PartitionWork, attempt: (retries: number) => Promise<ChunkResult>, signal: AbortSignal): Promise<ChunkResult> {
    for (let retries = 0; ; retries++) {
      try {
        return await attempt(retries);
      } catch (err) {
        if (classifyError(err) !== 'transient' || signal.aborted) throw err;
        if (retries >= this.opts.maxRetries) throw new Error(`gave up after ${retries} retries: ${(err as Error).message}`, { cause: err });
        this.opts.observer?.retried?.(work.jobId, err);
        const wait = backoffMs(retries, this.opts.backoffBaseMs, this.opts.backoffCapMs);
        this.log.warn({ jobId: work.jobId, partition: work.index, retry: retries + 1, waitMs: wait, err: (err as Error).message }, 'transient error; retrying chunk');
        await sleep(wait, undefined, { signal });
      }
    }
  }

  private async finish(work: PartitionWork): Promise<void> {
    if (!(await this.repo.completeJobIfDone(work.jobId))) return;
    const job = await this.repo.get(work.jobId);
    const secs = job.startedAt && job.finishedAt ? (Date.parse(job.finishedAt) - Date.parse(job.startedAt)) / 1000 : 0;
    this.opts.observer?.jobFinished?.(work.jobId, 'completed');
    this.log.info(
      { event: 'job_end', jobId: work.jobId, state: 'completed', rows: job.rowsWritten, skipped: job.rowsSkipped, seconds: secs, rowsPerSecond: secs > 0 ? Math.round(job.rowsWritten / secs) : null },
      'job completed',
    );
  }

  private async stop(work: PartitionWork): Promise<RunOutcome> {
    // Hand the partition back at once so another process (or our restart) continues it.
    await this.repo.releaseLease(work.partitionId, this.opts.owner).catch(() => undefined);
    return 'stopped';
  }

  private async onError(work: PartitionWork, err: unknown, signal: AbortSignal): Promise<RunOutcome> {
    if (signal.aborted) return this.stop(work);
    const message = err instanceof Error ? err.message : String(err);
    this.log.error({ event: 'job_end', jobId: work.jobId, state: 'failed', partition: work.index, err: message, kind: classifyError(err) }, 'job failed');
    await this.repo.fail(work.jobId, `partition ${work.index}: ${message}`);
    this.opts.observer?.jobFinished?.(work.jobId, 'failed');
    return 'failed';
  }
}
