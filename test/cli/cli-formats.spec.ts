import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseCsv, readParquetFile } from '../support/formats.js';
import { bootOrchestrator, freshDatabase, postJson, waitForState } from '../support/index.js';
import { cli, fileSha } from './cli-harness.js';
import { findTable } from '@rowflow/schema';

let db: { url: string; drop: () => Promise<void> };
let pool: pg.Pool;
let orch: { app: INestApplication; url: string };
let work: string;

beforeAll(async () => {
  db = await freshDatabase(inject('databaseUrl'));
  pool = new pg.Pool({ connectionString: db.url, max: 3 });
  work = await mkdtemp(join(tmpdir(), 'rowflow-cli-formats-'));
  orch = await bootOrchestrator(db.url, 'http://127.0.0.1:9', { JOB_ROW_SOURCE: 'local', JOB_ROW_THREADS: '0', EXPORT_DIR: join(work, 'server-exports') });
});

afterAll(async () => {
  await orch?.app.close();
  await pool?.end();
  await db?.drop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('rowflow generate --format parquet|sql (real CLI subprocess)', () => {
  it('parquet: the same bytes on every run, the same values as --format csv', async () => {
    const args = (out: string, format: string) => ['generate', '--table', 'orders', '--rows', '3000', '--seed', '8', '--format', format, '-o', out, '--json', '--no-progress'];
    const a = await cli(args(join(work, 'a.parquet'), 'parquet'));
    expect(a.code).toBe(0);
    expect(JSON.parse(a.stdout)).toMatchObject({ rows: 3000, format: 'parquet', seed: 8 });
    expect((await cli(args(join(work, 'b.parquet'), 'parquet'))).code).toBe(0);
    expect(await fileSha(join(work, 'a.parquet'))).toBe(await fileSha(join(work, 'b.parquet')));
    expect((await cli(args(join(work, 'a.csv'), 'csv'))).code).toBe(0);
    const csv = parseCsv(await readFile(join(work, 'a.csv'), 'utf8')).slice(1);
    expect(readParquetFile(await readFile(join(work, 'a.parquet'))).rows).toEqual(csv);
  });

  it('sql: INSERT statements that load the same rows as the CSV, run with pg', async () => {
    const out = join(work, 'users.sql');
    const res = await cli(['generate', '--table', 'users', '--rows', '1500', '--seed', '3', '--format', 'sql', '-o', out, '--no-progress']);
    expect(res.code).toBe(0);
    await pool.query(`CREATE TABLE users (id bigint, first_name text, last_name text, email text, username text, phone text, street_address text, city text, country text, company text, job_title text, birth_date date, is_active boolean, created_at timestamptz)`);
    await pool.query(await readFile(out, 'utf8'));
    const csvOut = join(work, 'users.csv');
    expect((await cli(['generate', '--table', 'users', '--rows', '1500', '--seed', '3', '-o', csvOut, '--no-progress', '--header', 'false'])).code).toBe(0);
    const csv = parseCsv(await readFile(csvOut, 'utf8'));
    const { rows } = await pool.query({ text: `SELECT id::text, email, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') FROM users ORDER BY users.id`, rowMode: 'array' });
    expect(rows).toEqual(csv.map((r) => [r[0], r[3], r[13]]));
  });

  it('an unknown format is exit 2 naming format, and writes nothing', async () => {
    const out = join(work, 'nope.xlsx');
    const res = await cli(['generate', '--table', 'users', '--rows', '5', '--format', 'xlsx', '-o', out]);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('format');
    expect(existsSync(out)).toBe(false);
  });
});

describe('rowflow export --format parquet, exports delete, jobs delete, jobs resume --max-dead-letters', () => {
  it('export --format parquet in-process writes a typed file; exports delete removes its work directory', async () => {
    await pool.query(`CREATE TABLE items AS SELECT g AS id, 'item ' || g AS name, g * 0.5 AS price FROM generate_series(1, 2000) g`);
    await pool.query('ALTER TABLE items ADD PRIMARY KEY (id)');
    const out = join(work, 'items.parquet');
    const exportDir = join(work, 'cli-exports');
    const res = await cli(['export', '--table', 'items', '--format', 'parquet', '--out', out, '--database-url', db.url, '--export-dir', exportDir, '--json', '--no-progress']);
    expect(res.code).toBe(0);
    const result = JSON.parse(res.stdout);
    expect(result).toMatchObject({ rows: 2000, format: 'parquet', sha256: await fileSha(out) });
    const parquet = readParquetFile(await readFile(out));
    expect(parquet.types).toEqual(['id:Int32', 'name:Utf8', 'price:Utf8']);
    expect(parquet.rows[1]).toEqual(['2', 'item 2', '1.0']);
    expect(existsSync(join(exportDir, result.id))).toBe(true);
    const del = await cli(['exports', 'delete', result.id, '--export-dir', exportDir]);
    expect(del.code).toBe(0);
    expect(existsSync(join(exportDir, result.id))).toBe(false);
    expect(existsSync(out)).toBe(true); // the user's file stays
  });

  it('exports delete --server deletes a server export (204), then it is gone (exit 1, 404)', async () => {
    const created = await postJson(`${orch.url}/api/exports`, { table: 'items' });
    await waitForCompleted(created.body.id);
    const res = await cli(['exports', 'delete', created.body.id, '--server', orch.url]);
    expect(res.code).toBe(0);
    expect((await fetch(`${orch.url}/api/exports/${created.body.id}`)).status).toBe(404);
    expect((await cli(['exports', 'delete', created.body.id, '--server', orch.url])).code).toBe(1);
  });

  it('jobs resume --max-dead-letters lets a job stopped by its limit finish; jobs delete --drop-tables removes job and table', async () => {
    const first = await postJson(`${orch.url}/api/jobs`, { table: 'users', rows: 30, seed: 5, targetTable: 'cli_dl' });
    await waitForState(orch.url, first.body.id, ['completed']);
    // keyOffset 0: append would otherwise continue after the keys already there (by design).
    const again = await postJson(`${orch.url}/api/jobs`, { schema: { ...findTable('users'), keyOffset: 0 }, rows: 30, seed: 5, targetTable: 'cli_dl', mode: 'append', skipLimit: 5 });
    expect((await waitForState(orch.url, again.body.id, ['completed', 'failed'])).state).toBe('failed');
    const resumed = await cli(['jobs', 'resume', again.body.id, '--max-dead-letters', '100', '--server', orch.url, '--json', '--no-progress']);
    expect(resumed.code).toBe(0);
    expect(await waitForState(orch.url, again.body.id, ['completed', 'failed'])).toMatchObject({ state: 'completed', rowsSkipped: 30 });
    expect((await cli(['jobs', 'delete', again.body.id, '--server', orch.url])).code).toBe(0);
    expect((await fetch(`${orch.url}/api/jobs/${again.body.id}`)).status).toBe(404);
    const dropped = await cli(['jobs', 'delete', first.body.id, '--drop-tables', '--database-url', db.url, '--json']);
    expect(dropped.code).toBe(0);
    expect(JSON.parse(dropped.stdout)).toMatchObject({ id: first.body.id, deleted: true, droppedTables: true });
    expect((await pool.query(`SELECT to_regclass('public.cli_dl') AS t`)).rows[0].t).toBeNull();
  }, 180_000); // five CLI subprocesses and a bisected load: slow on a busy 2-core machine

  it('jobs delete of a bad id is exit 2 naming id; --max-dead-letters -1 is exit 2 naming it', async () => {
    const bad = await cli(['jobs', 'delete', 'nope', '--database-url', db.url]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('id');
    const neg = await cli(['jobs', 'resume', '00000000-0000-4000-8000-000000000000', '--max-dead-letters', '-1', '--server', orch.url]);
    expect(neg.code).toBe(2);
    expect(neg.stderr).toContain('maxDeadLetters');
  });
});

async function waitForCompleted(id: string): Promise<void> {
  for (;;) {
    const s = await (await fetch(`${orch.url}/api/exports/${id}`)).json();
    if (s.state === 'completed') return;
    if (s.state === 'failed' || s.state === 'cancelled') throw new Error(`export ${id} ${s.state}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
