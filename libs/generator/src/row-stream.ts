import { randomInt } from 'node:crypto';
import { Readable } from 'node:stream';
import { type ColumnSpec, type TableSpec, ValidationError } from '@rowflow/contracts';
import { pgType, validateTableSpec } from '@rowflow/schema';
import type { CompiledColumn } from './column.js';
import { compileTable } from './compile.js';
import { utf8Write } from './byte-sink.js';
import { csvEncoder, csvHeader, ndjsonEncoder, type RowEncoder } from './encode.js';
import { ByteSink, type ByteRowEncoder, csvByteEncoder, ndjsonByteEncoder } from './encode-bytes.js';
import { ParquetRowStream } from './encode-parquet.js';
import { sqlEncoder, type SqlTarget } from './encode-sql.js';
import { BatchLimiter } from './pacing.js';
import { partitionEncoder, type PartitionSpec } from './partition-filter.js';
import { RowContext } from './row-context.js';
import { generatorStats } from './stream-stats.js';

export type StreamFormat = 'csv' | 'ndjson' | 'sql' | 'parquet';

export interface RowStreamOptions {
  spec: TableSpec;
  /** A resolved seed (see `resolveSeed`); 0 is a valid seed here. */
  seed: number;
  /** First row index (0-based). */
  offset?: number;
  rows: number;
  format: StreamFormat;
  /** CSV header line; default: only at offset 0. Ignored for NDJSON. */
  header?: boolean;
  /** Aborting destroys the stream (generation stops at the next batch). */
  signal?: AbortSignal;
  /** Approximate bytes per pushed chunk (default 64 KB). */
  chunkBytes?: number;
  /** Only the rows of one partition of [offset, offset + rows) (see partition-filter.ts). */
  partition?: PartitionSpec;
  /** Rows per wall-clock second delivered (per partition when partitioned); absent = as fast as read. */
  rate?: number;
  /** Table the `sql` format inserts into (default: schema `public`, the table's name). */
  sqlTarget?: SqlTarget;
}

/** Rows shorter than this are joined before they are written into the batch buffer. */
const JOIN_CHARS = 1024;

/**
 * Byte-path batches are cut from slabs of this many chunks: a pushed chunk is a view of its
 * slab, so there is one allocation per few chunks and no half-empty batch buffers.
 */
const SLAB_CHUNKS = 8;
const NO_BUFFER = Buffer.alloc(0);

// Shared with the Parquet stream, which counts its rows into the same totals.
export { generatorStats };

/** Largest seed `resolveSeed` picks: 2^48 keeps it exact in JSON and JS numbers. */
const MAX_PICKED_SEED = 2 ** 48;

/** The seed to use: the given one, or a random one for 0/absent (returned to the client to replay). */
export function resolveSeed(seed?: number): number {
  return seed ? seed : randomInt(1, MAX_PICKED_SEED);
}

/**
 * ValidationError when rows up to `end` are more than a column can produce (unique values, an
 * event-time range): what a stream refuses before its first byte. Jobs check it before they
 * truncate or drop anything.
 */
export function checkCapacity(columns: CompiledColumn[], end: number): void {
  if (end > Number.MAX_SAFE_INTEGER) throw new ValidationError('offset', `offset + rows must stay <= ${Number.MAX_SAFE_INTEGER}`);
  for (const c of columns) {
    if (end > c.capacity) {
      throw new ValidationError('rows', `offset + rows = ${end} exceeds what column "${c.name}" can produce uniquely (${c.capacity} values)`);
    }
  }
}

/**
 * Lazy stream of `rows` rows starting at `offset`, as CSV or NDJSON Buffers of about 64 KB.
 * Byte-identical for the same (spec, seed, offset, rows, format, header) on any run; row k is
 * generated without rows < k, so seeking is O(1). Each batch is produced in its own macrotask
 * (setImmediate) so a long stream never blocks the event loop; backpressure is the Readable's.
 * Throws ValidationError (before any byte) for a bad spec or rows beyond a column's capacity.
 */
export function createRowStream(opts: RowStreamOptions): Readable & { readonly counts: RowStreamCounts } {
  const spec = validateTableSpec(opts.spec);
  const columns = compileTable(spec, opts.seed);
  return createCompiledRowStream({ ...opts, table: spec.name, columns, pgTypes: specPgTypes(spec.columns, columns, pgType) });
}

