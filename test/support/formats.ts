import { type Field, tableFromIPC } from 'apache-arrow';
import { parquetMetadata } from 'hyparquet';
import { readParquet } from 'parquet-wasm';

export { parseCsv } from '../../libs/generator/src/test-helpers.js';

export interface ParquetContents {
  /** `name:ArrowType` per column, e.g. `id:Int64`, `created_at:Timestamp<MICROSECOND, UTC>`. */
  types: string[];
  /** Every cell as the text CSV writes for it (null for NULL), by an independent reader (arrow-rs via parquet-wasm). */
  rows: (string | null)[][];
  rowGroups: number;
}

/** Digits of an unscaled decimal with the point put back (`-115121`, 4 → `-11.5121`). */
function scaled(unscaled: string, scale: number): string {
  if (scale === 0) return unscaled;
  const negative = unscaled.startsWith('-');
  const digits = (negative ? unscaled.slice(1) : unscaled).padStart(scale + 1, '0');
  return `${negative ? '-' : ''}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

/** Arrow value → CSV text: dates and timestamps as the generator formats them (seconds, `Z` when zoned). */
function text(field: Field, v: unknown): string | null {
  if (v === null || v === undefined) return null;
  const type = String(field.type);
  if (type.startsWith('Decimal')) return scaled(String(v), (field.type as { scale: number }).scale);
  if (type.startsWith('Date32')) return new Date(v as number).toISOString().slice(0, 10);
  if (type.startsWith('Timestamp')) {
    const iso = new Date(v as number).toISOString().replace('.000Z', 'Z');
    return type.includes('UTC') ? iso : iso.slice(0, -1);
  }
  return String(v);
}

/** Reads a whole Parquet file with parquet-wasm (arrow-rs compiled to WebAssembly), not with the writer's library. */
export function readParquetFile(bytes: Uint8Array): ParquetContents {
  const table = tableFromIPC(readParquet(bytes).intoIPCStream());
  const fields = table.schema.fields;
  const rows: (string | null)[][] = [];
  for (const row of table) rows.push(fields.map((f) => text(f, (row as Record<string, unknown>)[f.name])));
  const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  return { types: fields.map((f) => `${f.name}:${String(f.type)}`), rows, rowGroups: parquetMetadata(buf).row_groups.length };
}
