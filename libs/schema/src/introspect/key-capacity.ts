import type { ColumnSpec } from '@rowflow/contracts';
import { INT32_MAX } from '../column-types.js';
import { columnOf, type TableState, warner } from './table-state.js';

const SMALLINT_MAX = 32767;

/** How many distinct values a unique column can take, Infinity when unbounded for any real row count. */
function columnCapacity(col: ColumnSpec, typeName: string | undefined): number {
  const typeMax = typeName === 'int2' ? SMALLINT_MAX : typeName === 'int4' ? INT32_MAX : Number.MAX_SAFE_INTEGER;
  if (col.type === 'serial' || col.mode === 'sequence') return typeMax - (col.min ?? 1) + 1;
  if ((col.type === 'int' || col.type === 'bigint') && col.min !== undefined && col.max !== undefined) return col.max - col.min + 1;
  return Infinity;
}

function tupleCapacity(s: TableState, byName: Map<string, TableState>): number {
  if (!s.spec.compositeKey) return Infinity;
  let product = 1;
  for (const name of s.spec.compositeKey?.columns ?? []) {
    const c = columnOf(s, name);
    if (!c) continue;
    if (c.type === 'foreignKey') product *= byName.get(c.references?.table ?? '')?.spec.rows ?? Infinity;
    else product *= columnCapacity(c, undefined);
  }
  return product;
}

/**
 * A short unique key (`char(2)` as numbers, smallint, a composite over small parents) cannot
 * hold more rows than it has values: the table's rows are capped there (warned) rather than
 * emitting a spec the job would refuse.
 */
export function capRowsToKeys(s: TableState, byName: Map<string, TableState>, warnings: string[]): void {
  let cap = { rows: Infinity, by: '' };
  for (const col of s.spec.columns) {
    if (!(col.primaryKey || col.unique || col.type === 'serial' || col.mode === 'sequence')) continue;
    const n = columnCapacity(col, s.catCols.get(col.name)?.typeName);
    if (n < cap.rows) cap = { rows: n, by: col.name };
  }
  const tuples = tupleCapacity(s, byName);
  if (tuples < cap.rows) cap = { rows: tuples, by: `(${s.spec.compositeKey?.columns.join(', ')})` };
  const rows = s.spec.rows;
  if (cap.rows === Infinity) return;
  const warn = warner(warnings, s.cat.name);
  if (rows === undefined) {
    warn(`its key ${cap.by} holds at most ${cap.rows} values; the table is sized per parent row and may need more`);
  } else if (rows > cap.rows) {
    s.spec.rows = Math.max(1, cap.rows);
    warn(`rows capped at ${cap.rows} (from ${rows}): its key ${cap.by} holds no more distinct values`);
  }
}
