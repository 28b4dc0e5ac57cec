import { createHash, type Hash } from 'node:crypto';
import { constants } from 'node:fs';
import { type FileHandle, open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { CsvTail } from './csv-tail.js';
import { type ChunkRecord, emptyCheckpoint, type PartCheckpoint, truncateCheckpoint } from './checkpoint.js';
import { hashRange, readJson, writeAt, writeJsonAtomic } from './durable-file.js';
import { chunkEndQuery, chunkLimitQuery, chunkRowsQuery, type ExportPlan } from './export-plan.js';
import { type RetryPolicy, withRetries, withSession } from '@rowflow/pg';
import { toInline, toParameterised } from './sql-text.js';

export const partFile = (dir: string, i: number) => join(dir, `part-${i}.csv`);
export const partCheckpointFile = (dir: string, i: number) => join(dir, `part-${i}.json`);

export interface PartOptions {
  pool: pg.Pool;
  plan: ExportPlan;
  dir: string;
  index: number;
  signal: AbortSignal;
  retry: RetryPolicy;
  /** After each durable checkpoint (the file and the checkpoint both fsync'd). */
  onChunk: (ck: PartCheckpoint, chunk: ChunkRecord) => void;
  onRetry?: (err: unknown) => void;
}

/** Writes a COPY stream at a file position, hashing as it goes; `write` waits for the disk (backpressure). */
class HashingFileSink extends Writable {
  readonly hash: Hash = createHash('sha256');
  written = 0;
  constructor(
    private readonly fh: FileHandle,
    private readonly start: number,
    private readonly tail?: CsvTail,
  ) {
    super({ highWaterMark: 1 << 20 });
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.put(chunk, cb);
  }

  /**
   * COPY TO emits one message per row; while a disk write is in flight the rows queue up here and
   * go out as one write (one syscall per ~1 MB instead of one per row).
   */
  override _writev(chunks: Array<{ chunk: Buffer }>, cb: (err?: Error | null) => void): void {
    this.put(chunks.length === 1 ? chunks[0]!.chunk : Buffer.concat(chunks.map((c) => c.chunk)), cb);
  }

  private put(buf: Buffer, cb: (err?: Error | null) => void): void {
    this.hash.update(buf);
    this.tail?.feed(buf);
    writeAt(this.fh, buf, this.start + this.written).then(() => {
      this.written += buf.length;
      cb();
    }, cb);
  }
}

/**
 * One part file: from its checkpoint to the end of its key range, one chunk at a time
 * (`after < key <= hi`, hi found by keyset paging, never OFFSET). After each chunk: truncate any
 * stale tail, fsync the file, write the checkpoint atomically. On start it re-hashes the committed
 * chunks and cuts the file back to the last one that verifies (a torn tail after kill -9, or a
 * damaged file), so a rerun continues and the result is byte-identical to an uninterrupted run.
 */
export class PartRunner {
  private readonly path: string;
  private readonly ckPath: string;

  constructor(private readonly o: PartOptions) {
    this.path = partFile(o.dir, o.index);
    this.ckPath = partCheckpointFile(o.dir, o.index);
  }

  async run(): Promise<PartCheckpoint> {
    const range = this.o.plan.ranges[this.o.index]!;
    let ck = (await readJson<PartCheckpoint>(this.ckPath)) ?? emptyCheckpoint(this.o.index, range);
    // "done" holds only with its file: a part file can be gone (removed by a rerun that was
    // killed before it also removed this checkpoint), and is then written again.
    if (ck.done && (await stat(this.path).then((st) => st.size, () => -1)) === ck.bytes) return ck;
    const fh = await open(this.path, constants.O_RDWR | constants.O_CREAT, 0o644);
    try {
      ck = await this.verifyPrefix(fh, ck);
      if (this.o.index === 0 && ck.chunks.length === 0 && this.o.plan.header) ck = await this.commit(fh, ck, await this.header(fh));
      for (;;) {
        this.o.signal.throwIfAborted();
        const chunk = await withRetries(() => this.chunk(fh, ck), this.o.retry, this.o.signal, this.o.onRetry);
        if (!chunk) break;
        ck = await this.commit(fh, ck, chunk);
      }
      ck = { ...ck, done: true };
      await writeJsonAtomic(this.ckPath, ck);
      return ck;
    } finally {
      await fh.close();
    }
  }

  /** Keeps the longest prefix of checkpointed chunks whose bytes still hash to their record. */
  private async verifyPrefix(fh: FileHandle, ck: PartCheckpoint): Promise<PartCheckpoint> {
    const size = (await fh.stat()).size;
    let offset = 0;
    let good = 0;
    for (const c of ck.chunks) {
      if (offset + c.bytes > size || (await hashRange(fh, offset, c.bytes)) !== c.sha256) break;
      offset += c.bytes;
      good++;
    }
    const kept = good === ck.chunks.length ? ck : truncateCheckpoint(ck, good);
    if (size !== kept.bytes) await fh.truncate(kept.bytes);
    if (kept !== ck) await writeJsonAtomic(this.ckPath, kept);
    return kept;
  }

  private async header(fh: FileHandle): Promise<ChunkRecord> {
    const buf = Buffer.from(this.o.plan.header, 'utf8');
    await writeAt(fh, buf, 0);
    return { after: null, through: null, rows: 0, bytes: buf.length, sha256: createHash('sha256').update(buf).digest('hex') };
  }

  private async commit(fh: FileHandle, ck: PartCheckpoint, chunk: ChunkRecord): Promise<PartCheckpoint> {
    const bytes = ck.bytes + chunk.bytes;
    await fh.truncate(bytes); // a failed earlier attempt may have written past this chunk's end
    await fh.sync();
    const next: PartCheckpoint = {
      ...ck,
      lastKey: chunk.through ?? ck.lastKey,
      rows: ck.rows + chunk.rows,
      bytes,
      chunks: [...ck.chunks, chunk],
    };
    await writeJsonAtomic(this.ckPath, next);
    this.o.onChunk(next, chunk);
    return next;
  }

  /** One chunk written at the checkpoint's offset; null when the part's key range is exhausted. */
  private chunk(fh: FileHandle, ck: PartCheckpoint): Promise<ChunkRecord | null> {
    return this.o.plan.uniqueKey ? this.limitChunk(fh, ck) : this.rangeChunk(fh, ck);
  }

  /**
   * Unique key: one statement, `COPY (… WHERE key > last ORDER BY key LIMIT n)`; the chunk's
   * last key and row count are read from the CSV bytes as they go to the file.
   */
  private async limitChunk(fh: FileHandle, ck: PartCheckpoint): Promise<ChunkRecord | null> {
    const { plan, signal } = this.o;
    const after = ck.lastKey ?? plan.ranges[this.o.index]!.after;
    const tail = new CsvTail(plan.columns.indexOf(plan.orderBy));
    return this.withClient(async (client) => {
      const copy = client.query(copyTo(`COPY (${toInline(chunkLimitQuery(plan, after, plan.ranges[this.o.index]!.through))}) TO STDOUT (FORMAT csv)`));
      const sink = new HashingFileSink(fh, ck.bytes, tail);
      await pipeline(copy, sink, { signal });
      const through = tail.lastKey();
      if (tail.rows === 0 || through === null) return null;
      // copy.rowCount is not reliably set when the stream ends; the records counted in the bytes are.
      return { after, through, rows: tail.rows, bytes: sink.written, sha256: sink.hash.digest('hex') };
    });
  }

  /** Runs `fn` on a pooled session; a failed session is discarded (it may be mid-COPY). */
  private withClient<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return withSession(this.o.pool, fn);
  }


  /**
   * Non-unique or unknown key: in one REPEATABLE READ snapshot find the chunk's upper key, then
   * COPY every row up to and including it (ties are never split across chunks).
   */
  private async rangeChunk(fh: FileHandle, ck: PartCheckpoint): Promise<ChunkRecord | null> {
    const { pool, plan, signal } = this.o;
    const after = ck.lastKey ?? plan.ranges[this.o.index]!.after;
    // withSession: a failed session (it may be mid-COPY) is discarded and keeps ignoring the
    // 'error' its terminated socket still emits; removing the listener there crashed the process.
    return withSession(
      pool,
      async (client) => {
        await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
        const end = await client.query<{ hi: string | null; n: number }>(toParameterised(chunkEndQuery(plan, after, plan.ranges[this.o.index]!.through)));
        const { hi, n } = end.rows[0] ?? { hi: null, n: 0 };
        if (hi === null) {
          await client.query('COMMIT');
          return null;
        }
        const copy = client.query(copyTo(`COPY (${toInline(chunkRowsQuery(plan, after, hi))}) TO STDOUT (FORMAT csv)`));
        const sink = new HashingFileSink(fh, ck.bytes);
        await pipeline(copy, sink, { signal });
        await client.query('COMMIT');
        if (copy.rowCount !== n) throw new Error(`chunk (${after}, ${hi}] gave ${copy.rowCount} rows, expected ${n}`);
        return { after, through: hi, rows: n, bytes: sink.written, sha256: sink.hash.digest('hex') };
      },
      { rollback: true },
    );
  }
}
