import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import type { INestApplication } from '@nestjs/common';
import type { TableSpec } from '@rowflow/contracts';
import { createRowStream } from '@rowflow/generator';
import { pgType, quoteIdent } from '@rowflow/schema';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { bootGenerator, freshDatabase } from '../support/index.js';
import { parseCsv, readParquetFile } from '../support/formats.js';

const PSQL = '/usr/lib/postgresql/15/bin/psql';
const run = promisify(execFile);

/** Every typed Parquet mapping, NULLs, text that needs quoting and escaping, an identifier that needs quoting. */
const mixed: TableSpec = {
  name: 'Mixed "formats"',
  columns: [
    { name: 'id', type: 'serial', primaryKey: true },
    { name: 'small', type: 'int', min: -1000, max: 1000, nullRatio: 0.1 },
    { name: 'big', type: 'bigint', min: -1e15, max: 1e15, nullRatio: 0.1 },
    { name: 'price', type: 'decimal', precision: 8, scale: 2, min: -500, max: 500, nullRatio: 0.1 },
    { name: 'wide', type: 'decimal', precision: 24, scale: 3, min: -1e12, max: 1e12 },
    { name: 'flag', type: 'boolean', nullRatio: 0.1 },
    { name: 'day', type: 'date', from: '0900-01-01', to: '2090-12-31', nullRatio: 0.1 },
    { name: 'at', type: 'timestamp', nullRatio: 0.1 },
    { name: 'at_tz', type: 'timestamptz', nullRatio: 0.1 },
    { name: 'Odd, "name"', type: 'enum', values: ["it's", 'a,b', 'say "hi"', 'two\nlines', '', '\\.', 'back\\slash'], nullRatio: 0.1 },
    { name: 'doc', type: 'json', nullRatio: 0.1 },
    { name: 'who', type: 'fullName' },
    { name: 'uid', type: 'uuid' },
  ],
} as TableSpec;

let gen: { app: INestApplication; url: string };
let db: { url: string; drop: () => Promise<void> };
let client: pg.Client;
let dir: string;

