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
  return tables.map((t) => {
    if (!constraintsDuringLoad) return [];
    const single = t.columns.flatMap((c) => (c.type === 'foreignKey' && c.references ? [c.references.table] : []));
    // Composite foreign keys (the dataset table option) are constraints of the table too.
    const composite = ((t as DatasetTableSpec).foreignKeys ?? []).map((fk) => fk.references.table);
    const parents = [...single, ...composite].filter((name) => name !== t.name).map((name) => tables.findIndex((p) => p.name === name));
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
  const spec = resolveDataset(body.dataset, 'dataset');
  const common = commonOptions(body);
  const prefix = prefixOf(body.targetPrefix);
  const tables = spec.tables.map(tableSpecOf);
  tables.forEach((t, i) => checkLoadableColumns(t, `dataset.tables[${i}]`));
  const deps = loadOrder(tables, common.mode === 'append' || common.mode === 'truncate');
  checkAcyclic(deps, tables.map((t) => t.name));
  const given = body.partitions === undefined || body.partitions === null ? undefined : int(body.partitions, 'partitions', 1, MAX_PARTITIONS);
  const counts = rowCounts(spec, common.seed, limits.maxRows);
  checkTableCapacities(spec, common.seed, counts);
  const defs = tableDefs(spec, counts, prefix, deps, given);
  const first = defs[0]!;
  const partitions = Math.max(1, ...defs.map((t) => t.partitions ?? 1));
  return { ...common, table: first.name, schema: first.schema, custom: true, rows: defs.reduce((n, t) => n + t.rows, 0), partitions, targetTable: first.targetTable, tables: defs, dataset: spec };
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
