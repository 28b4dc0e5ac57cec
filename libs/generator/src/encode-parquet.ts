import { Readable } from 'node:stream';
import { ByteWriter, ParquetWriter, type ColumnSource, type SchemaElement } from 'hyparquet-writer';
import type { Cell, CompiledColumn } from './column.js';
import { RowContext } from './row-context.js';
import { generatorStats } from './stream-stats.js';

/** One Parquet column: its schema element and how a generated cell becomes the stored value. */
export interface ParquetColumn {
  element: SchemaElement;
  convert(cell: Exclude<Cell, null>): unknown;
}

const DAY_MS = 86_400_000;
/** Decimals up to 18 digits fit an INT64 unscaled value; wider ones are stored as big-endian bytes. */
const INT64_DECIMAL_DIGITS = 18;
const NUMERIC = /^numeric\((\d+),(\d+)\)$/;

const utf8 = (name: string): ParquetColumn => ({
  element: { name, type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'STRING' }, repetition_type: 'OPTIONAL' },
  convert: (v) => String(v),
});

/** `12.3` at scale 2 → 1230n: the digits as written, so no value passes through a float. */
export function unscaledDecimal(text: string, scale: number): bigint {
  const negative = text.startsWith('-');
  const [whole = '0', fraction = ''] = (negative ? text.slice(1) : text).split('.');
  const digits = BigInt(whole + fraction.padEnd(scale, '0').slice(0, scale));
  return negative ? -digits : digits;
}

function decimal(name: string, precision: number, scale: number): ParquetColumn {
  const narrow = precision <= INT64_DECIMAL_DIGITS;
  return {
    element: {
      name,
      type: narrow ? 'INT64' : 'BYTE_ARRAY',
      converted_type: 'DECIMAL',
      logical_type: { type: 'DECIMAL', precision, scale },
      precision,
      scale,
      repetition_type: 'OPTIONAL',
    },
    convert: (v) => unscaledDecimal(String(v), scale),
  };
}

/** `2024-01-02T03:04:05.123Z` as generated, or `2024-01-02 03:04:05.123456+05:30` as PostgreSQL writes it. */
const DATE_TIME = /^(\d{4,})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?(Z|[+-]\d\d(?::?\d\d)?)?$/;

/** Minutes east of UTC of `Z`, `+05`, `-0330`, `+05:30`. */
function offsetMinutes(zone: string | undefined): number {
  if (!zone || zone === 'Z') return 0;
  const digits = zone.slice(1).replace(':', '');
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0);
  return zone.startsWith('-') ? -minutes : minutes;
}

/** A date-time without a zone is taken as UTC (timestamp); fractions keep all six digits. */
function micros(v: Exclude<Cell, null>): bigint {
  const s = String(v);
  const m = DATE_TIME.exec(s);
  if (!m) throw new Error(`not a date-time: ${JSON.stringify(s)}`);
  const d = new Date(0);
  d.setUTCFullYear(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  d.setUTCHours(Number(m[4]), Number(m[5]) - offsetMinutes(m[8]), Number(m[6]), 0);
  return BigInt(d.getTime()) * 1000n + BigInt((m[7] ?? '').padEnd(6, '0'));
}

function timestamp(name: string, zoned: boolean): ParquetColumn {
  return {
    element: { name, type: 'INT64', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: zoned, unit: 'MICROS' }, repetition_type: 'OPTIONAL' },
    convert: (v) => micros(v),
  };
}

