import { type DatasetSpec, type JobMode, rejectUnknownKeys, type TableSpec, ValidationError } from '@rowflow/contracts';
import { checkCapacity, compileTable } from '@rowflow/generator';
import { findTable, isIdentifier, validateTableSpec } from '@rowflow/schema';
import { parseDatasetJob } from './dataset-job.js';

/** One table of a job: its spec exactly as stored with the job (resume generates from this). */
export interface JobTableDefinition {
  name: string;
  targetTable: string;
  schema: TableSpec;
  rows: number;
  /** Indexes (into `tables`) of the tables this one's rows need loaded first (FK into an existing constraint). */
  dependsOn: number[];
  /** Partitions of this table; default min(job's partitions, rows). */
  partitions?: number;
  /** The schema the table lives in (a dataset table's `schema`); absent: the first configured target schema. */
  targetSchema?: string;
}

/** A validated `POST /api/jobs` body with every default filled in. */
export interface JobDefinition {
  /** Catalog table name, or the custom schema's name (the first table of a dataset job). */
  table: string;
  schema: TableSpec;
  /** True when the schema came in the request (the generator is then asked by POST). */
  custom: boolean;
  rows: number;
  seed: number;
  /** null = 'auto'. */
  chunkSize: number | null;
  partitions: number;
  targetTable: string;
  mode: JobMode;
  skipLimit: number;
  /** Every table the job loads; one for a `table` / `schema` job. */
  tables: JobTableDefinition[];
  /** The dataset spec as stored with a dataset job (its tables generate from it), else null. */
  dataset: DatasetSpec | null;
  /** null: a logged table; 'logged': created UNLOGGED, SET LOGGED at the end; 'keep': stays unlogged. */
  unlogged: Unlogged;
  /** What parsing changed or assumed (a foreign-key cycle broken at a nullable key); the job's `warnings`. */
  warnings?: string[];
}

export type Unlogged = null | 'logged' | 'keep';

export const DEFAULT_CHUNK_SIZE = 5000;
/**
 * Default partitions: one per 100,000 rows, at most 4. Measured on a 2-core box against
 * PostgreSQL 15 (see docs/benchmarks.md, jobs benchmark): 1M rows load ~2.5× faster with 4 partitions than
 * with 1 (one backend parses COPY at a time otherwise, and each chunk's commit idles it); small
 * jobs gain nothing from splitting. 4 is also the default WORKER_CONCURRENCY of one process.
 */
export function defaultPartitions(rows: number): number {
  return Math.min(DEFAULT_MAX_PARTITIONS, Math.max(1, Math.floor(rows / ROWS_PER_DEFAULT_PARTITION)));
}
const DEFAULT_MAX_PARTITIONS = 4;
const ROWS_PER_DEFAULT_PARTITION = 100_000;
export const MAX_CHUNK_SIZE = 1_000_000;
export const MAX_PARTITIONS = 64;
const MODES: readonly JobMode[] = ['create', 'append', 'truncate', 'replace'];

type Raw = Record<string, unknown>;

export function int(raw: unknown, field: string, min: number, max: number, def?: number): number {
  if (raw === undefined || raw === null) {
    if (def === undefined) throw new ValidationError(field, 'is required');
    return def;
  }
  if (typeof raw !== 'number' || !Number.isSafeInteger(raw)) throw new ValidationError(field, `must be an integer, got ${JSON.stringify(raw)}`);
  if (raw < min || raw > max) throw new ValidationError(field, `must be between ${min} and ${max}, got ${raw}`);
  return raw;
}

/** PostgreSQL's system column names: CREATE TABLE refuses a column of one of these names. */
const SYSTEM_COLUMNS = new Set(['tableoid', 'xmin', 'cmin', 'xmax', 'cmax', 'ctid']);

/**
 * A spec the generator streams fine may still not load: a column named like a system column
 * would fail the job's CREATE TABLE (a 500 after the checks). Refused here, naming the column.
 */
export function checkLoadableColumns(spec: TableSpec, field: string): void {
  spec.columns.forEach((c, i) => {
    if (SYSTEM_COLUMNS.has(c.name)) throw new ValidationError(`${field}.columns[${i}].name`, `"${c.name}" is a PostgreSQL system column name; a table cannot have a column called that`);
  });
}