/** The PostgreSQL type of each compiled column that is a spec column (by name), else undefined. */
export function specPgTypes(specColumns: readonly ColumnSpec[], columns: readonly CompiledColumn[], typeOf: (c: ColumnSpec) => string): (string | undefined)[] {
  const byName = new Map(specColumns.map((c) => [c.name, c]));
  return columns.map((c) => {
    const col = byName.get(c.name);
    return col ? typeOf(col) : undefined;
  });
}

/** Options of a stream over already compiled columns (dataset tables compile their own). */
export interface CompiledStreamOptions extends Omit<RowStreamOptions, 'spec'> {
  /** Table name: seeds the row's person/location entities. */
  table: string;
  columns: CompiledColumn[];
  /** PostgreSQL type per column, for the Parquet schema (see `parquetColumns`); default: by value kind. */
  pgTypes?: readonly (string | undefined)[];
}

/** `createRowStream` for columns compiled by the caller (same batching, bytes and checks). */
export function createCompiledRowStream(opts: CompiledStreamOptions): Readable & { readonly counts: RowStreamCounts } {
  if (opts.format === 'sql' || opts.format === 'parquet') refuseRowFilters(opts);
  if (opts.format !== 'parquet') return new RowStream(opts);
  const offset = opts.offset ?? 0;
  checkCapacity(opts.columns, offset + opts.rows);
  const { table, columns, seed, rows, signal } = opts;
  return new ParquetRowStream({ table, columns, pgTypes: opts.pgTypes ?? [], seed, offset, rows, signal });
}

/**
 * SQL statements and Parquet row groups are framed by row index; a partition would drop rows
 * from inside a frame, and a paced file is of no use, so both are refused up front.
 */
function refuseRowFilters(opts: CompiledStreamOptions): void {
  if (opts.partition && opts.partition.count > 1) throw new ValidationError('partitionBy', `not supported for the ${opts.format} format`);
  if (opts.format === 'parquet' && opts.rate) throw new ValidationError('rate', 'not supported for the parquet format');
}

/** The row encoder of a text format. */
function textEncoder(opts: CompiledStreamOptions, offset: number): RowEncoder {
  const { columns } = opts;
  switch (opts.format) {
    case 'csv':
      return csvEncoder(columns);
    case 'ndjson':
      return ndjsonEncoder(columns);
    case 'parquet':
      throw new Error('parquet is written by ParquetRowStream, not a row encoder');
    case 'sql':
      return sqlEncoder(columns, opts.sqlTarget ?? { schema: 'public', table: opts.table }, offset, offset + opts.rows);
  }
}

/**
 * The byte encoder of an unfiltered CSV/NDJSON stream; undefined where rows go through the string
 * encoders (SQL statements, partitions, whose filter works on encoded strings).
 */
function byteEncoder(opts: CompiledStreamOptions): ByteRowEncoder | undefined {
  if (opts.partition && opts.partition.count > 1) return undefined;
  if (opts.format === 'csv') return csvByteEncoder(opts.columns);
  if (opts.format === 'ndjson') return ndjsonByteEncoder(opts.columns);
  return undefined;
}

/** Rows and bytes a row stream has pushed so far (for metrics and stream-end logs). */
export interface RowStreamCounts {
  rows: number;
  bytes: number;
}

class RowStream extends Readable {
  readonly counts: RowStreamCounts = { rows: 0, bytes: 0 };
  private next: number;
  private readonly end: number;
  /** Set for SQL and partitioned streams: rows are encoded as strings (see fill). */
  private readonly encode: RowEncoder | undefined;
  /** Set for CSV/NDJSON without a partition: rows are written as bytes (see fillBytes). */
  private readonly encodeBytes: ByteRowEncoder | undefined;
  private readonly sink = new ByteSink();
  private slab: Buffer = Buffer.alloc(0);
  private slabPos = 0;
  private readonly row: RowContext;
  private readonly chunkBytes: number;
  private pending: string;
  private scheduled = false;
  /** Pacing and scan cap; undefined (the common case) leaves the batch loop as it was. */
  private readonly limiter: BatchLimiter | undefined;

  constructor(opts: CompiledStreamOptions) {
    super({ signal: opts.signal, highWaterMark: opts.chunkBytes ?? 65_536 });
    const offset = opts.offset ?? 0;
    const columns = opts.columns;
    checkCapacity(columns, offset + opts.rows);
    this.next = offset;
    this.end = offset + opts.rows;
    this.encodeBytes = byteEncoder(opts);
    this.encode = this.encodeBytes ? undefined : partitionEncoder(opts.partition, columns, textEncoder(opts, offset));
    const parts = opts.partition?.count ?? 1;
    this.limiter = opts.rate || parts > 1 ? new BatchLimiter(opts.rate ? opts.rate * parts : undefined, parts > 1) : undefined;
    this.row = new RowContext(opts.seed, opts.table);
    this.chunkBytes = opts.chunkBytes ?? 65_536;
    this.pending = opts.format === 'csv' && (opts.header ?? offset === 0) ? csvHeader(columns) : '';
    generatorStats.activeStreams++;
    generatorStats.streamsStarted++;
  }

