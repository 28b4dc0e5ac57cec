import { type ColumnSpec, type DatasetForeignKey, type DatasetSpec, type DatasetTableSpec, didYouMean, ValidationError } from '@rowflow/contracts';
import { pgType as basePgType, type PgTypeOptions } from '../pg-type.js';

/** The table `name` of a (validated) dataset; `ValidationError(field)` with a suggestion otherwise. */
export function datasetTable(dataset: DatasetSpec, name: string, field = 'table'): DatasetTableSpec {
  const found = dataset.tables.find((t) => t.name === name);
  if (found) return found;
  const names = dataset.tables.map((t) => t.name);
  const hint = didYouMean(name, names);
  throw new ValidationError(field, `unknown table "${name}" in dataset "${dataset.name}"${hint ? `; did you mean "${hint}"?` : ''} (tables: ${names.join(', ')})`);
}

/** The parent key column a (validated) dataset foreign key points at. */
export function referencedColumn(dataset: DatasetSpec, column: ColumnSpec): { table: DatasetTableSpec; column: ColumnSpec } {
  const ref = column.references;
  const table = ref && dataset.tables.find((t) => t.name === ref.table);
  const key = table?.columns.find((c) => c.name === ref?.column);
  if (!table || !key) throw new Error(`foreign key "${column.name}" is not resolved: validate the dataset first`);
  return { table, column: key };
}

/** Every foreign key of a (validated) dataset, in table then column order. */
export function datasetForeignKeys(dataset: DatasetSpec): DatasetForeignKey[] {
  const out: DatasetForeignKey[] = [];
  for (const t of dataset.tables) {
    for (const c of t.columns) {
      if (c.type !== 'foreignKey' || !c.references) continue;
      const self = c.references.table === t.name;
      out.push({
        table: t.name,
        column: c.name,
        references: { table: c.references.table, column: c.references.column ?? '' },
        notNull: !self && !(c.nullRatio && c.nullRatio > 0),
        self,
      });
    }
  }
  return out;
}

/**
 * PostgreSQL type of a column of a (validated) dataset: a foreign key takes its parent key's
 * type (bigint for a serial, uuid, text for an email …), so REFERENCES constraints type-check.
 */
export function datasetPgType(dataset: DatasetSpec, column: ColumnSpec, opts: PgTypeOptions = {}, seen = new Set<ColumnSpec>()): string {
  const composite = seen.has(column) ? undefined : compositeReference(dataset, column);
  if (composite) return datasetPgType(dataset, composite, opts, seen.add(column));
  return basePgType(column, (fk) => basePgType(referencedColumn(dataset, fk).column), opts);
}

/** The parent column a composite foreign key member takes its values (and so its type) from. */
function compositeReference(dataset: DatasetSpec, column: ColumnSpec): ColumnSpec | undefined {
  const table = dataset.tables.find((t) => t.columns.includes(column));
  for (const fk of table?.foreignKeys ?? []) {
    const i = fk.columns.indexOf(column.name);
    if (i < 0) continue;
    const parent = dataset.tables.find((t) => t.name === fk.references.table);
    return parent?.columns.find((c) => c.name === fk.references.columns[i]);
  }
  return undefined;
}
