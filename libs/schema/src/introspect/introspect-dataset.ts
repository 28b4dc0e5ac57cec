import type { ColumnSpec, DatasetSpec, DatasetTableSpec } from '@rowflow/contracts';
import { validateDatasetSpec } from '../dataset/validate-dataset-spec.js';
import { INT32_MAX } from '../column-types.js';
import type { CatalogColumn, CatalogConstraint, CatalogTable } from './catalog-model.js';
import { type CheckFact, parseCheck } from './check-constraints.js';
import { mapColumnType, typeArgs, type Warn } from './map-column.js';

export interface IntrospectOptions {
  /** Dataset name (usually the schema's). */
  name: string;
  /** Rows per table (tables sized one per parent row get their parent's count). */
  rows: number;
}

export interface IntrospectResult {
  dataset: DatasetSpec;
  /** Everything that could not be mapped faithfully, one sentence each, naming table.column. */
  warnings: string[];
}

/** Nullable columns get this share of NULLs (never key columns). */
const NULL_RATIO = 0.1;

interface TableState {
  cat: CatalogTable;
  spec: DatasetTableSpec;
  /** Column name → its catalog entry (omitted columns are absent from spec.columns). */
  catCols: Map<string, CatalogColumn>;
  keyColumns: Set<string>;
}

/**
 * Maps tables read from a database catalog to a dataset spec that generates rows satisfying
 * their constraints: types, NOT NULL, sequences, primary/unique keys (composite too), foreign
 * keys, simple CHECK ranges and IN lists, with realistic generators chosen from column names.
 * Anything it cannot honour becomes a typed default plus a warning — never a silent drop.
 */
export function catalogToDataset(tables: CatalogTable[], opts: IntrospectOptions): IntrospectResult {
  const warnings: string[] = [];
  const names = new Set(tables.map((t) => t.name));
  const states = tables.map((t) => mapTable(t, opts, warnings));
  for (const s of states) applyKeys(s, warnings);
  for (const s of states) applyForeignKeys(s, names, states, warnings);
  for (const s of states) applyChecksAndNulls(s, warnings);
  const dataset: DatasetSpec = { name: opts.name, tables: states.map((s) => s.spec) };
  return { dataset: validateDatasetSpec(dataset, 'dataset'), warnings };
}

function warner(warnings: string[], at: string): Warn {
  return (message) => warnings.push(`${at}: ${message}`);
}

function mapTable(cat: CatalogTable, opts: IntrospectOptions, warnings: string[]): TableState {
  const columns: ColumnSpec[] = [];
  // Single-column keys and foreign keys get other generators later: a "too short for realistic text" note would mislead.
  const keys = new Set(cat.constraints.filter((c) => c.kind !== 'check' && c.columns.length === 1).map((c) => c.columns[0]));
  for (const col of cat.columns) {
    const all = warner(warnings, `${cat.name}.${col.name}`);
    const warn: Warn = keys.has(col.name) ? (m) => (/too short/.test(m) ? undefined : all(m)) : all;
    const mapped = mapColumnType(col, warn) ?? unmapped(col, warn);
    if (mapped) columns.push({ name: col.name, ...mapped });
  }
  const spec: DatasetTableSpec = { name: cat.name, rows: opts.rows, columns };
  return { cat, spec, catCols: new Map(cat.columns.map((c) => [c.name, c])), keyColumns: new Set() };
}

/** A type with no generator: NULL when allowed, else the database default, else text (warned). */
function unmapped(col: CatalogColumn, warn: Warn): Omit<ColumnSpec, 'name'> | null {
  if (col.generated) return null;
  if (!col.notNull) {
    warn(`${col.formatted}: no generator for this type; always NULL`);
    return { type: 'text', nullRatio: 1 };
  }
  if (col.default !== undefined) {
    warn(`${col.formatted}: no generator for this type; omitted, so the column default (${col.default}) fills it`);
    return null;
  }
  warn(`${col.formatted}: no generator for this type and NOT NULL without a default; generated as text, which the database may reject`);
  return { type: 'text', mode: 'word' };
}

function columnOf(s: TableState, name: string): ColumnSpec | undefined {
  return s.spec.columns.find((c) => c.name === name);
}

function replaceColumn(s: TableState, col: ColumnSpec): void {
  s.spec.columns = s.spec.columns.map((c) => (c.name === col.name ? col : c));
}

function constraints(s: TableState, kind: CatalogConstraint['kind']): CatalogConstraint[] {
  return s.cat.constraints.filter((c) => c.kind === kind);
}

