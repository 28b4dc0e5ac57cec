import { Global, type INestApplication, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { DatasetSpec } from '@rowflow/contracts';
import { createDatasetRowStream } from '@rowflow/generator';
import { configureApp } from '@rowflow/platform-nest';
import { quoteIdent } from '@rowflow/schema';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import request from 'supertest';
import { loadOrchestratorConfig, ORCHESTRATOR_CONFIG } from '../../apps/orchestrator/src/config/orchestrator-config.js';
import { DatabaseModule } from '../../apps/orchestrator/src/database/database.module.js';
import { IntrospectModule } from '../../apps/orchestrator/src/introspect/introspect.module.js';
import { freshDatabase } from '../support/index.js';

/** A fresh database, a pool on it and the introspection endpoint booted as production boots it. */
export interface IntrospectHarness {
  pool: pg.Pool;
  app: INestApplication;
  close: () => Promise<void>;
}

/** The introspection endpoint on `databaseUrl`, booted in-process as production boots it. */
export async function bootIntrospectApp(databaseUrl: string, env: Record<string, string> = {}): Promise<INestApplication> {
  const config = loadOrchestratorConfig({ DATABASE_URL: databaseUrl, ...env });
  @Global()
  @Module({ providers: [{ provide: ORCHESTRATOR_CONFIG, useValue: config }], exports: [ORCHESTRATOR_CONFIG] })
  class TestConfigModule {}
  const ref = await Test.createTestingModule({ imports: [TestConfigModule, DatabaseModule, IntrospectModule] }).compile();
  const app = ref.createNestApplication({ logger: false });
  configureApp(app, { title: 't', description: 't' });
  await app.init();
  return app;
}

export async function startIntrospectHarness(serverUrl: string, env: Record<string, string> = {}): Promise<IntrospectHarness> {
  const db = await freshDatabase(serverUrl);
  const pool = new pg.Pool({ connectionString: db.url, max: 4 });
  let app: INestApplication | undefined;
  const close = async () => {
    await app?.close();
    await pool.end();
    await db.drop();
  };
  try {
    app = await bootIntrospectApp(db.url, env);
    return { pool, app, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** Runs `ddl` with search_path set to a new schema `schema`. */
export async function createSchema(pool: pg.Pool, schema: string, ddl: string): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query(`CREATE SCHEMA ${quoteIdent(schema)}`);
    await client.query(`SET search_path = ${quoteIdent(schema)}, public`);
    await client.query(ddl);
    await client.query('RESET search_path');
  } finally {
    // A failed DDL leaves no open transaction behind (the pool would hand it out aborted).
    client.release(true);
  }
}

export async function introspect(app: INestApplication, body: object): Promise<{ dataset: DatasetSpec; warnings: string[] }> {
  const res = await request(app.getHttpServer()).post('/api/introspect').send(body).expect(200);
  if (process.env.SHOW_INTROSPECTION) console.log(JSON.stringify(res.body, null, 1));
  return res.body as { dataset: DatasetSpec; warnings: string[] };
}

/** Foreign keys between the tables of `schema` as the database declares them (a partition's count as its parent's). */
async function catalogParents(pool: pg.Pool, schema: string): Promise<Map<string, string[]>> {
  const { rows } = await pool.query<{ child: string; parent: string }>(
    `SELECT coalesce(pc.relname, c.relname) AS child, p.relname AS parent
       FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class p ON p.oid = k.confrelid
       LEFT JOIN pg_inherits i ON i.inhrelid = c.oid LEFT JOIN pg_class pc ON pc.oid = i.inhparent
      WHERE k.contype = 'f' AND c.relnamespace = $1::regnamespace AND k.conrelid <> k.confrelid`,
    [schema],
  );
  const out = new Map<string, string[]>();
  for (const r of rows) out.set(r.child, [...(out.get(r.child) ?? []), r.parent]);
  return out;
}

/** Tables parents-first by the spec's references and the database's own foreign keys (self-references do not order). */
export function loadOrder(spec: DatasetSpec, declared = new Map<string, string[]>()): string[] {
  const done = new Set<string>();
  const order: string[] = [];
  const names = new Set(spec.tables.map((t) => t.name));
  const deps = (t: DatasetSpec['tables'][number]) => [
    ...t.columns.filter((c) => c.type === 'foreignKey' && c.references && c.references.table !== t.name).map((c) => c.references?.table as string),
    ...(t.perParent ? [t.perParent.table] : []),
    ...(declared.get(t.name) ?? []).filter((p) => names.has(p) && p !== t.name),
  ];
  while (order.length < spec.tables.length) {
    const ready = spec.tables.filter((t) => !done.has(t.name) && deps(t).every((d) => done.has(d)));
    if (ready.length === 0) throw new Error('cycle between tables');
    for (const t of ready) {
      done.add(t.name);
      order.push(t.name);
    }
  }
  return order;
}

/** COPY every table's CSV (generator output) into `schema`, parents first; every constraint is live, so one bad row fails the test. */
export async function load(pool: pg.Pool, spec: DatasetSpec, schema: string, seed: number): Promise<void> {
  for (const name of loadOrder(spec, await catalogParents(pool, schema))) {
    const table = spec.tables.find((t) => t.name === name);
    const cols = (table?.columns ?? []).map((c) => quoteIdent(c.name)).join(', ');
    const client = await pool.connect();
    try {
      const sink = client.query(copyFrom(`COPY ${quoteIdent(schema)}.${quoteIdent(name)} (${cols}) FROM STDIN (FORMAT csv, HEADER true)`));
      await pipeline(createDatasetRowStream({ dataset: spec, table: name, seed, format: 'csv' }), sink);
    } catch (err) {
      throw new Error(`loading ${schema}.${name}: ${(err as Error).message}`);
    } finally {
      client.release();
    }
  }
}

export async function count(pool: pg.Pool, schema: string, table: string): Promise<number> {
  const r = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${quoteIdent(schema)}.${quoteIdent(table)}`);
  return Number(r.rows[0]?.n);
}