/** Typed column for a generated PostgreSQL type; anything without a closer Parquet type is UTF-8 text. */
function typedColumn(name: string, pgType: string): ParquetColumn | undefined {
  switch (pgType) {
    case 'integer':
    case 'smallint':
      return { element: { name, type: 'INT32', repetition_type: 'OPTIONAL' }, convert: (v) => Number(v) };
    case 'bigint':
      return { element: { name, type: 'INT64', repetition_type: 'OPTIONAL' }, convert: (v) => BigInt(v) };
    case 'double precision':
    case 'real':
      return { element: { name, type: 'DOUBLE', repetition_type: 'OPTIONAL' }, convert: (v) => Number(v) };
    case 'boolean':
      return { element: { name, type: 'BOOLEAN', repetition_type: 'OPTIONAL' }, convert: (v) => v === true || v === 't' || v === 'true' };
    case 'date':
      return { element: { name, type: 'INT32', converted_type: 'DATE', logical_type: { type: 'DATE' }, repetition_type: 'OPTIONAL' }, convert: (v) => Date.parse(String(v)) / DAY_MS };
    case 'timestamp':
    case 'timestamptz':
      return timestamp(name, pgType === 'timestamptz');
  }
  const m = NUMERIC.exec(pgType);
  return m ? decimal(name, Number(m[1]), Number(m[2])) : undefined;
}

/** A column the spec does not type (change-stream fields): numbers as doubles, booleans, else text. */
function untypedColumn(c: CompiledColumn): ParquetColumn {
  if (c.kind === 'number') return { element: { name: c.name, type: 'DOUBLE', repetition_type: 'OPTIONAL' }, convert: (v) => Number(v) };
  if (c.kind === 'boolean') return typedColumn(c.name, 'boolean') as ParquetColumn;
  return utf8(c.name);
}

/**
 * The Parquet schema of a row stream: `pgTypes[i]` is the PostgreSQL type column i loads into
 * (what a job would create), which picks int32/int64/double/boolean/date/timestamp/decimal;
 * other types (text, uuid, json, inet, …) are UTF-8 strings, exactly as CSV writes them.
 */
export function parquetColumns(columns: CompiledColumn[], pgTypes: readonly (string | undefined)[]): ParquetColumn[] {
  return columns.map((c, i) => {
    const pg = pgTypes[i];
    return (pg === undefined ? undefined : typedColumn(c.name, pg)) ?? (pg === undefined ? untypedColumn(c) : utf8(c.name));
  });
}

/**
 * Parquet columns for PostgreSQL columns as the catalog names them (`format_type`: `integer`,
 * `numeric(8,2)`, `timestamp with time zone`, …); types without a closer Parquet type are text.
 */
export function parquetColumnsForPg(columns: readonly { name: string; type: string }[]): ParquetColumn[] {
  return columns.map((c) => typedColumn(c.name, PG_ALIASES[c.type] ?? c.type) ?? utf8(c.name));
}

const PG_ALIASES: Record<string, string> = { 'timestamp without time zone': 'timestamp', 'timestamp with time zone': 'timestamptz' };

/**
 * A Parquet file written one row group at a time: `group()` encodes a group's column arrays and
 * returns its bytes, `finish()` the footer. Holds no rows between calls.
 */
export class ParquetFileWriter {
  private readonly writer = new ByteWriter();
  private readonly parquet: ParquetWriter;

  constructor(readonly columns: readonly ParquetColumn[]) {
    const schema: SchemaElement[] = [{ name: 'root', num_children: columns.length }, ...columns.map((c) => c.element)];
    this.parquet = new ParquetWriter({ writer: this.writer, schema, createdBy: CREATED_BY });
  }

  /** Bytes of one row group; `data[i]` holds column i's converted values (null for NULL). */
  group(data: unknown[][]): Buffer {
    const n = data[0]?.length ?? 0;
    if (n === 0) return this.take();
    const columnData = this.columns.map((c, i) => ({ name: c.element.name, data: data[i]! }) as ColumnSource);
    void this.parquet.write({ columnData, rowGroupSize: n });
    return this.take();
  }

  /** The footer (metadata and the closing magic). */
  finish(): Buffer {
    void this.parquet.finish();
    return this.take();
  }

  /** What the writer holds, leaving its buffer empty (its offset keeps counting the file). */
  private take(): Buffer {
    const bytes = Buffer.from(this.writer.getBytes());
    this.writer.index = 0;
    return bytes;
  }
}

