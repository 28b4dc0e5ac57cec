import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type ParquetColumn, ParquetFileWriter, parquetColumnsForPg } from '@rowflow/generator';
import type pg from 'pg';
import { fsyncDir, writeAt } from './durable-file.js';
import type { ExportPlan } from './export-plan.js';
import { describeTable } from './table-info.js';

/** Rows per Parquet row group of an export (the most rows held in memory at once). */
export const EXPORT_ROW_GROUP = 65_536;

/**
 * Incremental RFC 4180 reader of PostgreSQL's CSV output: `feed` takes text as it arrives and
 * calls `onRecord` per complete record. An empty unquoted field is NULL, `""` the empty string
 * (COPY's convention).
 */
export class CsvRecordReader {
  private field = '';
  private quoted = false;
  private inQuotes = false;
  /** A quote seen inside quotes: either the closing one or the first of a doubled pair. */
  private quoteSeen = false;
  private record: (string | null)[] = [];

  constructor(private readonly onRecord: (fields: (string | null)[]) => void) {}

  feed(text: string): void {
    for (let i = 0; i < text.length; i++) this.char(text[i]!);
  }

  private char(c: string): void {
    if (this.inQuotes) {
      if (this.quoteSeen) {
        this.quoteSeen = false;
        if (c === '"') {
          this.field += '"';
          return;
        }
        this.inQuotes = false; // that quote closed the field; c is a separator
      } else if (c === '"') {
        this.quoteSeen = true;
        return;
      } else {
        this.field += c;
        return;
      }
    }
    if (c === '"') {
      this.inQuotes = true;
      this.quoted = true;
    } else if (c === ',') this.endField();
    else if (c === '\n') {
      this.endField();
      const rec = this.record;
      this.record = [];
      this.onRecord(rec);
    } else this.field += c;
  }

  private endField(): void {
    this.record.push(this.field.length === 0 && !this.quoted ? null : this.field);
    this.field = '';
    this.quoted = false;
  }

  /** The input ended: a quote still pending closes its field; a last record without `\n` is delivered. */
  end(): void {
    if (this.quoteSeen) {
      this.quoteSeen = false;
      this.inQuotes = false;
    }
    if (this.field.length > 0 || this.quoted || this.record.length > 0) this.char('\n');
  }
}

export interface CsvToParquetOptions {
  csvPath: string;
  outPath: string;
  /** The exported columns in file order with their PostgreSQL types (`format_type`). */
  columns: readonly { name: string; type: string }[];
  /** The CSV starts with a header line (skipped). */
  header: boolean;
  signal: AbortSignal;
  rowGroupRows?: number;
}

/** Size and digest of a written file. */
export interface WrittenFile {
  rows: number;
  bytes: number;
  sha256: string;
}

/**
 * Converts an export's finished CSV into Parquet with typed columns, one row group at a time
 * (temp file + fsync + rename, like the CSV). The CSV is the checkpointed, verified copy of the
 * data, so the Parquet file is a pure function of it: converting again gives the same bytes.
 */
export async function csvToParquet(o: CsvToParquetOptions): Promise<WrittenFile> {
  const out = new GroupedOutput(parquetColumnsForPg(o.columns), o.rowGroupRows ?? EXPORT_ROW_GROUP, `${o.outPath}.rowflow-tmp`);
  await out.open();
  try {
    let skip = o.header;
    const reader = new CsvRecordReader((rec) => {
      if (skip) skip = false;
      else out.add(rec);
    });
    for await (const text of createReadStream(o.csvPath, { encoding: 'utf8', signal: o.signal })) {
      reader.feed(text as string);
      await out.drain();
    }
    reader.end();
    return await out.close(o.outPath);
  } catch (err) {
    await out.abandon();
    throw err;
  }
}

/**
 * Rows gathered into column arrays; each full group is encoded at once (its bytes queued) and
 * written by `drain`, so at most one group of rows plus one read chunk's encoded groups are held.
 */
class GroupedOutput {
  private readonly writer: ParquetFileWriter;
  private readonly hash = createHash('sha256');
  private data: unknown[][];
  private queued: Buffer[] = [];
  private pos = 0;
  private rows = 0;
  private fh: Awaited<ReturnType<typeof open>> | undefined;

  constructor(
    private readonly cols: ParquetColumn[],
    private readonly groupRows: number,
    private readonly tmp: string,
  ) {
    this.writer = new ParquetFileWriter(cols);
    this.data = cols.map(() => []);
  }

  async open(): Promise<void> {
    this.fh = await open(this.tmp, 'w');
  }

  add(rec: (string | null)[]): void {
    for (let i = 0; i < this.cols.length; i++) {
      const v = rec[i] ?? null;
      this.data[i]!.push(v === null ? null : this.cols[i]!.convert(v));
    }
    this.rows++;
    if (this.data[0]!.length >= this.groupRows) this.endGroup();
  }

  private endGroup(): void {
    if ((this.data[0]?.length ?? 0) === 0) return;
    this.queued.push(this.writer.group(this.data));
    this.data = this.cols.map(() => []);
  }

  /** Writes the encoded groups queued so far. */
  async drain(): Promise<void> {
    const bytes = this.queued;
    this.queued = [];
    for (const b of bytes) await this.write(b);
  }

  private async write(bytes: Buffer): Promise<void> {
    this.hash.update(bytes);
    await writeAt(this.fh!, bytes, this.pos);
    this.pos += bytes.length;
  }

  async close(finalPath: string): Promise<WrittenFile> {
    this.endGroup();
    await this.drain();
    await this.write(this.writer.finish());
    await this.fh!.sync();
    await this.fh!.close();
    this.fh = undefined;
    await rename(this.tmp, finalPath);
    await fsyncDir(dirname(finalPath));
    return { rows: this.rows, bytes: this.pos, sha256: this.hash.digest('hex') };
  }

  async abandon(): Promise<void> {
    await this.fh?.close().catch(() => undefined);
  }
}

/**
 * The Parquet file of a finished export: the exported columns typed as the catalog declares
 * them now, converted from the export's CSV.
 */
export async function exportParquet(pool: pg.Pool, plan: ExportPlan, csvPath: string, outPath: string, signal: AbortSignal): Promise<WrittenFile> {
  const info = await describeTable(pool, plan.schema, plan.table);
  const types = new Map(info.columns.map((c) => [c.name, c.type]));
  const columns = plan.columns.map((name) => ({ name, type: types.get(name) ?? 'text' }));
  return csvToParquet({ csvPath, outPath, columns, header: plan.header !== '', signal });
}
