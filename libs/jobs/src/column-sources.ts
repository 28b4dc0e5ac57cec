import type { ColumnSpec } from '@rowflow/contracts';
import { pgType } from '@rowflow/schema';
import type { JobDefinition, JobTableDefinition } from './job-spec.js';
import type { ValueSource } from './target-fit.js';

/** Resolves the columns of one table of a job (see columnSources). */
export type ColumnResolver = (c: ColumnSpec) => ValueSource;

/** Foreign keys whose parent key is itself a foreign key (shared-key tables) are followed this deep. */
const MAX_KEY_CHAIN = 32;

/**
 * The one column resolution every mode uses: what generates each column's values. In a dataset
 * a foreign key copies its parent's key values, so it resolves to the parent key column (over
 * the parent's rows and key offset), followed through parent keys that are foreign keys
 * themselves. `create`/`replace` take the column type from it, `append`/`truncate` check the
 * existing column against it. A lone table's foreign key draws 1..references.rows by itself.
 */
export function columnSources(def: JobDefinition): (tableIndex: number) => ColumnResolver {
  return (ti) => (c) => resolve(def, ti, c, 0);
}

function resolve(def: JobDefinition, ti: number, c: ColumnSpec, depth: number): ValueSource {
  const table = def.tables[ti]!;
  const own: ValueSource = { column: c, rows: table.rows, keyOffset: table.schema.keyOffset ?? 0 };
  const ref = c.references;
  if (!def.dataset || c.type !== 'foreignKey' || !ref?.column || depth >= MAX_KEY_CHAIN) return own;
  const parent = parentIndex(def.tables, ref);
  const key = parent < 0 ? undefined : def.tables[parent]!.schema.columns.find((k) => k.name === ref.column);
  return key ? resolve(def, parent, key, depth + 1) : own;
}

/** The table of the job a reference names (table names are unique within a dataset, across schemas too). */
export function parentIndex(tables: readonly JobTableDefinition[], ref: { table: string }): number {
  return tables.findIndex((t) => t.name === ref.table);
}

/** The CREATE TABLE type of every column of table `ti`, by the same resolution. */
export function columnTypes(def: JobDefinition, ti: number): (c: ColumnSpec) => string {
  const of = columnSources(def)(ti);
  return (c) => pgType(of(c).column);
}
