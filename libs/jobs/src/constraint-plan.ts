import type { JobMode } from '@rowflow/contracts';
import type { JobTableDefinition } from './job-spec.js';
import { parentIndex } from './column-sources.js';
import { constraintName } from './sql-names.js';

export type ConstraintKind = 'primaryKey' | 'unique' | 'foreignKey';

/**
 * A constraint to build after the load, described without SQL (the builder renders it from the
 * job's stored names each time, so a row of rowflow.job_constraints is plain data).
 */
export interface ConstraintDef {
  tableIndex: number;
  name: string;
  kind: ConstraintKind;
  columns: string[];
  /** foreignKey: the referenced table (index into the job's tables) and its key columns. */
  refTableIndex?: number;
  refColumns?: string[];
}

/**
 * Modes that create the table (and so may leave its keys for later). In `append`/`truncate` the
 * table is the user's and keeps its own constraints during the load; nothing is deferred.
 */
const CREATING_MODES: readonly string[] = ['create', 'replace'];

export function defersConstraints(mode: JobMode): boolean {
  return CREATING_MODES.includes(mode);
}

/** Table options a dataset table may carry beyond TableSpec (composite keys and foreign keys). */
interface TableKeys {
  compositeKey?: { columns: string[]; primaryKey?: boolean };
  uniqueKeys?: Array<{ columns: string[] }>;
  foreignKeys?: Array<{ columns: string[]; references: { table: string; schema?: string; columns: string[] } }>;
}

function keysOf(t: JobTableDefinition, ti: number): ConstraintDef[] {
  const out: ConstraintDef[] = [];
  const unique = (columns: string[]): ConstraintDef => ({ tableIndex: ti, kind: 'unique', columns, name: constraintName(t.targetTable, columns, 'key') });
  const composite = (t.schema as TableKeys).compositeKey;
  const pk = composite?.primaryKey ? composite.columns : t.schema.columns.filter((c) => c.primaryKey).map((c) => c.name);
  if (pk.length) out.push({ tableIndex: ti, kind: 'primaryKey', columns: pk, name: constraintName(t.targetTable, pk, 'pkey') });
  for (const c of t.schema.columns) if (c.unique && !c.primaryKey) out.push(unique([c.name]));
  if (composite && !composite.primaryKey) out.push(unique(composite.columns));
  for (const k of (t.schema as TableKeys).uniqueKeys ?? []) out.push(unique(k.columns));
  return out;
}

/** Composite foreign keys (`foreignKeys`) to a table of the same job. */
function compositeForeignKeysOf(tables: JobTableDefinition[], t: JobTableDefinition, ti: number): ConstraintDef[] {
  return ((t.schema as TableKeys).foreignKeys ?? []).flatMap((fk) => {
    const parent = parentIndex(tables, fk.references);
    if (parent < 0) return [];
    return [{ tableIndex: ti, kind: 'foreignKey' as const, columns: fk.columns, refTableIndex: parent, refColumns: fk.references.columns, name: constraintName(t.targetTable, fk.columns, 'fkey') }];
  });
}

/** Foreign keys to a table of the same job; references to tables outside it stay unconstrained. */
function foreignKeysOf(tables: JobTableDefinition[], t: JobTableDefinition, ti: number): ConstraintDef[] {
  const out: ConstraintDef[] = [];
  for (const c of t.schema.columns) {
    const ref = c.references;
    if (c.type !== 'foreignKey' || !ref?.column) continue;
    const parent = parentIndex(tables, ref);
    if (parent < 0) continue;
    out.push({ tableIndex: ti, kind: 'foreignKey', columns: [c.name], refTableIndex: parent, refColumns: [ref.column], name: constraintName(t.targetTable, [c.name], 'fkey') });
  }
  return out;
}

/**
 * Every constraint a job builds after its load: keys of every table, then foreign keys between
 * them. Foreign keys only for dataset jobs: there the values are real parent keys by
 * construction; a lone table's foreign key is a number drawn from a key space it does not load.
 */
export function planConstraints(tables: JobTableDefinition[], mode: JobMode, foreignKeys: boolean): ConstraintDef[] {
  if (!defersConstraints(mode)) return [];
  const keys = tables.flatMap((t, i) => keysOf(t, i));
  const fks = foreignKeys ? tables.flatMap((t, i) => [...foreignKeysOf(tables, t, i), ...compositeForeignKeysOf(tables, t, i)]) : [];
  return [...keys, ...fks];
}
