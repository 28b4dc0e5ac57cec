import { type ColumnSpec, type DatasetSpec, rejectUnknownKeys, type TableSpec, ValidationError } from '@rowflow/contracts';
import { isIdentifier, MAX_IDENTIFIER_BYTES, validateTableSpec } from '@rowflow/schema';
import type { JobDefinition, JobTableDefinition } from './job-spec.js';
import { commonOptions, int, MAX_PARTITIONS } from './job-spec.js';

type Raw = Record<string, unknown>;

/** Keys of a dataset job body. `rows`/`table`/`schema`/`targetTable` belong to single-table jobs. */
const DATASET_JOB_KEYS = ['dataset', 'seed', 'chunkSize', 'partitions', 'mode', 'skipLimit', 'targetPrefix'] as const;
const DATASET_KEYS = ['name', 'description', 'tables'] as const;
const MAX_TABLES = 64;

/** A dataset with every table's row count known and its column spec validated. */
export interface ResolvedDataset {
  spec: DatasetSpec;
  tables: Array<{ name: string; schema: TableSpec; rows: number }>;
}

function isObject(v: unknown): v is Raw {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Validates one dataset table; the row count must be explicit (derived counts come from @rowflow/schema). */
function resolveTable(raw: unknown, field: string, maxRows: number): { name: string; schema: TableSpec; rows: number } {
  if (!isObject(raw)) throw new ValidationError(field, 'must be a table object {name, rows, columns}');
  const { rows, perParent, ...rest } = raw;
  if (perParent !== undefined) throw new ValidationError(`${field}.perParent`, 'per-parent sizing is not supported by dataset jobs yet; give rows');
  const n = int(rows, `${field}.rows`, 1, maxRows);
  // Foreign keys inside a dataset name their parent; the row count is the parent's, filled in below.
  const schema = validateTableSpec(withPlaceholderRefs(rest), field);
  return { name: schema.name, schema, rows: n };
}

/** `references.rows` is optional inside a dataset (the parent's rows); the table validator wants one. */
function withPlaceholderRefs(table: Raw): Raw {
  if (!Array.isArray(table.columns)) return table;
  const columns = table.columns.map((c: unknown) => {
    if (!isObject(c) || !isObject(c.references) || c.references.rows !== undefined) return c;
    return { ...c, references: { ...c.references, rows: 1 } };
  });
  return { ...table, columns };
}

/** The parent key column a foreign key points at: `references.column`, else the parent's primary key. */
export function referencedColumn(col: ColumnSpec, parent: TableSpec): ColumnSpec | undefined {
  const name = col.references?.column;
  return parent.columns.find((c) => (name ? c.name === name : c.primaryKey));
}

/** Every foreign key names a table of the dataset and a key column of it (PRIMARY KEY or UNIQUE). */
function checkReferences(tables: ResolvedDataset['tables']): void {
  tables.forEach((t, ti) => {
    t.schema.columns.forEach((c, ci) => {
      if (c.type !== 'foreignKey' || !c.references) return;
      const field = `dataset.tables[${ti}].columns[${ci}].references`;
      const parent = tables.find((p) => p.name === c.references!.table);
      if (!parent) throw new ValidationError(`${field}.table`, `unknown table "${c.references.table}"; the dataset has ${tables.map((p) => p.name).join(', ')}`);
      const key = referencedColumn(c, parent.schema);
      if (!key) throw new ValidationError(`${field}.column`, `table "${parent.name}" has no such key column (give references.column or a primaryKey)`);
      if (!key.primaryKey && !key.unique) throw new ValidationError(`${field}.column`, `"${parent.name}.${key.name}" must be a primaryKey or unique column to be referenced`);
      c.references.column = key.name;
      c.references.rows = parent.rows;
    });
  });
}

/**
 * Validates an inline dataset spec. The one place dataset validation happens for jobs, so the
 * schema module's validator can replace the body without touching callers.
 */
export function resolveDataset(raw: unknown, maxRows: number): ResolvedDataset {
  if (typeof raw === 'string') throw new ValidationError('dataset', `unknown dataset "${raw}"; give an inline dataset spec {name, tables}`);
  if (!isObject(raw)) throw new ValidationError('dataset', 'must be a dataset spec {name, tables} or a catalog dataset name');
  rejectUnknownKeys(raw, DATASET_KEYS, 'dataset');
  if (!isIdentifier(raw.name)) throw new ValidationError('dataset.name', 'must be a valid identifier');
  if (!Array.isArray(raw.tables) || raw.tables.length === 0) throw new ValidationError('dataset.tables', 'must be a non-empty array');
  if (raw.tables.length > MAX_TABLES) throw new ValidationError('dataset.tables', `at most ${MAX_TABLES} tables`);
  const tables = raw.tables.map((t, i) => resolveTable(t, `dataset.tables[${i}]`, maxRows));
  const seen = new Set<string>();
  tables.forEach((t, i) => {
    if (seen.has(t.name)) throw new ValidationError(`dataset.tables[${i}].name`, `duplicate table "${t.name}"`);
    seen.add(t.name);
  });
  checkReferences(tables);
  const spec: DatasetSpec = { name: raw.name, ...(typeof raw.description === 'string' ? { description: raw.description } : {}), tables: tables.map((t) => ({ ...t.schema, rows: t.rows })) };
  return { spec, tables };
}

function prefixOf(raw: unknown): string {
  if (raw === undefined || raw === null) return '';
  if (typeof raw !== 'string' || raw.includes('\u0000')) throw new ValidationError('targetPrefix', 'must be a string without NUL');
  return raw;
}

/**
 * Tables whose rows need another table's rows loaded first. Only when constraints exist during
 * the load (append/truncate into existing tables): in create mode constraints are built after
 * every table is in, so all tables load in parallel. Self-references never wait.
 */
export function loadOrder(tables: ResolvedDataset['tables'], constraintsDuringLoad: boolean): number[][] {
  return tables.map((t) => {
    if (!constraintsDuringLoad) return [];
    const parents = t.schema.columns.filter((c) => c.type === 'foreignKey' && c.references && c.references.table !== t.name).map((c) => tables.findIndex((p) => p.name === c.references!.table));
    return [...new Set(parents)].filter((i) => i >= 0);
  });
}

function checkAcyclic(deps: number[][], names: string[]): void {
  const state = new Map<number, 'visiting' | 'done'>();
  const visit = (i: number): void => {
    if (state.get(i) === 'done') return;
    if (state.get(i) === 'visiting') throw new ValidationError('mode', `tables reference each other in a cycle (${names[i]}); load them with mode "create" (constraints are added after the load)`);
    state.set(i, 'visiting');
    deps[i]!.forEach(visit);
    state.set(i, 'done');
  };
  deps.forEach((_, i) => visit(i));
}

/** `POST /api/jobs {dataset, …}` → a JobDefinition with one entry per dataset table. */
export function parseDatasetJob(body: Raw, limits: { maxRows: number }): JobDefinition {
  rejectUnknownKeys(body, DATASET_JOB_KEYS);
  const { spec, tables } = resolveDataset(body.dataset, limits.maxRows);
  const common = commonOptions(body);
  const prefix = prefixOf(body.targetPrefix);
  const deps = loadOrder(tables, common.mode === 'append' || common.mode === 'truncate');
  checkAcyclic(deps, tables.map((t) => t.name));
  const partitions = int(body.partitions, 'partitions', 1, MAX_PARTITIONS, 1);
  const defs: JobTableDefinition[] = tables.map((t, i) => {
    const targetTable = prefix + t.name;
    if (Buffer.byteLength(targetTable, 'utf8') > MAX_IDENTIFIER_BYTES) throw new ValidationError('targetPrefix', `"${targetTable}" is longer than ${MAX_IDENTIFIER_BYTES} bytes`);
    return { name: t.name, targetTable, schema: t.schema, rows: t.rows, dependsOn: deps[i]! };
  });
  const first = defs[0]!;
  return {
    ...common,
    table: first.name,
    schema: first.schema,
    custom: true,
    rows: defs.reduce((n, t) => n + t.rows, 0),
    partitions,
    targetTable: first.targetTable,
    tables: defs,
    dataset: spec,
  };
}
