import { type ColumnSpec, type DatasetTableSpec, ValidationError } from '@rowflow/contracts';
import { referencedColumn } from '@rowflow/schema';
import type { Cell, CellKind, CompiledColumn } from '../column.js';
import { compileColumn } from '../compile.js';
import { FeistelPermutation } from '../feistel.js';
import { streamKey } from '../hash.js';
import { RowContext } from '../row-context.js';
import { intColumnRange } from '../values-numeric.js';
import type { DatasetPlan } from './dataset-plan.js';

/** Largest tuple domain the permutation covers exactly (FeistelPermutation's limit). */
const MAX_DOMAIN = 2 ** 52;

interface Member {
  radix: number;
  /** Value of this member for digit d (parent key at row d, or min + d). */
  valueAt(d: number): Cell;
  kind: CellKind;
}

function member(plan: DatasetPlan, col: ColumnSpec): Member {
  if (col.type !== 'foreignKey') {
    const { min, max } = intColumnRange(col);
    return { radix: max - min + 1, kind: 'number', valueAt: (d) => min + d };
  }
  const { table: parent, column: keySpec } = referencedColumn(plan.dataset, col);
  const key = compileColumn(keySpec, plan.seed, parent.name, parent.keyOffset ?? 0);
  const row = new RowContext(plan.seed, parent.name);
  return {
    radix: plan.rowsOf(parent.name),
    kind: key.kind,
    valueAt: (d) => {
      row.setRow(d);
      return key.value(row);
    },
  };
}

/**
 * Columns of a composite key: row k's tuple is the mixed-radix digits of perm(k), perm a keyed
 * bijection of [0, domain) — distinct rows get distinct tuples, in random-looking order, with
 * every foreign key member a real parent key. Returns the compiled members by name.
 */
export function compileCompositeKey(plan: DatasetPlan, table: DatasetTableSpec): Map<string, CompiledColumn> {
  const out = new Map<string, CompiledColumn>();
  const key = table.compositeKey;
  if (!key) return out;
  const cols = key.columns.map((name) => table.columns.find((c) => c.name === name) as ColumnSpec);
  const members = cols.map((c) => member(plan, c));
  const combos = members.reduce((a, m) => a * m.radix, 1);
  const domain = Math.min(combos, MAX_DOMAIN);
  const rows = plan.rowsOf(table.name);
  const offset = table.keyOffset ?? 0;
  if (offset + rows > domain) {
    throw new ValidationError('dataset', `composite key (${key.columns.join(', ')}) of "${table.name}" has ${combos} combinations, fewer than its ${rows} rows${offset ? ` after keyOffset ${offset}` : ''}`);
  }
  if (rows === 0) return out;
  const perm = new FeistelPermutation(domain, streamKey(plan.seed, table.name, `\u0000compositeKey:${key.columns.join(',')}`));
  let place = 1;
  members.forEach((m, i) => {
    const below = place;
    place *= m.radix;
    out.set(cols[i]!.name, {
      name: cols[i]!.name,
      kind: m.kind,
      capacity: domain - offset,
      value: (row) => m.valueAt(Math.floor(perm.apply(row.k + offset) / below) % m.radix),
    });
  });
  return out;
}
