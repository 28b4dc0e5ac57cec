import { type ColumnSpec, type DatasetTableSpec, ValidationError } from '@rowflow/contracts';
import { datasetTable, referencedColumn } from '@rowflow/schema';
import { ColumnRandom, type CompiledColumn } from '../column.js';
import { applyColumnRelations, relationColumnSpecs } from '../column-relations.js';
import { compileColumn, compileColumns, withNulls } from '../compile.js';
import { RowContext } from '../row-context.js';
import { DistinctSlots, profileDistinct } from '../profile-values.js';
import { distributed } from '../values-numeric.js';
import { compileCompositeForeignKeys } from './composite-foreign-key.js';
import { compileCompositeKey, foreignKeysInKey } from './composite-key.js';
import type { DatasetPlan } from './dataset-plan.js';
import { afterParents, type LinkOf, type ParentLink, parentFlooredColumns } from './parent-instants.js';
import { OwnerCursor } from './per-parent-counts.js';

/** Parent row index of a child row, or null (a self-reference's first row has no earlier row). */
type ParentIndexOf = (row: RowContext) => number | null;

/** The foreign key that carries a per-parent table's owner: the first one to the perParent table. */
function ownerColumn(table: DatasetTableSpec): string | undefined {
  const parent = table.perParent?.table;
  return parent && table.columns.find((c) => c.type === 'foreignKey' && c.references?.table === parent)?.name;
}

function parentIndexOf(plan: DatasetPlan, table: DatasetTableSpec, col: ColumnSpec, parent: string): ParentIndexOf {
  const random = new ColumnRandom(plan.seed, table.name, col.name);
  const dist = col.distribution;
  if (parent === table.name) {
    // An earlier row of the same table (a manager hired before the employee): no cycle, row 0 is a root.
    // Profiled: managers among the first rows only, as many as the source's distinct count.
    const bosses = profileDistinct(col.profile?.distinct, plan.rowsOf(table.name));
    if (bosses !== null && bosses >= 1) return (row) => (row.k === 0 ? null : distributed(random.at(row), Math.min(row.k, bosses), dist));
    return (row) => (row.k === 0 ? null : distributed(random.at(row), row.k, dist));
  }
  if (ownerColumn(table) === col.name) {
    const cursor = new OwnerCursor(plan.indexOf(table.name));
    return (row) => cursor.parentOf(row.k);
  }
  const rows = plan.rowsOf(parent);
  if (rows === 0 && plan.rowsOf(table.name) > 0) {
    throw new ValidationError('dataset', `"${table.name}.${col.name}" references "${parent}", which has 0 rows for seed ${plan.seed}`);
  }
  const referenced = profiledParents(plan, table, col, rows);
  return referenced ?? ((row) => distributed(random.at(row), rows, dist));
}

/**
 * A profiled foreign key references as many parents as the source's does (its distinct count,
 * from the per-row share over the child rows), spread evenly over the parent rows: 59 customers
 * served by 3 of 8 support reps stay 3 reps with about 20 customers each.
 */
function profiledParents(plan: DatasetPlan, table: DatasetTableSpec, col: ColumnSpec, parents: number): ParentIndexOf | null {
  const children = plan.rowsOf(table.name);
  const wanted = profileDistinct(col.profile?.distinct, children);
  if (wanted === null || wanted < 1 || children === 0) return null;
  const count = Math.min(wanted, parents);
  const random = new ColumnRandom(plan.seed, table.name, col.name, '\u0000parents:');
  const slots = new DistinctSlots(count, children, random.key);
  return (row) => Math.floor((slots.slot(row.k, random.at(row)) * parents) / count);
}

/**
 * A dataset foreign key: the parent row index comes from (seed, child row) alone, and the value
 * is the parent key column's own generator at that row — the parent is never read, and every
 * key type (sequence, Feistel int, uuid, unique email …) is a real parent key. The parent row
 * index function comes with it, so a child's instants floor at the same parent row.
 */
