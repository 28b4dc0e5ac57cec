import { type ColumnSpec, type DatasetSpec, type DatasetTableSpec, didYouMean, type PerParentSpec, ValidationError } from '@rowflow/contracts';
import { datasetSchema } from '../spec/table-schema.js';
import { parseOrThrow } from '../spec/zod-issues.js';
import { DISCRIMINATOR_MESSAGES } from '../validate-table-spec.js';

/**
 * Validates a dataset spec and returns a clean copy: its shape by the one zod schema (every
 * table validated like a standalone table, unknown keys rejected), then the cross-table rules —
 * a foreign key names a table of the dataset and one of its unique/primary-key columns
 * (`references.column` is filled in: the parent's primary key when absent), table names are
 * unique, per-parent chains are acyclic. Reference cycles between tables are allowed
 * (constraints are added after loading). Every error is a `ValidationError` naming the field,
 * e.g. `dataset.tables[1].columns[2].references.table`.
 */
export function validateDatasetSpec(input: unknown, field = 'dataset'): DatasetSpec {
  const spec = parseOrThrow(datasetSchema, input, field, DISCRIMINATOR_MESSAGES);
  checkUniqueNames(spec.tables, field);
  spec.tables.forEach((t, i) => resolveReferences(spec, t, `${field}.tables[${i}]`));
  checkPerParentChains(spec, field);
  spec.tables.forEach((t, i) => checkCompositeKey(t, `${field}.tables[${i}]`));
  return spec;
}

/** A composite key's members must be generatable as one bijective tuple (see CompositeKeySpec). */
function checkCompositeKey(table: DatasetTableSpec, field: string): void {
  const key = table.compositeKey;
  if (!key) return;
  const owner = table.perParent && table.columns.find((c) => c.type === 'foreignKey' && c.references?.table === table.perParent?.table);
  key.columns.forEach((name, i) => {
    const at = `${field}.compositeKey.columns[${i}]`;
    const col = table.columns.find((c) => c.name === name);
    if (!col) {
      const hint = didYouMean(name, table.columns.map((c) => c.name));
      throw new ValidationError(at, `unknown column "${name}"${hint ? `; did you mean "${hint}"?` : ''}`);
    }
    if (key.columns.indexOf(name) !== i) throw new ValidationError(at, `column "${name}" listed twice`);
    if (col.nullRatio) throw new ValidationError(at, `"${name}" has a nullRatio: key columns are never NULL`);
    if (col === owner) throw new ValidationError(at, `"${name}" carries the perParent owner; it cannot also be drawn as a key tuple`);
    if (!isTupleMember(col, table.name)) {
      throw new ValidationError(at, `"${name}" must be a foreignKey to another table or a random int/bigint (no unique, mode or distribution)`);
    }
  });
  if (key.primaryKey && table.columns.some((c) => c.primaryKey)) {
    throw new ValidationError(`${field}.compositeKey.primaryKey`, 'the table already has a primaryKey column');
  }
}

function isTupleMember(col: ColumnSpec, table: string): boolean {
  if (col.type === 'foreignKey') return col.references?.table !== table;
  return (col.type === 'int' || col.type === 'bigint') && !col.unique && !col.primaryKey && col.mode === undefined && col.distribution === undefined;
}

function checkUniqueNames(tables: DatasetTableSpec[], field: string): void {
  const seen = new Set<string>();
  tables.forEach((t, i) => {
    if (seen.has(t.name)) throw new ValidationError(`${field}.tables[${i}].name`, `duplicate table name "${t.name}"`);
    seen.add(t.name);
  });
}

/** The dataset table called `name`, or a ValidationError on `field` with a suggestion. */
function tableNamed(spec: DatasetSpec, name: string, field: string): DatasetTableSpec {
  const found = spec.tables.find((t) => t.name === name);
  if (found) return found;
  const names = spec.tables.map((t) => t.name);
  const hint = didYouMean(name, names);
  throw new ValidationError(field, `unknown table "${name}" in dataset "${spec.name}"${hint ? `; did you mean "${hint}"?` : ''} (tables: ${names.join(', ')})`);
}

function resolveReferences(spec: DatasetSpec, table: DatasetTableSpec, field: string): void {
  table.columns.forEach((col, i) => {
    if (col.type !== 'foreignKey' || !col.references) return;
    const at = `${field}.columns[${i}].references`;
    const parent = tableNamed(spec, col.references.table, `${at}.table`);
    col.references.column = parentKey(parent, col.references.column, at).name;
  });
}

/** The referenced column: named, or the parent's primary key; it must be unique by construction. */
function parentKey(parent: DatasetTableSpec, name: string | undefined, field: string): ColumnSpec {
  if (name === undefined) {
    const pk = parent.columns.find((c) => c.primaryKey);
    if (!pk) throw new ValidationError(`${field}.column`, `table "${parent.name}" has no primary key; name a unique column`);
    return pk;
  }
  const key = parent.columns.find((c) => c.name === name);
  if (!key) {
    const names = parent.columns.map((c) => c.name);
    const hint = didYouMean(name, names);
    throw new ValidationError(`${field}.column`, `unknown column "${name}" in table "${parent.name}"${hint ? `; did you mean "${hint}"?` : ''}`);
  }
  if (!key.primaryKey && !key.unique) {
    throw new ValidationError(`${field}.column`, `"${parent.name}.${name}" is neither primaryKey nor unique: a foreign key must reference a unique column`);
  }
  return key;
}

/** perParent parents must exist, differ from the table, and not loop (a ← b ← a has no size). */
function checkPerParentChains(spec: DatasetSpec, field: string): void {
  spec.tables.forEach((t, i) => {
    if (!t.perParent) return;
    const at = `${field}.tables[${i}].perParent.table`;
    if (t.perParent.table === t.name) throw new ValidationError(at, 'a table cannot size itself per its own rows');
    tableNamed(spec, t.perParent.table, at);
  });
  spec.tables.forEach((t, i) => {
    const chain = [t.name];
    let cur: PerParentSpec | undefined = t.perParent;
    while (cur) {
      if (chain.includes(cur.table)) {
        throw new ValidationError(`${field}.tables[${i}].perParent.table`, `perParent chain is cyclic: ${[...chain, cur.table].join(' → ')}`);
      }
      chain.push(cur.table);
      const parentName: string = cur.table;
      cur = spec.tables.find((p) => p.name === parentName)?.perParent;
    }
  });
}
