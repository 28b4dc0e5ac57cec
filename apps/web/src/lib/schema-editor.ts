/**
 * The custom-schema editor's logic: parse the JSON with a line/column for syntax errors, check it
 * with the same schema module the servers use (every error, field by field, without a round trip), and map the server's 400
 * `field` onto the same paths so every error is shown next to the editor in one list.
 */
import type { ErrorBody, TableSpec } from '@rowflow/contracts';
import { tableSpecIssues } from '@rowflow/schema';
import { locateJsonError } from './json-locate.js';

/** One inline error: a field path relative to the schema (`columns[2].type`) and a message. */
export interface FieldError {
  field: string;
  message: string;
}

export type ParseResult = { ok: true; schema: TableSpec } | { ok: false; errors: FieldError[] };

/** Parses and checks editor text; errors come back in document order. */
export function parseSchema(text: string): ParseResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, errors: [{ field: 'json', message: jsonErrorMessage(text, err) }] };
  }
  const errors = checkTable(value);
  return errors.length ? { ok: false, errors } : { ok: true, schema: value as TableSpec };
}

/** A JSON syntax error as "Invalid JSON at line 3, column 15: expected a value, found '}'". */
export function jsonErrorMessage(text: string, err: unknown): string {
  const problem = locateJsonError(text);
  if (!problem) return `Invalid JSON: ${err instanceof Error ? err.message : String(err)}`;
  const { line, column } = lineColumn(text, problem.pos);
  return `Invalid JSON at line ${line}, column ${column}: ${problem.message}`;
}

export function lineColumn(text: string, pos: number): { line: number; column: number } {
  const before = text.slice(0, pos).split('\n');
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}

/** The servers' own validation (one zod schema), every problem at once, relative to the schema. */
function checkTable(v: unknown): FieldError[] {
  return tableSpecIssues(v).map((e) => ({ field: e.field || 'schema', message: e.message }));
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Maps a server 400 onto an inline error. The server names fields from the request body
 * (`schema.columns[1].type`); the editor shows them relative to the schema (`columns[1].type`).
 * Returns null when the error is about something other than the schema (rows, seed, …).
 */
export function schemaErrorFromServer(body: Pick<ErrorBody, 'message' | 'field'>): FieldError | null {
  const field = body.field ?? /^(schema[\w.[\]]*):/.exec(body.message)?.[1];
  if (!field || !/^schema\b/.test(field)) return null;
  const rel = field.replace(/^schema\.?/, '') || 'schema';
  const message = body.message.startsWith(`${field}: `) ? body.message.slice(field.length + 2) : body.message;
  return { field: rel, message };
}

/** "columns[2].type" + schema → "columns[2] “email” · type", so people see which column. */
export function describeField(field: string, schema: unknown): string {
  const m = /^columns\[(\d+)\](?:\.(.+))?$/.exec(field);
  if (!m || !isObject(schema) || !Array.isArray(schema.columns)) return field;
  const col: unknown = schema.columns[Number(m[1])];
  const name = isObject(col) && typeof col.name === 'string' ? ` “${col.name}”` : '';
  return `columns[${m[1]}]${name}${m[2] ? ` · ${m[2]}` : ''}`;
}

/** Pretty JSON of a catalog table, as a starting point for a custom schema. */
export function schemaText(spec: TableSpec): string {
  const { name, columns } = spec;
  return JSON.stringify({ name: `${name}_custom`, columns }, null, 2);
}