function foreignKeyLink(plan: DatasetPlan, table: DatasetTableSpec, col: ColumnSpec): ParentLink {
  const { table: parent, column: keySpec } = referencedColumn(plan.dataset, col);
  const key = compileColumn(keySpec, plan.seed, parent.name, parent.keyOffset ?? 0);
  const parentRows = plan.rowsOf(parent.name);
  if (parentRows > key.capacity) {
    throw new ValidationError('dataset', `"${parent.name}.${keySpec.name}" cannot produce ${parentRows} unique keys (capacity ${key.capacity})`);
  }
  const parentRow = new RowContext(plan.seed, parent.name);
  const indexOf = parentIndexOf(plan, table, col, parent.name);
  const compiled: CompiledColumn = {
    name: col.name,
    kind: key.kind,
    capacity: Infinity,
    value: (row) => {
      const p = indexOf(row);
      if (p === null) return null;
      parentRow.setRow(p);
      return key.value(parentRow);
    },
  };
  return { fk: col.nullRatio ? withNulls(compiled, plan.seed, table.name, col.nullRatio) : compiled, indexOf };
}

function compileForeignKey(plan: DatasetPlan, table: DatasetTableSpec, col: ColumnSpec): CompiledColumn {
  return foreignKeyLink(plan, table, col).fk;
}

/**
 * Compiles every column of one table of a validated dataset (foreign keys resolved in `plan`).
 * `needed` limits which composite foreign keys are built (a parent compiled for a child's
 * composite key only needs the referenced columns); `visiting` guards against key cycles.
 */
export function compileDatasetTable(plan: DatasetPlan, tableName: string, needed?: string[], visiting: ReadonlySet<string> = new Set()): CompiledColumn[] {
  const table = datasetTable(plan.dataset, tableName);
  if (visiting.has(tableName)) {
    throw new ValidationError('dataset', `composite foreign keys reference each other in a cycle through "${tableName}": the referenced columns cannot be generated`);
  }
  const inner = new Set(visiting).add(tableName);
  // A foreign key inside the composite key takes its values from the key tuple (one digit: the parent row).
  const inKey = new Set(foreignKeysInKey(table));
  const fks = (table.foreignKeys ?? []).filter((fk) => !inKey.has(fk) && (!needed || fk.columns.some((c) => needed.includes(c))));
  const fkMembers = new Set(fks.flatMap((fk) => fk.columns));
  const base = new Map<string, CompiledColumn>();
  const parents = (parent: string, cols: string[]) => (parent === tableName ? base : byName(compileDatasetTable(plan, parent, cols, inner)));
  const tuple = compileCompositeKey(plan, table, parents);
  const specs = relationColumnSpecs(table);
  const own = (c: ColumnSpec, country?: CompiledColumn['value']) =>
    tuple.get(c.name) ?? (c.type === 'foreignKey' ? compileForeignKey(plan, table, c) : compileColumn(c, plan.seed, table.name, table.keyOffset ?? 0, plan.rowsOf(table.name), country));
  for (const c of compileColumns(specs.filter((s) => !fkMembers.has(s.name)), own)) base.set(c.name, c);
  const linkOf: LinkOf = (t, fk) => foreignKeyLink(plan, t, fk);
  for (const c of parentFlooredColumns(plan, table)) {
    const compiled = base.get(c.name);
    if (compiled) base.set(c.name, afterParents(plan, table, c, compiled, linkOf));
  }
  const composite = compileCompositeForeignKeys(plan, { ...table, foreignKeys: fks }, parents);
  const columns = specs.map((c) => composite.get(c.name) ?? base.get(c.name) ?? nullColumn(c.name));
  return applyColumnRelations(table, plan.seed, table.name, columns);
}

function byName(columns: CompiledColumn[]): Map<string, CompiledColumn> {
  return new Map(columns.map((c) => [c.name, c]));
}

/** A member of a composite foreign key the caller did not ask for (never read). */
function nullColumn(name: string): CompiledColumn {
  return { name, kind: 'plain', capacity: Infinity, value: () => null };
}
