import { type DatasetSpec, type DatasetTableSpec, rejectUnknownKeys, type TableSpec, ValidationError } from '@rowflow/contracts';
import { checkCapacity, compileDatasetTable, datasetPlan, datasetRowCounts } from '@rowflow/generator';
import { MAX_IDENTIFIER_BYTES, resolveDataset } from '@rowflow/schema';
import type { JobDefinition, JobTableDefinition } from './job-spec.js';
import { checkLoadableColumns, commonOptions, defaultPartitions, int, MAX_PARTITIONS } from './job-spec.js';
import { type TargetRef, targetRef } from './target-ref.js';

type Raw = Record<string, unknown>;

/** Keys of a dataset job body. `rows`/`table`/`schema`/`targetTable` belong to single-table jobs. */
const DATASET_JOB_KEYS = ['dataset', 'seed', 'chunkSize', 'partitions', 'mode', 'skipLimit', 'targetPrefix', 'unlogged'] as const;

/** A dataset table as a plain table spec: what the job stores per table (DDL, COPY column list). */
function tableSpecOf(t: DatasetTableSpec): TableSpec {
  const spec: DatasetTableSpec = { ...t };
  delete spec.rows;
  delete spec.perParent;
  delete spec.schema; // the job table's targetSchema
  return spec;
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
export function loadOrder(tables: readonly TableSpec[], constraintsDuringLoad: boolean): number[][] {
  return tables.map((t, i) => {
    if (!constraintsDuringLoad) return [];
    const parents = foreignKeyEdges(tables, t, i).map((e) => e.parent);
    return [...new Set(parents)];
  });
}

/** One foreign key of a dataset table to another table of it: single-column or composite (`foreignKeys`). */
interface ForeignKeyEdge {
  child: number;
  parent: number;
  columns: string[];
  /** Some rows are generated NULL, so the database column takes NULL: the edge can be loaded NULL. */
  nullable: boolean;
}

/**
 * The table's foreign keys to other tables of the dataset. A key always generated NULL
 * (nullRatio 1) references no row, so it orders nothing — that is how a cycle is broken.
 */
function foreignKeyEdges(tables: readonly TableSpec[], t: TableSpec, child: number): ForeignKeyEdge[] {
  const ratio = (name: string): number => t.columns.find((c) => c.name === name)?.nullRatio ?? 0;
  // `via`: the table the database's constraint names (a shared key further up the chain supplies the values).
  const single = t.columns.flatMap((c) => (c.type === 'foreignKey' && c.references ? [{ table: c.references.via ?? c.references.table, columns: [c.name] }] : []));
  // Composite foreign keys (the dataset table option) are constraints of the table too; their members are NULL together.
  const composite = ((t as DatasetTableSpec).foreignKeys ?? []).map((fk) => ({ table: fk.references.table, columns: fk.columns }));
  return [...single, ...composite].flatMap((fk) => {
    const parent = tables.findIndex((p) => p.name === fk.table);
    const most = Math.max(...fk.columns.map(ratio));
    if (parent < 0 || parent === child || most >= 1) return [];
    return [{ child, parent, columns: fk.columns, nullable: most > 0 }];
  });
}

/** A cycle of foreign keys among the tables (each edge child → parent), or null. */
function findCycle(tables: readonly TableSpec[]): ForeignKeyEdge[] | null {
  const edges = tables.map((t, i) => foreignKeyEdges(tables, t, i));
  const state = new Map<number, 'visiting' | 'done'>();
  const path: ForeignKeyEdge[] = [];
  const visit = (i: number): ForeignKeyEdge[] | null => {
    state.set(i, 'visiting');
    for (const e of edges[i]!) {
      if (state.get(e.parent) === 'visiting') return [...path.slice(path.findIndex((p) => p.child === e.parent)), e];
      if (state.has(e.parent)) continue;
      path.push(e);
      const found = visit(e.parent);
      if (found) return found;
      path.pop();
    }
    state.set(i, 'done');
    return null;
  };
  for (let i = 0; i < tables.length; i++) {
    const found = state.has(i) ? null : visit(i);
    if (found) return found;
  }
  return null;
}

function edgeLabel(tables: readonly TableSpec[], e: ForeignKeyEdge): string {
  const cols = e.columns.length === 1 ? e.columns[0] : `(${e.columns.join(', ')})`;
  return `${tables[e.child]!.name}.${cols} → ${tables[e.parent]!.name}`;
}

/**
 * append/truncate load into tables whose foreign keys PostgreSQL checks row by row, so a parent
 * must be in before its children — impossible around a cycle (a.b_id → b, b.a_id → a). Each
 * cycle is broken at a foreign key whose rows are already generated NULL in part (so its column
 * takes NULL): that key is loaded NULL in every row (nullRatio 1 in the dataset stored with the
 * job, so generation, resume and verify all read the same spec). A cycle of NOT NULL keys only
 * is refused, naming its tables and columns. Returns the dataset to store and what was done.
 */
export function breakForeignKeyCycles(spec: DatasetSpec): { spec: DatasetSpec; warnings: string[] } {
  const out = structuredClone(spec);
  const warnings: string[] = [];
  for (let cycle = findCycle(out.tables); cycle; cycle = findCycle(out.tables)) {
    const edge = cycle.find((e) => e.nullable);
    const around = cycle.map((e) => edgeLabel(out.tables, e)).join(', ');
    if (!edge) {
      throw new ValidationError('mode', `tables reference each other in a cycle of NOT NULL foreign keys (${around}); append and truncate check foreign keys while loading, so no table can go first. Give one of these columns a nullRatio (its database column must accept NULL), or load with mode "create" (constraints are added after the load)`);
    }
    const table = out.tables[edge.child]!;
    table.columns = table.columns.map((c) => (edge.columns.includes(c.name) ? { ...c, nullRatio: 1 } : c));
    warnings.push(`${edgeLabel(out.tables, edge)}: loaded NULL in every row — the foreign keys ${around} form a cycle, and a nullable key is where append can break it; fill it afterwards if you need it set`);
  }
  return { spec: out, warnings };
}

/**
 * Row count of every table for this seed (per-parent tables derive theirs from it), each
 * within MAX_ROWS.
 */
function rowCounts(spec: DatasetSpec, seed: number, maxRows: number): number[] {
  const counts = datasetRowCounts(spec, seed);
  return spec.tables.map((t, i) => {
    const n = counts[t.name] ?? 0;
    if (n > maxRows) throw new ValidationError(`dataset.tables[${i}].rows`, `table "${t.name}" has ${n} rows for this seed; at most ${maxRows} (MAX_ROWS)`);
    return n;
  });
}

/** Each table's rows within what its columns can produce (unique values …), checked before anything is truncated or dropped. */
function checkTableCapacities(spec: DatasetSpec, seed: number, rows: number[]): void {
  const plan = datasetPlan(spec, seed);
  spec.tables.forEach((t, i) => {
    try {
      checkCapacity(compileDatasetTable(plan, t.name), rows[i]!);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      throw new ValidationError(`dataset.tables[${i}]`, `table "${t.name}": ${err.message}`);
    }
  });
}

/** `partitions` given: that many per table (at most its rows); absent: each table's own default by its size. */
function tableDefs(spec: DatasetSpec, rows: number[], prefix: string, deps: number[][], partitions: number | undefined): JobTableDefinition[] {
  return spec.tables.map((t, i) => {
    const targetTable = prefix + t.name;
    if (Buffer.byteLength(targetTable, 'utf8') > MAX_IDENTIFIER_BYTES) throw new ValidationError('targetPrefix', `"${targetTable}" is longer than ${MAX_IDENTIFIER_BYTES} bytes`);
    const n = rows[i]!;
    return { name: t.name, targetTable, schema: tableSpecOf(t), rows: n, dependsOn: deps[i]!, partitions: Math.min(partitions ?? defaultPartitions(n), n), ...(t.schema !== undefined ? { targetSchema: t.schema } : {}) };
  });
}

/**
 * `POST /api/jobs {dataset, …}` → a JobDefinition with one entry per dataset table. The dataset
 * (inline spec or catalog name) is validated by @rowflow/schema and stored with the job as
 * validated, so every chunk — also after a restart — generates from that copy.
 */
export function parseDatasetJob(body: Raw, limits: { maxRows: number }): JobDefinition {
  rejectUnknownKeys(body, DATASET_JOB_KEYS);
  const common = commonOptions(body);
  const checkedDuringLoad = common.mode === 'append' || common.mode === 'truncate';
  const resolved = resolveDataset(body.dataset, 'dataset');
  const { spec, warnings } = checkedDuringLoad ? breakForeignKeyCycles(resolved) : { spec: resolved, warnings: [] };
  const prefix = prefixOf(body.targetPrefix);
  const tables = spec.tables.map(tableSpecOf);
  tables.forEach((t, i) => checkLoadableColumns(t, `dataset.tables[${i}]`));
  const deps = loadOrder(tables, checkedDuringLoad);
  const given = body.partitions === undefined || body.partitions === null ? undefined : int(body.partitions, 'partitions', 1, MAX_PARTITIONS);
  const counts = rowCounts(spec, common.seed, limits.maxRows);
  checkTableCapacities(spec, common.seed, counts);
  const defs = tableDefs(spec, counts, prefix, deps, given);
  const first = defs[0]!;
  const partitions = Math.max(1, ...defs.map((t) => t.partitions ?? 1));
  return { ...common, table: first.name, schema: first.schema, custom: true, rows: defs.reduce((n, t) => n + t.rows, 0), partitions, targetTable: first.targetTable, tables: defs, dataset: spec, ...(warnings.length ? { warnings } : {}) };
}

/**
 * The checked target of every table of a job, in its schema: a dataset table's `schema`, else the
 * first of `schemas` (TARGET_SCHEMA's list, the whole write scope — any other schema is refused
 * here, before anything is written). For a dataset table a refused name is reported on the field
 * that caused it: the prefix when the bare table name alone would pass, else the table's name.
 */
export function jobTargets(schemas: string | readonly string[], def: JobDefinition): TargetRef[] {
  const scope = typeof schemas === 'string' ? [schemas] : schemas;
  return def.tables.map((t, i) => {
    const schema = t.targetSchema ?? scope[0]!;
    if (!scope.includes(schema)) throw new ValidationError(`dataset.tables[${i}].schema`, `"${schema}" is not a target schema; jobs write only into ${scope.map((s) => `"${s}"`).join(', ')} (TARGET_SCHEMA)`);
    try {
      return targetRef(schema, t.targetTable);
    } catch (err) {
      if (!(err instanceof ValidationError) || !def.dataset) throw err;
      const prefixed = t.targetTable !== t.name && isAllowed(schema, t.name);
      throw new ValidationError(prefixed ? 'targetPrefix' : `dataset.tables[${i}].name`, err.message.replace(/^targetTable: /, ''));
    }
  });
}

function isAllowed(schema: string, table: string): boolean {
  try {
    targetRef(schema, table);
    return true;
  } catch {
    return false;
  }
}