beforeAll(async () => {
  gen = await bootGenerator();
  db = await freshDatabase(inject('databaseUrl'));
  client = new pg.Client(db.url);
  await client.connect();
  dir = await mkdtemp(join(tmpdir(), 'rowflow-formats-'));
});
afterAll(async () => {
  await client?.end();
  await db?.drop();
  await gen?.app.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function post(format: string, body: unknown): Promise<Buffer> {
  const res = await fetch(`${gen.url}/api/generator/stream/${format}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  return Buffer.from(await res.arrayBuffer());
}

async function get(path: string): Promise<{ status: number; type: string | null; bytes: Buffer }> {
  const res = await fetch(`${gen.url}${path}`);
  return { status: res.status, type: res.headers.get('content-type'), bytes: Buffer.from(await res.arrayBuffer()) };
}

async function createTable(name: string, spec: TableSpec): Promise<void> {
  await client.query(`CREATE TABLE "public".${quoteIdent(name)} (${spec.columns.map((c) => `${quoteIdent(c.name)} ${pgType(c)}`).join(', ')})`);
}

/** Rows in one table and not the other, both ways (0 = same multiset of distinct rows) plus counts. */
async function difference(a: string, b: string): Promise<{ onlyA: number; onlyB: number; a: number; b: number }> {
  const q = (x: string, y: string) => `SELECT count(*)::int AS n FROM (SELECT * FROM ${quoteIdent(x)} EXCEPT ALL SELECT * FROM ${quoteIdent(y)}) d`;
  const count = async (sql: string) => (await client.query<{ n: number }>(sql)).rows[0]!.n;
  return { onlyA: await count(q(a, b)), onlyB: await count(q(b, a)), a: await count(`SELECT count(*)::int AS n FROM ${quoteIdent(a)}`), b: await count(`SELECT count(*)::int AS n FROM ${quoteIdent(b)}`) };
}

describe('Parquet stream', () => {
  it('types the columns and holds the CSV values, read back by an independent reader', async () => {
    const body = { schema: mixed, rows: 3000, seed: 11 };
    const parquet = readParquetFile(await post('parquet', body));
    expect(parquet.types).toEqual([
      'id:Int64',
      'small:Int32',
      'big:Int64',
      'price:Decimal[8e+2]',
      'wide:Decimal[24e+3]',
      'flag:Bool',
      'day:Date32<DAY>',
      'at:Timestamp<MICROSECOND>',
      'at_tz:Timestamp<MICROSECOND, UTC>',
      'Odd, "name":Utf8',
      'doc:Utf8',
      'who:Utf8',
      'uid:Utf8',
    ]);
    const csv = parseCsv((await post('csv', { ...body, header: false })).toString('utf8'));
    // CSV writes the empty string as "" and NULL as nothing; the parser gives '' and null.
    expect(parquet.rows).toEqual(csv);
  });

  it('is byte-identical for the same spec and seed, and differs for another seed', async () => {
    const a = await get('/api/generator/stream/parquet?table=users&rows=5000&seed=5');
    const b = await get('/api/generator/stream/parquet?table=users&rows=5000&seed=5');
    const c = await get('/api/generator/stream/parquet?table=users&rows=5000&seed=6');
    expect(a.status).toBe(200);
    expect(a.type).toBe('application/vnd.apache.parquet');
    expect(a.bytes.subarray(0, 4).toString()).toBe('PAR1');
    expect(a.bytes.equals(b.bytes)).toBe(true);
    expect(a.bytes.equals(c.bytes)).toBe(false);
  });

  it('writes row groups of 16,384 rows, and the slice at an offset holds the same rows as CSV', async () => {
    const parquet = readParquetFile((await get('/api/generator/stream/parquet?table=orders&rows=20000&offset=123&seed=2')).bytes);
    expect(parquet.rowGroups).toBe(2);
    const csv = parseCsv((await get('/api/generator/stream/csv?table=orders&rows=20000&offset=123&seed=2&header=false')).bytes.toString('utf8'));
    expect(parquet.rows.length).toBe(20000);
    expect(parquet.rows).toEqual(csv);
  });

  it('refuses partitions and pacing with a 400 naming the field, before any byte', async () => {
    const p = await get('/api/generator/stream/parquet?table=users&rows=10&partitionBy=_row&partitions=2&partition=0');
    expect(p.status).toBe(400);
    expect(p.bytes.toString()).toContain('partitionBy');
    const r = await get('/api/generator/stream/parquet?table=users&rows=10&rate=5');
    expect(r.status).toBe(400);
    expect(r.bytes.toString()).toContain('rate');
  });
});

describe('SQL stream', () => {
  it('batches INSERT statements of 1000 rows into the quoted, schema-qualified table', async () => {
    const res = await get('/api/generator/stream/sql?table=users&rows=2500&seed=3');
    expect(res.status).toBe(200);
    expect(res.type).toBe('application/sql; charset=utf-8');
    const text = res.bytes.toString('utf8');
    expect(text.startsWith('INSERT INTO "public"."users" ("id","first_name",')).toBe(true);
    expect(text.match(/^INSERT INTO /gm)).toHaveLength(3);
    expect(text.match(/\);\n/g)).toHaveLength(3);
    expect(text.endsWith(');\n')).toBe(true);
  });

  it('psql -f loads the same table as COPY of the CSV (quotes, backslashes, NULLs)', async () => {
    const body = { schema: mixed, rows: 2500, seed: 21 };
    await createTable('from_csv', mixed);
    const copy = client.query(copyFrom(`COPY "public"."from_csv" FROM STDIN (FORMAT csv)`));
    await pipeline(createRowStream({ spec: mixed, seed: 21, rows: 2500, format: 'csv', header: false }), copy);
    await createTable(mixed.name, mixed);
    const file = join(dir, 'mixed.sql');
    await writeFile(file, await post('sql', body));
    await run(PSQL, ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', db.url, '-f', file]);
    expect(await difference('from_csv', mixed.name)).toEqual({ onlyA: 0, onlyB: 0, a: 2500, b: 2500 });
  });

  it('loads the same whatever standard_conforming_strings says (backslashes are escape strings)', async () => {
    await createTable('scs_off', mixed);
    const sql = (await post('sql', { schema: mixed, rows: 800, seed: 21 })).toString('utf8').replaceAll(`"public".${quoteIdent(mixed.name)}`, '"public"."scs_off"');
    await client.query('SET standard_conforming_strings = off');
    try {
      await client.query(sql);
    } finally {
      await client.query('RESET standard_conforming_strings');
    }
    const sample = await client.query(`SELECT count(*)::int AS n FROM (SELECT * FROM "scs_off" EXCEPT ALL SELECT * FROM "from_csv" WHERE id <= 800) d`);
    expect(sample.rows[0].n).toBe(0);
  });
});
