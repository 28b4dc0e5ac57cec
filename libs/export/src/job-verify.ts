import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { DatasetTableSpec } from '@rowflow/contracts';
import { withSession } from '@rowflow/pg';
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

/**
 * How a table was checked: `ranges` — row range by row range, matched on its key; `checksum` —
 * a table without a key: row count plus an order-independent checksum over all columns of all
 * its rows (and, in append mode, that every generated row is among the table's rows).
 */
export type VerifyMethod = 'ranges' | 'checksum';

/** Verify's verdict on one table of a job. */
export interface TableVerifyResult {
  table: string;
  targetSchema: string;
  targetTable: string;
  ok: boolean;
  method: VerifyMethod;
  /** Rows found in the table as generated. */
  rows: number;
  /** Generated rows PostgreSQL rejected during the load (the job's dead letters of this table): not expected in the table. */
  deadLettered: number;
  /** Rows generated for the table (`rows` + `deadLettered` when it matches). */
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
 * ordered md5 of a range does not depend on the order rows were stored in. null: no key (the
 * table is verified by checksum).
 */
function keyColumns(spec: DatasetTableSpec): string[] | null {
  const pk = spec.columns.find((c) => c.primaryKey);
  if (pk) return [pk.name];
  if (spec.compositeKey) return spec.compositeKey.columns;
  const unique = spec.columns.find((c) => c.unique && !c.nullRatio);
  return unique ? [unique.name] : null;
}

/**
 * Row numbers PostgreSQL rejected, per table index: the job's dead letters (a dead letter's row
 * number counts within its table; its partition says which table).
 */
async function deadRows(pool: pg.Pool, jobId: string): Promise<Map<number, Set<number>>> {
  const res = await pool.query<{ t: number; n: string }>(
    `SELECT p.table_index AS t, d.row_number AS n FROM rowflow.dead_letters d
       JOIN rowflow.job_partitions p ON p.job_id = d.job_id AND p.index = d.partition_index WHERE d.job_id = $1`,
    [jobId],
  );
  const out = new Map<number, Set<number>>();
  for (const r of res.rows) {
    const set = out.get(r.t) ?? new Set<number>();
    set.add(Number(r.n));
    out.set(r.t, set);
  }
  return out;
}

/**
 * Drops the CSV records at the given positions (0 = the stream's first record): the rows
 * PostgreSQL rejected are not expected in the table, and may not even fit its column types. A
 * newline inside a quoted field does not end a record (`""` toggles the quote state twice).
 */
export class CsvRecordFilter extends Transform {
  private record = 0;
  private quoted = false;
  constructor(private readonly dropped: ReadonlySet<number>) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: (err: Error | null, out?: Buffer) => void): void {
    const keep: Buffer[] = [];
    let start = 0;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      if (b === 0x22) this.quoted = !this.quoted;
      else if (b === 0x0a && !this.quoted) {
        if (!this.dropped.has(this.record)) keep.push(chunk.subarray(start, i + 1));
        this.record++;
        start = i + 1;
      }
    }
    if (start < chunk.length && !this.dropped.has(this.record)) keep.push(chunk.subarray(start));
    cb(null, Buffer.concat(keep));
  }
}

