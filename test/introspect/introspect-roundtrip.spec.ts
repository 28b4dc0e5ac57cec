import { Global, type INestApplication, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { DatasetSpec } from '@rowflow/contracts';
import { createDatasetRowStream, datasetTableRows } from '@rowflow/generator';
import { configureApp } from '@rowflow/platform-nest';
import { quoteIdent } from '@rowflow/schema';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadOrchestratorConfig, ORCHESTRATOR_CONFIG } from '../../apps/orchestrator/src/config/orchestrator-config.js';
import { DatabaseModule } from '../../apps/orchestrator/src/database/database.module.js';
import { IntrospectModule } from '../../apps/orchestrator/src/introspect/introspect.module.js';
import { freshDatabase } from '../support/index.js';
import { HR_DDL, SHOP_DDL } from './schemas.js';

const ROWS = 10_000;
let db: { url: string; drop: () => Promise<void> };
let pool: pg.Pool;
let app: INestApplication;

beforeAll(async () => {
  db = await freshDatabase(inject('databaseUrl'));
  pool = new pg.Pool({ connectionString: db.url, max: 4 });
  const config = loadOrchestratorConfig({ DATABASE_URL: db.url });
  @Global()
  @Module({ providers: [{ provide: ORCHESTRATOR_CONFIG, useValue: config }], exports: [ORCHESTRATOR_CONFIG] })
  class TestConfigModule {}
  const ref = await Test.createTestingModule({ imports: [TestConfigModule, DatabaseModule, IntrospectModule] }).compile();
  app = ref.createNestApplication({ logger: false });
  configureApp(app, { title: 't', description: 't' });
  await app.init();
});

afterAll(async () => {
  await app?.close();
  await pool?.end();
  await db?.drop();
});

async function createSchema(schema: string, ddl: string): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query(`CREATE SCHEMA ${quoteIdent(schema)}`);
    await client.query(`SET search_path = ${quoteIdent(schema)}, public`);
    await client.query(ddl);
  } finally {
    await client.query('RESET search_path');
    client.release();
  }
}

/** Tables parents-first (self-references do not order). */
function loadOrder(spec: DatasetSpec): string[] {
  const done: string[] = [];
  const deps = (t: DatasetSpec['tables'][number]) => [
    ...t.columns.filter((c) => c.type === 'foreignKey' && c.references && c.references.table !== t.name).map((c) => c.references?.table as string),
    ...(t.perParent ? [t.perParent.table] : []),
  ];
  while (done.length < spec.tables.length) {
    const next = spec.tables.find((t) => !done.includes(t.name) && deps(t).every((d) => done.includes(d)));
    if (!next) throw new Error('cycle between tables');
    done.push(next.name);
  }
  return done;
}

/** COPY every table's CSV (generator output) into `schema`, parents first; constraints are live. */
async function load(spec: DatasetSpec, schema: string, seed: number): Promise<void> {
  for (const name of loadOrder(spec)) {
    const table = spec.tables.find((t) => t.name === name);
    const cols = (table?.columns ?? []).map((c) => quoteIdent(c.name)).join(', ');
    const client = await pool.connect();
    try {
      const sink = client.query(copyFrom(`COPY ${quoteIdent(schema)}.${quoteIdent(name)} (${cols}) FROM STDIN (FORMAT csv, HEADER true)`));
      await pipeline(createDatasetRowStream({ dataset: spec, table: name, seed, format: 'csv' }), sink);
    } finally {
      client.release();
    }
  }
}

async function count(schema: string, table: string): Promise<number> {
  const r = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${quoteIdent(schema)}.${quoteIdent(table)}`);
  return Number(r.rows[0]?.n);
}

describe.each([
  ['shop', SHOP_DDL, ['customer_profiles', 'customers', 'order_items', 'orders', 'products']],
  ['hr', HR_DDL, ['assignments', 'departments', 'employees', 'projects']],
])('introspection round trip: %s', (name, ddl, tables) => {
  const src = `${name}_src`;
  const dst = `${name}_copy`;
  let spec: DatasetSpec;
  let warnings: string[];

  beforeAll(async () => {
    await createSchema(src, ddl);
    await createSchema(dst, ddl);
    const res = await request(app.getHttpServer()).post('/api/introspect').send({ schema: src, rows: ROWS }).expect(200);
    ({ dataset: spec, warnings } = res.body as { dataset: DatasetSpec; warnings: string[] });
    if (process.env.SHOW_INTROSPECTION) console.log(JSON.stringify(res.body, null, 1));
  });

  it('introspects every table; warnings name the column and none says a constraint may fail', () => {
    expect(spec.tables.map((t) => t.name).sort()).toEqual(tables);
    for (const w of warnings) expect(w).toMatch(/^[a-z_]+(\.[a-z_]+| \S.*?)?: /);
    expect(warnings.filter((w) => /violate|not coordinated|reject|fail/.test(w))).toEqual([]);
  });

  it('generates 10k rows per table into a fresh copy of the schema with every constraint enforced', async () => {
    const seed = 20260101;
    await load(spec, dst, seed);
    for (const t of spec.tables) expect(await count(dst, t.name), t.name).toBe(datasetTableRows(spec, t.name, seed));
    for (const t of spec.tables) expect(await count(dst, t.name)).toBeGreaterThanOrEqual(ROWS);
    const constraints = await pool.query<{ n: string; invalid: string }>(
      `SELECT count(*) AS n, count(*) FILTER (WHERE NOT convalidated) AS invalid FROM pg_constraint WHERE connamespace = $1::regnamespace`,
      [dst],
    );
    const original = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM pg_constraint WHERE connamespace = $1::regnamespace`, [src]);
    expect(constraints.rows[0]).toEqual({ n: original.rows[0]?.n, invalid: '0' });
  });
});

describe('POST /api/introspect input', () => {
  it.each([
    [{ schema: 'x', tabels: ['a'] }, 'tabels', 400],
    [{ schema: '' }, 'schema', 400],
    [{ rows: 0 }, 'rows', 400],
    [{ schema: 'shop_src', tables: ['nope'] }, 'tables', 400],
  ])('%j → %s', async (body, field, status) => {
    const res = await request(app.getHttpServer()).post('/api/introspect').send(body).expect(status);
    expect(res.body.field).toBe(field);
  });

  it('an empty or unknown schema is a 404', async () => {
    await request(app.getHttpServer()).post('/api/introspect').send({ schema: 'no_such_schema' }).expect(404);
  });
});
