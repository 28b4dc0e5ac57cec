import type { ColumnSpec, DatasetSpec, DatasetTableSpec } from '@rowflow/contracts';
import { INT32_MAX } from '../column-types.js';
import type { CatalogColumn, CatalogConstraint, CatalogTable } from './catalog-model.js';
import { applyChecks } from './apply-checks.js';
import { applyPartitionBounds } from './apply-partitions.js';
import { validateDegrading } from './degrade-dataset.js';
import { countryColumnsByName, statesByName } from './country-columns.js';
import { capRowsToKeys } from './key-capacity.js';
import { mapColumnType, typeArgs, type Warn } from './map-column.js';
import { filledByTrigger, fillsOnlyWhenNull, probablyTriggerFilled, triggerWarning } from './table-triggers.js';
import { columnOf, constraints, replaceColumn, type TableState, warner, without } from './table-state.js';

export interface IntrospectOptions {
  /** Dataset name (usually the schema's). */
  name: string;
  /** Rows per table (tables sized one per parent row get their parent's count). */
  rows: number;
  /** The first schema read: tables without `schema` live there (default: `name`). */
  schema?: string;
}

export interface IntrospectResult {
  dataset: DatasetSpec;
  /** Everything that could not be mapped faithfully, one sentence each, naming table.column. */
  warnings: string[];
}

/** Nullable columns get this share of NULLs (never key columns). */
const NULL_RATIO = 0.1;

/**
 * Maps tables read from a database catalog to a dataset spec that generates rows satisfying
 * their constraints: types, NOT NULL, sequences, primary/unique keys and unique indexes
 * (composite too), foreign keys (through shared-key chains), CHECKs it understands, partition
 * bounds, with realistic generators chosen from column names. Anything it cannot honour becomes
 * a typed default plus a warning — never a silent drop, and never a refusal of the whole schema:
 * a table whose spec would not validate is degraded (and warned about) instead.
 */
export function catalogToDataset(tables: CatalogTable[], opts: IntrospectOptions): IntrospectResult {
  const warnings: string[] = [];
  const states = tables.map((t) => mapTable(t, opts, warnings));
  const byName = new Map(states.map((s) => [s.cat.name, s]));
  const byQualified = new Map(states.map((s) => [qualified(s.schema, s.cat.name), s]));
  for (const s of states) applyKeys(s, warnings);
  const uniqueBefore = new Map(states.map((s) => [s, new Set(s.spec.columns.filter((c) => c.primaryKey || c.unique).map((c) => c.name))]));
  for (const s of states) applyForeignKeys(s, byQualified, uniqueBefore, warnings);
  for (const s of states) resolveKeyChains(s, byName, warnings);
  for (const s of states) {
    applyChecks(s, warnings);
    applyPartitionBounds(s, warnings);
    applyNulls(s, warnings);
    followCountries(s);
  }
  for (const s of states) capRowsToKeys(s, byName, warnings);
  return { dataset: validateDegrading(states, opts.name, warnings), warnings };
}

/** Phones, addresses, cities, states and postcodes follow the row's country column (`billing_city` → `billing_country`). */
function followCountries(s: TableState): void {
  for (const name of statesByName(s.spec.columns)) replaceColumn(s, { ...columnOf(s, name)!, mode: 'state' });
  for (const [column, country] of countryColumnsByName(s.spec.columns)) replaceColumn(s, { ...columnOf(s, column)!, countryColumn: country });
}

function qualified(schema: string, table: string): string {
  return `${schema}\u0000${table}`;
}