/** Positions within range `r` of the dead rows that fall in it. */
function deadInRange(dead: ReadonlySet<number> | undefined, r: RowRange): Set<number> {
  const out = new Set<number>();
  for (const n of dead ?? []) if (n >= r.fromRow && n < r.toRow) out.add(n - r.fromRow);
  return out;
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
  const shas = manifestShas(manifest);
  const dead = await deadRows(pool, job.jobId);
  const tables: TableVerifyResult[] = [];
  const ranges: RangeCheck[] = [];
  for (const t of job.tables) {
    const args: TableArgs = { job, t, key: keyColumns(t.schema), schema: t.targetSchema ?? targetSchema, shas, dead: dead.get(t.index), signal };
    const checked = args.key ? await verifyTable(pool, { ...args, key: args.key }) : await checksumTable(pool, args);
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
  key: string[] | null;
  schema: string;
  shas: Map<string, string>;
  /** Row numbers of this table that PostgreSQL rejected (dead letters). */
  dead?: ReadonlySet<number>;
  signal?: AbortSignal;
}

type KeyedArgs = TableArgs & { key: string[] };

function tableBase(a: TableArgs, method: VerifyMethod, rowsChecked: number, rangesChecked: number): TableVerifyResult {
  const deadLettered = a.dead?.size ?? 0;
  return { table: a.t.table, targetSchema: a.schema, targetTable: a.t.targetTable, ok: true, method, rows: rowsChecked, deadLettered, rowsExpected: a.t.rowsTotal, rowsChecked, rangesChecked };
}

async function verifyTable(pool: pg.Pool, a: KeyedArgs): Promise<{ result: TableVerifyResult; ranges: RangeCheck[] }> {
  const target = `${quoteIdent(a.schema)}.${quoteIdent(a.t.targetTable)}`;
  const cols = a.t.schema.columns.map((c) => quoteIdent(c.name));
  const ranges: RangeCheck[] = [];
  for (const r of manifestRanges(a.t)) {
    a.signal?.throwIfAborted();
    ranges.push(await checkRange(pool, { ...a, r, target, cols, expectedSha: a.shas.get(`${a.t.index}:${r.fromRow}:${r.toRow}`) }));
  }
  const rowsChecked = ranges.reduce((s, r) => s + r.actualRows, 0);
  const base = tableBase(a, 'ranges', rowsChecked, ranges.length);
  const first = ranges.find((r) => !r.ok) ?? (await extraRows(pool, a, target, rowsChecked));
  return { result: first ? { ...base, ok: false, firstMismatch: first } : base, ranges };
}

/** Generated CSV of range `r`, without the rows PostgreSQL rejected, through `tap` (which sees every generated byte). */
async function copyRange(client: pg.PoolClient, a: TableArgs, r: RowRange, tap: Transform, into: string): Promise<void> {
  const drop = deadInRange(a.dead, r);
  const steps = [tableCsv(a.job, a.t, r, a.signal), tap, ...(drop.size ? [new CsvRecordFilter(drop)] : [])] as const;
  await pipeline([...steps, client.query(copyFrom(`COPY rowflow_verify (${into}) FROM STDIN (FORMAT csv)`))]);
}

/** Row count and an order-independent checksum (sum of a 60-bit hash of each row's text) of `from`. */
function checksumSql(cols: string[], from: string): string {
  return `SELECT count(*) AS n, coalesce(sum(('x' || substr(md5(ROW(${cols.map((c) => `v.${c}`).join(', ')})::text), 1, 15))::bit(60)::bigint), 0)::text AS sum FROM ${from} v`;
}

/**
 * A table without a key: every generated row (minus dead letters) into one TEMP table, then count
 * and checksum against the whole target table. In append mode the table may hold older rows too:
 * it then matches when every generated row is among its rows (multiset difference is empty).
 */
async function checksumTable(pool: pg.Pool, a: TableArgs): Promise<{ result: TableVerifyResult; ranges: RangeCheck[] }> {
  const target = `${quoteIdent(a.schema)}.${quoteIdent(a.t.targetTable)}`;
  const cols = a.t.schema.columns.map((c) => quoteIdent(c.name));
  return withSession(
    pool,
    async (client) => {
      await client.query('BEGIN');
      await client.query(`CREATE TEMP TABLE rowflow_verify ON COMMIT DROP AS SELECT ${cols.join(', ')} FROM ${target} WITH NO DATA`);
      for (const r of manifestRanges(a.t)) {
        a.signal?.throwIfAborted();
        await copyRange(client, a, r, new Transform({ transform: (c: Buffer, _e, cb) => cb(null, c) }), cols.join(', '));
      }
      const e = (await client.query<{ n: string; sum: string }>(checksumSql(cols, 'rowflow_verify'))).rows[0]!;
      const t = (await client.query<{ n: string; sum: string }>(checksumSql(cols, target))).rows[0]!;
      const same = e.n === t.n && e.sum === t.sum;
      const missing = same ? 0 : await missingRows(client, cols, target);
      await client.query('ROLLBACK'); // nothing of a verify is kept
      const ok = same || (a.job.mode === 'append' && missing === 0);
      const found = Number(e.n) - missing;
      const base = tableBase(a, 'checksum', found, 0);
      if (ok) return { result: base, ranges: [] };
      const reason = `row count and checksum over all columns differ; ${missing} generated row(s) not found in the table`;
      return { result: { ...base, ok: false, firstMismatch: { table: a.t.table, reason, expectedRows: Number(e.n), actualRows: Number(t.n) } }, ranges: [] };
    },
    { rollback: true },
  );
}

/** Generated rows (with multiplicity) that the target lacks. */
async function missingRows(client: pg.PoolClient, cols: string[], target: string): Promise<number> {
  const row = (v: string) => `ROW(${cols.map((c) => `${v}.${c}`).join(', ')})::text`;
  const res = await client.query<{ n: string }>(`SELECT count(*) AS n FROM (SELECT ${row('v')} FROM rowflow_verify v EXCEPT ALL SELECT ${row('t')} FROM ${target} t) d`);
  return Number(res.rows[0]?.n ?? 0);
}

/** Every generated row matched; outside append mode, rows nobody generated still make the table differ. */
async function extraRows(pool: pg.Pool, a: TableArgs, target: string, rowsChecked: number): Promise<ExtraRows | undefined> {
  if (a.job.mode === 'append') return undefined;
  const total = Number((await pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${target}`)).rows[0]?.n ?? 0);
  if (total === rowsChecked) return undefined;
  return { table: a.t.table, reason: 'the table has rows outside the generated key ranges', expectedRows: rowsChecked, actualRows: total };
}

interface RangeArgs extends KeyedArgs {
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
      await copyRange(client, a, a.r, tap, a.cols.join(', '));
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
