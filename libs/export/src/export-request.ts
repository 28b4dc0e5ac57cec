import { rejectUnknownKeys, ValidationError } from '@rowflow/contracts';
import { isIdentifier } from '@rowflow/schema';
import { type Filter, parseFilter } from './filter.js';

/** A validated `POST /api/exports` body (also what `rowflow export` builds from its flags). */
export interface ExportRequest {
  table: string;
  where?: Filter;
  /** Order (and paging) key column; default: the table's single-column primary key. */
  orderBy?: string;
  workers: number;
  /** `parquet`: the CSV export, then converted to a Parquet file with typed columns. */
  format: ExportFormat;
  /** CSV header line at the top of the file. */
  header: boolean;
  /** Rows per checkpointed chunk. */
  chunkRows: number;
}

export type ExportFormat = 'csv' | 'parquet';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['csv', 'parquet'];

export const EXPORT_KEYS = ['table', 'where', 'orderBy', 'workers', 'format', 'header', 'chunkRows'] as const;
export const MAX_EXPORT_WORKERS = 16;
export const DEFAULT_CHUNK_ROWS = 10_000;
export const MAX_CHUNK_ROWS = 1_000_000;

function intField(raw: unknown, field: string, min: number, max: number, def: number): number {
  if (raw === undefined) return def;
  if (typeof raw !== 'number' || !Number.isSafeInteger(raw)) throw new ValidationError(field, `must be an integer, got ${JSON.stringify(raw)}`);
  if (raw < min || raw > max) throw new ValidationError(field, `must be between ${min} and ${max}, got ${raw}`);
  return raw;
}

function ident(raw: unknown, field: string): string {
  if (!isIdentifier(raw)) throw new ValidationError(field, 'must be a table/column name (1..63 bytes, no NUL)');
  return raw;
}

/**
 * Validates an export request without I/O: unknown keys, types and ranges, the filter's syntax.
 * Whether the table, order key and filter columns exist is checked against the database by
 * `planExport`. Throws ValidationError naming the field.
 */
export function parseExportRequest(input: unknown): ExportRequest {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new ValidationError('body', 'must be a JSON object');
  const body = input as Record<string, unknown>;
  rejectUnknownKeys(body, EXPORT_KEYS);
  const format = body.format === undefined ? 'csv' : EXPORT_FORMATS.find((f) => f === body.format);
  if (!format) throw new ValidationError('format', `must be "csv" or "parquet", got ${JSON.stringify(body.format)}`);
  if (body.header !== undefined && typeof body.header !== 'boolean') throw new ValidationError('header', 'must be true or false');
  const req: ExportRequest = {
    table: ident(body.table, 'table'),
    workers: intField(body.workers, 'workers', 1, MAX_EXPORT_WORKERS, 1),
    format,
    header: body.header !== false,
    chunkRows: intField(body.chunkRows, 'chunkRows', 1, MAX_CHUNK_ROWS, DEFAULT_CHUNK_ROWS),
  };
  if (body.orderBy !== undefined) req.orderBy = ident(body.orderBy, 'orderBy');
  if (body.where !== undefined && body.where !== null) req.where = parseFilter(body.where, 'where');
  return req;
}
