import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { type ChunkSource, readAll } from './chunk-source.js';
import { classifyError, ShortChunkError, SkipLimitError, sqlState } from './pg-errors.js';

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
}

/** One rejected row, as stored in rowflow.dead_letters. */
export interface DeadLetter {
  rowNumber: number;
  row: string;
  sqlstate: string;
  message: string;
}

export type ChunkResult = { kind: 'committed'; written: number; skipped: DeadLetter[] } | { kind: 'lost' };

/** Extra numbers recorded with the checkpoint. */
export interface ChunkMeta {
  /** Transient failures since the previous commit (added to the partition's retries). */
  retries: number;
  /** Chunk size in use (shown in status when chunkSize is 'auto'). */
  chunkSize: number;
}

/**
 * Writes rows [from, from + count) of a partition in ONE transaction:
 * `BEGIN; SELECT … FOR UPDATE (fence); COPY …; [dead letters]; UPDATE checkpoint; COMMIT`
 * (three round trips besides the COPY: fence, COPY, checkpoint+commit).
 *
 * The fence (`next_row = from AND state = 'running'`) is taken with a row lock *before* the
 * COPY: a second worker on the same partition then waits on the lock instead of racing the COPY
 * into a unique violation (which would look like a data error), and after the first commits its
 * fence no longer matches and it rolls back ('lost'). Data errors are bisected under savepoints
 * so good rows, bad rows (dead letters) and the checkpoint commit together.
 */
export class ChunkWriter {
  constructor(private readonly pool: pg.Pool) {}

  async write(ctx: ChunkContext, from: number, count: number, meta: ChunkMeta, signal: AbortSignal): Promise<ChunkResult> {
    const client = await this.pool.connect();
    // A checked-out client whose server goes away emits 'error'; the failing query reports it.
    client.on('error', ignore);
    let broken: Error | undefined;
    try {
      const budget = await this.begin(client, ctx, from);
      if (budget === null) {
        await client.query('ROLLBACK');
        return { kind: 'lost' };
      }
      const bad: DeadLetter[] = [];
      const written = await new Bisector(client, ctx, bad, budget, signal).write(from, count);
      await this.insertDeadLetters(client, ctx, bad);
      await this.checkpointAndCommit(client, ctx, from, from + count, written, bad.length, meta);
      return { kind: 'committed', written, skipped: bad };
    } catch (err) {
      // Any failure may leave the connection mid-COPY: discard it rather than return it to the pool.
      broken = err instanceof Error ? err : new Error(String(err));
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.off('error', ignore);
      client.release(broken);
    }
  }

  /**
   * `BEGIN; fence FOR UPDATE; SAVEPOINT` in one round trip (simple protocol, integers only are
   * inlined). Returns the job's remaining skip budget, or null when the fence does not match.
   */
  private async begin(client: pg.PoolClient, ctx: ChunkContext, from: number): Promise<number | null> {
    const [id, at] = [int(ctx.partitionId), int(from)];
    const results = (await client.query(
      `BEGIN;
       SELECT (SELECT coalesce(sum(q.rows_skipped), 0) FROM rowflow.job_partitions q WHERE q.job_id = p.job_id) AS skipped
         FROM rowflow.job_partitions p WHERE p.id = ${id} AND p.next_row = ${at} AND p.state = 'running' FOR UPDATE OF p;
       SAVEPOINT rowflow_chunk`,
    )) as unknown as pg.QueryResult<{ skipped: string }>[];
    const row = results[1]?.rows[0];
    return row ? ctx.skipLimit - Number(row.skipped) : null;
  }

  private async insertDeadLetters(client: pg.PoolClient, ctx: ChunkContext, bad: DeadLetter[]): Promise<void> {
    if (!bad.length) return;
    await client.query(
      `INSERT INTO rowflow.dead_letters (job_id, partition_index, row_number, row, sqlstate, message)
       SELECT $1, $2, n, r, s, m FROM unnest($3::bigint[], $4::text[], $5::text[], $6::text[]) AS d(n, r, s, m)`,
      [ctx.jobId, ctx.index, bad.map((b) => b.rowNumber), bad.map((b) => b.row), bad.map((b) => b.sqlstate), bad.map((b) => b.message)],
    );
  }

  /**
   * The fenced checkpoint and COMMIT in one round trip. If the UPDATE matched no row (cannot
   * happen while we hold the row lock) 1 / count(*) divides by zero, aborting the transaction, so
   * COMMIT rolls back.
   */
  private async checkpointAndCommit(client: pg.PoolClient, ctx: ChunkContext, from: number, to: number, written: number, skipped: number, meta: ChunkMeta): Promise<void> {
    const v = [ctx.partitionId, from, to, written, skipped, meta.retries, meta.chunkSize, ctx.leaseSeconds].map(int);
    await client.query(
      `WITH u AS (
         UPDATE rowflow.job_partitions SET next_row = ${v[2]}, rows_written = rows_written + ${v[3]}, rows_skipped = rows_skipped + ${v[4]},
           chunks_committed = chunks_committed + 1, retries = retries + ${v[5]}, chunk_size = ${v[6]}, version = version + 1,
           lease_until = now() + make_interval(secs => ${v[7]}), updated_at = now(),
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

function ignore(): void {}

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
   * `top`: the savepoint was already set by ChunkWriter.begin. Savepoints of successful attempts
   * are not released (COMMIT does that); ROLLBACK TO always targets the newest one of the name,
   * which is the current attempt's, because attempts run one after the other.
   */
  async write(from: number, count: number, top = true): Promise<number> {
    if (!top) await this.client.query('SAVEPOINT rowflow_chunk');
    try {
      await this.copy(from, count);
      return count;
    } catch (err) {
      if (classifyError(err) !== 'data') throw err;
      await this.client.query('ROLLBACK TO SAVEPOINT rowflow_chunk; RELEASE SAVEPOINT rowflow_chunk');
      if (count === 1) return this.reject(from, err);
      const half = Math.floor(count / 2);
      return (await this.write(from, half, false)) + (await this.write(from + half, count - half, false));
    }
  }

  private async copy(from: number, count: number): Promise<void> {
    const body = await this.ctx.source.csv(from, count, this.signal);
    const sink = this.client.query(copyFrom(this.ctx.copySql));
    await pipeline(body, sink, { signal: this.signal });
    if (sink.rowCount !== count) throw new ShortChunkError(`source gave ${sink.rowCount} rows for [${from}, ${from + count}), expected ${count}`);
  }

  private async reject(rowNumber: number, err: unknown): Promise<number> {
    const row = (await readAll(await this.ctx.source.csv(rowNumber, 1, this.signal))).replace(/\r?\n$/, '');
    const message = err instanceof Error ? err.message : String(err);
    this.bad.push({ rowNumber, row, sqlstate: sqlState(err) ?? '22000', message });
    if (this.bad.length > this.budget) {
      const first = this.bad[0]!;
      throw new SkipLimitError(
        `skipLimit ${this.ctx.skipLimit} exceeded: more than ${this.ctx.skipLimit} rows rejected by Postgres; first rejected row ${first.rowNumber} (SQLSTATE ${first.sqlstate}: ${first.message})`,
      );
    }
    return 0;
  }
}
