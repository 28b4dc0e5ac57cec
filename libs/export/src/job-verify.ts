import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ConflictError, type DatasetTableSpec } from '@rowflow/contracts';
import { withSession } from '@rowflow/jobs';
import { quoteIdent } from '@rowflow/schema';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { type JobVerifyInput, manifestRanges, manifestTables, type RowRange, type StoredJobManifest, tableCsv, type TableVerifyInput } from './job-manifest.js';

export interface RangeCheck extends RowRange {
  /** The table (its name in the job's spec) this range belongs to. */
  table: string;
  ok: boolean;
  expectedRows: number;
  actualRows: number;
  expectedMd5: string | null;
  actualMd5: string | null;
  /** False when the generator's bytes for this range no longer hash to the manifest's (generator changed). */
  generatorMatchesManifest?: boolean;
}

/** A difference that is no single range: rows in the table that no range generated. */
export interface ExtraRows {
  table: string;
  reason: string;
  expectedRows: number;
  actualRows: number;
}

/** Verify's verdict on one table of a job. */
export interface TableVerifyResult {
  table: string;
  targetSchema: string;
  targetTable: string;
  ok: boolean;
  rowsExpected: number;
  rowsChecked: number;
  /** How many ranges were checked (the ranges themselves are in the job result's `ranges`). */
  rangesChecked: number;
  firstMismatch?: RangeCheck | ExtraRows;
}

export interface JobVerifyResult {
  ok: boolean;
  jobId: string;
  /** The dataset's name for a dataset job, else null. */
  dataset: string | null;
  /** The first table's target (the job's `targetTable` in its status). */
  targetTable: string;
  rowsChecked: number;
  /** Every range checked, table after table. */
  ranges: RangeCheck[];
  tables: TableVerifyResult[];
  /** The first difference, in table order then row order; it names its table. */
  firstMismatch?: RangeCheck | ExtraRows;
}

/**
 * The columns rows are matched and ordered on: the spec's primary key column, else its composite
 * key (a join table), else its first unique column without NULLs. Each is unique per row, so the
 * ordered md5 of a range does not depend on the order rows were stored in.
 */
function keyColumns(spec: DatasetTableSpec): string[] {
  const pk = spec.columns.find((c) => c.primaryKey);
  if (pk) return [pk.name];
  if (spec.compositeKey) return spec.compositeKey.columns;
  const unique = spec.columns.find((c) => c.unique && !c.nullRatio);
  if (unique) return [unique.name];
  throw new ConflictError(`cannot verify "${spec.name}": its spec has no primary key or unique column to match rows on`);
}

/** sha256 of each range in the manifest, by table index and range. */
function manifestShas(m: StoredJobManifest | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const t of m ? manifestTables(m) : []) for (const r of t.ranges) out.set(`${t.index}:${r.fromRow}:${r.toRow}`, r.sha256);
  return out;
}

/**
 * Checks every loaded table of a job against what the generator produces for the job's spec and
 * seed, range by range, inside the database: the generator's CSV for a range is COPYed into a
 * TEMP table shaped like the target's columns (in a transaction that is rolled back), then count
 * and `md5(string_agg(row::text ORDER BY key))` of that range are compared between the temp table
 * and the target rows with the same keys. Nothing of a table is downloaded; no target is written.
 */
export async function verifyJob(pool: pg.Pool, targetSchema: string, job: JobVerifyInput, manifest?: StoredJobManifest, signal?: AbortSignal): Promise<JobVerifyResult> {
  // Every table must have a key before any work starts: a 409 rather than a half-done verify.
  const keys = job.tables.map((t) => keyColumns(t.schema));
  const shas = manifestShas(manifest);
  const tables: TableVerifyResult[] = [];
  const ranges: RangeCheck[] = [];
  for (const [i, t] of job.tables.entries()) {
    const checked = await verifyTable(pool, { job, t, key: keys[i]!, schema: t.targetSchema ?? targetSchema, shas, signal });
    tables.push(checked.result);
    ranges.push(...checked.ranges);
  }
  const firstMismatch = tables.find((t) => !t.ok)?.firstMismatch;
  const result: JobVerifyResult = {
    ok: !firstMismatch,
    jobId: job.jobId,
    dataset: job.dataset?.name ?? null,
    targetTable: job.tables[0]?.targetTable ?? '',
    rowsChecked: tables.reduce((s, t) => s + t.rowsChecked, 0),
    ranges,
    tables,
  };
  return firstMismatch ? { ...result, firstMismatch } : result;
}

