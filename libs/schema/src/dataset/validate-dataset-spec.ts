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
  spec.tables.forEach((t, i) => checkForeignKeys(spec, t, `${field}.tables[${i}]`));
  spec.tables.forEach((t, i) => checkUniqueKeys(t, `${field}.tables[${i}]`));
  return spec;
}

/** The column `name` of `table`, or a ValidationError on `at` with a suggestion. */
function columnNamed(table: DatasetTableSpec, name: string, at: string): ColumnSpec {
  const col = table.columns.find((c) => c.name === name);
  if (col) return col;
  const hint = didYouMean(name, table.columns.map((c) => c.name));
  throw new ValidationError(at, `unknown column "${name}" in table "${table.name}"${hint ? `; did you mean "${hint}"?` : ''}`);
}

/** Members listed once, known, and in no other key group of `taken` (column → the group that has it). */
function checkMembers(table: DatasetTableSpec, columns: string[], at: string, taken: Map<string, string>, group: string): ColumnSpec[] {
  return columns.map((name, j) => {
    const col = columnNamed(table, name, `${at}[${j}]`);
    if (columns.indexOf(name) !== j) throw new ValidationError(`${at}[${j}]`, `column "${name}" listed twice`);
    const other = taken.get(name);
    if (other) throw new ValidationError(`${at}[${j}]`, `column "${name}" is already a member of ${other}; key groups must not overlap`);
    taken.set(name, group);
    return col;
  });
}

/** Key groups a column may belong to one of: compositeKey (unless a foreign key covers it) and exclusive groups. */
function keyGroups(table: DatasetTableSpec): Map<string, string> {
  const taken = new Map<string, string>();
  const key = table.compositeKey;
  const covered = key && (table.foreignKeys ?? []).some((fk) => key.columns.every((c) => fk.columns.includes(c)));
  if (key && !covered) for (const c of key.columns) taken.set(c, 'compositeKey');
  (table.exclusive ?? []).forEach((g, i) => g.columns.forEach((c) => taken.set(c, `exclusive[${i}]`)));
  return taken;
}

/**
 * Composite foreign keys: members known and in no other key group (a foreign key covering the
 * whole compositeKey is allowed: distinct parents keep it unique; so is one inside it, to another
 * table — `stock (tenant, code, warehouse)` with `(tenant, code)` → `products`: the parent row is
 * one digit of the key tuple), the referenced table and columns known, one referenced column per member.
 */
function checkForeignKeys(spec: DatasetSpec, table: DatasetTableSpec, field: string): void {
  const taken = keyGroups(table);
  (table.foreignKeys ?? []).forEach((fk, i) => {
    const at = `${field}.foreignKeys[${i}]`;
    const key = table.compositeKey;
    const inside = key !== undefined && fk.references.table !== table.name && fk.columns.every((c) => key.columns.includes(c));
    if (key && !inside && fk.columns.some((c) => key.columns.includes(c)) && !key.columns.every((c) => fk.columns.includes(c))) {
      throw new ValidationError(`${at}.columns`, `overlaps compositeKey (${key.columns.join(', ')}) without covering it or lying inside it; a foreign key may hold the whole composite key, some of its columns only, or none of it`);
    }
    if (inside) for (const c of fk.columns) if (taken.get(c) === 'compositeKey') taken.delete(c);
    checkMembers(table, fk.columns, `${at}.columns`, taken, `foreignKeys[${i}]`);
    const parent = tableNamed(spec, fk.references.table, `${at}.references.table`);
    fk.references.columns.forEach((name, j) => columnNamed(parent, name, `${at}.references.columns[${j}]`));
    if (fk.references.columns.length !== fk.columns.length) {
      throw new ValidationError(`${at}.references.columns`, `names ${fk.references.columns.length} columns for ${fk.columns.length} members; give one referenced column per member`);
    }
    const self = parent.name === table.name && fk.references.columns.find((c) => fk.columns.includes(c) || (table.foreignKeys ?? []).some((o) => o.columns.includes(c)));
    if (self) throw new ValidationError(`${at}.references.columns`, `"${self}" is itself a composite foreign key member; a self-reference must point at columns generated on their own`);
  });
}

