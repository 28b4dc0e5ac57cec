import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ConflictError, type TableSpec } from '@rowflow/contracts';
import { createRowStream } from '@rowflow/generator';
import { quoteIdent } from '@rowflow/schema';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/** What verifying a job needs: its spec and seed, where it loaded, and its partitions. */
export interface JobVerifyInput {
  jobId: string;
  table: string;
  targetTable: string;
  /** Schema of the target table (default: the one passed to verifyJob). */
  targetSchema?: string;
  mode: string;
  schema: TableSpec;
  seed: number;
  rowsTotal: number;
  partitions: Array<{ fromRow: number; toRow: number }>;
}

export interface RowRange {
  fromRow: number;
  toRow: number;
}

/** A job's manifest: the spec hash, seed, and the sha256 of the CSV bytes generated for each row range. */
export interface JobManifest {
  kind: 'job';
  version: 1;
  jobId: string;
  table: string;
  targetTable: string;
  specHash: string;
  seed: number;
  rowsTotal: number;
  ranges: Array<RowRange & { bytes: number; sha256: string }>;
  createdAt: string;
}

export interface RangeCheck extends RowRange {
  ok: boolean;
  expectedRows: number;
  actualRows: number;
  expectedMd5: string | null;
  actualMd5: string | null;
  /** False when the generator's bytes for this range no longer hash to the manifest's (generator changed). */
  generatorMatchesManifest?: boolean;
}

export interface JobVerifyResult {
  ok: boolean;
  jobId: string;
  targetTable: string;
  rowsChecked: number;
  ranges: RangeCheck[];
  firstMismatch?: RangeCheck | { reason: string; expectedRows: number; actualRows: number };
}

/** sha256 of a canonical JSON form (object keys sorted), so key order in storage does not matter. */
export function specHash(spec: TableSpec): string {
  const canon = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(canon) : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canon((v as Record<string, unknown>)[k])])) : v;
  return createHash('sha256').update(JSON.stringify(canon(spec))).digest('hex');
}

/**
 * Row ranges of a manifest: each partition cut into pieces of at most `rangeRows` (default about
 * a hundredth of the job, at least 1000 rows), so a mismatch is located to a small range.
 */
export function manifestRanges(job: Pick<JobVerifyInput, 'rowsTotal' | 'partitions'>, rangeRows?: number): RowRange[] {
  const size = rangeRows ?? Math.max(1000, Math.ceil(job.rowsTotal / 100));
  const out: RowRange[] = [];
  for (const p of job.partitions) {
    for (let f = p.fromRow; f < p.toRow; f += size) out.push({ fromRow: f, toRow: Math.min(p.toRow, f + size) });
  }
  return out;
}

function csvOf(job: JobVerifyInput, r: RowRange, signal?: AbortSignal) {
  return createRowStream({ spec: job.schema, seed: job.seed, offset: r.fromRow, rows: r.toRow - r.fromRow, format: 'csv', header: false, signal });
}

/**
 * Builds a job's manifest by regenerating each range's CSV bytes with the same deterministic
 * generator the job loaded from (so the loading hot path is untouched; done once, after the job).
 */
export async function buildJobManifest(job: JobVerifyInput, signal?: AbortSignal): Promise<JobManifest> {
  const ranges: JobManifest['ranges'] = [];
  for (const r of manifestRanges(job)) {
    const hash = createHash('sha256');
    let bytes = 0;
    for await (const chunk of csvOf(job, r, signal)) {
      hash.update(chunk as Buffer);
      bytes += (chunk as Buffer).length;
    }
    ranges.push({ ...r, bytes, sha256: hash.digest('hex') });
  }
  return { kind: 'job', version: 1, jobId: job.jobId, table: job.table, targetTable: job.targetTable, specHash: specHash(job.schema), seed: job.seed, rowsTotal: job.rowsTotal, ranges, createdAt: new Date().toISOString() };
}

/** The column rows are matched on: the spec's primary key, else its first unique column. */
function keyColumn(spec: TableSpec): string {
  const key = spec.columns.find((c) => c.primaryKey) ?? spec.columns.find((c) => c.unique && !c.nullRatio);
  if (!key) throw new ConflictError(`cannot verify "${spec.name}": its spec has no primary key or unique column to match rows on`);
  return key.name;
}

