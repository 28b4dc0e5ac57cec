import {
  type ColumnSpec,
  type DatasetSpec,
  type DatasetTableSpec,
  didYouMean,
  type PerParentSpec,
  rejectUnknownKeys,
  ValidationError,
} from '@rowflow/contracts';
import { isIdentifier } from '../pg-type.js';
import { validateTableSpec } from '../validate-table-spec.js';
import { validatePerParent } from './per-parent.js';

type Raw = Record<string, unknown>;

/** Tables per dataset: far above real schemas, low enough that validation stays instant. */
export const MAX_DATASET_TABLES = 500;
/** Rows of one fixed-size dataset table (derived tables are bounded by the request's MAX_ROWS). */
const MAX_TABLE_ROWS = Number.MAX_SAFE_INTEGER;

const DATASET_KEYS = ['name', 'description', 'tables'] as const;
const TABLE_KEYS = ['name', 'description', 'columns', 'rows', 'perParent'] as const;

function isObject(v: unknown): v is Raw {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Validates a dataset spec and returns a clean copy: every table validated like a standalone
 * table, each foreign key's `references.column` resolved (the parent's primary key when absent),
 * and the cross-table rules checked — a foreign key names a table of the dataset and one of its
 * unique/primary-key columns, a table has `rows` or `perParent` (not both), per-parent chains are
 * acyclic. Reference cycles between tables are allowed (constraints are added after loading).
 * Every error is a `ValidationError` naming the field, e.g. `dataset.tables[1].columns[2].references.table`.
 */
export function validateDatasetSpec(input: unknown, field = 'dataset'): DatasetSpec {
  if (!isObject(input)) throw new ValidationError(field, 'must be an object {name, tables: [...]} or a catalog dataset name');
  rejectUnknownKeys(input, DATASET_KEYS, field);
  if (!isIdentifier(input.name)) throw new ValidationError(`${field}.name`, 'must be a non-empty identifier (1..63 bytes, no NUL)');
  if (!Array.isArray(input.tables) || input.tables.length === 0) throw new ValidationError(`${field}.tables`, 'must be a non-empty array of tables');
  if (input.tables.length > MAX_DATASET_TABLES) throw new ValidationError(`${field}.tables`, `at most ${MAX_DATASET_TABLES} tables`);
  const tables = input.tables.map((t: unknown, i: number) => validateDatasetTable(t, `${field}.tables[${i}]`));
  checkUniqueNames(tables, field);
  const spec: DatasetSpec = { name: input.name, tables };
  if (input.description !== undefined) {
    if (typeof input.description !== 'string') throw new ValidationError(`${field}.description`, 'must be a string');
    spec.description = input.description;
  }
  tables.forEach((t, i) => resolveReferences(spec, t, `${field}.tables[${i}]`));
  checkPerParentChains(spec, field);
  return spec;
}

function validateDatasetTable(raw: unknown, field: string): DatasetTableSpec {
  if (!isObject(raw)) throw new ValidationError(field, 'must be an object {name, rows | perParent, columns}');
  rejectUnknownKeys(raw, TABLE_KEYS, field);
  const table: DatasetTableSpec = validateTableSpec(raw, field, { inDataset: true });
  if (raw.rows !== undefined && raw.perParent !== undefined) {
    throw new ValidationError(`${field}.rows`, 'give rows or perParent, not both (perParent derives the row count)');
  }
  if (raw.perParent !== undefined) table.perParent = validatePerParent(raw.perParent, `${field}.perParent`);
  else table.rows = rowsOf(raw.rows, `${field}.rows`);
  return table;
}

function rowsOf(raw: unknown, field: string): number {
  if (raw === undefined) throw new ValidationError(field, 'is required (a positive integer) unless perParent is given');
  if (typeof raw !== 'number' || !Number.isSafeInteger(raw) || raw < 1 || raw > MAX_TABLE_ROWS) {
    throw new ValidationError(field, `must be a positive integer, got ${JSON.stringify(raw)}`);
  }
  return raw;
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
