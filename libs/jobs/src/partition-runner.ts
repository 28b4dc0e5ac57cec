import { setTimeout as sleep } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import { logger } from '@rowflow/platform';
import type pg from 'pg';
import { type ChunkSource, PartitionFeed } from './chunk-source.js';
import { type AutoChunkOptions, ChunkSizer, DEFAULT_AUTO, estimateBytesPerRow } from './chunk-sizer.js';
import { type ChunkContext, type ChunkResult, ChunkWriter, type DeadLetter, DEFAULT_IDLE_TIMEOUT_MS } from './chunk-writer.js';
import type { ClaimResult, JobRepository, PartitionWork } from './job-repository.js';
import { classifyError, DEFAULT_RETRY, RetryStreak } from '@rowflow/pg';
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
  /** Transient failures are retried for this long after the first one of a streak. */
  retryWindowMs: number;
  backoffBaseMs: number;
  backoffCapMs: number;
  /** A chunk whose source sends no bytes this long is aborted and retried. */
  idleTimeoutMs: number;
  /** true: every chunk commit waits for its WAL flush (synchronous_commit as configured). */
  durableCommits: boolean;
  auto: AutoChunkOptions;
  observer?: JobObserver;
}

export const DEFAULT_RUNNER: Omit<RunnerOptions, 'owner'> = {
  leaseSeconds: 10,
  retryWindowMs: DEFAULT_RETRY.windowMs,
  backoffBaseMs: DEFAULT_RETRY.baseMs,
  backoffCapMs: DEFAULT_RETRY.capMs,
  idleTimeoutMs: DEFAULT_IDLE_TIMEOUT_MS,
  durableCommits: false,
  auto: DEFAULT_AUTO,
};

/** How a `run` ended: finished, someone else owns it, stopped by shutdown, or the job failed. */
export type RunOutcome = 'done' | 'busy' | 'lost' | 'stopped' | 'failed';

/** A partition's loop state between chunks. */
interface Cursor {
  next: number;
  /** Retries not yet stored in the partition row (recording failed: Postgres was away). */
  unrecorded: number;
  streak: RetryStreak;
}

/**
 * Works one partition from its checkpoint to its end, chunk by chunk (see ChunkWriter). Any
 * number of runners in any number of processes may be pointed at the same partition: the fenced
 * checkpoint keeps it exact. Faults heal by themselves: a transient failure (generator or
 * Postgres away, a socket dying at any point, a stalled body) is retried with capped backoff
 * and full jitter for `retryWindowMs`, the partition showing that it waits; a fence miss
 * (e.g. a COMMIT whose reply was lost) re-reads the checkpoint and goes on from there if the
 * partition is still ours — never a wait for a lease to expire.
 */
