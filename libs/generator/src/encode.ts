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

function csvCell(c: CompiledColumn): (row: RowContext) => string {
  const value = c.value;
  switch (c.kind) {
    case 'number':
    case 'boolean':
    case 'plain':
      return (row) => {
        const v = value(row);
        return v === null ? '' : String(v);
      };
    case 'text':
    case 'json':
      return (row) => {
        const v = value(row);
        return v === null ? '' : csvField(v as string);
      };
  }
}

function jsonCell(c: CompiledColumn): (row: RowContext) => string {
  const value = c.value;
  switch (c.kind) {
    case 'number':
    case 'boolean':
    case 'json':
      return (row) => {
        const v = value(row);
        return v === null ? 'null' : String(v);
      };
    case 'plain':
      return (row) => {
        const v = value(row);
        return v === null ? 'null' : `"${v as string}"`;
      };
    case 'text':
      return (row) => {
        const v = value(row);
        return v === null ? 'null' : JSON.stringify(v);
      };
  }
}

/** One CSV line (with `\n`) per row, columns in spec order. */
export function csvEncoder(columns: CompiledColumn[]): RowEncoder {
  const cells = columns.map(csvCell);
  const n = cells.length;
  return (row) => {
    let line = cells[0]!(row);
    for (let i = 1; i < n; i++) line += `,${cells[i]!(row)}`;
    return `${line}\n`;
  };
}

/** One NDJSON line per row: an object whose keys are the column names in spec order. */
export function ndjsonEncoder(columns: CompiledColumn[]): RowEncoder {
  const cells = columns.map(jsonCell);
  const keys = columns.map((c, i) => `${i === 0 ? '{' : ','}${JSON.stringify(c.name)}:`);
  const n = cells.length;
  return (row) => {
    let line = '';
    for (let i = 0; i < n; i++) line += keys[i]! + cells[i]!(row);
    return `${line}}\n`;
  };
}

/** CSV header line: the column names, CSV-escaped. */
export function csvHeader(columns: CompiledColumn[]): string {
  return `${columns.map((c) => csvField(c.name)).join(',')}\n`;
}
