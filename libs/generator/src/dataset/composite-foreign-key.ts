import { type CompositeForeignKeySpec, type DatasetTableSpec, ValidationError } from '@rowflow/contracts';
import { ColumnRandom, type CompiledColumn } from '../column.js';
import { FeistelPermutation } from '../feistel.js';
import { cellSeed, streamKey } from '../hash.js';
import { RowContext } from '../row-context.js';
import { distributed } from '../values-numeric.js';
import { coveredByForeignKey, type ParentColumns } from './composite-key.js';
import type { DatasetPlan } from './dataset-plan.js';


/**
 * Parent row of each child row: an earlier row for a self-reference (row 0 has none), distinct
 * parents (a keyed permutation) when the foreign key covers the table's composite key (a shared
 * or one-to-one key), else a seeded uniform draw.
 */
function parentIndexOf(plan: DatasetPlan, table: DatasetTableSpec, fk: CompositeForeignKeySpec): (k: number) => number | null {
  const salt = `\u0000foreignKey:${fk.columns.join(',')}`;
  const random = new ColumnRandom(plan.seed, table.name, salt);
  const row = new RowContext(plan.seed, table.name);
  const parentRows = plan.rowsOf(fk.references.table);
  const rows = plan.rowsOf(table.name);
  if (fk.references.table === table.name) {
    return (k) => {
      row.setRow(k);
      return k === 0 ? null : distributed(random.at(row), k, undefined);
    };
  }
  if (rows > 0 && parentRows === 0) throw new ValidationError('dataset', `foreign key (${fk.columns.join(', ')}) of "${table.name}" references "${fk.references.table}", which has 0 rows`);
  if (table.compositeKey && coveredByForeignKey(table, table.compositeKey.columns)) {
    const offset = table.keyOffset ?? 0;
    if (offset + rows > parentRows) {
      throw new ValidationError('dataset', `"${table.name}" shares its key with "${fk.references.table}" (one row per parent) but has ${offset + rows} rows for ${parentRows} parents`);
    }
    const perm = new FeistelPermutation(parentRows, streamKey(plan.seed, table.name, salt));
    return (k) => perm.apply(k + offset);
  }
  return (k) => {
    row.setRow(k);
    return distributed(random.at(row), parentRows, undefined);
  };
}

/** Members' NULLs come together (a composite key is all NULL or a real parent's), at the largest member nullRatio. */
function nullCheck(plan: DatasetPlan, table: DatasetTableSpec, fk: CompositeForeignKeySpec): (row: RowContext) => boolean {
  const ratio = Math.max(0, ...fk.columns.map((name) => table.columns.find((c) => c.name === name)?.nullRatio ?? 0));
  if (ratio === 0) return () => false;
  const key = streamKey(plan.seed, table.name, `\u0000null:foreignKey:${fk.columns.join(',')}`);
  const threshold = ratio * 4294967296;
  return (row) => cellSeed(key, row.lo, row.hi) < threshold;
}

/**
 * Members of the table's composite foreign keys: per child row one parent row, and each member
 * is the parent's own generated value of the matching referenced column at that row.
 */
export function compileCompositeForeignKeys(plan: DatasetPlan, table: DatasetTableSpec, parentColumns: ParentColumns): Map<string, CompiledColumn> {
  const out = new Map<string, CompiledColumn>();
  for (const fk of table.foreignKeys ?? []) {
    const parent = parentColumns(fk.references.table, fk.references.columns);
    const indexOf = parentIndexOf(plan, table, fk);
    const isNull = nullCheck(plan, table, fk);
    const parentRow = new RowContext(plan.seed, fk.references.table);
    let lastK = -1;
    let lastIndex: number | null = null;
    const at = (row: RowContext): number | null => {
      if (row.k !== lastK) [lastK, lastIndex] = [row.k, isNull(row) ? null : indexOf(row.k)];
      return lastIndex;
    };
    fk.columns.forEach((name, i) => {
      const ref = parent.get(fk.references.columns[i]!)!;
      out.set(name, {
        name,
        kind: ref.kind,
        capacity: Infinity,
        value: (row) => {
          const p = at(row);
          if (p === null) return null;
          parentRow.setRow(p);
          return ref.value(parentRow);
        },
      });
    });
  }
  return out;
}
