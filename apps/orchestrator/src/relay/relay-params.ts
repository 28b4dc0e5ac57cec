import { type TableSpec, ValidationError } from '@rowflow/contracts';
import { checkInputKeys, findTable, type InputSource, parseStreamParams, requireObjectBody, STREAM_PARAM_KEYS, validateTableSpec } from '@rowflow/schema';
import type { GeneratorStreamRequest } from '../generator-client/generator-client.js';

/**
 * Every key a preview/download request may carry (query or body alike: a custom schema comes as
 * `schema`, JSON text in a query). Anything else is a 400 naming the key.
 */
export const RELAY_KEYS: readonly string[] = [...STREAM_PARAM_KEYS, 'schema'];

/**
 * Validates a preview/download request before any upstream call, with @rowflow/schema — the
 * very rules (and messages) the generator applies. `input` is the query (GET, `source` query)
 * or the JSON body (POST, `source` body).
 */
export function parseRelayRequest(input: unknown, maxRows: number, source: InputSource = 'query'): GeneratorStreamRequest {
  const record = source === 'body' ? requireObjectBody(input) : ((input ?? {}) as Record<string, unknown>);
  checkInputKeys(record, RELAY_KEYS, source);
  const { schema: rawSchema, ...rest } = record;
  const params = parseStreamParams(rest, { maxRows }, source);
  if (rawSchema !== undefined && rawSchema !== '' && rawSchema !== null) {
    if (params.table !== undefined) throw new ValidationError('schema', 'give either table or schema, not both');
    return { ...params, schema: validateTableSpec(decodeSchema(rawSchema, source), 'schema') };
  }
  if (params.table === undefined) throw new ValidationError('table', 'is required (or give a custom schema)');
  findTable(params.table); // throws ValidationError('table', 'unknown table …; known: …')
  return params;
}

/** A schema in a query string is JSON text (EventSource can only GET); in a body, an object. */
function decodeSchema(raw: unknown, source: InputSource): unknown {
  if (source === 'body') return raw;
  if (typeof raw !== 'string') return raw;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw new ValidationError('schema', 'must be valid JSON');
  }
}

/** Name of the table a request generates, for file names. */
export function tableName(req: GeneratorStreamRequest): string {
  return req.schema?.name ?? req.table ?? 'rows';
}

/** A safe `Content-Disposition` filename: `<table>-<seed>.csv`, ASCII letters/digits/`_-.` only. */
export function csvFilename(table: string, seed: number): string {
  const safe = table.replace(/[^A-Za-z0-9_.-]+/g, '_').replace(/^[.]+/, '').slice(0, 100) || 'rows';
  return `${safe}-${seed}.csv`;
}

export type { TableSpec };
