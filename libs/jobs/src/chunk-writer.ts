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
 * `BEGIN; SELECT … FOR UPDATE (fence); COPY …; [dead letters]; UPDATE checkpoint; COMMIT`.
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
      await client.query('BEGIN');
      if (!(await this.fence(client, ctx, from))) {
        await client.query('ROLLBACK');
        return { kind: 'lost' };
      }
      const budget = ctx.skipLimit - (await this.skippedSoFar(client, ctx.jobId));
      const bad: DeadLetter[] = [];
      const written = await new Bisector(client, ctx, bad, budget, signal).write(from, count);
      await this.insertDeadLetters(client, ctx, bad);
      await this.checkpoint(client, ctx, from, from + count, written, bad.length, meta);
      await client.query('COMMIT');
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

  private async fence(client: pg.PoolClient, ctx: ChunkContext, from: number): Promise<boolean> {
    const res = await client.query(`SELECT 1 FROM rowflow.job_partitions WHERE id = $1 AND next_row = $2 AND state = 'running' FOR UPDATE`, [
      ctx.partitionId,
      from,
    ]);
    return res.rowCount === 1;
  }

  private async skippedSoFar(client: pg.PoolClient, jobId: string): Promise<number> {
    const res = await client.query<{ n: string }>('SELECT coalesce(sum(rows_skipped), 0) AS n FROM rowflow.job_partitions WHERE job_id = $1', [jobId]);
    return Number(res.rows[0]?.n ?? 0);
  }

  private async insertDeadLetters(client: pg.PoolClient, ctx: ChunkContext, bad: DeadLetter[]): Promise<void> {
    if (!bad.length) return;
    await client.query(
      `INSERT INTO rowflow.dead_letters (job_id, partition_index, row_number, row, sqlstate, message)
       SELECT $1, $2, n, r, s, m FROM unnest($3::bigint[], $4::text[], $5::text[], $6::text[]) AS d(n, r, s, m)`,
      [ctx.jobId, ctx.index, bad.map((b) => b.rowNumber), bad.map((b) => b.row), bad.map((b) => b.sqlstate), bad.map((b) => b.message)],
    );
  }

  private async checkpoint(client: pg.PoolClient, ctx: ChunkContext, from: number, to: number, written: number, skipped: number, meta: ChunkMeta): Promise<void> {
    const res = await client.query(
      `UPDATE rowflow.job_partitions SET next_row = $3, rows_written = rows_written + $4, rows_skipped = rows_skipped + $5,
         chunks_committed = chunks_committed + 1, retries = retries + $6, chunk_size = $7, version = version + 1,
         lease_until = now() + make_interval(secs => $8), updated_at = now(),
         state = CASE WHEN $3 >= to_row THEN 'completed' ELSE state END
       WHERE id = $1 AND next_row = $2`,
      [ctx.partitionId, from, to, written, skipped, meta.retries, meta.chunkSize, ctx.leaseSeconds],
    );
    // Cannot happen while we hold the row lock; refuse to commit if it somehow does.
    if (res.rowCount !== 1) throw new Error(`checkpoint fence failed for partition ${ctx.partitionId} at row ${from}`);
  }
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

  async write(from: number, count: number): Promise<number> {
    await this.client.query('SAVEPOINT rowflow_chunk');
    try {
      await this.copy(from, count);
      await this.client.query('RELEASE SAVEPOINT rowflow_chunk');
      return count;
    } catch (err) {
      if (classifyError(err) !== 'data') throw err;
      await this.client.query('ROLLBACK TO SAVEPOINT rowflow_chunk');
      await this.client.query('RELEASE SAVEPOINT rowflow_chunk');
      if (count === 1) return this.reject(from, err);
      const half = Math.floor(count / 2);
      return (await this.write(from, half)) + (await this.write(from + half, count - half));
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
