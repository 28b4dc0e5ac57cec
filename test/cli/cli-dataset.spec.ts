import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { bootOrchestrator, dbSnapshot, freshDatabase } from '../support/index.js';
import { cli } from './cli-harness.js';

/**
 * `rowflow introspect` + `rowflow load --dataset` as a user runs them: real CLI subprocesses,
 * against a real orchestrator (`--server`) and in-process (`--database-url`), into the
 * schema's own tables (mode append), then `rowflow verify`.
 */
let db: { url: string; drop: () => Promise<void> };
let pool: pg.Pool;
let orch: { app: INestApplication; url: string };
let work: string;

/** Two schemas with the same tables: `app` is read, `app_copy` … is loaded by the in-process run. */
const DDL = (s: string) => `
  CREATE SCHEMA ${s};
  CREATE TABLE ${s}.authors (id bigint PRIMARY KEY, email text NOT NULL UNIQUE, born date);
  CREATE TABLE ${s}.books (id bigint PRIMARY KEY, author_id bigint NOT NULL REFERENCES ${s}.authors (id), title text NOT NULL, pages integer CHECK (pages > 0));
  CREATE TABLE ${s}.tags (book_id bigint REFERENCES ${s}.books (id), tag text)`;

beforeAll(async () => {
  db = await freshDatabase(inject('databaseUrl'));
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
  await pool.query(DDL('app'));
  orch = await bootOrchestrator(db.url, 'http://127.0.0.1:9', { JOB_ROW_SOURCE: 'local', TARGET_SCHEMA: 'app' });
  work = await mkdtemp(join(tmpdir(), 'rowflow-cli-dataset-'));
});

afterAll(async () => {
  await orch?.app.close();
  await pool?.end();
  await db?.drop();
  if (work) await rm(work, { recursive: true, force: true });
});

const count = async (t: string): Promise<number> => Number((await pool.query(`SELECT count(*) AS n FROM ${t}`)).rows[0].n);

describe('introspect → load --dataset → verify', () => {
  const spec = () => join(work, 'app.json');

  it('introspect --rows N -o FILE writes the dataset spec of the schema, N rows per table', async () => {
    const res = await cli(['introspect', '--server', orch.url, '--schema', 'app', '--rows', '40', '-o', spec()]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain(`wrote the spec to ${spec()}`);
    const dataset = JSON.parse(await readFile(spec(), 'utf8'));
    expect(dataset.tables.map((t: any) => t.name).sort()).toEqual(['authors', 'books', 'tags']);
    for (const t of dataset.tables) expect(t.rows).toBe(40);
  });

  it('load --dataset FILE --mode append --server: every table filled through the job API, verify ok per table', async () => {
    const res = await cli(['load', '--dataset', spec(), '--mode', 'append', '--seed', '5', '--server', orch.url, '--json', '--no-progress']);
    expect(res.code, res.stderr).toBe(0);
    const job = JSON.parse(res.stdout);
    expect(job).toMatchObject({ state: 'completed', mode: 'append', rowsWritten: 120, rowsSkipped: 0 });
    expect([await count('app.authors'), await count('app.books'), await count('app.tags')]).toEqual([40, 40, 40]);
    const v = await cli(['verify', '--job', job.id, '--server', orch.url]);
    expect(v.code, v.stderr).toBe(0);
    // The keyless table is checked by count + checksum, the others range by range.
    expect(v.stdout).toMatch(/ok +authors \(app\.authors\): 40 match \(1 ranges\)/);
    expect(v.stdout).toMatch(/ok +tags \(app\.tags\): 40 match \(no key: count \+ checksum over all columns\)/);
  });

  it('load --dataset FILE in-process (--database-url) into a second copy of the schema, then verify in-process', async () => {
    await pool.query(DDL('app_copy'));
    const res = await cli(['load', '--dataset', spec(), '--mode', 'append', '--seed', '6', '--database-url', db.url, '--json', '--no-progress'], { TARGET_SCHEMA: 'app_copy' });
    expect(res.code, res.stderr).toBe(0);
    const job = JSON.parse(res.stdout);
    expect(job).toMatchObject({ state: 'completed', rowsWritten: 120 });
    expect(await count('app_copy.books')).toBe(40);
    const v = await cli(['verify', '--job', job.id, '--database-url', db.url, '--json']);
    expect(v.code, v.stderr).toBe(0);
    expect(JSON.parse(v.stdout).tables.map((t: any) => [t.table, t.method, t.rows, t.deadLettered])).toEqual([
      ['authors', 'ranges', 40, 0],
      ['books', 'ranges', 40, 0],
      ['tags', 'checksum', 40, 0],
    ]);
  });

  it('load --dataset NAME (a catalog dataset) with --target-prefix creates the prefixed tables', async () => {
    const res = await cli(['load', '--dataset', 'shop', '--target-prefix', 'demo_', '--seed', '1', '--database-url', db.url, '--json', '--no-progress'], { TARGET_SCHEMA: 'public' });
    expect(res.code, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ state: 'completed', dataset: 'shop' });
    expect(await count('public.demo_users')).toBe(1000);
    expect(await count('public.demo_order_items')).toBeGreaterThan(0);
  });
});

describe('bad --dataset arguments: exit 2, the field named, nothing written', () => {
  it.each([
    ['a spec file that does not exist', ['--dataset', '\u0000missing.json'], 'dataset'],
    ['an unknown catalog dataset', ['--dataset', 'shopz'], 'dataset'],
    ['--rows belongs to single-table jobs', ['--dataset', 'shop', '--rows', '5'], 'rows'],
    ['--table together with --dataset', ['--dataset', 'shop', '--table', 'users'], 'table'],
    ['--target-table belongs to single-table jobs', ['--dataset', 'shop', '--target-table', 'x'], 'targetTable'],
    ['an unknown mode', ['--dataset', 'shop', '--mode', 'upsert'], 'mode'],
  ])('%s', async (_what, args, field) => {
    const before = await dbSnapshot(pool);
    const argv = args.map((a) => (a.startsWith('\u0000') ? join(work, a.slice(1)) : a));
    const res = await cli(['load', ...argv, '--database-url', db.url, '--json']);
    expect(res.code, res.stderr).toBe(2);
    expect(JSON.parse(res.stdout)).toMatchObject({ statusCode: 400, field });
    expect(await dbSnapshot(pool)).toEqual(before);
  });
});
