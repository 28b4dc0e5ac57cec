import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { DatasetSpec, DatasetTableSpec } from '@rowflow/contracts';
import { createDatasetRowStream, createRowStream } from '@rowflow/generator';

export interface RowRange {
  fromRow: number;
  toRow: number;
}

/** A row range of a manifest with the size and sha256 of the CSV bytes generated for it. */
export type ManifestRange = RowRange & { bytes: number; sha256: string };

/** One table of a job as verify and the manifest need it (as stored with the job). */
export interface TableVerifyInput {
  /** Index of the table within the job (0 for a single-table job). */
  index: number;
  /** Name of the table in its spec (the dataset table's name for dataset jobs). */
  table: string;
  targetTable: string;
  /** Schema of the target table (default: the one passed to verifyJob). */
  targetSchema?: string;
  /** The table spec stored with the job (a dataset table keeps its compositeKey). */
  schema: DatasetTableSpec;
  rowsTotal: number;
  /** This table's partitions, in the table's own row numbers. */
  partitions: RowRange[];
}

/** What verifying a job needs: its seed, mode, dataset (if any), and every table it loaded. */
export interface JobVerifyInput {
  jobId: string;
  mode: string;
  seed: number;
  rowsTotal: number;
  /** Dataset jobs: the dataset spec stored with the job; null for a single-table job. */
  dataset: DatasetSpec | null;
  tables: TableVerifyInput[];
}

/** The manifest of one table of a job. */
export interface TableManifest {
  index: number;
  table: string;
  targetSchema: string | null;
  targetTable: string;
  /** sha256 of the table's canonical spec as stored with the job. */
  specHash: string;
  rowsTotal: number;
  ranges: ManifestRange[];
}

/**
 * A job's manifest (version 2): the seed, a spec hash, and per table the sha256 of the CSV bytes
 * generated for each row range. `table`, `targetTable` and `specHash` at the top describe the
 * job as its status does (first table; for a dataset job `specHash` hashes the whole dataset,
 * since every table's keys depend on it). Single-table jobs also carry `ranges` at the top, where
 * readers of version 1 look for them.
 */
export interface JobManifest {
  kind: 'job';
  version: 2;
  jobId: string;
  dataset: string | null;
  table: string;
  targetTable: string;
  specHash: string;
  seed: number;
  rowsTotal: number;
  tables: TableManifest[];
  ranges?: ManifestRange[];
  createdAt: string;
}

/** The manifest shape written before dataset jobs were covered: one table, its ranges at the top. */
export interface JobManifestV1 {
  kind: 'job';
  version: 1;
  jobId: string;
  table: string;
  targetTable: string;
  specHash: string;
  seed: number;
  rowsTotal: number;
  ranges: ManifestRange[];
  createdAt: string;
}

/** A manifest as it may be stored: manifests of either version stay valid. */
export type StoredJobManifest = JobManifest | JobManifestV1;

/** sha256 of a canonical JSON form (object keys sorted), so key order in storage does not matter. */
export function specHash(spec: object): string {
  const canon = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(canon) : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canon((v as Record<string, unknown>)[k])])) : v;
  return createHash('sha256').update(JSON.stringify(canon(spec))).digest('hex');
}

/**
 * Row ranges of one table: each partition cut into pieces of at most `rangeRows` (default about
 * a hundredth of the table, at least 1000 rows), so a mismatch is located to a small range.
 */
export function manifestRanges(table: Pick<TableVerifyInput, 'rowsTotal' | 'partitions'>, rangeRows?: number): RowRange[] {
  const size = rangeRows ?? Math.max(1000, Math.ceil(table.rowsTotal / 100));
  const out: RowRange[] = [];
  for (const p of table.partitions) {
    for (let f = p.fromRow; f < p.toRow; f += size) out.push({ fromRow: f, toRow: Math.min(p.toRow, f + size) });
  }
  return out;
}

/**
 * The CSV bytes the job generated for a range of one table, made the way the job's chunk source
 * made them: a dataset table from the whole stored dataset (its foreign keys and per-parent
 * sizes depend on its parents' rows), a single table from its own spec.
 */
export function tableCsv(job: Pick<JobVerifyInput, 'seed' | 'dataset'>, table: TableVerifyInput, r: RowRange, signal?: AbortSignal): Readable {
  const opts = { seed: job.seed, offset: r.fromRow, rows: r.toRow - r.fromRow, format: 'csv', header: false, signal } as const;
  return job.dataset ? createDatasetRowStream({ ...opts, dataset: job.dataset, table: table.table }) : createRowStream({ ...opts, spec: table.schema });
}

async function rangeManifest(job: JobVerifyInput, table: TableVerifyInput, r: RowRange, signal?: AbortSignal): Promise<ManifestRange> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of tableCsv(job, table, r, signal)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { ...r, bytes, sha256: hash.digest('hex') };
}

async function tableManifest(job: JobVerifyInput, t: TableVerifyInput, signal?: AbortSignal): Promise<TableManifest> {
  const ranges: ManifestRange[] = [];
  for (const r of manifestRanges(t)) ranges.push(await rangeManifest(job, t, r, signal));
  return { index: t.index, table: t.table, targetSchema: t.targetSchema ?? null, targetTable: t.targetTable, specHash: specHash(t.schema), rowsTotal: t.rowsTotal, ranges };
}

/**
 * Builds a job's manifest by regenerating each range's CSV bytes with the same deterministic
 * generator the job loaded from (so the loading hot path is untouched; done once, after the job).
 */
export async function buildJobManifest(job: JobVerifyInput, signal?: AbortSignal): Promise<JobManifest> {
  const tables: TableManifest[] = [];
  for (const t of job.tables) tables.push(await tableManifest(job, t, signal));
  const first = job.tables[0]!;
  const m: JobManifest = {
    kind: 'job',
    version: 2,
    jobId: job.jobId,
    dataset: job.dataset?.name ?? null,
    table: first.table,
    targetTable: first.targetTable,
    specHash: specHash(job.dataset ?? first.schema),
    seed: job.seed,
    rowsTotal: job.rowsTotal,
    tables,
    createdAt: new Date().toISOString(),
  };
  return job.dataset ? m : { ...m, ranges: tables[0]!.ranges };
}

/** The tables of a manifest of either version (a version-1 manifest is one table, index 0). */
export function manifestTables(m: StoredJobManifest): TableManifest[] {
  if (m.version !== 1) return m.tables;
  return [{ index: 0, table: m.table, targetSchema: null, targetTable: m.targetTable, specHash: m.specHash, rowsTotal: m.rowsTotal, ranges: m.ranges }];
}
