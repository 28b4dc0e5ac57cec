/** What the dataset view shows: table sizes in words and the foreign keys of a dataset spec. */
import type { DatasetForeignKey, DatasetSpec, DatasetTableSpec, PerParentSpec } from '@rowflow/contracts';
import { datasetForeignKeys, validateDatasetSpec } from '@rowflow/schema';

export interface TableRowView {
  name: string;
  size: string;
  columns: number;
  keys: string;
}

function perParentText(p: PerParentSpec): string {
  switch (p.distribution) {
    case 'fixed':
      return `${p.count} per ${p.table} row`;
    case 'uniform':
      return `${p.min ?? 0}–${p.max} per ${p.table} row`;
    case 'poisson':
      return `Poisson, mean ${p.mean} per ${p.table} row`;
    case 'zipf':
      return `zipf ${p.min ?? 1}–${p.max} per ${p.table} row`;
  }
}

/** "1,000 rows" or "Poisson, mean 3 per users row". */
export function tableSize(t: DatasetTableSpec): string {
  return t.perParent ? perParentText(t.perParent) : `${(t.rows ?? 0).toLocaleString('en-US')} rows`;
}

function keysText(t: DatasetTableSpec): string {
  const pk = t.columns.filter((c) => c.primaryKey).map((c) => c.name);
  if (t.compositeKey?.primaryKey) pk.push(`(${t.compositeKey.columns.join(', ')})`);
  return pk.length ? `PK ${pk.join(', ')}` : '';
}

export interface DatasetView {
  tables: TableRowView[];
  foreignKeys: DatasetForeignKey[];
}

/** The view of a dataset spec (validated with the servers' schema module: bad specs throw). */
export function datasetView(spec: DatasetSpec): DatasetView {
  const valid = validateDatasetSpec(spec);
  return {
    tables: valid.tables.map((t) => ({ name: t.name, size: tableSize(t), columns: t.columns.length, keys: keysText(t) })),
    foreignKeys: datasetForeignKeys(valid),
  };
}

/** `orders.user_id → users.id` (+ nullable / self). */
export function foreignKeyText(fk: DatasetForeignKey): string {
  const notes = [fk.self ? 'earlier row' : '', fk.notNull ? '' : 'nullable'].filter(Boolean);
  return `${fk.table}.${fk.column} → ${fk.references.table}.${fk.references.column}${notes.length ? ` (${notes.join(', ')})` : ''}`;
}
