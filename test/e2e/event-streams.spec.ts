/**
 * Event-time streams over real HTTP: partitions of the generator's stream (and through the
 * relay) add up to the stream, a paced stream keeps its bytes and its pace, a change stream
 * replayed into PostgreSQL (INSERT/UPDATE/DELETE per event, each checked against its before
 * image) ends in the state computed directly from the generator logic, and the relay's live
 * stats arrive as SSE with strict validation of the stats spec.
 */
import type { TableSpec } from '@rowflow/contracts';
import { ChangeStreamLogic, compileTable, RowContext, rowValues } from '@rowflow/generator';
import { validateTableSpec } from '@rowflow/schema';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { readSse, useStack } from '../support/index.js';

const stack = useStack({ env: { WORKER_CONCURRENCY: '1' } });

async function ndjson(path: string, body?: unknown): Promise<Record<string, unknown>[]> {
  const init = body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
  const res = await fetch(`${stack.gen.url}${path}`, init);
  expect(res.status).toBe(200);
  return (await res.text()).split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('partitionBy / partitions / part over HTTP', () => {
  it.each(['user_id', 'event_type', '_row'])('partitions of clickstream by %s are disjoint and add up to the stream', async (by) => {
    const q = 'table=clickstream&rows=4000&seed=5&offset=1000';
    const full = await ndjson(`/api/generator/stream/ndjson?${q}`);
    const parts = await Promise.all([0, 1, 2, 3].map((i) => ndjson(`/api/generator/stream/ndjson?${q}&partitionBy=${by}&partitions=4&part=${i}`)));
    if (by !== 'event_type') expect(parts.every((p) => p.length > 0)).toBe(true); // 7 event types may leave a partition empty
    // Same rows, each exactly once (duplicate events of clickstream are identical lines: count them).
    const key = (r: Record<string, unknown>) => JSON.stringify(r);
    const counts = new Map<string, number>();
    for (const r of full) counts.set(key(r), (counts.get(key(r)) ?? 0) + 1);
    for (const r of parts.flat()) counts.set(key(r), (counts.get(key(r)) ?? 0) - 1);
    expect(parts.flat().length).toBe(full.length);
    expect([...counts.values()].every((n) => n === 0)).toBe(true);
    if (by !== '_row') {
      // A key value never lands in two partitions.
      const owner = new Map<string, number>();
      parts.forEach((rows, i) =>
        rows.forEach((r) => {
          const k = JSON.stringify(r[by]);
          expect(owner.get(k) ?? i).toBe(i);
          owner.set(k, i);
        }),
      );
    }
  });

  it('passes through the relay: SSE rows of a (paced) partition are the generator partition', async () => {
    const q = 'table=clickstream&rows=1500&seed=9&partitionBy=user_id&partitions=3&part=1';
    const direct = await ndjson(`/api/generator/stream/ndjson?${q}`);
    const events = await readSse(`${stack.orch.url}/api/orchestrator/stream?${q}&rate=20000`);
    const rows = events.filter((e) => e.event === 'data').flatMap((e) => e.data.rows);
    expect(rows).toEqual(direct);
    expect(events.at(-1)).toMatchObject({ event: 'complete' });
  });

  it('refuses a bad partition request naming the field', async () => {
    for (const [q, field] of [
      ['partitionBy=nope&partitions=2&part=0', 'partitionBy'],
      ['partitionBy=id&partitions=2&part=2', 'part'],
      ['partitionBy=id&part=0', 'partitions'],
      ['rate=0', 'rate'],
    ]) {
      const res = await fetch(`${stack.gen.url}/api/generator/stream/ndjson?table=clickstream&rows=10&${q}`);
      expect(res.status).toBe(400);
      expect((await res.json()).field).toBe(field);
    }
  });
});

describe('rate= (paced emission)', () => {
  it('keeps the bytes of the unpaced stream, and row k never comes before k / rate seconds', async () => {
    const q = 'table=clickstream&rows=25&seed=3';
    const plain = await (await fetch(`${stack.gen.url}/api/generator/stream/ndjson?${q}`)).text();
    const started = Date.now();
    const paced = await (await fetch(`${stack.gen.url}/api/generator/stream/ndjson?${q}&rate=60`)).text();
    expect(paced).toBe(plain);
    // 24 rows after the first at 60 rows/s: the pace is a floor the schedule cannot beat.
    expect(Date.now() - started).toBeGreaterThanOrEqual(380);
  });
});

const accounts: TableSpec = validateTableSpec({
  name: 'accounts',
  changeStream: { keys: 400, updateRatio: 0.75, deleteRatio: 0.25 },
  columns: [
    { name: 'id', type: 'serial', primaryKey: true },
    { name: 'owner', type: 'fullName' },
    { name: 'balance', type: 'decimal', precision: 10, scale: 2, min: 0, max: 10_000 },
    { name: 'tier', type: 'enum', values: ['free', 'pro', 'team'], nullRatio: 0.2 },
  ],
});
const COLS = ['id', 'owner', 'balance', 'tier'];

/** The final state straight from the generator logic: each key's last visit below `events`. */
function directFinalState(spec: TableSpec, seed: number, events: number): string[] {
  const logic = new ChangeStreamLogic(seed, spec.name, spec.changeStream!);
  const base: TableSpec = { ...spec };
  delete base.changeStream;
  const columns = compileTable(base, seed);
  const row = new RowContext(seed, spec.name);
  const out: string[] = [];
  for (let key = 0; key < logic.keys; key++) {
    let round = Math.floor((events - 1) / logic.keys);
    if (logic.eventIndex(key, round) >= events) round--;
    if (round < 0 || logic.op(key, round) === 'delete') continue;
    row.setRow(logic.versionRow(key, round));
    const values = rowValues(columns, row);
    row.setRow(key);
    values.id = rowValues(columns, row).id;
    out.push(JSON.stringify(COLS.map((c) => (values[c] === null ? null : String(values[c])))));
  }
  return out.sort();
}

describe('changeStream replayed into PostgreSQL', () => {
  it('INSERT/UPDATE/DELETE per event matches each before image and ends in the directly computed state', async () => {
    const seed = 77;
    const events = 6000;
    const rows = await ndjson('/api/generator/stream/ndjson', { schema: accounts, rows: events, seed });
    expect(rows.map((r) => r.op)).toEqual(expect.arrayContaining(['insert', 'update', 'delete']));
    await stack.pool.query('CREATE TABLE accounts (id bigint PRIMARY KEY, owner text NOT NULL, balance numeric(10,2) NOT NULL, tier text)');
    const c = await stack.pool.connect();
    try {
      await c.query('BEGIN');
      for (const r of rows) await apply(c, r);
      await c.query('COMMIT');
    } finally {
      c.release();
    }
    const got = await stack.pool.query(`SELECT json_build_array(id::text, owner, balance::text, tier)::text AS j FROM accounts`);
    const pgState = got.rows.map((r: { j: string }) => JSON.stringify(JSON.parse(r.j))).sort();
    expect(pgState.length).toBeGreaterThan(100);
    expect(pgState).toEqual(directFinalState(accounts, seed, events));
  });
});

/** One change event as SQL; an update/delete must hit exactly the row its before image describes. */
async function apply(c: pg.PoolClient, r: Record<string, unknown>): Promise<void> {
  const after = COLS.map((k) => r[k]);
  const before = COLS.map((k) => r[`before_${k}`]);
  const match = 'id = $1 AND owner = $2 AND balance = $3 AND tier IS NOT DISTINCT FROM $4';
  let res: pg.QueryResult;
  if (r.op === 'insert') res = await c.query('INSERT INTO accounts VALUES ($1, $2, $3, $4)', after);
  else if (r.op === 'update') res = await c.query(`UPDATE accounts SET owner = $5, balance = $6, tier = $7 WHERE ${match}`, [...before, ...after.slice(1)]);
  else res = await c.query(`DELETE FROM accounts WHERE ${match}`, before);
  expect(res.rowCount, `event ${String(r.seq)} (${String(r.op)})`).toBe(1);
}

describe('live stats on /api/orchestrator/stream', () => {
  const stats = {
    timeColumn: 'occurred_at',
    window: { type: 'tumbling', sizeMs: 5000 },
    watermark: { delayMs: 3000 },
    dedupBy: 'id',
    aggregates: [{ op: 'count' }, { op: 'p99', column: 'duration_ms' }, { op: 'countDistinct', column: 'user_id' }],
    alerts: [{ name: 'busy', metric: 'count', op: '>', value: 900 }, { metric: 'lateRate', op: '>', value: 0.001 }],
  };

  it('emits stats per window (before complete), quality snapshots and alerts', async () => {
    const url = `${stack.orch.url}/api/orchestrator/stream?table=clickstream&rows=6000&seed=4&stats=${encodeURIComponent(JSON.stringify(stats))}`;
    const events = await readSse(url);
    const windows = events.filter((e) => e.event === 'stats').map((e) => e.data);
    expect(windows.length).toBeGreaterThanOrEqual(6); // 6000 rows at 200/s = 30 s of event time
    for (const w of windows) {
      expect(w.window.end - w.window.start).toBe(5000);
      expect(Object.keys(w.values).sort()).toEqual(['count', 'countDistinct_user_id', 'p99_duration_ms']);
    }
    expect(events.at(-1)!.event).toBe('complete');
    const quality = events.filter((e) => e.event === 'quality').at(-1)!.data;
    expect(quality.rows).toBe(6000);
    expect(quality.duplicates).toBeGreaterThan(0);
    const late = windows.reduce((n, w) => n + w.late, 0);
    expect(late).toBe(quality.late); // every late row reported once on a stats event
    const counted = windows.reduce((n, w) => n + w.values.count, 0);
    expect(counted + quality.late + quality.duplicates).toBe(6000);
    const alerts = events.filter((e) => e.event === 'alert').map((e) => e.data.name);
    expect(alerts).toContain('busy'); // 200/s × 5 s = ~1000 per window
    expect(alerts).toContain('lateRate > 0.001');
  });

  it('accepts stats in the POST body', async () => {
    const res = await fetch(`${stack.orch.url}/api/orchestrator/stream`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ table: 'clickstream', rows: 500, seed: 1, stats }),
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('event: stats\n');
  });

  it.each([
    [{ ...stats, window: { type: 'tumbling', sizeMS: 10 } }, 'stats.window.sizeMS'],
    [{ ...stats, timeColumn: 'occured_at' }, 'stats.timeColumn'],
    [{ ...stats, alerts: [], aggregates: [{ op: 'sum', column: 'nope' }] }, 'stats.aggregates[0].column'],
    [{ ...stats, alerts: [{ metric: 'p50_duration_ms', op: '>', value: 1 }] }, 'stats.alerts[0].metric'],
    [{ ...stats, extra: 1 }, 'stats.extra'],
    ['{not json', 'stats'],
  ])('refuses %j with 400 naming %s', async (spec, field) => {
    const text = typeof spec === 'string' ? spec : JSON.stringify(spec);
    const res = await fetch(`${stack.orch.url}/api/orchestrator/stream?table=clickstream&rows=10&stats=${encodeURIComponent(text)}`);
    expect(res.status).toBe(400);
    expect((await res.json()).field).toBe(field);
  });
});