/** uniqueKeys: 2+ known members of tuple types, disjoint from compositeKey, foreign keys and each other. */
function checkUniqueKeys(table: DatasetTableSpec, field: string): void {
  const taken = keyGroups(table);
  (table.foreignKeys ?? []).forEach((fk, i) => fk.columns.forEach((c) => taken.set(c, `foreignKeys[${i}]`)));
  (table.uniqueKeys ?? []).forEach((key, i) => {
    const at = `${field}.uniqueKeys[${i}].columns`;
    checkMembers(table, key.columns, at, taken, `uniqueKeys[${i}]`).forEach((col, j) => checkTupleMember(table, col, `${at}[${j}]`));
  });
}

function checkTupleMember(table: DatasetTableSpec, col: ColumnSpec, at: string): void {
  if (col.nullRatio) throw new ValidationError(at, `"${col.name}" has a nullRatio: key columns are never NULL`);
  if (col.after) throw new ValidationError(at, `"${col.name}" has "after": a key member's value comes from the key tuple`);
  if (!isTupleMember(col, table.name)) throw new ValidationError(at, `"${col.name}" (${col.type}) cannot be a key member; members are ${TUPLE_MEMBER_TYPES}`);
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
    if (!coveredByForeignKey(table)) checkTupleMember(table, col, at);
  });
  if (key.primaryKey && table.columns.some((c) => c.primaryKey)) {
    throw new ValidationError(`${field}.compositeKey.primaryKey`, 'the table already has a primaryKey column');
  }
}

const TUPLE_MEMBER_TYPES = 'a foreignKey to another table, a random int/bigint/decimal (no unique, mode or distribution), uuid, email, username, enum, boolean, date, timestamp, timestamptz, char or text';
const ENUMERABLE = new Set(['uuid', 'email', 'username', 'enum', 'boolean', 'date', 'text']);

/** Types whose values can be enumerated injectively (digit d → a distinct value), see the key tuple generator. */
function isTupleMember(col: ColumnSpec, table: string): boolean {
  if (col.type === 'foreignKey') return col.references?.table !== table;
  if (ENUMERABLE.has(col.type)) return true;
  if (col.type === 'timestamp' || col.type === 'timestamptz' || col.type === 'char') return col.mode === undefined || col.mode === 'random';
  return (col.type === 'int' || col.type === 'bigint' || col.type === 'decimal') && !col.unique && !col.primaryKey && col.mode === undefined && col.distribution === undefined;
}

/** The table's composite key is held by one of its composite foreign keys (shared or one-to-one key). */
function coveredByForeignKey(table: DatasetTableSpec): boolean {
  const key = table.compositeKey;
  return key !== undefined && (table.foreignKeys ?? []).some((fk) => key.columns.every((c) => fk.columns.includes(c)));
}

function checkUniqueNames(tables: DatasetTableSpec[], field: string): void {
  const seen = new Set<string>();
  tables.forEach((t, i) => {
    // Unique even across schemas: tables are generated and referenced by name.
    if (seen.has(t.name)) throw new ValidationError(`${field}.tables[${i}].name`, `duplicate table name "${t.name}"${t.schema !== undefined ? ' (table names are unique within a dataset, also across schemas)' : ''}`);
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
    if (col.references.schema !== undefined && parent.schema !== undefined && col.references.schema !== parent.schema) {
      throw new ValidationError(`${at}.schema`, `table "${parent.name}" of this dataset lives in schema "${parent.schema}", not "${col.references.schema}"`);
    }
    col.references.column = parentKey(parent, col.references.column, at).name;
    if (col.references.via !== undefined) tableNamed(spec, col.references.via, `${at}.via`);
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
