/**
 * Live stats are correct: the windows the relay emits over a generated stream with disorder,
 * late events and duplicates on equal the same aggregates computed by PostgreSQL over the same
 * rows (loaded with COPY, deduplicated by id in SQL) — exactly for count, count distinct, sum,
 * avg, min, max and stddev, within DDSketch's 1 % relative accuracy for the quantiles — for
 * tumbling (grouped), sliding and session (grouped) windows.
 */
import { pipeline } from 'node:stream/promises';
import type { TableSpec } from '@rowflow/contracts';
import { createRowStream } from '@rowflow/generator';
import { pgType, quoteIdent, validateTableSpec } from '@rowflow/schema';
import { QUANTILE_RELATIVE_ACCURACY } from '@rowflow/stats';
import { from as copyFrom } from 'pg-copy-streams';
import { beforeAll, describe, expect, it } from 'vitest';
import { useStack } from '../support/index.js';

const ROWS = 20_000;
const SEED = 2024;
const spec: TableSpec = validateTableSpec({
  name: 'ev_sql',
  duplicateRatio: 0.05,
  columns: [
    { name: 'id', type: 'serial' },
    { name: 't', type: 'timestamptz', mode: 'eventTime', start: '2025-03-01T00:00:00Z', ratePerSec: 100, maxOutOfOrderMs: 800, lateRatio: 0.03, lateMaxMs: 15_000 },
    { name: 'user_id', type: 'int', min: 1, max: 300 },
    { name: 'kind', type: 'enum', values: ['a', 'b', 'c'], weights: [5, 3, 2] },
    { name: 'd', type: 'int', min: 1, max: 100_000, distribution: 'zipf' },
    { name: 'v', type: 'decimal', precision: 8, scale: 2, min: 0, max: 1000, nullRatio: 0.2 },
  ],
});

const QUANTILES = { p50: 0.5, p90: 0.9, p95: 0.95, p99: 0.99 } as const;
const EXACT = ['count', 'countDistinct_user_id', 'sum_v', 'min_d', 'max_d', 'sum_d'] as const;
const CLOSE = ['avg_v', 'avg_d', 'stddev_d'] as const;
const aggregates = [
  { op: 'count' },
  { op: 'countDistinct', column: 'user_id' },
  { op: 'sum', column: 'v' },
  { op: 'avg', column: 'v' },
  { op: 'sum', column: 'd' },
  { op: 'avg', column: 'd' },
  { op: 'min', column: 'd' },
  { op: 'max', column: 'd' },
  { op: 'stddev', column: 'd' },
  ...Object.keys(QUANTILES).map((op) => ({ op, column: 'd' })),
];

/** SQL select list computing the same values (quantile = the element at rank ⌊q·(n−1)⌋, DDSketch's rank). */
const SQL_VALUES = `count(*)::int AS "count", count(DISTINCT user_id)::int AS "countDistinct_user_id",
  sum(v)::text AS "sum_v", avg(v)::text AS "avg_v", sum(d)::text AS "sum_d", avg(d)::text AS "avg_d",
  min(d) AS "min_d", max(d) AS "max_d", stddev(d)::text AS "stddev_d",
  ${Object.entries(QUANTILES)
    .map(([k, q]) => `(array_agg(d ORDER BY d))[floor(${q} * (count(*) - 1))::int + 1] AS "${k}_d"`)
    .join(',\n  ')}`;
const DEDUPED = `SELECT DISTINCT ON (id) id, (extract(epoch FROM t) * 1000)::bigint AS ms, user_id, kind, d, v FROM ev_sql ORDER BY id`;

const stack = useStack({ env: { WORKER_CONCURRENCY: '1' } });

beforeAll(load);

async function load(): Promise<void> {
  const cols = spec.columns.map((c) => `${quoteIdent(c.name)} ${pgType(c)}`).join(', ');
  await stack.pool.query(`CREATE TABLE ev_sql (${cols})`);
  const c = await stack.pool.connect();
  try {
    await pipeline(createRowStream({ spec, seed: SEED, rows: ROWS, format: 'csv', header: false }), c.query(copyFrom('COPY ev_sql FROM STDIN (FORMAT csv)')));
  } finally {
    c.release();
  }
}

interface StatsEvt {
  window: { start: number; end: number };
  key?: string;
  values: Record<string, number | null>;
  late: number;
}