function applyKeys(s: TableState, warnings: string[]): void {
  const keys = [...constraints(s, 'primaryKey'), ...constraints(s, 'unique')];
  const singles = new Set(keys.filter((k) => k.columns.length === 1).map((k) => k.columns[0]));
  for (const k of keys) {
    // A key containing a unique column is unique already: nothing more to generate.
    if (k.columns.length > 1 && k.columns.some((c) => singles.has(c))) continue;
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
  const rest = without(col, 'nullRatio');
  const unique = uniqueVersion(rest, s.catCols.get(name), warn);
  replaceColumn(s, unique ? { ...unique, [flag]: true } : rest);
}

function without(col: ColumnSpec, ...keys: (keyof ColumnSpec)[]): ColumnSpec {
  const copy = { ...col };
  for (const k of keys) delete copy[k];
  return copy;
}

function uniqueVersion(col: ColumnSpec, cat: CatalogColumn | undefined, warn: Warn): ColumnSpec | null {
  // eslint-disable-next-line @typescript-eslint/switch-exhaustiveness-check -- every other type falls to uniqueText
  switch (col.type) {
    case 'serial':
    case 'uuid':
    case 'email':
    case 'username':
      return col;
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

function uniqueText(col: ColumnSpec, cat: CatalogColumn | undefined, warn: Warn): ColumnSpec | null {
  const textual = cat && ['text', 'varchar', 'bpchar', 'citext'].includes(cat.typeName);
  if (!textual) {
    warn(`${cat?.formatted ?? col.type} values cannot be made unique by construction; duplicates may violate the constraint`);
    return null;
  }
  const [len] = typeArgs(cat.formatted);
  const digits = Math.min(len ?? 15, 15);
  warn(`unique text generated as unique numbers of up to ${digits} digits`);
  return { name: col.name, type: 'bigint', min: 1, max: 10 ** digits - 1 };
}

function compositeKey(s: TableState, k: CatalogConstraint, warn: Warn): void {
  if (s.spec.compositeKey) {
    warn('a second composite key: only one per table is generated unique; duplicates may violate it');
    return;
  }
  // Members become foreign keys later; int/bigint members stay random ranges (no key flags).
  s.spec.compositeKey = { columns: [...k.columns], ...(k.kind === 'primaryKey' ? { primaryKey: true } : {}) };
  for (const name of k.columns) {
    const col = columnOf(s, name);
    if (!col) continue;
    replaceColumn(s, without(col, 'nullRatio', 'distribution'));
  }
}

function applyForeignKeys(s: TableState, names: Set<string>, states: TableState[], warnings: string[]): void {
  for (const fk of constraints(s, 'foreignKey')) {
    const at = `${s.cat.name} (${fk.columns.join(', ')})`;
    const warn = warner(warnings, at);
    const target = `${fk.refTable}(${(fk.refColumns ?? []).join(', ')})`;
    if (fk.columns.length > 1) {
      warn(`composite foreign key to ${target} is not generated: its columns get independent values, so the constraint would fail (drop it or add it after editing the spec)`);
      continue;
    }
    const parent = states.find((p) => p.cat.name === fk.refTable);
    if (!parent || !names.has(fk.refTable ?? '')) {
      warn(`references ${fk.refSchema ? `${fk.refSchema}.` : ''}${target}, outside the introspected tables: values are not coordinated with it`);
      continue;
    }
    linkForeignKey(s, parent, fk, warn);
  }
}

function linkForeignKey(s: TableState, parent: TableState, fk: CatalogConstraint, warn: Warn): void {
  const name = fk.columns[0] as string;
  const refColumn = (fk.refColumns ?? [])[0] as string;
  const key = columnOf(parent, refColumn);
  if (!key || !(key.primaryKey || key.unique)) {
    warn(`${parent.cat.name}.${refColumn} is not generated unique, so it cannot be referenced; values are not coordinated`);
    return;
  }
  const col = columnOf(s, name);
  if (!col) return;
  const oneToOne = col.primaryKey || col.unique;
  replaceColumn(s, { name, type: 'foreignKey', references: { table: parent.cat.name, column: refColumn } });
  if (oneToOne) oneRowPerParent(s, parent, name, warn);
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

/** A domain's CHECK on `VALUE`, rewritten as a CHECK on the column. */
function domainChecks(s: TableState): CatalogConstraint[] {
  return s.cat.columns.flatMap((c) =>
    (c.domain?.checks ?? []).map((definition, i) => ({
      name: `domain check ${i + 1} of ${c.name}`,
      kind: 'check' as const,
      columns: [c.name],
      definition: definition.replace(/\bVALUE\b/g, `"${c.name.replace(/"/g, '""')}"`),
    })),
  );
}

function applyChecksAndNulls(s: TableState, warnings: string[]): void {
  for (const check of [...constraints(s, 'check'), ...domainChecks(s)]) {
    const facts = parseCheck(check.definition);
    const warn = warner(warnings, `${s.cat.name} ${check.name}`);
    if (!facts) warn(`CHECK not understood (${check.definition}); generated values may violate it`);
    else applyFacts(s, facts, warn);
  }
  checkCompositeMembers(s, warner(warnings, s.cat.name));
  for (const col of s.spec.columns) {
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

function applyFacts(s: TableState, facts: CheckFact[], warn: Warn): void {
  const byColumn = new Map<string, CheckFact[]>();
  for (const f of facts) byColumn.set(f.column, [...(byColumn.get(f.column) ?? []), f]);
  for (const [name, fs] of byColumn) {
    const col = columnOf(s, name);
    if (!col) continue;
    const next = applyColumnFacts(col, fs);
    if (next) replaceColumn(s, next);
    else warn(`CHECK on ${name} (${col.type}) is not applied by the generator; values may violate it`);
  }
}

function applyColumnFacts(col: ColumnSpec, facts: CheckFact[]): ColumnSpec | null {
  const list = facts.find((f) => f.kind === 'in');
  if (list?.kind === 'in') {
    if (col.primaryKey || col.unique || col.type === 'foreignKey' || col.type === 'serial') return null;
    const values = col.type === 'enum' ? (col.values ?? []).filter((v) => list.values.includes(v)) : list.values;
    return values.length ? { name: col.name, type: 'enum', values, ...(col.nullRatio !== undefined ? { nullRatio: col.nullRatio } : {}) } : null;
  }
  const bounds = facts.filter((f): f is Extract<CheckFact, { kind: 'bound' }> => f.kind === 'bound');
  return applyBounds(col, bounds);
}

function applyBounds(col: ColumnSpec, bounds: Extract<CheckFact, { kind: 'bound' }>[]): ColumnSpec | null {
  const sequence = col.type === 'serial' || col.mode === 'sequence';
  const numeric = col.type === 'int' || col.type === 'bigint' || col.type === 'decimal';
  if (!numeric && !sequence) return null;
  const step = col.type === 'decimal' ? 10 ** -(col.scale ?? 2) : 1;
  let lo: number | undefined;
  let hi: number | undefined;
  for (const b of bounds) {
    if (b.op === '>') lo = Math.max(lo ?? -Infinity, col.type === 'decimal' ? b.value + step : Math.floor(b.value) + 1);
    if (b.op === '>=') lo = Math.max(lo ?? -Infinity, col.type === 'decimal' ? b.value : Math.ceil(b.value));
    if (b.op === '<') hi = Math.min(hi ?? Infinity, col.type === 'decimal' ? b.value - step : Math.ceil(b.value) - 1);
    if (b.op === '<=') hi = Math.min(hi ?? Infinity, col.type === 'decimal' ? b.value : Math.floor(b.value));
  }
  // A sequence starts at min (default 1) and only grows: a lower bound is met by moving its start.
  if (sequence) return hi === undefined ? { ...col, min: Math.max(col.min ?? 1, lo ?? 1) } : null;
  return withRange(col, lo, hi);
}

function withRange(col: ColumnSpec, lo: number | undefined, hi: number | undefined): ColumnSpec | null {
  let min = lo ?? col.min ?? 0;
  let max = hi ?? col.max ?? min + 1000;
  if (min > max) {
    if (lo !== undefined && hi !== undefined) return null;
    if (lo !== undefined) max = min + (col.type === 'decimal' ? 1000 : 1000);
    else min = max - 1000;
  }
  if (col.type === 'decimal') {
    const limit = 10 ** ((col.precision ?? 10) - (col.scale ?? 2)) - 10 ** -(col.scale ?? 2);
    [min, max] = [Math.max(min, -limit), Math.min(max, limit)];
  }
  if (col.type === 'int') [min, max] = [Math.max(min, -2147483648), Math.min(max, INT32_MAX)];
  return min <= max ? { ...col, min, max } : null;
}

/** A composite key generates unique tuples only over foreign keys and int ranges; otherwise warn and drop it. */
function checkCompositeMembers(s: TableState, warn: Warn): void {
  const key = s.spec.compositeKey;
  if (!key) return;
  const owner = s.spec.perParent?.table;
  const bad = key.columns.find((name) => {
    const c = columnOf(s, name);
    if (!c) return true;
    if (c.type === 'foreignKey') return c.references?.table === s.cat.name || c.references?.table === owner;
    return !((c.type === 'int' || c.type === 'bigint') && c.mode === undefined && !c.unique && !c.primaryKey);
  });
  if (bad === undefined) return;
  delete s.spec.compositeKey;
  warn(`composite key (${key.columns.join(', ')}) cannot be generated unique (member ${bad} is not a foreign key or integer range); duplicates may violate it`);
}
