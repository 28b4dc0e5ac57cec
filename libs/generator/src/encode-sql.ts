import { quoteIdent } from '@rowflow/schema';
import type { Cell, CompiledColumn } from './column.js';
import type { RowEncoder } from './encode.js';
import type { RowContext } from './row-context.js';

/** Where generated INSERT statements write: a schema-qualified table. */
export interface SqlTarget {
  schema: string;
  table: string;
}

/** Rows per INSERT statement: large enough to load fast, small enough to keep a failing statement findable. */
export const SQL_ROWS_PER_STATEMENT = 1000;

/**
 * SQL string literal. A value with a backslash is written as an escape string (`E'…'`, backslashes
 * doubled) so it loads the same whatever `standard_conforming_strings` says.
 */
export function sqlString(s: string): string {
  const quoted = s.replace(/'/g, "''");
  return s.includes('\\') ? `E'${quoted.replace(/\\/g, '\\\\')}'` : `'${quoted}'`;
}

/** SQL literal of one generated cell; PostgreSQL casts a quoted literal to the column's type on insert. */
export function sqlLiteral(v: Cell): string {
  if (v === null) return 'NULL';
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : `'${String(v)}'`;
  return sqlString(v);
}

/**
 * Encoder of batched INSERT statements: rows [offset, end) are cut into statements of
 * `rowsPerStatement` rows counted from `offset`, each
 * `INSERT INTO "schema"."table" ("a","b") VALUES\n(…),\n(…);\n`. A row's text depends only on its
 * index, so a stream's bytes are a pure function of (spec, seed, offset, rows) like CSV's.
 */
export function sqlEncoder(columns: CompiledColumn[], target: SqlTarget, offset: number, end: number, rowsPerStatement = SQL_ROWS_PER_STATEMENT): RowEncoder {
  const head = `INSERT INTO ${quoteIdent(target.schema)}.${quoteIdent(target.table)} (${columns.map((c) => quoteIdent(c.name)).join(',')}) VALUES\n(`;
  const values = columns.map((c) => c.value);
  return (row: RowContext) => {
    const i = row.k - offset;
    let s = i % rowsPerStatement === 0 ? head : ',\n(';
    for (let j = 0; j < values.length; j++) s += (j === 0 ? '' : ',') + sqlLiteral(values[j]!(row));
    const last = i % rowsPerStatement === rowsPerStatement - 1 || row.k === end - 1;
    return s + (last ? ');\n' : ')');
  };
}