/**
 * Checks a loaded table against what the generator produces for the job's spec and seed, range by
 * range, inside the database: the generator's CSV for a range is COPYed into a TEMP table shaped
 * like the target's columns (in a transaction that is rolled back), then count and
 * `md5(string_agg(row::text ORDER BY key))` of that range are compared between the temp table and
 * the target rows with the same keys. Nothing of the table is downloaded; the target is not written.
 */
export async function verifyJob(pool: pg.Pool, targetSchema: string, job: JobVerifyInput, manifest?: JobManifest, signal?: AbortSignal): Promise<JobVerifyResult> {
  const key = keyColumn(job.schema);
  const target = `${quoteIdent(job.targetSchema ?? targetSchema)}.${quoteIdent(job.targetTable)}`;
  const cols = job.schema.columns.map((c) => quoteIdent(c.name));
  const ranges: RangeCheck[] = [];
  const bySha = new Map((manifest?.ranges ?? []).map((r) => [`${r.fromRow}:${r.toRow}`, r.sha256]));
  for (const r of manifestRanges(job)) {
    signal?.throwIfAborted();
    ranges.push(await checkRange(pool, { job, r, key, target, cols, expectedSha: bySha.get(`${r.fromRow}:${r.toRow}`), signal }));
  }
  const rowsChecked = ranges.reduce((s, r) => s + r.actualRows, 0);
  const first = ranges.find((r) => !r.ok);
  const result: JobVerifyResult = { ok: !first, jobId: job.jobId, targetTable: job.targetTable, rowsChecked, ranges };
  if (first) return { ...result, firstMismatch: first };
  if (job.mode !== 'append') {
    // Every generated row matched; rows nobody generated would still make the table differ.
    const total = Number((await pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${target}`)).rows[0]?.n ?? 0);
    if (total !== rowsChecked) return { ...result, ok: false, firstMismatch: { reason: 'the table has rows outside the generated key ranges', expectedRows: rowsChecked, actualRows: total } };
  }
  return result;
}

interface RangeArgs {
  job: JobVerifyInput;
  r: RowRange;
  key: string;
  target: string;
  cols: string[];
  expectedSha?: string;
  signal?: AbortSignal;
}

async function checkRange(pool: pg.Pool, a: RangeArgs): Promise<RangeCheck> {
  const client = await pool.connect();
  const k = quoteIdent(a.key);
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    await client.query(`CREATE TEMP TABLE rowflow_verify ON COMMIT DROP AS SELECT ${a.cols.join(', ')} FROM ${a.target} WITH NO DATA`);
    const hash = createHash('sha256');
    const tap = new Transform({ transform: (c: Buffer, _e, cb) => cb(null, (hash.update(c), c)) });
    await pipeline(csvOf(a.job, a.r, a.signal), tap, client.query(copyFrom(`COPY rowflow_verify (${a.cols.join(', ')}) FROM STDIN (FORMAT csv)`)));
    await client.query('ANALYZE rowflow_verify');
    const row = (v: string) => `ROW(${a.cols.map((c) => `${v}.${c}`).join(', ')})::text`;
    const res = await client.query<{ en: string; emd5: string | null; an: string; amd5: string | null }>(
      `SELECT e.n AS en, e.md5 AS emd5, x.n AS an, x.md5 AS amd5
         FROM (SELECT count(*) AS n, md5(string_agg(${row('v')}, '|' ORDER BY v.${k})) AS md5 FROM rowflow_verify v) e,
              (SELECT count(*) AS n, md5(string_agg(${row('t')}, '|' ORDER BY t.${k})) AS md5 FROM ${a.target} t WHERE t.${k} IN (SELECT ${k} FROM rowflow_verify)) x`,
    );
    const s = res.rows[0]!;
    const sha = hash.digest('hex');
    const out: RangeCheck = { ...a.r, ok: s.en === s.an && s.emd5 === s.amd5, expectedRows: Number(s.en), actualRows: Number(s.an), expectedMd5: s.emd5, actualMd5: s.amd5 };
    if (a.expectedSha) out.generatorMatchesManifest = a.expectedSha === sha;
    return out;
  } catch (err) {
    broken = err instanceof Error ? err : new Error(String(err)); // may be mid-COPY: discard the session
    throw err;
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
    client.release(broken);
  }
}
