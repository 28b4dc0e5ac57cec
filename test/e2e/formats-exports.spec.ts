import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadOrchestratorConfig } from '../../apps/orchestrator/src/config/orchestrator-config.js';
import { waitFor } from '../cli/cli-harness.js';
import { readParquetFile } from '../support/formats.js';
import { bootOrchestrator, freshDatabase, postJson } from '../support/index.js';

const ROWS = 6000;

/** Every typed column, NULLs, text needing CSV quoting, fractional seconds. */
const TABLE = `CREATE TABLE typed AS
  SELECT g AS id, g::bigint * 1000003 AS big, CASE WHEN g % 7 = 0 THEN NULL ELSE (g % 1000) * 1.25 END::numeric(10,2) AS amount,
         (g % 3 = 0) AS flag, date '2020-01-01' + g % 900 AS day,
         timestamp '2024-01-01 00:00:00' + g * interval '1.5 seconds' AS at,
         timestamptz '2024-01-01 00:00:00+00' + g * interval '1 minute' AS at_tz,
         CASE WHEN g % 11 = 0 THEN NULL WHEN g % 11 = 1 THEN '' ELSE 'say "hi", ' || g || E'\\nnext' END AS note,
         (g % 100)::real / 4 AS ratio
    FROM generate_series(1, ${ROWS}) g`;

/** The table's values as text the Parquet reader's normaliser writes (ISO date-times, `Z` when zoned). */
const EXPECTED = `SELECT id::text, big::text, amount::text, CASE WHEN flag THEN 'true' ELSE 'false' END,
  day::text, to_char(at, 'YYYY-MM-DD"T"HH24:MI:SS') || CASE WHEN date_part('milliseconds', at)::int % 1000 = 0 THEN '' ELSE to_char(at, '.MS') END,
  to_char(at_tz AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), note, ratio::float8::text
  FROM typed ORDER BY typed.id`;

interface Stack {
  db: { url: string; drop: () => Promise<void> };
  pool: pg.Pool;
  app: { app: INestApplication; url: string };
  dir: string;
}

const stacks: Stack[] = [];

async function stack(env: NodeJS.ProcessEnv = {}): Promise<Stack> {
  const db = await freshDatabase(inject('databaseUrl'));
  const pool = new pg.Pool({ connectionString: db.url, max: 3 });
  const dir = await mkdtemp(join(tmpdir(), 'rowflow-formats-exports-'));
  await pool.query(TABLE);
  await pool.query('ALTER TABLE typed ADD PRIMARY KEY (id)');
  const app = await bootOrchestrator(db.url, 'http://127.0.0.1:9', { EXPORT_DIR: dir, JOB_ROW_SOURCE: 'local', ...env });
  const s = { db, pool, app, dir };
  stacks.push(s);
  return s;
}

let main: Stack;

beforeAll(async () => {
  main = await stack();
});

afterAll(async () => {
  for (const s of stacks) {
    await s.app.app.close();
    await s.pool.end();
    await s.db.drop();
    await rm(s.dir, { recursive: true, force: true });
  }
});

async function finished(base: string, id: string): Promise<any> {
  return waitFor(async () => {
    const s = await (await fetch(`${base}/api/exports/${id}`)).json();
    return ['completed', 'failed', 'cancelled'].includes(s.state) ? s : undefined;
  }, `export ${id} ended`, 90_000);
}