function mapTable(cat: CatalogTable, opts: IntrospectOptions, warnings: string[]): TableState {
  const columns: ColumnSpec[] = [];
  // Single-column keys and foreign keys get other generators later: a "too short for realistic text" note would mislead.
  const keys = new Set(cat.constraints.filter((c) => c.kind !== 'check' && c.columns.length === 1).map((c) => c.columns[0]));
  const original = new Map<string, ColumnSpec>();
  for (const col of cat.columns) {
    const all = warner(warnings, `${cat.name}.${col.name}`);
    const warn: Warn = keys.has(col.name) ? (m) => (/too short|is shorter than some/.test(m) ? undefined : all(m)) : all;
    const trigger = filledByTrigger(cat, col);
    if (trigger && !col.generated) {
      if (!fillsOnlyWhenNull(cat, col, trigger)) {
        all(`filled by trigger ${trigger}: omitted`);
        continue;
      }
      all(`trigger ${trigger} fills it only when NULL: generated, so the row carries its own value`);
    }
    const mapped = mapColumnType(col, warn, cat.name) ?? unmapped(cat, col, warn);
    if (!mapped) continue;
    columns.push({ name: col.name, ...mapped });
    original.set(col.name, { name: col.name, ...mapped });
  }
  const triggers = triggerWarning(cat);
  if (triggers) warnings.push(`${cat.name}: ${triggers}`);
  // Tables of the first schema carry none: a job writes them to its default target schema, so a
  // single-schema spec still loads into whichever schema the loading orchestrator targets.
  const spec: DatasetTableSpec = { name: cat.name, ...(cat.schema !== undefined ? { schema: cat.schema } : {}), rows: opts.rows, columns };
  return { cat, spec, catCols: new Map(cat.columns.map((c) => [c.name, c])), keyColumns: new Set(), original, rows: opts.rows, schema: cat.schema ?? opts.schema ?? opts.name };
}

/** A type with no generator: NULL when allowed, else the database default (or a trigger), else text (warned). */
function unmapped(table: CatalogTable, col: CatalogColumn, warn: Warn): Omit<ColumnSpec, 'name'> | null {
  if (col.generated) return null;
  if (!col.notNull) {
    warn(`${col.formatted}: no generator for this type; always NULL`);
    return { type: 'text', nullRatio: 1 };
  }
  if (col.default !== undefined) {
    warn(`${col.formatted}: no generator for this type; omitted, so the column default (${col.default}) fills it`);
    return null;
  }
  if (probablyTriggerFilled(table, col)) {
    warn(`${col.formatted}: no generator for this type, NOT NULL without a default on a table with BEFORE INSERT triggers: omitted (a trigger is expected to fill it)`);
    return null;
  }
  warn(`${col.formatted}: no generator for this type and NOT NULL without a default; generated as text, which the database may reject`);
  return { type: 'text', mode: 'word' };
}

/** Unique constraints and unique indexes, primary key first; index ones warn about predicate/expressions. */
function uniqueKeys(s: TableState, warnings: string[]): CatalogConstraint[] {
  const keys = [...constraints(s, 'primaryKey'), ...constraints(s, 'unique')];
  for (const k of keys) {
    if (!k.index || (!k.index.predicate && !k.index.expressions)) continue;
    const what = [k.index.expressions ? `on ${k.index.expressions.join(', ')}` : '', k.index.predicate ? `WHERE ${k.index.predicate}` : ''].filter(Boolean).join(' ');
    const at = k.columns.length === 1 ? `${s.cat.name}.${k.columns[0]}` : `${s.cat.name} (${k.columns.join(', ')})`;
    if (k.columns.length === 0) warnings.push(`${s.cat.name}: unique index ${k.name} ${what} reads no column; not generated, duplicates may violate it`);
    else warnings.push(`${at}: unique index ${k.name} ${what}: generated unique over ${k.columns.join(', ')} for every row`);
  }
  return keys.filter((k) => k.columns.length > 0);
}

function applyKeys(s: TableState, warnings: string[]): void {
  const keys = uniqueKeys(s, warnings);
  // A key holding every column of a smaller key (a unique column, or `(name, email)` inside
  // `(org_id, name, email)`) is unique whenever that one is: only the smaller is generated.
  const implied = (k: CatalogConstraint): boolean => keys.some((o) => o.columns.length < k.columns.length && o.columns.every((c) => k.columns.includes(c)));
  const done = new Set<string>();
  for (const k of keys) {
    if (implied(k)) continue;
    const id = k.columns.join('\u0000');
    if (done.has(id)) continue;
    done.add(id);
    const flag = k.kind === 'primaryKey' ? 'primaryKey' : 'unique';
    k.columns.forEach((c) => s.keyColumns.add(c));
    if (k.columns.length === 1) makeUnique(s, k.columns[0] as string, flag, warner(warnings, `${s.cat.name}.${k.columns[0]}`));
    else compositeKey(s, k, warner(warnings, `${s.cat.name} (${k.columns.join(', ')})`));
  }
}

/** Turns a column into one whose values are unique by construction (same name, loadable values). */
function makeUnique(s: TableState, name: string, flag: 'primaryKey' | 'unique', warn: Warn): void {
  const col = columnOf(s, name);
  if (!col) return;
  if (col.primaryKey || col.unique) {
    if (flag === 'primaryKey' && !col.primaryKey) replaceColumn(s, { ...without(col, 'unique'), primaryKey: true });
    return;
  }
  const rest = without(col, 'nullRatio');
  const unique = uniqueVersion(rest, s.catCols.get(name), warn);
  replaceColumn(s, unique ? { ...unique, [flag]: true } : rest);
}

