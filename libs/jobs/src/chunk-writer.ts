import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { type ChunkSource, readAll } from './chunk-source.js';
import { classifyError, leaseUntil, sqlState, withSession } from '@rowflow/pg';
import { ChunkIdleError, ShortChunkError, SkipLimitError } from './chunk-errors.js';

/** Everything a chunk transaction needs to know about its partition. */
export interface ChunkContext {
  partitionId: number;
  jobId: string;
  index: number;
  /** `COPY "t" (…) FROM STDIN (FORMAT csv)` for the target table. */
  copySql: string;
  skipLimit: number;
  source: ChunkSource;
  leaseSeconds: number;
  /** Abort a chunk attempt whose source sends no bytes this long while we wait for them. */
  idleTimeoutMs?: number;
  /** false: `SET LOCAL synchronous_commit = off` in each chunk transaction (see ChunkWriter). */
  durableCommits?: boolean;
}

/** One rejected row, as stored in rowflow.dead_letters. */
export interface DeadLetter {
  rowNumber: number;
  row: string;
  sqlstate: string;
  /** The constraint that rejected it, when Postgres names one (unique, foreign key, CHECK, exclusion). */
  constraint?: string;
  message: string;
}

export type ChunkResult = { kind: 'committed'; written: number; skipped: DeadLetter[] } | { kind: 'lost' };

/** Extra numbers recorded with the checkpoint. */
export interface ChunkMeta {
  /** Transient failures since the previous commit not yet counted in the partition's retries. */
  retries: number;
  /** Chunk size in use (shown in status when chunkSize is 'auto'). */
  chunkSize: number;
}

/** Opens the bytes of a chunk (rows [from, from + count)); `signal` aborts this attempt. */
export type BodyOpener = (signal: AbortSignal) => Promise<Readable>;

export const DEFAULT_IDLE_TIMEOUT_MS = 30_000;

/**
 * Part of the fence (partition alias `p`): a job with UNLOGGED tables loads only while the server
 * runs since the start its checkpoints were counted against. After a crash the tables may be
 * empty while the checkpoints say otherwise; the miss sends the runner to
 * JobRepository.reloadIfReset before any chunk commits on top of the lost rows.
 */
const SAME_SERVER_RUN = `NOT EXISTS (SELECT 1 FROM rowflow.jobs j WHERE j.id = p.job_id AND j.unlogged_epoch <> pg_postmaster_start_time())`;

/**
 * Writes rows [from, from + count) of a partition in ONE transaction:
 * `BEGIN; SELECT … FOR UPDATE (fence); COPY …; UPDATE checkpoint; COMMIT` — three round trips
 * besides the COPY data: begin+fence, COPY, checkpoint+commit.
 *
 * The fence (`next_row = from AND state = 'running'`) is taken with a row lock *before* the
 * COPY: a second worker on the same partition then waits on the lock instead of racing the COPY
 * into a unique violation (which would look like a data error), and after the first commits its
 * fence no longer matches and it rolls back ('lost').
 *
 * A data error in the COPY rolls the whole attempt back and redoes the chunk carefully: under
 * the job row's lock (so the job-wide skip budget is read and spent atomically across
 * partitions), bisected under savepoints, good rows + dead letters + checkpoint in one commit.
 *
 * `synchronous_commit = off` per chunk (unless `durableCommits`): a crash of Postgres may then
 * lose the last few commits — but each takes its own checkpoint with it, so the partition's
 * `next_row` points before them and resume regenerates exactly those rows. Exactly-once holds;
 * only the job's final completion is committed durably (see JobRepository).
 */
export class ChunkWriter {
  constructor(private readonly pool: pg.Pool) {}