interface TableArgs {
  job: JobVerifyInput;
  t: TableVerifyInput;
  key: string[];
  schema: string;
  shas: Map<string, string>;
  signal?: AbortSignal;
}

async function verifyTable(pool: pg.Pool, a: TableArgs): Promise<{ result: TableVerifyResult; ranges: RangeCheck[] }> {
  const target = `${quoteIdent(a.schema)}.${quoteIdent(a.t.targetTable)}`;
  const cols = a.t.schema.columns.map((c) => quoteIdent(c.name));
  const ranges: RangeCheck[] = [];
  for (const r of manifestRanges(a.t)) {
    a.signal?.throwIfAborted();
    ranges.push(await checkRange(pool, { ...a, r, target, cols, expectedSha: a.shas.get(`${a.t.index}:${r.fromRow}:${r.toRow}`) }));
  }
  const rowsChecked = ranges.reduce((s, r) => s + r.actualRows, 0);
  const base: TableVerifyResult = { table: a.t.table, targetSchema: a.schema, targetTable: a.t.targetTable, ok: true, rowsExpected: a.t.rowsTotal, rowsChecked, rangesChecked: ranges.length };
  const first = ranges.find((r) => !r.ok) ?? (await extraRows(pool, a, target, rowsChecked));
  return { result: first ? { ...base, ok: false, firstMismatch: first } : base, ranges };
}

/** Every generated row matched; outside append mode, rows nobody generated still make the table differ. */
async function extraRows(pool: pg.Pool, a: TableArgs, target: string, rowsChecked: number): Promise<ExtraRows | undefined> {
  if (a.job.mode === 'append') return undefined;
  const total = Number((await pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${target}`)).rows[0]?.n ?? 0);
  if (total === rowsChecked) return undefined;
  return { table: a.t.table, reason: 'the table has rows outside the generated key ranges', expectedRows: rowsChecked, actualRows: total };
}

interface RangeArgs extends TableArgs {
  r: RowRange;
  target: string;
  cols: string[];
  expectedSha?: string;
}

/** Count and ordered md5 of the generated rows (temp table `v`) and of the target rows with the same keys (`t`). */
function compareSql(a: RangeArgs): string {
  const row = (v: string) => `ROW(${a.cols.map((c) => `${v}.${c}`).join(', ')})::text`;
  const key = (v: string) => a.key.map((k) => `${v}.${quoteIdent(k)}`).join(', ');
  return `SELECT e.n AS en, e.md5 AS emd5, x.n AS an, x.md5 AS amd5
     FROM (SELECT count(*) AS n, md5(string_agg(${row('v')}, '|' ORDER BY ${key('v')})) AS md5 FROM rowflow_verify v) e,
          (SELECT count(*) AS n, md5(string_agg(${row('t')}, '|' ORDER BY ${key('t')})) AS md5 FROM ${a.target} t
            WHERE (${key('t')}) IN (SELECT ${key('v')} FROM rowflow_verify v)) x`;
}

async function checkRange(pool: pg.Pool, a: RangeArgs): Promise<RangeCheck> {
  // A failed session may be mid-COPY: withSession discards it, and keeps a listener for the
  // 'error' its terminated socket still emits (unheard, that crashes the process).
  return withSession(
    pool,
    async (client) => {
      await client.query('BEGIN');
      await client.query(`CREATE TEMP TABLE rowflow_verify ON COMMIT DROP AS SELECT ${a.cols.join(', ')} FROM ${a.target} WITH NO DATA`);
      const hash = createHash('sha256');
      const tap = new Transform({ transform: (c: Buffer, _e, cb) => cb(null, (hash.update(c), c)) });
      await pipeline(tableCsv(a.job, a.t, a.r, a.signal), tap, client.query(copyFrom(`COPY rowflow_verify (${a.cols.join(', ')}) FROM STDIN (FORMAT csv)`)));
      await client.query('ANALYZE rowflow_verify');
      const s = (await client.query<{ en: string; emd5: string | null; an: string; amd5: string | null }>(compareSql(a))).rows[0]!;
      await client.query('ROLLBACK'); // nothing of a verify is kept
      const out: RangeCheck = { table: a.t.table, ...a.r, ok: s.en === s.an && s.emd5 === s.amd5, expectedRows: Number(s.en), actualRows: Number(s.an), expectedMd5: s.emd5, actualMd5: s.amd5 };
      if (a.expectedSha) out.generatorMatchesManifest = a.expectedSha === hash.digest('hex');
      return out;
    },
    { rollback: true },
  );
}
