/**
 * The custom-schema editor's logic: parse the JSON with a line/column for syntax errors, check the
 * shape field by field (what the page can know without a round trip), and map the server's 400
 * `field` onto the same paths so every error is shown next to the editor in one list.
 */
import type { ColumnType, ErrorBody, TableSpec } from '@rowflow/contracts';
import { locateJsonError } from './json-locate.js';

/** One inline error: a field path relative to the schema (`columns[2].type`) and a message. */
export interface FieldError {
  field: string;
  message: string;
}

export type ParseResult = { ok: true; schema: TableSpec } | { ok: false; errors: FieldError[] };

// A Record (not an array) so the compiler fails here when contracts gain a column type.
const TYPES: Record<ColumnType, true> = {
  serial: true, int: true, bigint: true, decimal: true, boolean: true, uuid: true, text: true, enum: true,
  date: true, timestamp: true, timestamptz: true, firstName: true, lastName: true, fullName: true,
  email: true, username: true, phone: true, streetAddress: true, city: true, country: true,
  company: true, jobTitle: true, url: true, ip: true, json: true, vector: true, char: true, foreignKey: true,
};
export const COLUMN_TYPES = Object.keys(TYPES) as ColumnType[];

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

function checkTable(v: unknown): FieldError[] {
  if (!isObject(v)) return [{ field: 'schema', message: 'must be an object like {"name": …, "columns": […]}' }];
  const errors: FieldError[] = [];
  if (typeof v.name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(v.name)) {
    errors.push({ field: 'name', message: 'must be a table name: letters, digits, _ (max 63), not starting with a digit' });
  }
  if (!Array.isArray(v.columns) || v.columns.length === 0) {
    errors.push({ field: 'columns', message: 'must be a non-empty array of columns' });
    return errors;
  }
  const seen = new Set<string>();
  v.columns.forEach((c, i) => errors.push(...checkColumn(c, i, seen)));
  return errors;
}

function checkColumn(c: unknown, i: number, seen: Set<string>): FieldError[] {
  const at = `columns[${i}]`;
  if (!isObject(c)) return [{ field: at, message: 'must be an object with name and type' }];
  const errors: FieldError[] = [];
  if (typeof c.name !== 'string' || c.name.trim() === '') errors.push({ field: `${at}.name`, message: 'is required' });
  else if (seen.has(c.name)) errors.push({ field: `${at}.name`, message: `duplicate column "${c.name}"` });
  else seen.add(c.name);
  if (typeof c.type !== 'string') errors.push({ field: `${at}.type`, message: `is required (one of ${COLUMN_TYPES.join(', ')})` });
  else if (!(c.type in TYPES)) errors.push({ field: `${at}.type`, message: `unknown type "${c.type}"` });
  if (c.nullRatio !== undefined && !(typeof c.nullRatio === 'number' && c.nullRatio >= 0 && c.nullRatio <= 1)) {
    errors.push({ field: `${at}.nullRatio`, message: 'must be a number between 0 and 1' });
  }
  return errors;
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
