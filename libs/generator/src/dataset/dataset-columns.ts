import { type ColumnSpec, type DatasetTableSpec, ValidationError } from '@rowflow/contracts';
import { datasetTable, referencedColumn } from '@rowflow/schema';
import { ColumnRandom, type CompiledColumn } from '../column.js';
import { applyColumnRelations, relationColumnSpecs } from '../column-relations.js';
import { compileColumn, compileColumns, withNulls } from '../compile.js';
import { RowContext } from '../row-context.js';
import { streamKey } from '../hash.js';
import { OrderedRanks, rankCorrelation } from '../profile-order.js';
import { profileDistinct } from '../profile-values.js';
import { distributed } from '../values-numeric.js';
import { compileCompositeForeignKeys } from './composite-foreign-key.js';
import { compileCompositeKey, foreignKeysInKey } from './composite-key.js';
import type { DatasetPlan } from './dataset-plan.js';
import { afterParents, type LinkOf, type ParentLink, parentFlooredColumns } from './parent-instants.js';
import { countedKeyRow, heavySlots, ParentSlots } from './parent-slots.js';
import { OwnerCursor } from './per-parent-counts.js';

/** Parent row index of a child row, or null (a self-reference's first row has no earlier row). */
type ParentIndexOf = (row: RowContext) => number | null;

/** The foreign key that carries a per-parent table's owner: the first one to the perParent table. */
function ownerColumn(table: DatasetTableSpec): string | undefined {
  const parent = table.perParent?.table;
  return parent && table.columns.find((c) => c.type === 'foreignKey' && c.references?.table === parent)?.name;
}

/** How a foreign key picks its parent row, and whether it places its own NULLs (an exact count). */
interface ParentPick {
  indexOf: ParentIndexOf;
  ownNulls: boolean;
}

function parentIndexOf(plan: DatasetPlan, table: DatasetTableSpec, col: ColumnSpec, parent: string): ParentPick {
  const random = new ColumnRandom(plan.seed, table.name, col.name);
  const dist = col.distribution;
  if (parent === table.name) {
    // An earlier row of the same table (a manager hired before the employee): no cycle, row 0 is a root.
    // Profiled: managers among the first rows only, as many as the source's distinct count.
    const bosses = profileDistinct(col.profile?.distinct, plan.rowsOf(table.name));
    if (bosses !== null && bosses >= 1) return profiledSelfReference(plan, table, col, bosses);
    return { indexOf: (row) => (row.k === 0 ? null : distributed(random.at(row), row.k, dist)), ownNulls: false };
  }
  if (ownerColumn(table) === col.name) {
    const cursor = new OwnerCursor(plan.indexOf(table.name));
    return { indexOf: (row) => cursor.parentOf(row.k), ownNulls: false };
  }
  const rows = plan.rowsOf(parent);
  if (rows === 0 && plan.rowsOf(table.name) > 0) {
    throw new ValidationError('dataset', `"${table.name}.${col.name}" references "${parent}", which has 0 rows for seed ${plan.seed}`);
  }
  return profiledParents(plan, table, col, rows) ?? { indexOf: (row) => distributed(random.at(row), rows, dist), ownNulls: false };
}

/**
 * A profiled self-reference: `bosses` managers among the first rows, each used, in the source's
 * physical order. Sorted, row k reports to row ⌊(k − 1)·bosses/(rows − 1)⌋ — earlier than k,
 * ascending, every one of the first `bosses` rows someone's manager; the source's correlation
 * shuffles that within windows (see OrderedRanks), never to a row after k. The NULLs besides row
 * 0 are an exact count of later rows: random NULLs on 9 rows would move the per-manager mean by a
 * third.
 */
function profiledSelfReference(plan: DatasetPlan, table: DatasetTableSpec, col: ColumnSpec, bosses: number): ParentPick {
  const rows = plan.rowsOf(table.name);
  const random = new ColumnRandom(plan.seed, table.name, col.name, '\u0000bosses:');
  const later = Math.max(1, rows - 1);
  const b = Math.min(bosses, later);
  const nulls = Math.max(0, Math.round(rows * (col.nullRatio ?? 0)) - 1);
  const shares = Array.from({ length: b }, () => 1 / b);
  const ranks = new OrderedRanks(later, streamKey(plan.seed, table.name, `\u0000bosses:${col.name}`), rankCorrelation(col.profile?.correlation ?? 0, shares));
  const nullRanks = new OrderedRanks(later, streamKey(plan.seed, table.name, `\u0000nulls:${col.name}`));
  return {
    ownNulls: true,
    indexOf: (row) => {
      const k = row.k;
      if (k === 0) return null;
      if (k >= rows) return Math.floor(random.at(row).float() * b);
      if (nullRanks.rank(k - 1) < nulls) return null;
      return Math.min(k - 1, Math.floor((ranks.rank(k - 1) * b) / later));
    },
  };
}

/**
 * A profiled foreign key references as many parents as the source's does (its distinct count,
 * from the per-row share over the child rows), spread evenly over the parent rows: 59 customers
 * served by 3 of 8 support reps stay 3 reps. Children per parent follow the source (its most
 * common parents' shares, the rest even: see ParentSlots), the NULLs are an exact count, and the
 * children come in the source's physical order: ranks in parent order, shuffled only as much as
 * its correlation says (see OrderedRanks) — invoice lines stored invoice by invoice stay so.
 */
function profiledParents(plan: DatasetPlan, table: DatasetTableSpec, col: ColumnSpec, parents: number): ParentPick | null {
  const children = plan.rowsOf(table.name);
  const wanted = profileDistinct(col.profile?.distinct, children);
  if (wanted === null || wanted < 1 || children === 0) return null;
  const count = Math.min(wanted, parents);
  const random = new ColumnRandom(plan.seed, table.name, col.name, '\u0000parents:');
  const nonNull = children - Math.round(children * (col.nullRatio ?? 0));
  const { table: parent, column: keySpec } = referencedColumn(plan.dataset, col);
  const rowOf = (literal: string) => countedKeyRow(keySpec, parent.keyOffset ?? 0, literal);
  const slots = new ParentSlots(count, nonNull, heavySlots(col.profile?.values ?? [], col.profile?.weights ?? [], rowOf, count, parents));
  const ranks = new OrderedRanks(children, random.key, rankCorrelation(col.profile?.correlation ?? 0, slots.shares()));
  const parentOf = (slot: number) => Math.floor((slot * parents) / count);
  return {
    ownNulls: true,
    indexOf: (row) => {
      // Past the table's end (a stream beyond the dataset's rows): a referenced parent at random.
      if (row.k >= children) return parentOf(Math.floor(random.at(row).float() * count));
      const r = ranks.rank(row.k);
      return r >= nonNull ? null : parentOf(slots.slotOf(r));
    },
  };
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
  const { indexOf, ownNulls } = parentIndexOf(plan, table, col, parent.name);
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
  return { fk: col.nullRatio && !ownNulls ? withNulls(compiled, plan.seed, table.name, col.nullRatio) : compiled, indexOf };
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
