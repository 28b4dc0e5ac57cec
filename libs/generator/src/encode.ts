import type { CompiledColumn } from './column.js';
import type { RowContext } from './row-context.js';

const NEEDS_QUOTES = /[",\n\r]/;

/**
 * RFC 4180 field for PostgreSQL `COPY … (FORMAT csv)`: quoted only when needed; the empty
 * string is `""` because an empty unquoted field means NULL; `\.` alone would end COPY's data.
 */
export function csvField(s: string): string {
  if (s.length === 0) return '""';
  if (NEEDS_QUOTES.test(s) || s === '\\.') return `"${s.replace(/"/g, '""')}"`;
  return s;
}

export type RowEncoder = (row: RowContext) => string;

/** JS string literal of `s` (JSON string literals are valid JS). */
const lit = (s: string): string => JSON.stringify(s);

/** Source of one CSV cell with its leading separator; `v` holds the (non-null) value. */
function csvCell(c: CompiledColumn, sep: string): string {
  switch (c.kind) {
    case 'number':
    case 'boolean':
    case 'plain':
      return `${lit(sep)} + v`;
    case 'text':
    case 'json':
      return `${lit(sep)} + csvField(v)`;
  }
}

/** Source of one NDJSON member (`,"name":value`); plain strings fold their quotes into the key literal. */
function jsonCell(c: CompiledColumn, key: string): string {
  switch (c.kind) {
    case 'number':
    case 'boolean':
    case 'json':
      return `${lit(key)} + v`;
    case 'plain':
      return `${lit(`${key}"`)} + v + '"'`;
    case 'text':
      return `${lit(key)} + JSON.stringify(v)`;
  }
}

/**
 * Builds a row encoder as one generated function (new Function over fixed templates: column
 * names only appear inside JSON-escaped string literals). One call site per column keeps every
 * value call monomorphic, so V8 can inline it; separators are folded into literals so each cell
 * costs one or two concatenations.
 */
function generate(columns: CompiledColumn[], cell: (c: CompiledColumn, i: number) => string, nullCell: (i: number) => string, close: string): RowEncoder {
  const body = columns.map((c, i) => `v = f${i}(row); s += v === null ? ${lit(nullCell(i))} : ${cell(c, i)};`).join('\n');
  const params = columns.map((_, i) => `f${i}`);
  const src = `return function encodeRow(row) {\nlet v; let s = '';\n${body}\nreturn s + ${lit(close)};\n};`;
  const factory = new Function('csvField', ...params, src) as (...args: unknown[]) => RowEncoder;
  return factory(csvField, ...columns.map((c) => c.value));
}

/** One CSV line (with `\n`) per row, columns in spec order; NULL is an empty unquoted field. */
export function csvEncoder(columns: CompiledColumn[]): RowEncoder {
  const sep = (i: number) => (i === 0 ? '' : ',');
  return generate(columns, (c, i) => csvCell(c, sep(i)), sep, '\n');
}

/** One NDJSON line per row: an object whose keys are the column names in spec order. */
export function ndjsonEncoder(columns: CompiledColumn[]): RowEncoder {
  const keys = columns.map((c, i) => `${i === 0 ? '{' : ','}${JSON.stringify(c.name)}:`);
  return generate(columns, (c, i) => jsonCell(c, keys[i]!), (i) => `${keys[i]!}null`, '}\n');
}

/** CSV header line: the column names, CSV-escaped. */
export function csvHeader(columns: CompiledColumn[]): string {
  return `${columns.map((c) => csvField(c.name)).join(',')}\n`;
}