function uniqueVersion(col: ColumnSpec, cat: CatalogColumn | undefined, warn: Warn): ColumnSpec | null {
  // eslint-disable-next-line @typescript-eslint/switch-exhaustiveness-check -- every other type falls to uniqueText
  switch (col.type) {
    case 'serial':
    case 'uuid':
      return col;
    case 'email':
    case 'username':
      // Shortened to a short column, their values would repeat: unique numbers instead.
      return col.maxLength === undefined ? col : uniqueText(col, cat, warn);
    case 'int':
      return col.mode === 'sequence' ? col : { name: col.name, type: 'int', min: 1, max: cat?.typeName === 'int2' ? 32767 : INT32_MAX };
    case 'bigint':
      return { name: col.name, type: 'bigint', min: 1, max: Number.MAX_SAFE_INTEGER };
    case 'decimal': {
      const digits = (col.precision ?? 10) - (col.scale ?? 2);
      return { name: col.name, type: 'bigint', min: 1, max: Math.min(10 ** Math.min(digits, 15) - 1, Number.MAX_SAFE_INTEGER) };
    }
    default:
      return uniqueText(col, cat, warn);
  }
}

const TEXTUAL = new Set(['text', 'varchar', 'bpchar', 'citext']);

/** Largest count of decimal digits a text column of this type holds (up to 15: a safe integer). */
function digitsOf(cat: CatalogColumn): number {
  const [len] = typeArgs(cat.formatted);
  return Math.min(len ?? 15, 15);
}

function uniqueText(col: ColumnSpec, cat: CatalogColumn | undefined, warn: Warn): ColumnSpec | null {
  if (!cat || !TEXTUAL.has(cat.typeName)) {
    warn(`${cat?.formatted ?? col.type} values cannot be made unique by construction; duplicates may violate the constraint`);
    return null;
  }
  const digits = digitsOf(cat);
  warn(`unique text generated as unique numbers of up to ${digits} digits`);
  return { name: col.name, type: 'bigint', min: 1, max: 10 ** digits - 1 };
}

/** Types whose values never repeat within a table (a key over one of them is unique already). */
function uniqueByItself(col: ColumnSpec | undefined): boolean {
  return col !== undefined && (col.type === 'serial' || col.mode === 'sequence' || col.type === 'uuid');
}

/**
 * A nullable member of the key that references the table itself (`UNIQUE (tag_id,
 * previous_version_id)`, the version a row follows): a key tuple cannot hold it (its value is an
 * earlier row of the very table being generated). Left NULL, it keeps the key from ever repeating,
 * as NULLs are distinct in a unique index — unless the index says NULLS NOT DISTINCT.
 */
function nullableSelfReference(s: TableState, k: CatalogConstraint): string | undefined {
  if (/NULLS NOT DISTINCT/i.test(k.definition)) return undefined;
  const self = (c: string) =>
    constraints(s, 'foreignKey').some((fk) => fk.columns.length === 1 && fk.columns[0] === c && fk.refTable === s.cat.name && (fk.refSchema ?? s.schema) === s.schema);
  return k.columns.find((c) => self(c) && s.catCols.get(c)?.notNull === false && columnOf(s, c) !== undefined);
}

function compositeKey(s: TableState, k: CatalogConstraint, warn: Warn): void {
  const nulled = nullableSelfReference(s, k);
  if (nulled) {
    s.keyColumns.delete(nulled);
    s.alwaysNull = new Set([...(s.alwaysNull ?? []), nulled]);
    warn(`${nulled} references ${s.cat.name} itself and cannot be a key tuple member: always NULL, so the key never repeats`);
    return;
  }
  // (id, created_at) of a partitioned table: the sequence alone keeps every tuple unique
  // (not a member that becomes a foreign key: its values then repeat).
  const referencing = new Set(constraints(s, 'foreignKey').flatMap((fk) => fk.columns));
  const alone = k.columns.find((c) => !referencing.has(c) && uniqueByItself(columnOf(s, c)));
  if (alone) {
    makeUnique(s, alone, 'unique', warn);
    return;
  }
  const taken = new Set([...(s.spec.compositeKey?.columns ?? []), ...(s.spec.uniqueKeys ?? []).flatMap((u) => u.columns)]);
  if (k.columns.some((c) => taken.has(c))) {
    warn('shares columns with another composite key: not generated unique; duplicates may violate it');
    return;
  }
  // The first becomes the key tuple; more become uniqueKeys (members of different keys may not overlap).
  if (s.spec.compositeKey) s.spec.uniqueKeys = [...(s.spec.uniqueKeys ?? []), { columns: [...k.columns] }];
  else s.spec.compositeKey = { columns: [...k.columns], ...(k.kind === 'primaryKey' ? { primaryKey: true } : {}) };
  for (const name of k.columns) {
    const col = columnOf(s, name);
    if (col) replaceColumn(s, without(col, 'nullRatio', 'distribution'));
  }
}

