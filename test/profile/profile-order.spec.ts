import { pipeline } from 'node:stream/promises';
import type { INestApplication } from '@nestjs/common';
import type { DatasetSpec } from '@rowflow/contracts';
import { type DevPostgres, throwawayPostgres } from '@rowflow/devdb';
import { checkFidelity } from '@rowflow/export';
import { createDatasetRowStream, type DatasetRowStreamOptions, datasetTableRows } from '@rowflow/generator';
import { quoteIdent } from '@rowflow/schema';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootIntrospectApp } from '../introspect/harness.js';
import { sourceAndCopy } from './source-data.js';

/**
 * A source filled by plain SQL in a known physical order: entries inserted account by account
 * (account_id and posted_at ascending, countdown descending), `shuffled` in no order at all.
 */
const DDL = `
CREATE TABLE accounts (id int PRIMARY KEY, opened date NOT NULL);
CREATE TABLE entries (
  id int PRIMARY KEY,
  account_id int NOT NULL REFERENCES accounts (id),
  posted_at timestamptz NOT NULL,
  countdown int NOT NULL,
  shuffled int NOT NULL
);
CREATE INDEX entries_account_id_idx ON entries (account_id);`;

const FILL = `
SELECT setseed(0.17);
INSERT INTO accounts SELECT a, date '2020-01-01' + a FROM generate_series(1, 400) a;
INSERT INTO entries (id, account_id, posted_at, countdown, shuffled)
SELECT row_number() OVER w, a, timestamptz '2024-01-01 00:00:00+00' + row_number() OVER w * interval '7 minutes',
  100000 - row_number() OVER w, floor(random() * 1000000)::int
FROM generate_series(1, 400) a, generate_series(1, 1 + (a * 7) % 59) n
WINDOW w AS (ORDER BY a, n)
ORDER BY a, n;
ANALYZE accounts;
ANALYZE entries;`;

let server: DevPostgres;
let pool: pg.Pool;
let app: INestApplication;

beforeAll(async () => {
  server = await throwawayPostgres();
  pool = new pg.Pool({ connectionString: server.url, max: 4 });
  pool.on('error', () => undefined);
  await sourceAndCopy(pool, DDL, FILL);
  app = await bootIntrospectApp(server.url);
}, 120_000);

afterAll(async () => {
  await app?.close();
  await pool?.end();
  await server?.stop();
});

async function correlations(schema: string): Promise<Record<string, number>> {
  const r = await pool.query<{ attname: string; correlation: number }>(`SELECT attname, correlation::float8 AS correlation FROM pg_stats WHERE schemaname = $1 AND tablename = 'entries'`, [schema]);
  return Object.fromEntries(r.rows.map((x) => [x.attname, x.correlation]));
}

async function text(opts: Omit<DatasetRowStreamOptions, 'format'>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of createDatasetRowStream({ format: 'csv', header: false, ...opts })) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const column = (spec: DatasetSpec, table: string, name: string) => spec.tables.find((t) => t.name === table)?.columns.find((c) => c.name === name);

describe('physical order from pg_stats correlation', () => {
  let dataset: DatasetSpec;

  beforeAll(async () => {
    const res = await request(app.getHttpServer()).post('/api/introspect').send({ schema: 'src', profile: 'stats' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    dataset = (res.body as { dataset: DatasetSpec }).dataset;
    // Generated rows into gen in row order (one COPY per table, parents first), as a job's chunks land.
    for (const name of ['accounts', 'entries']) {
      const table = dataset.tables.find((t) => t.name === name)!;
      const cols = table.columns.map((c) => quoteIdent(c.name)).join(', ');
      const client = await pool.connect();
      try {
        await pipeline(createDatasetRowStream({ dataset, table: name, seed: 3, format: 'csv' }), client.query(copyFrom(`COPY gen.${quoteIdent(name)} (${cols}) FROM STDIN (FORMAT csv, HEADER true)`)));
      } finally {
        client.release();
      }
    }
    await pool.query('ANALYZE gen.accounts; ANALYZE gen.entries');
  });

  it('the profile carries the source correlation; a counted key becomes a sequence from its first value', async () => {
    const source = await correlations('src');
    expect(source.account_id).toBeGreaterThan(0.99);
    expect(Math.abs(source.shuffled ?? 1)).toBeLessThan(0.1);
    expect(column(dataset, 'entries', 'account_id')?.profile?.correlation).toBeGreaterThan(0.99);
    expect(column(dataset, 'entries', 'countdown')?.profile?.correlation).toBeLessThan(-0.99);
    expect(column(dataset, 'accounts', 'id')).toMatchObject({ type: 'int', mode: 'sequence', min: 1 });
  });

  it('children come in parent order, dates ascending, a descending column descending, a random one random', async () => {
    const generated = await correlations('gen');
    expect(generated.account_id).toBeGreaterThanOrEqual(0.9);
    expect(generated.posted_at).toBeGreaterThanOrEqual(0.9);
    expect(generated.countdown).toBeLessThanOrEqual(-0.9);
    expect(Math.abs(generated.shuffled ?? 1)).toBeLessThan(0.1);
  });

  it('keeps the other measures: children per parent, distinct parents, histograms', async () => {
    const tables = ['accounts', 'entries'].map((t) => ({ table: t, targetSchema: 'gen', targetTable: t }));
    const report = await checkFidelity(pool, dataset, tables);
    expect(report.foreignKeys).toEqual([expect.objectContaining({ table: 'entries', column: 'account_id', ok: true })]);
    expect(report.columns.filter((c) => !c.ok)).toEqual([]);
  });

  it('row k is the same at any offset, slice size, partition count and chunk size', async () => {
    const total = datasetTableRows(dataset, 'entries', 3);
    const full = await text({ dataset, table: 'entries', seed: 3 });
    const lines = full.split('\n');
    for (const [offset, rows] of [[0, 1], [1, 2], [4999, 37], [total - 3, 3], [Math.floor(total / 2), 1]] as const) {
      expect(await text({ dataset, table: 'entries', seed: 3, offset, rows }), `offset ${offset}`).toBe(lines.slice(offset, offset + rows).join('\n') + '\n');
    }
    for (const count of [3, 7]) {
      const parts: string[] = [];
      for (let p = 0; p < count; p++) {
        const from = Math.floor((total * p) / count);
        parts.push(await text({ dataset, table: 'entries', seed: 3, offset: from, rows: Math.floor((total * (p + 1)) / count) - from }));
      }
      expect(parts.join(''), `${count} partitions`).toBe(full);
    }
    expect(await text({ dataset, table: 'entries', seed: 3, chunkBytes: 512 })).toBe(full);
  });
});