  async write(ctx: ChunkContext, from: number, count: number, meta: ChunkMeta, signal: AbortSignal, body?: BodyOpener): Promise<ChunkResult> {
    const open = body ?? ((s: AbortSignal) => ctx.source.csv(from, count, s));
    const fast = await this.session(async (client): Promise<ChunkResult | 'careful'> => {
      if (!(await this.begin(client, ctx, from))) {
        await client.query('ROLLBACK');
        return { kind: 'lost' };
      }
      try {
        await copyChunk(client, ctx, open, count, signal);
      } catch (err) {
        if (classifyError(err) !== 'data') throw err;
        await client.query('ROLLBACK');
        return 'careful';
      }
      await this.checkpointAndCommit(client, ctx, from, from + count, count, 0, meta);
      return { kind: 'committed', written: count, skipped: [] };
    });
    return fast === 'careful' ? this.session((client) => this.careful(client, ctx, from, count, meta, signal)) : fast;
  }

  /** Checks out a client; any failure rolls back and discards the connection (it may be mid-COPY). */
  private session<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return withSession(this.pool, fn, { rollback: true });
  }

  /** `BEGIN; [SET LOCAL …]; fence FOR UPDATE` in one round trip; false when the fence does not match. */
  private async begin(client: pg.PoolClient, ctx: ChunkContext, from: number): Promise<boolean> {
    const results = (await client.query(
      `BEGIN;${ctx.durableCommits ? '' : ' SET LOCAL synchronous_commit = off;'}
       SELECT 1 FROM rowflow.job_partitions p WHERE id = ${int(ctx.partitionId)} AND next_row = ${int(from)} AND state = 'running' AND ${SAME_SERVER_RUN} FOR UPDATE`,
    )) as unknown as pg.QueryResult[];
    return (results[results.length - 1]?.rowCount ?? 0) > 0;
  }

  /**
   * The data-error path: lock the job row first (the order cancel/fail use too: job, then
   * partitions), then the fence; the skip budget read under that lock is exact, because every
   * transaction that adds dead letters holds the same lock until it commits.
   */
  private async careful(client: pg.PoolClient, ctx: ChunkContext, from: number, count: number, meta: ChunkMeta, signal: AbortSignal): Promise<ChunkResult> {
    const results = (await client.query(
      `BEGIN;${ctx.durableCommits ? '' : ' SET LOCAL synchronous_commit = off;'}
       SELECT 1 FROM rowflow.jobs WHERE id = '${uuid(ctx.jobId)}' FOR UPDATE;
       SELECT (SELECT coalesce(sum(q.rows_skipped), 0) FROM rowflow.job_partitions q WHERE q.job_id = p.job_id) AS skipped
         FROM rowflow.job_partitions p WHERE p.id = ${int(ctx.partitionId)} AND p.next_row = ${int(from)} AND p.state = 'running' AND ${SAME_SERVER_RUN} FOR UPDATE OF p`,
    )) as unknown as pg.QueryResult<{ skipped: string }>[];
    const row = results[results.length - 1]?.rows[0];
    if (!row) {
      await client.query('ROLLBACK');
      return { kind: 'lost' };
    }
    const bad: DeadLetter[] = [];
    let written: number;
    try {
      written = await new Bisector(client, ctx, bad, ctx.skipLimit - Number(row.skipped), signal).write(from, count);
    } catch (err) {
      if (err instanceof SkipLimitError) await this.keepRejected(client, ctx, from, count, bad);
      throw err;
    }
    await this.insertDeadLetters(client, ctx, from, count, bad);
    await this.checkpointAndCommit(client, ctx, from, from + count, written, bad.length, meta);
    return { kind: 'committed', written, skipped: bad };
  }

  /**
   * The skip limit ran out in this chunk: its rows are rolled back and the job fails, but the rows
   * Postgres rejected stay listed (their own transaction) — they are why the job failed.
   */
  private async keepRejected(client: pg.PoolClient, ctx: ChunkContext, from: number, count: number, bad: DeadLetter[]): Promise<void> {
    await client.query('ROLLBACK');
    await client.query('BEGIN');
    await this.insertDeadLetters(client, ctx, from, count, bad);
    await client.query('COMMIT');
  }

  /** Replaces the chunk's dead letters: a chunk redone after a resume lists each rejected row once. */
  private async insertDeadLetters(client: pg.PoolClient, ctx: ChunkContext, from: number, count: number, bad: DeadLetter[]): Promise<void> {
    await client.query('DELETE FROM rowflow.dead_letters WHERE job_id = $1 AND partition_index = $2 AND row_number >= $3 AND row_number < $4', [ctx.jobId, ctx.index, from, from + count]);
    if (!bad.length) return;
    await client.query(
      `INSERT INTO rowflow.dead_letters (job_id, partition_index, row_number, row, sqlstate, constraint_name, message)
       SELECT $1, $2, n, r, s, k, m FROM unnest($3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[]) AS d(n, r, s, k, m)`,
      [ctx.jobId, ctx.index, bad.map((b) => b.rowNumber), bad.map((b) => b.row), bad.map((b) => b.sqlstate), bad.map((b) => b.constraint ?? null), bad.map((b) => b.message)],
    );
  }

  /**
   * The fenced checkpoint and COMMIT in one round trip. If the UPDATE matched no row (cannot
   * happen while we hold the row lock) 1 / count(*) divides by zero, aborting the transaction, so
   * COMMIT rolls back. The checkpoint also clears the waiting fields of a retry streak. The lease
   * runs from the clock at the checkpoint (leaseUntil), not from the transaction's start.
   */
  private async checkpointAndCommit(client: pg.PoolClient, ctx: ChunkContext, from: number, to: number, written: number, skipped: number, meta: ChunkMeta): Promise<void> {
    const v = [ctx.partitionId, from, to, written, skipped, meta.retries, meta.chunkSize, ctx.leaseSeconds].map(int);
    await client.query(
      `WITH u AS (
         UPDATE rowflow.job_partitions SET next_row = ${v[2]}, rows_written = rows_written + ${v[3]}, rows_skipped = rows_skipped + ${v[4]},
           chunks_committed = chunks_committed + 1, retries = retries + ${v[5]}, chunk_size = ${v[6]}, version = version + 1,
           lease_until = ${leaseUntil(v[7]!)}, updated_at = now(), last_error = NULL, next_attempt_at = NULL,
           state = CASE WHEN ${v[2]} >= to_row THEN 'completed' ELSE state END
         WHERE id = ${v[0]} AND next_row = ${v[1]} RETURNING 1)
       SELECT 1 / count(*)::int FROM u;
       COMMIT`,
    );
  }
}

