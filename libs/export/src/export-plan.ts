import { ValidationError } from '@rowflow/contracts';
import { withSession } from '@rowflow/pg';
import { quoteIdent } from '@rowflow/schema';
import type pg from 'pg';
import type { ExportRequest } from './export-request.js';
import { compileFilter, type Filter } from './filter.js';
import { to as copyTo } from 'pg-copy-streams';
import { type SqlPart, sql, toInline, toParameterised, val } from './sql-text.js';
import { describeTable, type TableInfo } from './table-info.js';

/** A key range of one worker: rows with `after < key <= through` (null = unbounded). */
export interface KeyRange {
  after: string | null;
  through: string | null;
}

/**
 * Everything an export needs, fixed when it starts and stored next to its files, so a resumed
 * export pages over exactly the same ranges with exactly the same statements.
 */
export interface ExportPlan {
  version: 1;
  schema: string;
  table: string;
  columns: string[];
  orderBy: string;
  where: Filter | null;
  /** CSV header line exactly as COPY writes it ('' for none). */
  header: string;
  chunkRows: number;
  /**
   * The order key is unique (a primary key or unique index): a chunk is then one
   * `… ORDER BY key LIMIT n` COPY whose last key is read from its own bytes. Otherwise (views,
   * non-unique keys) ties must never be split, so the chunk's upper key is queried first.
   */
  uniqueKey?: boolean;
  ranges: KeyRange[];
  /** Planner's row estimate (for ETA); null when unknown (views, filters). */
  rowsEstimate: number | null;
}

const INTEGRAL = new Set(['smallint', 'integer', 'bigint']);

function fromWhere(plan: Pick<ExportPlan, 'schema' | 'table' | 'where' | 'columns'>): SqlPart[] {
  const from = sql(` FROM ${quoteIdent(plan.schema)}.${quoteIdent(plan.table)} t`);
  if (!plan.where) return [from, sql(' WHERE true')];
  return [from, sql(' WHERE ('), ...compileFilter(plan.where, plan.columns), sql(')')];
}

function keyBounds(plan: ExportPlan, after: string | null, through: string | null): SqlPart[] {
  const key = quoteIdent(plan.orderBy);
  const out: SqlPart[] = [sql(` AND t.${key} IS NOT NULL`)];
  if (after !== null) out.push(sql(` AND t.${key} > `), val(after));
  if (through !== null) out.push(sql(` AND t.${key} <= `), val(through));
  return out;
}

/** `SELECT max(key)::text, count(*)` of the next chunk: its inclusive upper key (keyset paging). */
export function chunkEndQuery(plan: ExportPlan, after: string | null, through: string | null): SqlPart[] {
  const key = quoteIdent(plan.orderBy);
  return [
    sql(`SELECT max(k)::text AS hi, count(*)::int AS n FROM (SELECT t.${key} AS k`),
    ...fromWhere(plan),
    ...keyBounds(plan, after, through),
    sql(` ORDER BY t.${key} LIMIT ${Number(plan.chunkRows)}) s`),
  ];
}

/** A unique key's chunk: `SELECT cols … WHERE filter AND after < key <= through ORDER BY key LIMIT n`. */
export function chunkLimitQuery(plan: ExportPlan, after: string | null, through: string | null): SqlPart[] {
  const cols = plan.columns.map((c) => `t.${quoteIdent(c)}`).join(', ');
  return [sql(`SELECT ${cols}`), ...fromWhere(plan), ...keyBounds(plan, after, through), sql(` ORDER BY t.${quoteIdent(plan.orderBy)} LIMIT ${Number(plan.chunkRows)}`)];
}

/** The chunk's rows in key order: `SELECT cols … WHERE filter AND after < key <= hi ORDER BY key`. */
export function chunkRowsQuery(plan: ExportPlan, after: string | null, hi: string): SqlPart[] {
  const cols = plan.columns.map((c) => `t.${quoteIdent(c)}`).join(', ');
  return [sql(`SELECT ${cols}`), ...fromWhere(plan), ...keyBounds(plan, after, hi), sql(` ORDER BY t.${quoteIdent(plan.orderBy)}`)];
}

async function probe(pool: pg.Pool, parts: SqlPart[], field: string): Promise<void> {
  try {
    await pool.query(toParameterised(parts));
  } catch (err) {
    const code = (err as { code?: string }).code ?? '';
    if (/^(22|42)/.test(code)) throw new ValidationError(field, (err as Error).message);
    throw err;
  }
}

function orderKey(info: TableInfo, requested: string | undefined): string {
  const key = requested ?? info.primaryKey;
  if (!key) throw new ValidationError('orderBy', `is required: "${info.table}" has no single-column primary key`);
  if (!info.columns.some((c) => c.name === key)) {
    throw new ValidationError('orderBy', `unknown column ${JSON.stringify(key)} (columns: ${info.columns.map((c) => c.name).join(', ')})`);
  }
  return key;
}

