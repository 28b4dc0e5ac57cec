import type { ColumnSpec, DatasetTableSpec } from '@rowflow/contracts';
import type { CatalogColumn, CatalogConstraint, CatalogTable } from './catalog-model.js';
import type { Warn } from './map-column.js';

/** One table while introspection maps it: its catalog entry and the spec being built. */
export interface TableState {
  cat: CatalogTable;
  spec: DatasetTableSpec;
  /** Column name → its catalog entry (omitted columns are absent from spec.columns). */
  catCols: Map<string, CatalogColumn>;
  /** Columns never generated NULL (keys, partition keys, the required member of an exclusive set). */
  keyColumns: Set<string>;
  /** Columns always generated NULL so that a unique key over them never repeats (set by the key mapping). */
  alwaysNull?: Set<string>;
  /** Each column's generator by its type alone, before keys and foreign keys changed it. */
  original: Map<string, ColumnSpec>;
  /** Rows asked for (a table that loses its per-parent sizing falls back to it). */
  rows: number;
  /** The table's PostgreSQL schema. */
  schema: string;
}

export function warner(warnings: string[], at: string): Warn {
  return (message) => warnings.push(`${at}: ${message}`);
}

export function columnOf(s: TableState, name: string): ColumnSpec | undefined {
  return s.spec.columns.find((c) => c.name === name);
}

export function replaceColumn(s: TableState, col: ColumnSpec): void {
  s.spec.columns = s.spec.columns.map((c) => (c.name === col.name ? col : c));
}

export function constraints(s: TableState, kind: CatalogConstraint['kind']): CatalogConstraint[] {
  return s.cat.constraints.filter((c) => c.kind === kind);
}

export function without(col: ColumnSpec, ...keys: (keyof ColumnSpec)[]): ColumnSpec {
  const copy = { ...col };
  for (const k of keys) delete copy[k];
  return copy;
}