/** Renders a number for inlining into SQL; anything but a safe integer is a bug, not data. */
function int(n: number): string {
  if (!Number.isSafeInteger(n)) throw new Error(`not an integer: ${n}`);
  return String(n);
}

function uuid(s: string): string {
  if (!/^[0-9a-f-]{36}$/i.test(s)) throw new Error(`not a uuid: ${s}`);
  return s;
}

/**
 * COPYs one chunk body into the open transaction. The attempt has its own AbortController: the
 * caller's signal (shutdown) aborts it, and so does the idle watchdog when the source sends no
 * bytes for `idleTimeoutMs` while we are waiting for them (a paused body — backpressure from
 * Postgres — is not idle). A stalled attempt surfaces as a transient ChunkIdleError.
 */
async function copyChunk(client: pg.PoolClient, ctx: ChunkContext, open: BodyOpener, count: number, signal: AbortSignal): Promise<void> {
  const attempt = new AbortController();
  const onAbort = () => attempt.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  const idleMs = ctx.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  const watchdog = new IdleWatchdog(idleMs, () => attempt.abort(new ChunkIdleError(`no bytes from the row source for ${idleMs} ms`)));
  try {
    if (signal.aborted) throw signal.reason;
    const body = await raceAbort(open(attempt.signal), attempt.signal);
    watchdog.watch(body);
    const sink = client.query(copyFrom(ctx.copySql));
    await pipeline(body, sink, { signal: attempt.signal });
    if (sink.rowCount !== count) throw new ShortChunkError(`source gave ${sink.rowCount} rows, expected ${count}`);
  } catch (err) {
    const reason: unknown = attempt.signal.reason;
    if (reason instanceof ChunkIdleError && !signal.aborted) throw reason;
    throw err;
  } finally {
    watchdog.stop();
    signal.removeEventListener('abort', onAbort);
  }
}