  override _read(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // setImmediate, not nextTick: lets I/O (e.g. /health) run between batches.
    setImmediate(() => {
      this.scheduled = false;
      if (!this.destroyed) {
        if (this.encodeBytes) this.fillBytes(this.encodeBytes);
        else if (this.encode) this.fill(this.encode);
      }
    });
  }

  /**
   * One batch: rows are UTF-8-written straight into a fresh buffer (measured ~2× cheaper than
   * concatenating a 64 KB string and converting it). A row that might not fit is kept for the
   * next batch; a single row larger than the buffer goes out on its own.
   */
  private fill(encode: RowEncoder): void {
    const { row, chunkBytes } = this;
    const end = this.limiter ? this.limiter.end(this.next, this.end) : this.end;
    if (end <= this.next && this.next < this.end) return this.limiter?.waitThen(this.next, () => this._read());
    const buf = Buffer.allocUnsafe(chunkBytes * 2);
    let pos = 0;
    let k = this.next;
    let line = this.pending;
    this.pending = '';
    for (;;) {
      if (line.length === 0) {
        if (k >= end || pos >= chunkBytes) break;
        row.setRow(k++);
        line = encode(row);
        // Short rows are joined into ~1 KB strings first: one write per row costs more in call
        // overhead than the bytes themselves (1M pgbench_accounts rows: 0.20 → 0.15 s).
        while (line.length < JOIN_CHARS && k < end && pos + line.length * 3 < chunkBytes) {
          row.setRow(k++);
          line += encode(row);
        }
      }
      if (pos + line.length * 3 > buf.length) {
        if (pos === 0) this.pushLarge(line);
        else this.pending = line;
        line = '';
        break;
      }
      pos += utf8Write(buf, line, pos);
      line = '';
    }
    generatorStats.rowsGenerated += k - this.next;
    this.counts.rows += k - this.next;
    this.counts.bytes += pos;
    this.next = k;
    if (pos > 0) this.push(buf.subarray(0, pos));
    if (k >= this.end && this.pending.length === 0) this.push(null);
    else if (pos === 0) this._read(); // a batch of filtered-out rows pushed nothing: ask again
  }

  /**
   * One batch on the byte path: each row's cells are written straight into a slab (no row
   * string), until the batch reaches `chunkBytes`; a row longer than the slab's room moves the
   * batch to a larger buffer (ByteSink.ensure), so any row fits.
   */
  private fillBytes(encode: ByteRowEncoder): void {
    const { row, chunkBytes, sink } = this;
    const end = this.limiter ? this.limiter.end(this.next, this.end) : this.end;
    if (end <= this.next && this.next < this.end) return this.limiter?.waitThen(this.next, () => this._read());
    if (this.slab.length - this.slabPos < chunkBytes * 2) {
      // The first slab holds one batch: short streams (a small table's chunk) stay as small as before.
      this.slab = Buffer.allocUnsafe(chunkBytes * 2 * (this.slab.length === 0 ? 1 : SLAB_CHUNKS));
      this.slabPos = 0;
    }
    sink.open(this.slab, this.slabPos);
    if (this.pending.length > 0) sink.str(this.pending);
    this.pending = '';
    let k = this.next;
    while (k < end && sink.pos - sink.start < chunkBytes) {
      row.setRow(k++);
      encode(row, sink);
    }
    if (sink.buf === this.slab) this.slabPos = sink.pos;
    const out = sink.take();
    sink.open(NO_BUFFER, 0); // the sink keeps no reference to a pushed chunk
    generatorStats.rowsGenerated += k - this.next;
    this.counts.rows += k - this.next;
    this.counts.bytes += out.length;
    this.next = k;
    if (out.length > 0) this.push(out);
    if (k >= this.end) this.push(null);
  }

  private pushLarge(line: string): void {
    const big = Buffer.from(line, 'utf8');
    this.counts.bytes += big.length;
    this.push(big);
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    generatorStats.activeStreams--;
    this.limiter?.stop();
    cb(err);
  }
}