export interface ParquetStreamOptions {
  table: string;
  columns: CompiledColumn[];
  /** PostgreSQL type per column (see `parquetColumns`); undefined entries are typed by value kind. */
  pgTypes: readonly (string | undefined)[];
  seed: number;
  offset: number;
  rows: number;
  /** Rows per row group (default 16,384): the most rows held in memory at once. */
  rowGroupRows?: number;
  signal?: AbortSignal;
}

/** Rows generated per macrotask while a row group fills (keeps /health responsive). */
const ROWS_PER_TICK = 1024;
const DEFAULT_ROW_GROUP = 16_384;
/** Written into the footer; a fixed string (no version or clock) keeps the bytes a pure function of the input. */
const CREATED_BY = 'rowflow';

/**
 * Parquet file of rows [offset, offset + rows), written one row group at a time: a group's
 * columns are filled, encoded (snappy, statistics) and pushed before the next group is generated,
 * so memory is bounded by one group whatever the row count. The footer follows the last group.
 * Same (columns, seed, offset, rows, rowGroupRows) → same bytes.
 */
export class ParquetRowStream extends Readable {
  readonly counts = { rows: 0, bytes: 0 };
  private readonly cols: ParquetColumn[];
  private readonly file: ParquetFileWriter;
  private readonly row: RowContext;
  private readonly groupRows: number;
  private next: number;
  private readonly end: number;
  private group: unknown[][] = [];
  private scheduled = false;
  private finished = false;

  constructor(private readonly opts: ParquetStreamOptions) {
    super({ signal: opts.signal, highWaterMark: 1 << 20 });
    this.cols = parquetColumns(opts.columns, opts.pgTypes);
    this.file = new ParquetFileWriter(this.cols);
    this.row = new RowContext(opts.seed, opts.table);
    this.groupRows = opts.rowGroupRows ?? DEFAULT_ROW_GROUP;
    this.next = opts.offset;
    this.end = opts.offset + opts.rows;
    this.resetGroup();
    generatorStats.activeStreams++;
    generatorStats.streamsStarted++;
  }

  override _read(): void {
    if (this.scheduled || this.finished) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (!this.destroyed) this.step();
    });
  }

  /** One tick: up to ROWS_PER_TICK rows into the group; a full group (or the last rows) is written out. */
  private step(): void {
    const groupEnd = Math.min(this.end, this.next - this.groupLength() + this.groupRows);
    const stop = Math.min(groupEnd, this.next + ROWS_PER_TICK);
    this.fillRows(stop);
    if (this.next < groupEnd) return this._read();
    const bytes = this.file.group(this.group);
    this.resetGroup();
    if (this.next >= this.end) return this.finish(bytes);
    if (!this.pushBytes(bytes)) this._read();
  }

  private groupLength(): number {
    return this.group[0]?.length ?? 0;
  }

  private fillRows(stop: number): void {
    const { row, cols, opts } = this;
    for (let k = this.next; k < stop; k++) {
      row.setRow(k);
      for (let i = 0; i < cols.length; i++) {
        const cell = opts.columns[i]!.value(row);
        this.group[i]!.push(cell === null ? null : cols[i]!.convert(cell));
      }
    }
    generatorStats.rowsGenerated += stop - this.next;
    this.counts.rows += stop - this.next;
    this.next = stop;
  }

  private resetGroup(): void {
    this.group = this.cols.map(() => []);
  }

  private finish(lastGroup: Buffer): void {
    this.finished = true;
    this.pushBytes(Buffer.concat([lastGroup, this.file.finish()]));
    this.push(null);
  }

  /** Pushes non-empty bytes; false when there was nothing to push. */
  private pushBytes(bytes: Buffer): boolean {
    if (bytes.length === 0) return false;
    this.counts.bytes += bytes.length;
    this.push(bytes);
    return true;
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    generatorStats.activeStreams--;
    this.group = [];
    cb(err);
  }
}