/** Rejects as soon as `signal` aborts (a body opened earlier may not listen to this signal). */
function raceAbort<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        if (signal.aborted && typeof (v as { destroy?: unknown }).destroy === 'function') (v as unknown as Readable).destroy();
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e as Error);
      },
    );
  });
}

/**
 * Fires when a body is idle: no 'data' for `idleMs` while it is not paused by backpressure.
 * Before the body is known (waiting for response headers) the wait counts as idle too.
 */
class IdleWatchdog {
  private last = Date.now();
  private body: Readable | undefined;
  private readonly timer: NodeJS.Timeout;
  private readonly touch = () => {
    this.last = Date.now();
  };

  constructor(idleMs: number, fire: () => void) {
    this.timer = setInterval(() => {
      const paused = this.body?.isPaused() ?? false;
      if (paused) this.last = Date.now();
      else if (Date.now() - this.last >= idleMs) fire();
    }, Math.max(20, Math.floor(idleMs / 5)));
    this.timer.unref();
  }

  watch(body: Readable): void {
    this.body = body;
    this.last = Date.now();
    body.on('data', this.touch);
  }

  stop(): void {
    clearInterval(this.timer);
    this.body?.off('data', this.touch);
  }
}

/** COPYs a range under a savepoint; on a data error splits it in halves down to single rows. */
class Bisector {
  constructor(
    private readonly client: pg.PoolClient,
    private readonly ctx: ChunkContext,
    private readonly bad: DeadLetter[],
    private readonly budget: number,
    private readonly signal: AbortSignal,
  ) {}

  /**
   * Savepoints of successful attempts are not released (COMMIT does that); ROLLBACK TO always
   * targets the newest one of the name, which is the current attempt's, because attempts run one
   * after the other.
   */
  async write(from: number, count: number): Promise<number> {
    await this.client.query('SAVEPOINT rowflow_chunk');
    try {
      await copyChunk(this.client, this.ctx, (s) => this.ctx.source.csv(from, count, s), count, this.signal);
      return count;
    } catch (err) {
      if (classifyError(err) !== 'data') throw err;
      await this.client.query('ROLLBACK TO SAVEPOINT rowflow_chunk; RELEASE SAVEPOINT rowflow_chunk');
      if (count === 1) return this.reject(from, err);
      const half = Math.floor(count / 2);
      return (await this.write(from, half)) + (await this.write(from + half, count - half));
    }
  }

  private async reject(rowNumber: number, err: unknown): Promise<number> {
    const row = (await readAll(await this.ctx.source.csv(rowNumber, 1, this.signal))).replace(/\r?\n$/, '');
    const message = err instanceof Error ? err.message : String(err);
    const constraint = (err as { constraint?: unknown }).constraint;
    this.bad.push({ rowNumber, row, sqlstate: sqlState(err) ?? '22000', ...(typeof constraint === 'string' ? { constraint } : {}), message });
    if (this.bad.length > this.budget) {
      const first = this.bad[0]!;
      throw new SkipLimitError(
        `skipLimit ${this.ctx.skipLimit} exceeded: more than ${this.ctx.skipLimit} rows rejected by Postgres; first rejected row ${first.rowNumber} (SQLSTATE ${first.sqlstate}: ${first.message})`,
      );
    }
    return 0;
  }
}