export class PartitionRunner {
  private readonly log = logger('PartitionRunner');
  private readonly writer: ChunkWriter;
  private readonly opts: RunnerOptions;
  /** Partitions this runner is working right now. */
  private readonly working = new Set<number>();

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
    // A chunk slower than the lease (a lock wait, a huge chunk) lets the lease lapse and the
    // sweep queue the partition again; the claim would give it to us, the same owner, a second
    // time, and both runs would go on to the end (each fence miss says "still ours").
    if (this.working.has(partitionId)) return 'busy';
    this.working.add(partitionId);
    try {
      return await this.runClaimed(partitionId, signal);
    } finally {
      this.working.delete(partitionId);
    }
  }

  private async runClaimed(partitionId: number, signal: AbortSignal): Promise<RunOutcome> {
    // A claim is retried like a chunk: its connection may be one the server just terminated
    // (idle in the pool), and a claim by the same owner takes its own lease again, so a retry
    // after a lost reply is harmless.
    const claim = await this.retrying(() => this.repo.claim(partitionId, this.opts.owner, this.opts.leaseSeconds), signal, `claiming partition ${partitionId}`);
    if (claim.kind !== 'claimed') return claim.kind;
    return this.work(claim, signal, true);
  }

  /**
   * Small partitions of one job delivered together (see foldBatches): claimed in one statement,
   * then loaded one after the other, each with its own fenced checkpoints exactly as if it had
   * come alone; the job's end is checked once, after the last. Stopping hands the claimed ones
   * not started yet back at once. 'done' when at least one partition loaded to its end.
   */
  async runBatch(partitionIds: number[], signal: AbortSignal): Promise<RunOutcome> {
    const ids = partitionIds.filter((id) => !this.working.has(id));
    if (!ids.length) return 'busy';
    for (const id of ids) this.working.add(id);
    try {
      const claims = await this.retrying(() => this.repo.claimMany(ids, this.opts.owner, this.opts.leaseSeconds), signal, 'claiming a batch of partitions');
      let loaded = false;
      for (const [i, claim] of claims.entries()) {
        if (signal.aborted) return await this.handBack(claims.slice(i));
        const outcome = await this.work(claim, signal, false);
        // A stopped partition handed its own lease back (stop); the ones after it are still ours.
        if (outcome === 'stopped') return await this.handBack(claims.slice(i + 1));
        if (outcome === 'failed') return outcome;
        loaded ||= outcome === 'done';
      }
      const last = claims.at(-1);
      if (!loaded || !last) return claims.length ? 'lost' : 'busy';
      return await this.finishBatch(last, signal);
    } finally {
      for (const id of ids) this.working.delete(id);
    }
  }

  /** Stopping mid-batch: the claimed partitions not started go back at once, for another process or our restart. */
  private async handBack(claims: Array<Extract<ClaimResult, { kind: 'claimed' }>>): Promise<RunOutcome> {
    if (claims.length) await withTimeout(this.repo.releaseLeases(claims.map((c) => c.work.partitionId), this.opts.owner), 2000).catch(() => undefined);
    return 'stopped';
  }

  /** The job's end after a batch (its last partition stands for the job if finishing fails for good). */
  private async finishBatch(last: Extract<ClaimResult, { kind: 'claimed' }>, signal: AbortSignal): Promise<RunOutcome> {
    try {
      await this.finishJob(last.work.jobId, signal);
      return 'done';
    } catch (err) {
      return await this.onError(last.work, err, signal);
    }
  }

  /** Loads one claimed partition; `finish`: end the job's load here when it was the last. */
  private async work(claim: Extract<ClaimResult, { kind: 'claimed' }>, signal: AbortSignal, finish: boolean): Promise<RunOutcome> {
    const work = claim.work;
    if (claim.jobStarted) {
      this.log.info({ event: 'job_start', jobId: work.jobId, table: work.table, targetTable: work.targetTable, rows: claim.jobRows, seed: work.seed }, 'job start');
    }
    this.opts.observer?.partitionActive?.(1);
    try {
      return await this.loop(work, signal, finish);
    } catch (err) {
      return await this.onError(work, err, signal);
    } finally {
      this.opts.observer?.partitionActive?.(-1);
    }
  }

  /**
   * THE place a job's load ends: called when a partition has loaded its last row (and by the
   * sweep for jobs whose finisher died). Completes the job once every partition is done; a
   * later phase (e.g. building indexes) starts here. Idempotent; retried like a chunk.
   */
  async finishJob(jobId: string, signal: AbortSignal): Promise<void> {
    const ended = await this.retrying(() => this.repo.endLoad(jobId), signal, `finishing job ${jobId}`);
    if (!ended) return;
    // Told first: whoever waits for the end (an event stream) hears it before the bookkeeping below.
    if (ended === 'completed') this.opts.observer?.jobFinished?.(jobId, 'completed');
    const job = await this.repo.loadSummary(jobId);
    // The load's wall time from the job's first start (pauses of a cancel/resume included).
    if (job.startedAt) this.opts.observer?.phaseFinished?.(jobId, 'loading', Math.max(0, Date.now() - Date.parse(job.startedAt)));
    if (ended !== 'completed') return;
    const secs = job.startedAt && job.finishedAt ? (Date.parse(job.finishedAt) - Date.parse(job.startedAt)) / 1000 : 0;
    this.log.info(
      { event: 'job_end', jobId, state: 'completed', rows: job.rowsWritten, skipped: job.rowsSkipped, seconds: secs, rowsPerSecond: secs > 0 ? Math.round(job.rowsWritten / secs) : null },
      'job completed',
    );
  }

  private async loop(work: PartitionWork, signal: AbortSignal, finish: boolean): Promise<RunOutcome> {
    const feed = new PartitionFeed(this.sourceFor(work), work.toRow, signal);
    const ctx = this.context(work, feed.source);
    const sizer = new ChunkSizer(work.chunkSize, estimateBytesPerRow(work.schema), this.opts.auto, work.partitionChunk);
    const cur: Cursor = { next: work.nextRow, unrecorded: 0, streak: this.streak() };
    this.log.info({ event: 'partition_start', jobId: work.jobId, partition: work.index, nextRow: work.nextRow, toRow: work.toRow }, 'partition start');
    try {
      while (cur.next < work.toRow) {
        if (signal.aborted) return await this.stop(work);
        const step = await this.step(work, ctx, feed, sizer, cur, signal);
        if (step !== 'ok') return step;
      }
    } finally {
      feed.reset();
    }
    if (finish) await this.finishJob(work.jobId, signal);
    return 'done';
  }

  private context(work: PartitionWork, source: ChunkSource): ChunkContext {
    return {
      partitionId: work.partitionId,
      jobId: work.jobId,
      index: work.index,
      copySql: copySql({ schema: work.targetSchema, table: work.targetTable }, work.schema),
      skipLimit: work.skipLimit,
      source,
      leaseSeconds: this.opts.leaseSeconds,
      idleTimeoutMs: this.opts.idleTimeoutMs,
      durableCommits: this.opts.durableCommits,
    };
  }

  private streak(): RetryStreak {
    return new RetryStreak({ windowMs: this.opts.retryWindowMs, baseMs: this.opts.backoffBaseMs, capMs: this.opts.backoffCapMs });
  }

  /** One chunk attempt and what follows from it: advance, wait and retry, or re-sync. */
  private async step(work: PartitionWork, ctx: ChunkContext, feed: PartitionFeed, sizer: ChunkSizer, cur: Cursor, signal: AbortSignal): Promise<'ok' | RunOutcome> {
    const from = cur.next;
    // Read once: under a memory budget each read asks the kernel for the process's RSS.
    const size = sizer.size;
    const count = Math.min(size, work.toRow - from);
    const ahead = { from: from + count, count: Math.min(size, work.toRow - from - count) };
    const started = performance.now();
    let res: ChunkResult;
    try {
      const meta = { retries: cur.unrecorded, chunkSize: size };
      res = await this.writer.write(ctx, from, count, meta, signal, (s) => feed.body(from, count, ahead, s));
    } catch (err) {
      feed.reset();
      await this.waitOut(work, cur, err, signal);
      return 'ok';
    }
    if (res.kind === 'lost') {
      feed.reset();
      return this.resync(work, cur, signal);
    }
    const ms = performance.now() - started;
    sizer.observe(count, ms);
    cur.streak.reset();
    cur.unrecorded = 0;
    cur.next = from + count;
    this.opts.observer?.chunkCommitted?.(work.jobId, res.written, ms);
    if (res.skipped.length) this.opts.observer?.deadLettered?.(work.jobId, res.skipped);
    this.log.debug({ event: 'chunk_committed', jobId: work.jobId, partition: work.index, from, rows: count, ms: Math.round(ms) }, 'chunk committed');
    return 'ok';
  }

  /** A failed attempt: rethrow what is not transient (or past the window); else show the wait and sleep. */
  private async waitOut(work: PartitionWork, cur: Cursor, err: unknown, signal: AbortSignal): Promise<void> {
    if (classifyError(err) !== 'transient' || signal.aborted) throw err;
    const wait = cur.streak.next();
    const message = describeError(err);
    if (wait === null) throw new Error(`gave up after ${cur.streak.failures} retries over ${Math.round(this.opts.retryWindowMs / 1000)} s: ${message}`, { cause: err });
    this.opts.observer?.retried?.(work.jobId, err);
    this.log.warn({ jobId: work.jobId, partition: work.index, retry: cur.streak.failures, waitMs: wait, err: message }, 'transient error; retrying chunk');
    const recorded = await withTimeout(this.repo.recordRetry(work.partitionId, this.opts.owner, message, wait, this.opts.leaseSeconds), 2000).catch(() => false);
    if (!recorded) cur.unrecorded++;
    await sleep(wait, undefined, { signal });
  }

  /**
   * The fence did not match: someone moved the checkpoint (or a crash emptied the job's UNLOGGED
   * tables: reloadIfReset puts the checkpoints back to the start first). Still ours and running →
   * go on from the checkpoint (our own COMMIT whose reply was lost lands here); loaded to the end
   * → finish; anything else (cancelled, failed, taken over) → 'lost'.
   */
  private async resync(work: PartitionWork, cur: Cursor, signal: AbortSignal): Promise<'ok' | RunOutcome> {
    let pos: Awaited<ReturnType<JobRepository['partitionPosition']>>;
    try {
      // The fence also misses when the server crashed under a job's UNLOGGED tables.
      if (await this.repo.reloadIfReset(work.jobId)) this.log.warn({ jobId: work.jobId, partition: work.index }, 'PostgreSQL crash emptied the unlogged target; loading it again');
      pos = await this.repo.partitionPosition(work.partitionId);
    } catch (err) {
      await this.waitOut(work, cur, err, signal);
      return 'ok';
    }
    if (pos?.state === 'completed') {
      cur.next = work.toRow;
      return 'ok';
    }
    if (pos?.state !== 'running' || pos.leaseOwner !== this.opts.owner) return 'lost';
    // Behind us is possible too: PostgreSQL crashed and lost asynchronous commits together with
    // their checkpoints; going on from the checkpoint regenerates exactly those rows.
    this.log.info({ jobId: work.jobId, partition: work.index, expected: cur.next, nextRow: pos.nextRow }, 'checkpoint moved; continuing from it');
    cur.next = pos.nextRow;
    return 'ok';
  }

  /** Runs `f`, retrying transient failures for the retry window. */
  private async retrying<T>(f: () => Promise<T>, signal: AbortSignal, what: string): Promise<T> {
    const streak = this.streak();
    for (;;) {
      try {
        return await f();
      } catch (err) {
        if (classifyError(err) !== 'transient' || signal.aborted) throw err;
        const wait = streak.next();
        if (wait === null) throw err;
        this.log.warn({ err: (err as Error).message, waitMs: wait }, `transient error ${what}; retrying`);
        await sleep(wait, undefined, { signal });
      }
    }
  }

  private async stop(work: PartitionWork): Promise<RunOutcome> {
    // Hand the partition back at once so another process (or our restart) continues it.
    await withTimeout(this.repo.releaseLease(work.partitionId, this.opts.owner), 2000).catch(() => undefined);
    return 'stopped';
  }

  private async onError(work: PartitionWork, err: unknown, signal: AbortSignal): Promise<RunOutcome> {
    if (signal.aborted) return this.stop(work);
    const message = err instanceof Error ? err.message : String(err);
    this.log.error({ event: 'job_end', jobId: work.jobId, state: 'failed', partition: work.index, err: message, kind: classifyError(err) }, 'job failed');
    await this.retrying(() => this.repo.fail(work.jobId, `partition ${work.index}: ${message}`), signal, 'failing job');
    this.opts.observer?.jobFinished?.(work.jobId, 'failed');
    return 'failed';
  }
}

/** An error's message, with its code when the message does not say it ("aborted (ECONNRESET)"). */
function describeError(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && !message.includes(code) ? `${message} (${code})` : message;
}

/** Rejects after `ms` (the operation itself goes on; used for best-effort bookkeeping). */
function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}