async function headerLine(pool: pg.Pool, plan: ExportPlan): Promise<string> {
  // COPY writes the header itself, so its quoting rules are Postgres's own, byte for byte.
  // withSession: a failed session is discarded, never handed to the next query.
  return withSession(pool, async (client) => {
    const text = toInline([sql(`COPY (SELECT ${plan.columns.map((c) => `t.${quoteIdent(c)}`).join(', ')}`), ...fromWhere(plan), sql(' LIMIT 0) TO STDOUT (FORMAT csv, HEADER)')]);
    const chunks: Buffer[] = [];
    for await (const c of client.query(copyTo(text))) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  });
}

/**
 * Resolves a request against the database: the relation (target schema only), its columns, the
 * order key, the filter (columns checked, then probed with real bind parameters so a value that
 * does not fit its column is a 400 naming `where`), and the key ranges of the workers.
 */
export async function planExport(pool: pg.Pool, schema: string, req: ExportRequest): Promise<ExportPlan> {
  const info = await describeTable(pool, schema, req.table);
  const columns = info.columns.map((c) => c.name);
  const orderBy = orderKey(info, req.orderBy);
  const uniqueKey = info.uniqueColumns.includes(orderBy);
  const base: ExportPlan = { version: 1, schema, table: info.table, columns, orderBy, where: null, header: '', chunkRows: req.chunkRows, uniqueKey, ranges: [], rowsEstimate: null };
  await probe(pool, [sql('SELECT 1'), ...fromWhere(base), sql(` ORDER BY t.${quoteIdent(orderBy)} LIMIT 0`)], 'orderBy');
  if (req.where) {
    compileFilter(req.where, columns);
    base.where = req.where;
    await probe(pool, [sql('SELECT 1'), ...fromWhere(base), sql(' LIMIT 0')], 'where');
  }
  const keyCol = info.columns.find((c) => c.name === orderBy)!;
  return {
    ...base,
    header: req.header ? await headerLine(pool, base) : '',
    ranges: await splitRanges(pool, base, req.workers, keyCol),
    rowsEstimate: base.where ? null : await estimate(pool, info),
  };
}

async function estimate(pool: pg.Pool, info: TableInfo): Promise<number | null> {
  if (info.kind === 'view') return null;
  const res = await pool.query<{ n: number }>(
    `SELECT c.reltuples::float8 AS n FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace WHERE s.nspname = $1 AND c.relname = $2`,
    [info.schema, info.table],
  );
  const n = res.rows[0]?.n ?? -1;
  return n >= 0 ? Math.round(n) : null;
}

/**
 * Key ranges for `workers` part files. Numeric keys: min..max cut into equal spans (index-only
 * min/max). Other keys: exact quantiles (percentile_disc). Equal boundaries collapse, so a small
 * table may get fewer parts than asked; the bytes are the same whatever the split.
 */
async function splitRanges(pool: pg.Pool, plan: ExportPlan, workers: number, key: TableInfo['columns'][number]): Promise<KeyRange[]> {
  if (workers <= 1) return [{ after: null, through: null }];
  const k = `t.${quoteIdent(plan.orderBy)}`;
  const fw = [...fromWhere(plan), sql(` AND ${k} IS NOT NULL`)];
  let cuts: string[];
  if (key.numeric) {
    const res = await pool.query<{ lo: string | null; hi: string | null }>(toParameterised([sql(`SELECT min(${k})::text AS lo, max(${k})::text AS hi`), ...fw]));
    const { lo, hi } = res.rows[0] ?? { lo: null, hi: null };
    if (lo === null || hi === null) return [{ after: null, through: null }];
    cuts = INTEGRAL.has(key.type) ? integerCuts(BigInt(lo), BigInt(hi), workers) : floatCuts(Number(lo), Number(hi), workers);
  } else {
    const fractions = Array.from({ length: workers - 1 }, (_, i) => (i + 1) / workers);
    const res = await pool.query<{ q: string[] | null }>(
      toParameterised([sql(`SELECT (percentile_disc(ARRAY[${fractions.join(',')}]::float8[]) WITHIN GROUP (ORDER BY ${k}))::text[] AS q`), ...fw]),
    );
    cuts = res.rows[0]?.q ?? [];
  }
  const unique = cuts.filter((c, i) => i === 0 || c !== cuts[i - 1]);
  const bounds: Array<string | null> = [null, ...unique, null];
  return bounds.slice(1).map((through, i) => ({ after: bounds[i]!, through }));
}

function integerCuts(lo: bigint, hi: bigint, workers: number): string[] {
  const span = hi - lo;
  const out: string[] = [];
  for (let i = 1; i < workers; i++) {
    const c = lo + (span * BigInt(i)) / BigInt(workers);
    if (c < hi) out.push(c.toString());
  }
  return out;
}

function floatCuts(lo: number, hi: number, workers: number): string[] {
  const out: string[] = [];
  for (let i = 1; i < workers; i++) {
    const c = lo + ((hi - lo) * i) / workers;
    if (c < hi) out.push(String(c));
  }
  return out;
}