async function del(base: string, path: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${base}${path}`, { method: 'DELETE' });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

describe('POST /api/exports {format: "parquet"}', () => {
  it('serves a typed Parquet file holding the table, read back by an independent reader', async () => {
    const res = await postJson(`${main.app.url}/api/exports`, { table: 'typed', format: 'parquet', workers: 2, chunkRows: 2000 });
    expect(res.status).toBe(202);
    const done = await finished(main.app.url, res.body.id);
    expect(done).toMatchObject({ state: 'completed', rows: ROWS, request: { format: 'parquet' } });
    const file = await fetch(`${main.app.url}/api/exports/${res.body.id}/file`);
    expect(file.headers.get('content-type')).toBe('application/vnd.apache.parquet');
    expect(file.headers.get('content-disposition')).toContain('typed.parquet');
    const bytes = Buffer.from(await file.arrayBuffer());
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(done.sha256);
    expect(bytes.length).toBe(done.bytes);
    const parquet = readParquetFile(bytes);
    expect(parquet.types).toEqual([
      'id:Int32',
      'big:Int64',
      'amount:Decimal[10e+2]',
      'flag:Bool',
      'day:Date32<DAY>',
      'at:Timestamp<MICROSECOND>',
      'at_tz:Timestamp<MICROSECOND, UTC>',
      'note:Utf8',
      'ratio:Float64',
    ]);
    expect(parquet.rowGroups).toBe(1);
    const expected = (await main.pool.query({ text: EXPECTED, rowMode: 'array' })).rows;
    const firstDiff = parquet.rows.findIndex((r, i) => JSON.stringify(r) !== JSON.stringify(expected[i]));
    expect(firstDiff === -1 ? null : { row: firstDiff, parquet: parquet.rows[firstDiff], table: expected[firstDiff] }).toBeNull();
    expect(parquet.rows.length).toBe(expected.length);
  });

  it('is the same bytes when exported again', async () => {
    const a = await postJson(`${main.app.url}/api/exports`, { table: 'typed', format: 'parquet' });
    const b = await postJson(`${main.app.url}/api/exports`, { table: 'typed', format: 'parquet', workers: 3 });
    expect((await finished(main.app.url, a.body.id)).sha256).toBe((await finished(main.app.url, b.body.id)).sha256);
  });

  it('an unknown format is a 400 naming format, and nothing is created', async () => {
    const before = (await main.pool.query('SELECT count(*)::int AS n FROM rowflow.exports')).rows[0].n;
    const res = await postJson(`${main.app.url}/api/exports`, { table: 'typed', format: 'xlsx' });
    expect(res.status).toBe(400);
    expect(res.body.message).toContain('format');
    expect((await main.pool.query('SELECT count(*)::int AS n FROM rowflow.exports')).rows[0].n).toBe(before);
  });
});

describe('DELETE /api/exports/:id', () => {
  it('removes the files and the record of an ended export', async () => {
    const res = await postJson(`${main.app.url}/api/exports`, { table: 'typed', format: 'parquet' });
    await finished(main.app.url, res.body.id);
    const dir = join(main.dir, res.body.id);
    expect(existsSync(join(dir, 'export.parquet'))).toBe(true);
    expect((await del(main.app.url, `/api/exports/${res.body.id}`)).status).toBe(204);
    expect(existsSync(dir)).toBe(false);
    expect((await fetch(`${main.app.url}/api/exports/${res.body.id}`)).status).toBe(404);
    expect((await del(main.app.url, `/api/exports/${res.body.id}`)).status).toBe(404);
  });

  it('409 while queued (no worker runs it here), with files and record kept', async () => {
    const apiOnly = await stack({ JOB_WORKERS: 'false' });
    const res = await postJson(`${apiOnly.app.url}/api/exports`, { table: 'typed' });
    expect(res.status).toBe(202);
    const r = await del(apiOnly.app.url, `/api/exports/${res.body.id}`);
    expect(r.status).toBe(409);
    expect(r.body.message).toContain('queued');
    expect(existsSync(join(apiOnly.dir, res.body.id, 'plan.json'))).toBe(true);
    expect((await fetch(`${apiOnly.app.url}/api/exports/${res.body.id}`)).status).toBe(200);
  });

  it('a query key or body is a 400 naming it', async () => {
    const res = await postJson(`${main.app.url}/api/exports`, { table: 'typed' });
    await finished(main.app.url, res.body.id);
    const r = await del(main.app.url, `/api/exports/${res.body.id}?force=true`);
    expect(r.status).toBe(400);
    expect(r.body.message).toContain('force');
  });
});

describe('EXPORT_RETENTION', () => {
  it('deletes ended exports older than the retention, files and record', async () => {
    const short = await stack({ EXPORT_RETENTION: '1s' });
    const res = await postJson(`${short.app.url}/api/exports`, { table: 'typed' });
    const done = await finished(short.app.url, res.body.id);
    expect(done.state).toBe('completed');
    await waitFor(async () => ((await fetch(`${short.app.url}/api/exports/${res.body.id}`)).status === 404 ? true : undefined), 'the export expired', 60_000);
    expect(existsSync(join(short.dir, res.body.id))).toBe(false);
  });

  it('refuses a retention that is not a duration at boot, naming the key; 7d is one', () => {
    const env = { DATABASE_URL: main.db.url };
    expect(() => loadOrchestratorConfig({ ...env, EXPORT_RETENTION: 'a week' })).toThrow(/EXPORT_RETENTION/);
    expect(loadOrchestratorConfig({ ...env, EXPORT_RETENTION: '7d' }).EXPORT_RETENTION).toBe(7 * 86_400_000);
  });
});