/** Foreign keys, those declared on partitions once per (columns, target). */
function foreignKeys(s: TableState): CatalogConstraint[] {
  const seen = new Set<string>();
  return constraints(s, 'foreignKey').filter((fk) => {
    const id = `${fk.columns.join()}→${fk.refSchema}.${fk.refTable}(${(fk.refColumns ?? []).join()})`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

function applyForeignKeys(s: TableState, byName: Map<string, TableState>, uniqueBefore: Map<TableState, Set<string>>, warnings: string[]): void {
  for (const fk of foreignKeys(s)) {
    const warn = warner(warnings, `${s.cat.name} (${fk.columns.join(', ')})`);
    const target = `${fk.refTable}(${(fk.refColumns ?? []).join(', ')})`;
    const parent = byName.get(qualified(fk.refSchema ?? s.schema, fk.refTable ?? ''));
    if (!parent) {
      warn(`references ${fk.refSchema ? `${fk.refSchema}.` : ''}${target}, outside the introspected tables: values are not coordinated with it`);
      continue;
    }
    if (fk.columns.length > 1) {
      compositeForeignKey(s, parent, fk, warn);
      continue;
    }
    const refColumn = (fk.refColumns ?? [])[0] as string;
    if (!uniqueBefore.get(parent)?.has(refColumn)) {
      warn(`${parent.cat.name}.${refColumn} is not generated unique, so it cannot be referenced; values are not coordinated`);
      continue;
    }
    linkForeignKey(s, parent, fk.columns[0] as string, refColumn, warn);
  }
}

/** A foreign key over several columns: every member takes one drawn parent row's values (the table option `foreignKeys`). */
function compositeForeignKey(s: TableState, parent: TableState, fk: CatalogConstraint, warn: Warn): void {
  const taken = new Set((s.spec.foreignKeys ?? []).flatMap((f) => f.columns));
  if (fk.columns.some((c) => taken.has(c) || !columnOf(s, c)) || (fk.refColumns ?? []).some((c) => !columnOf(parent, c))) {
    warn(`composite foreign key to ${parent.cat.name}(${(fk.refColumns ?? []).join(', ')}) overlaps another or names an omitted column: not generated, so the constraint may fail`);
    return;
  }
  const references = { table: parent.cat.name, columns: [...(fk.refColumns ?? [])], ...schemaOf(parent) };
  s.spec.foreignKeys = [...(s.spec.foreignKeys ?? []), { columns: [...fk.columns], references }];
  for (const c of fk.columns) s.keyColumns.add(c);
}

/** A reference's `schema` when the parent lives outside the first schema (said, so a cross-schema key reads as one). */
function schemaOf(parent: TableState): { schema?: string } {
  return parent.cat.schema !== undefined ? { schema: parent.cat.schema } : {};
}

function linkForeignKey(s: TableState, parent: TableState, name: string, refColumn: string, warn: Warn): void {
  const col = columnOf(s, name);
  if (!col) return;
  const oneToOne = col.primaryKey || col.unique;
  replaceColumn(s, { name, type: 'foreignKey', references: { table: parent.cat.name, column: refColumn, ...schemaOf(parent) } });
  if (oneToOne) oneRowPerParent(s, parent, name, warn);
}

/** The foreign key that carries a per-parent table's owner: the first one to the perParent table. */
function ownerColumn(s: TableState): string | undefined {
  const parent = s.spec.perParent?.table;
  return parent === undefined ? undefined : s.spec.columns.find((c) => c.type === 'foreignKey' && c.references?.table === parent)?.name;
}

/** A unique foreign key (one-to-one, e.g. a profile per user): one child row per parent row. */
function oneRowPerParent(s: TableState, parent: TableState, name: string, warn: Warn): void {
  const firstToParent = s.spec.columns.find((c) => c.type === 'foreignKey' && c.references?.table === parent.cat.name);
  if (parent === s || s.spec.perParent || firstToParent?.name !== name || s.spec.compositeKey) {
    warn('a unique foreign key that cannot be generated one per parent: duplicates may violate the key');
    return;
  }
  delete s.spec.rows;
  s.spec.perParent = { table: parent.cat.name, distribution: 'fixed', count: 1 };
  warn(`unique foreign key: one row per ${parent.cat.name} row (the table gets its parent's row count)`);
}

/** A table with exactly one row per row of its parent, `owner` carrying the parent's key. */
function oneToOneOwner(s: TableState, column: string): boolean {
  const pp = s.spec.perParent;
  return pp?.distribution === 'fixed' && pp.count === 1 && ownerColumn(s) === column;
}

/**
 * A foreign key to a column that is itself a one-to-one foreign key (shared primary keys:
 * `profiles.user_id` → `users.id`, `settings.profile_id` → `profiles.user_id`) takes its values
 * from the root key: the one-to-one table holds exactly the root's keys. A per-parent table over
 * such a table is sized by the root too.
 */
function resolveKeyChains(s: TableState, byName: Map<string, TableState>, warnings: string[]): void {
  for (const col of [...s.spec.columns]) {
    if (col.type !== 'foreignKey' || !col.references) continue;
    const root = rootKey(byName, col.references.table, col.references.column as string);
    if (root && root.table === col.references.table) continue;
    const warn = warner(warnings, `${s.cat.name}.${col.name}`);
    if (!root) {
      const original = s.original.get(col.name);
      warn(`references ${col.references.table}.${col.references.column}, which is not generated unique: values are not coordinated`);
      if (original) replaceColumn(s, without(original, 'primaryKey', 'unique'));
      if (s.spec.perParent?.table === col.references.table) unsizePerParent(s);
      continue;
    }
    const owner = ownerColumn(s) === col.name;
    const rootState = byName.get(root.table);
    // The constraint still names the direct parent: `via` keeps it, so a load waits for that table's rows.
    const via = col.references.via ?? col.references.table;
    replaceColumn(s, { ...col, references: { table: root.table, column: root.column, ...(rootState ? schemaOf(rootState) : {}), via } });
    if (owner && s.spec.perParent) s.spec.perParent = { ...s.spec.perParent, table: root.table };
    if (owner && ownerColumn(s) !== col.name) {
      warn(`one row per ${root.table} row cannot be kept (another column references ${root.table} first): duplicates may violate the key`);
      unsizePerParent(s);
    }
  }
}

function unsizePerParent(s: TableState): void {
  delete s.spec.perParent;
  s.spec.rows = s.rows;
}

/** Follows one-to-one foreign keys down to a column generated unique; null when the chain ends elsewhere. */
function rootKey(byName: Map<string, TableState>, table: string, column: string): { table: string; column: string } | null {
  const seen = new Set<string>();
  let at = { table, column };
  for (;;) {
    if (seen.has(at.table)) return null;
    seen.add(at.table);
    const t = byName.get(at.table);
    const key = t && columnOf(t, at.column);
    if (!t || !key) return null;
    if (key.type !== 'foreignKey') return key.primaryKey || key.unique ? at : null;
    if (!key.references || !oneToOneOwner(t, key.name) || t.spec.perParent?.table !== key.references.table) return null;
    at = { table: key.references.table, column: key.references.column as string };
  }
}

function applyNulls(s: TableState, warnings: string[]): void {
  for (const col of s.spec.columns) {
    if (s.alwaysNull?.has(col.name)) {
      replaceColumn(s, { ...col, nullRatio: 1 });
      continue;
    }
    const cat = s.catCols.get(col.name);
    const inTuple = s.spec.compositeKey?.columns.includes(col.name);
    if (!cat || cat.notNull || s.keyColumns.has(col.name) || inTuple || col.nullRatio !== undefined) continue;
    if (col.primaryKey || col.unique || col.type === 'serial') continue;
    replaceColumn(s, { ...col, nullRatio: NULL_RATIO });
  }
  for (const col of s.spec.columns) {
    if (col.type === 'foreignKey' && col.references?.table === s.cat.name && s.catCols.get(col.name)?.notNull) {
      warnings.push(`${s.cat.name}.${col.name}: NOT NULL self-reference: the first row has no earlier row, so its NULL violates NOT NULL`);
    }
  }
}