/** Stats from the relay (POST with the custom schema), parsed from the SSE body. */
async function relayStats(window: unknown, groupBy?: string): Promise<StatsEvt[]> {
  const stats = { timeColumn: 't', window, watermark: { delayMs: 20_000 }, dedupBy: 'id', aggregates, ...(groupBy ? { groupBy } : {}) };
  const res = await fetch(`${stack.orch.url}/api/orchestrator/stream`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ schema: spec, rows: ROWS, seed: SEED, stats }),
  });
  expect(res.status).toBe(200);
  const text = await res.text();
  expect(text).toContain('event: complete\n');
  return text
    .split('\n\n')
    .filter((b) => b.startsWith('event: stats\n'))
    .map((b) => JSON.parse(b.slice(b.indexOf('data: ') + 6)) as StatsEvt);
}

type SqlRow = Record<string, string | number | null> & { start: string; end: string; key: string | null };

function compare(got: StatsEvt[], rows: SqlRow[]): void {
  const id = (start: number | string, key: string | null | undefined) => `${start}|${key ?? ''}`;
  const expected = new Map(rows.map((r) => [id(r.start, r.key), r]));
  expect(got.map((g) => id(g.window.start, g.key)).sort()).toEqual([...expected.keys()].sort());
  for (const g of got) {
    const r = expected.get(id(g.window.start, g.key))!;
    expect(g.window.end).toBe(Number(r.end));
    expect(g.late).toBe(0); // the watermark waits longer than the worst lateness
    for (const k of EXACT) expect(g.values[k], `${k} of ${id(g.window.start, g.key)}`).toBe(r[k] === null ? null : Number(r[k]));
    for (const k of CLOSE) {
      if (r[k] === null) expect(g.values[k]).toBeNull();
      else expect(Math.abs(g.values[k]! - Number(r[k]))).toBeLessThanOrEqual(1e-9 * Math.abs(Number(r[k])) + 1e-12);
    }
    for (const q of Object.keys(QUANTILES)) {
      const exact = Number(r[`${q}_d`]);
      expect(Math.abs(g.values[`${q}_d`]! - exact), `${q} of ${id(g.window.start, g.key)}`).toBeLessThanOrEqual(QUANTILE_RELATIVE_ACCURACY * exact + 1e-9);
    }
  }
}

describe('windowed stats equal SQL over the same rows (disorder, late events and duplicates on)', () => {
  it('the loaded stream really has duplicates and disorder', async () => {
    const { rows } = await stack.pool.query(`SELECT count(*)::int AS n, count(DISTINCT id)::int AS ids,
      sum(CASE WHEN t < max_before THEN 1 ELSE 0 END)::int AS ooo
      FROM (SELECT t, id, max(t) OVER (ORDER BY ctid ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS max_before FROM ev_sql) x`);
    expect(rows[0].n).toBe(ROWS);
    expect(ROWS - rows[0].ids).toBeGreaterThan(500);
    expect(rows[0].ooo).toBeGreaterThan(1000);
  });

  it('tumbling 10 s windows grouped by kind', async () => {
    const got = await relayStats({ type: 'tumbling', sizeMs: 10_000 }, 'kind');
    const { rows } = await stack.pool.query<SqlRow>(`WITH d AS (${DEDUPED})
      SELECT (ms / 10000) * 10000 AS start, (ms / 10000) * 10000 + 10000 AS "end", kind::text AS key, ${SQL_VALUES}
      FROM d GROUP BY 1, 2, 3`);
    expect(rows.length).toBeGreaterThan(50);
    compare(got, rows);
  });

  it('sliding 20 s windows every 5 s', async () => {
    const got = await relayStats({ type: 'sliding', sizeMs: 20_000, slideMs: 5_000 });
    const { rows } = await stack.pool.query<SqlRow>(`WITH d AS (${DEDUPED})
      SELECT s AS start, s + 20000 AS "end", NULL AS key, ${SQL_VALUES}
      FROM d CROSS JOIN LATERAL generate_series((ms / 5000) * 5000 - 15000, (ms / 5000) * 5000, 5000) AS s
      GROUP BY s`);
    expect(rows.length).toBeGreaterThan(40);
    compare(got, rows);
  });

  it('session windows (8 s gap) per user', async () => {
    const got = await relayStats({ type: 'session', gapMs: 8_000 }, 'user_id');
    const { rows } = await stack.pool.query<SqlRow>(`WITH d AS (${DEDUPED}),
      b AS (SELECT *, CASE WHEN ms - lag(ms) OVER (PARTITION BY user_id ORDER BY ms, id) < 8000 THEN 0 ELSE 1 END AS brk FROM d),
      s AS (SELECT *, sum(brk) OVER (PARTITION BY user_id ORDER BY ms, id) AS sid FROM b)
      SELECT min(ms) AS start, max(ms) + 8000 AS "end", user_id::text AS key, ${SQL_VALUES}
      FROM s GROUP BY user_id, sid`);
    expect(rows.length).toBeGreaterThan(300);
    compare(got, rows);
  });
});
