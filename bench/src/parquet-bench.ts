/**
 * Parquet writers compared on the same 100k `users` rows (`npm run bench -- parquet`): the
 * writer Rowflow ships (hyparquet-writer, pure JS) against parquet-wasm (arrow-rs compiled to
 * WebAssembly, fed through apache-arrow). Each "writer only" line encodes cells generated
 * beforehand, so the figure is the library; the "stream" lines are what a client of
 * `/api/generator/stream/*` gets (generation included), CSV being the baseline.
 */
import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import { compileTable, createRowStream, parquetColumns, RowContext } from '@rowflow/generator';
import { findTable, pgType } from '@rowflow/schema';
import { Table as ArrowTable, tableToIPC, type Vector, vectorFromArray } from 'apache-arrow';
import { ByteWriter, ParquetWriter, type ColumnSource, type SchemaElement } from 'hyparquet-writer';
import { Compression, Table as WasmTable, writeParquet, WriterPropertiesBuilder } from 'parquet-wasm';
import { type BenchResult, type Harness, median } from './harness.js';

const SEED = 1;
const ROW_GROUP = 16_384;

interface Cells {
  names: string[];
  elements: SchemaElement[];
  /** Parquet-ready values per column (bigint for INT64, days for DATE, …). */
  data: unknown[][];
}

function generateCells(rows: number): Cells {
  const spec = findTable('users');
  const columns = compileTable(spec, SEED);
  const cols = parquetColumns(columns, columns.map((c) => pgType(spec.columns.find((s) => s.name === c.name)!)));
  const data: unknown[][] = cols.map(() => []);
  const row = new RowContext(SEED, spec.name);
  for (let k = 0; k < rows; k++) {
    row.setRow(k);
    columns.forEach((c, i) => {
      const v = c.value(row);
      data[i]!.push(v === null ? null : cols[i]!.convert(v));
    });
  }
  return { names: columns.map((c) => c.name), elements: cols.map((c) => c.element), data };
}

function hyparquet(cells: Cells): number {
  const writer = new ByteWriter();
  const schema: SchemaElement[] = [{ name: 'root', num_children: cells.names.length }, ...cells.elements];
  const pq = new ParquetWriter({ writer, schema });
  const columnData = cells.names.map((name, i) => ({ name, data: cells.data[i]! }) as ColumnSource);
  void pq.write({ columnData, rowGroupSize: ROW_GROUP });
  void pq.finish();
  return writer.offset;
}

/** Arrow vectors from the same values: timestamps as epoch-ms numbers, dates as Date objects. */
function arrowColumn(el: SchemaElement, values: unknown[]): Vector {
  if (el.logical_type?.type === 'TIMESTAMP') return vectorFromArray(values.map((v) => (v === null ? null : new Date(Number(v as bigint) / 1000))));
  if (el.logical_type?.type === 'DATE') return vectorFromArray(values.map((v) => (v === null ? null : new Date((v as number) * 86_400_000))));
  return vectorFromArray(values as never[]);
}

function parquetWasm(cells: Cells): number {
  const vectors: Record<string, Vector> = Object.fromEntries(cells.names.map((n, i) => [n, arrowColumn(cells.elements[i]!, cells.data[i]!)]));
  const ipc = tableToIPC(new ArrowTable(vectors), 'stream');
  const props = new WriterPropertiesBuilder().setCompression(Compression.SNAPPY).setMaxRowGroupSize(ROW_GROUP).build();
  return writeParquet(WasmTable.fromIPCStream(ipc), props).length;
}

async function drain(stream: Readable): Promise<number> {
  let bytes = 0;
  for await (const chunk of stream) bytes += (chunk as Buffer).length;
  return bytes;
}

/** Median seconds of `runs` calls, and the last call's result. */
async function time<T>(runs: number, fn: () => T | Promise<T>): Promise<{ seconds: number; result: T }> {
  const secs: number[] = [];
  let result!: T;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    result = await fn();
    secs.push((performance.now() - t0) / 1000);
  }
  return { seconds: median(secs), result };
}

export async function run(h: Harness): Promise<BenchResult[]> {
  const rows = h.quick ? 20_000 : 100_000;
  const runs = h.quick ? 1 : 3;
  h.log(`parquet: ${rows} users rows, medians of ${runs}`);
  const cells = generateCells(rows);
  const hyp = await time(runs, () => hyparquet(cells));
  const wasm = await time(runs, () => parquetWasm(cells));
  const spec = findTable('users');
  const csv = await time(runs, () => drain(createRowStream({ spec, seed: SEED, rows, format: 'csv' })));
  const pq = await time(runs, () => drain(createRowStream({ spec, seed: SEED, rows, format: 'parquet' })));
  const line = (name: string, t: { seconds: number; result: number }, base?: { seconds: number }, baseline?: string): BenchResult => ({
    name,
    value: rows / t.seconds,
    unit: 'rows/s',
    ratio: base ? base.seconds / t.seconds : undefined,
    baseline,
    note: `${(t.result / 1e6).toFixed(1)} MB`,
  });
  return [
    line('parquet writer only: hyparquet-writer 0.17 (shipped)', hyp),
    line('parquet writer only: parquet-wasm 0.8 + apache-arrow 21', wasm, hyp, 'hyparquet-writer'),
    line('stream: users CSV', csv),
    line('stream: users Parquet (generation + hyparquet-writer)', pq, csv, 'CSV stream'),
  ];
}
