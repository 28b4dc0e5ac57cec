import { rejectUnknownKeys, ValidationError } from '@rowflow/contracts';
import { parseStreamOptions, STREAM_OPTION_KEYS, type StreamOptionParams } from './stream-options.js';

/** Parsed query/body of a stream request (generator and orchestrator share it). */
export interface StreamParams extends StreamOptionParams {
  table?: string;
  rows: number;
  seed?: number;
  offset: number;
  header?: boolean;
}

/**
 * Where the input came from. A query string carries text, so an integer must be written as
 * digits (`rows=1e3`, `rows=5.0`, `rows= 5` are refused); a JSON body carries typed values, so
 * `"rows": "5"` is refused too. One rule everywhere, whichever endpoint reads the parameter.
 */
export type InputSource = 'query' | 'body';

/**
 * The parameters every row stream takes (generator and relay, GET and POST). Endpoints add their
 * own (`schema` for custom schemas); keep additions here so every endpoint agrees.
 */
export const STREAM_PARAM_KEYS = ['table', 'rows', 'seed', 'offset', 'header', ...STREAM_OPTION_KEYS] as const;

/**
 * Refuses what an endpoint does not take: unknown keys (with a "did you mean") and, in a query
 * string, a parameter given twice (`table=users&table=orders` — which one was meant?).
 */
export function checkInputKeys(input: Record<string, unknown>, allowed: readonly string[], source: InputSource): void {
  const [first] = Object.keys(input);
  if (allowed.length === 0 && first !== undefined) throw new ValidationError(first, 'unknown key: this endpoint takes no parameters');
  rejectUnknownKeys(input, allowed);
  if (source !== 'query') return;
  for (const [key, value] of Object.entries(input)) {
    if (Array.isArray(value)) throw new ValidationError(key, `given ${value.length} times; give it once`);
    if (typeof value !== 'string') throw new ValidationError(key, 'must be a plain value');
  }
}

/**
 * For endpoints that take no parameters (catalogs, job status, lists): an empty query is fine;
 * any key is a 400 naming it, so a caller who believes an option exists learns it does not.
 */
export function expectNoQuery(query: unknown): void {
  checkInputKeys((query ?? {}) as Record<string, unknown>, [], 'query');
}

/**
 * For POSTs whose parameters are the JSON body: a query key would be ignored, so `POST …?rows=7`
 * would look accepted with other rows. A 400 naming it.
 */
export function expectBodyOnly(query: unknown): void {
  const [first] = Object.keys((query ?? {}) as Record<string, unknown>);
  if (first !== undefined) throw new ValidationError(first, 'query parameters are not read here: give it in the JSON body');
}

const DIGITS = /^-?\d+$/;

/** An integer as the source writes it, or `undefined` when absent (empty query value, JSON null). */
function integer(raw: unknown, field: string, source: InputSource): number | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (source === 'query') {
    if (typeof raw !== 'string' || !DIGITS.test(raw)) throw new ValidationError(field, `must be an integer written as digits (e.g. 1000), got ${JSON.stringify(raw)}`);
    return Number(raw);
  }
  if (typeof raw !== 'number') throw new ValidationError(field, `must be a JSON number, got ${JSON.stringify(raw)}`);
  if (!Number.isInteger(raw)) throw new ValidationError(field, `must be an integer, got ${raw}`);
  return raw;
}

function parseRows(raw: unknown, maxRows: number, source: InputSource): number {
  const n = integer(raw, 'rows', source);
  if (n === undefined) throw new ValidationError('rows', 'is required (a positive integer)');
  if (n <= 0) throw new ValidationError('rows', `must be > 0, got ${n}`);
  if (n > maxRows) throw new ValidationError('rows', `must be <= MAX_ROWS (${maxRows}), got ${n}`);
  return n;
}

function parseOffset(raw: unknown, source: InputSource): number {
  const n = integer(raw, 'offset', source) ?? 0;
  if (!Number.isSafeInteger(n)) throw new ValidationError('offset', `must be a safe integer, got ${n}`);
  if (n < 0) throw new ValidationError('offset', `must be >= 0, got ${n}`);
  return n;
}

function parseSeed(raw: unknown, source: InputSource): number | undefined {
  const n = integer(raw, 'seed', source);
  if (n !== undefined && (!Number.isSafeInteger(n) || n < 0)) {
    throw new ValidationError('seed', `must be an integer in [0, ${Number.MAX_SAFE_INTEGER}] (0 or absent picks one), got ${n}`);
  }
  return n;
}

function parseHeader(raw: unknown, source: InputSource): boolean | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (source === 'body' && typeof raw === 'boolean') return raw;
  if (source === 'query' && (raw === 'true' || raw === 'false')) return raw === 'true';
  throw new ValidationError('header', `must be ${source === 'body' ? 'a JSON boolean' : 'true or false'}, got ${JSON.stringify(raw)}`);
}

function parseTable(raw: unknown): string | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (typeof raw !== 'string') throw new ValidationError('table', `must be a string, got ${JSON.stringify(raw)}`);
  return raw;
}

/**
 * Parses stream parameters from a query string or a JSON body (`source`, default query). Keys
 * are not checked here (see `checkInputKeys`, which callers run with their endpoint's list).
 * Errors name the field: rows, offset, seed, header, table.
 */
export function parseStreamParams(input: Record<string, unknown>, limits: { maxRows: number }, source: InputSource = 'query'): StreamParams {
  const out: StreamParams = { rows: parseRows(input.rows, limits.maxRows, source), offset: parseOffset(input.offset, source) };
  const seed = parseSeed(input.seed, source);
  if (seed !== undefined) out.seed = seed;
  const header = parseHeader(input.header, source);
  if (header !== undefined) out.header = header;
  const table = parseTable(input.table);
  if (table !== undefined) out.table = table;
  Object.assign(out, parseStreamOptions(input, source));
  return out;
}

/** A JSON body must be an object (not an array, a string or `null`). */
export function requireObjectBody(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ValidationError('body', `must be a JSON object, got ${Array.isArray(body) ? 'an array' : body === null ? 'null' : typeof body}`);
  }
  return body as Record<string, unknown>;
}
