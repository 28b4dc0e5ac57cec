import { ValidationError } from '@rowflow/contracts';
import { parseStreamOptions, type StreamOptionParams } from './stream-options.js';

/** Parsed query/body of a stream request (generator and orchestrator share it). */
export interface StreamParams extends StreamOptionParams {
  table?: string;
  rows: number;
  seed?: number;
  offset: number;
  header?: boolean;
}

function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^\s*-?\d+(\.\d+)?([eE][+-]?\d+)?\s*$/.test(v)) return Number(v);
  return NaN;
}

function first(v: unknown): unknown {
  // Express turns `?rows=1&rows=2` into an array; the last word would be surprising, so take the first.
  return Array.isArray(v) ? v[0] : v;
}

function parseRows(raw: unknown, maxRows: number): number {
  if (raw === undefined || raw === '') throw new ValidationError('rows', 'is required (a positive integer)');
  const n = toNumber(raw);
  if (!Number.isInteger(n)) throw new ValidationError('rows', `must be an integer, got ${JSON.stringify(raw)}`);
  if (n <= 0) throw new ValidationError('rows', `must be > 0, got ${n}`);
  if (n > maxRows) throw new ValidationError('rows', `must be <= MAX_ROWS (${maxRows}), got ${n}`);
  return n;
}

function parseOffset(raw: unknown): number {
  if (raw === undefined || raw === '') return 0;
  const n = toNumber(raw);
  if (!Number.isSafeInteger(n)) throw new ValidationError('offset', `must be an integer, got ${JSON.stringify(raw)}`);
  if (n < 0) throw new ValidationError('offset', `must be >= 0, got ${n}`);
  return n;
}

function parseSeed(raw: unknown): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const n = toNumber(raw);
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new ValidationError('seed', `must be an integer in [0, ${Number.MAX_SAFE_INTEGER}] (0 or absent picks one), got ${JSON.stringify(raw)}`);
  }
  return n;
}

function parseHeader(raw: unknown): boolean | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (raw === true || raw === 'true') return true;
  if (raw === false || raw === 'false') return false;
  throw new ValidationError('header', `must be true or false, got ${JSON.stringify(raw)}`);
}

/**
 * Parses stream parameters from a query string (`Record<string, string>`) or a JSON body
 * (numbers/booleans). Errors name the field: rows, offset, seed, header, table.
 */
export function parseStreamParams(input: Record<string, unknown>, limits: { maxRows: number }): StreamParams {
  const rows = parseRows(first(input.rows), limits.maxRows);
  const out: StreamParams = { rows, offset: parseOffset(first(input.offset)) };
  const seed = parseSeed(first(input.seed));
  if (seed !== undefined) out.seed = seed;
  const header = parseHeader(first(input.header));
  if (header !== undefined) out.header = header;
  Object.assign(out, parseStreamOptions(input));
  const table = first(input.table);
  if (table !== undefined && table !== '') {
    if (typeof table !== 'string') throw new ValidationError('table', 'must be a string');
    out.table = table;
  }
  return out;
}
