import { type TableSpec, ValidationError } from '@rowflow/contracts';
import { findTable, parseStreamParams, validateTableSpec } from '@rowflow/schema';
import type { GeneratorStreamRequest } from '../generator-client/generator-client.js';

/**
 * Validates a preview/download request before any upstream call, with @rowflow/schema — the
 * very rules (and messages) the generator applies. `input` is the query (GET) or JSON body
 * (POST); a custom schema comes as `schema` (an object in a body, a JSON string in a query).
 */
export function parseRelayRequest(input: Record<string, unknown>, maxRows: number): GeneratorStreamRequest {
  const { schema: rawSchema, ...rest } = input;
  const params = parseStreamParams(rest, { maxRows });
  if (rawSchema !== undefined && rawSchema !== '') {
    if (params.table !== undefined) throw new ValidationError('schema', 'give either table or schema, not both');
    return { ...params, schema: validateTableSpec(decodeSchema(rawSchema), 'schema') };
  }
  if (params.table === undefined) throw new ValidationError('table', 'is required (or give a custom schema)');
  findTable(params.table); // throws ValidationError('table', 'unknown table …; known: …')
  return params;
}

/** A schema in a query string is JSON text (EventSource can only GET). */
function decodeSchema(input: unknown): unknown {
  const raw = Array.isArray(input) ? (input[0] as unknown) : input;
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