function resolveSchema(body: Raw): { table: string; schema: TableSpec; custom: boolean } {
  if (body.table !== undefined && body.schema !== undefined) throw new ValidationError('table', 'give either table or schema, not both');
  if (body.schema !== undefined) {
    const schema = validateTableSpec(body.schema, 'schema');
    checkLoadableColumns(schema, 'schema');
    return { table: schema.name, schema, custom: true };
  }
  if (typeof body.table !== 'string' || body.table === '') throw new ValidationError('table', 'is required (or give a schema)');
  return { table: body.table, schema: findTable(body.table), custom: false };
}

export function chunkSizeOf(raw: unknown): number | null {
  if (raw === 'auto') return null;
  return int(raw, 'chunkSize', 1, MAX_CHUNK_SIZE, DEFAULT_CHUNK_SIZE);
}

function targetOf(raw: unknown, def: string): string {
  if (raw === undefined || raw === null) return def;
  if (!isIdentifier(raw)) throw new ValidationError('targetTable', 'must be a valid identifier (1..63 bytes, no NUL)');
  return raw;
}

export function modeOf(raw: unknown): JobMode {
  if (raw === undefined || raw === null) return 'create';
  if (!MODES.includes(raw as JobMode)) throw new ValidationError('mode', `must be one of ${MODES.join(', ')}, got ${JSON.stringify(raw)}`);
  return raw as JobMode;
}

function unloggedOf(raw: unknown, mode: JobMode): Unlogged {
  if (raw === undefined || raw === null || raw === false) return null;
  if (raw !== true && raw !== 'keep') throw new ValidationError('unlogged', `must be true, false or "keep", got ${JSON.stringify(raw)}`);
  if (mode !== 'create') throw new ValidationError('unlogged', `applies to mode "create" only (the table is created UNLOGGED), got mode "${mode}"`);
  return raw === true ? 'logged' : 'keep';
}

/** A seed for "pick one": fits every integer column and JSON number. */
export function pickSeed(): number {
  return 1 + Math.floor(Math.random() * 0x7ffffffe);
}

/**
 * Validates a `POST /api/jobs` body (CreateJobRequest) without touching any I/O. Throws
 * `ValidationError` naming the field; nothing is written before this passes.
 */
export function parseJobRequest(input: unknown, limits: { maxRows: number }): JobDefinition {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new ValidationError('body', 'must be a JSON object');
  const body = input as Raw;
  if (body.dataset !== undefined) return parseDatasetJob(body, limits);
  rejectUnknownKeys(body, TABLE_JOB_KEYS);
  const { table, schema, custom } = resolveSchema(body);
  const rows = int(body.rows, 'rows', 1, limits.maxRows);
  const targetTable = targetOf(body.targetTable, table);
  const common = commonOptions(body);
  // The generator would refuse these rows before its first byte; the job must refuse them
  // before a truncate or replace empties the target, not fail after it.
  checkCapacity(compileTable(schema, common.seed), rows);
  return {
    ...common,
    table,
    schema,
    custom,
    rows,
    partitions: Math.min(int(body.partitions, 'partitions', 1, MAX_PARTITIONS, defaultPartitions(rows)), rows),
    targetTable,
    tables: [{ name: table, targetTable, schema, rows, dependsOn: [] }],
    dataset: null,
  };
}

/** Keys of a single-table job body (a dataset job has its own list, see dataset-job.ts). */
const TABLE_JOB_KEYS = ['table', 'schema', 'rows', 'seed', 'chunkSize', 'partitions', 'targetTable', 'mode', 'skipLimit', 'unlogged'] as const;

/** Options every job body shares, validated the same way for table and dataset jobs. */
export function commonOptions(body: Raw): Pick<JobDefinition, 'seed' | 'chunkSize' | 'mode' | 'skipLimit' | 'unlogged'> {
  const seed = int(body.seed, 'seed', 0, Number.MAX_SAFE_INTEGER, 0);
  return {
    seed: seed === 0 ? pickSeed() : seed,
    chunkSize: chunkSizeOf(body.chunkSize),
    mode: modeOf(body.mode),
    skipLimit: int(body.skipLimit, 'skipLimit', 0, 1_000_000_000, 100),
    unlogged: unloggedOf(body.unlogged, modeOf(body.mode)),
  };
}

/** Splits [0, rows) into `partitions` contiguous ranges, sizes differing by at most one. */
export function splitRanges(rows: number, partitions: number): Array<{ from: number; to: number }> {
  const out: Array<{ from: number; to: number }> = [];
  for (let i = 0; i < partitions; i++) {
    out.push({ from: Math.floor((rows * i) / partitions), to: Math.floor((rows * (i + 1)) / partitions) });
  }
  return out;
}
