import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { INestApplication } from '@nestjs/common';
import type { DatasetSpec } from '@rowflow/contracts';
import { type DevPostgres, throwawayPostgres } from '@rowflow/devdb';
import { checkFidelity } from '@rowflow/export';
import { createDatasetRowStream } from '@rowflow/generator';
import { type ProfileReport, quoteIdent } from '@rowflow/schema';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, waitFor } from '../cli/cli-harness.js';
import { bootIntrospectApp } from '../introspect/harness.js';
import { DDL, FILL, sourceAndCopy } from './source-data.js';

interface Introspected {
  dataset: DatasetSpec;
  warnings: string[];
  profile: ProfileReport;
}

let server: DevPostgres;
const log: string[] = [];
let pool: pg.Pool;
let app: INestApplication;
let work: string;

beforeAll(async () => {
  server = await throwawayPostgres((line) => log.push(line));
  const admin = new pg.Client(server.url);
  await admin.connect();
  // Every statement any session sends is logged: the proof that introspection reads no row.
  await admin.query(`ALTER SYSTEM SET log_statement = 'all'`);
  await admin.query('SELECT pg_reload_conf()');
  await admin.end();
  pool = new pg.Pool({ connectionString: server.url, max: 4 });
  pool.on('error', () => undefined);
  await sourceAndCopy(pool, DDL, FILL);
  app = await bootIntrospectApp(server.url);
  work = await mkdtemp(join(tmpdir(), 'rowflow-profile-'));
}, 120_000);

afterAll(async () => {
  await app?.close();
  await pool?.end();
  await server?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

async function introspect(body: Record<string, unknown>): Promise<Introspected> {
  const res = await request(app.getHttpServer()).post('/api/introspect').send({ schema: 'src', ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as Introspected;
}

/** Generated rows into `gen`, parents first, by COPY (constraints live). */
async function load(spec: DatasetSpec, tables: string[]): Promise<void> {
  for (const name of tables) {
    const table = spec.tables.find((t) => t.name === name)!;
    const cols = table.columns.map((c) => quoteIdent(c.name)).join(', ');
    const client = await pool.connect();
    try {
      const sink = client.query(copyFrom(`COPY gen.${quoteIdent(name)} (${cols}) FROM STDIN (FORMAT csv, HEADER true)`));
      await pipeline(createDatasetRowStream({ dataset: spec, table: name, seed: 7, format: 'csv' }), sink);
    } finally {
      client.release();
    }
  }
}

const column = (spec: DatasetSpec, table: string, name: string) => spec.tables.find((t) => t.name === table)?.columns.find((c) => c.name === name);

describe('statistics profiles', () => {
  let profiled: Introspected;

  beforeAll(async () => {
    profiled = await introspect({ profile: 'stats' });
  });

  it('reads no row: every statement introspection sent touches only the catalogs and pg_stats', async () => {
    const marker = `rowflow_marker_${Date.now()}`;
    const before = log.length;
    await introspect({ profile: 'stats', rows: 10 });
    await pool.query(`SELECT '${marker}'`);
    await waitFor(async () => (log.some((l) => l.includes(marker)) ? true : undefined), 'the marker statement in the server log');
    const statements = log.slice(before).filter((l) => /(statement|execute [^:]*):/.test(l));
    expect(statements.some((s) => s.includes('pg_stats'))).toBe(true);
    const reads = statements.filter((s) => /\b(src|"src")\s*\.|\bFROM\s+"?(customers|orders|audit_log)\b/i.test(s));
    expect(reads).toEqual([]);
  });

  it('copies weighted values only for categorical, non-personal columns, and says so per column', () => {
    const customers = profiled.profile.tables.find((t) => t.name === 'customers')!;
    const copied = Object.fromEntries(customers.columns.map((c) => [c.name, c.copied]));
    expect(copied).toMatchObject({ country: 'values', tier: 'values', email: 'shape' });
    expect(JSON.stringify(profiled)).not.toContain('@example.org');
    const country = column(profiled.dataset, 'customers', 'country')!.profile!;
    const weights = Object.fromEntries(country.values!.map((v, i) => [v, country.weights![i]]));
    expect(weights.DE).toBeGreaterThan(0.5);
    expect(weights.IT).toBeLessThan(0.2);
  });

  it('takes row counts from reltuples (times scale) and null shares from null_frac', async () => {
    expect(profiled.dataset.tables.find((t) => t.name === 'orders')?.rows).toBe(15000);
    expect(column(profiled.dataset, 'customers', 'age')?.nullRatio).toBeCloseTo(0.2, 1);
    const scaled = await introspect({ profile: 'stats', scale: 2 });
    expect(scaled.dataset.tables.find((t) => t.name === 'customers')?.rows).toBe(6000);
  });

  it('says which tables were never analysed instead of guessing', () => {
    expect(profiled.profile.tables.find((t) => t.name === 'audit_log')?.analyzed).toBe(false);
    expect(profiled.warnings.some((w) => w.startsWith('audit_log: no statistics'))).toBe(true);
  });

  it('copyValues "none" copies no literal at all', async () => {
    const none = await introspect({ profile: 'stats', copyValues: 'none' });
    for (const t of none.dataset.tables) for (const c of t.columns) expect(c.profile?.values ?? c.profile?.histogram, `${t.name}.${c.name}`).toBeUndefined();
    expect(none.profile.tables.flatMap((t) => t.columns).every((c) => c.copied !== 'values')).toBe(true);
  });

  it.each([
    [{ profile: 'pg_stats' }, 'profile'],
    [{ scale: 2 }, 'scale'],
    [{ profile: 'stats', scale: 0 }, 'scale'],
    [{ profile: 'stats', copyValues: 'all' }, 'copyValues'],
  ])('%j → 400 naming %s', async (body, field) => {
    const res = await request(app.getHttpServer()).post('/api/introspect').send({ schema: 'src', ...body });
    expect(res.status).toBe(400);
    expect(res.body.field).toBe(field);
  });

  describe('fidelity of a database generated from the profile', () => {
    beforeAll(async () => {
      await load(profiled.dataset, ['customers', 'orders']);
    });

    it('passes its thresholds: nulls, distinct counts, value weights, histograms, children per parent', async () => {
      const tables = ['customers', 'orders'].map((t) => ({ table: t, targetSchema: 'gen', targetTable: t }));
      const dataset = { ...profiled.dataset, tables: profiled.dataset.tables.filter((t) => t.name !== 'audit_log') };
      const report = await checkFidelity(pool, dataset, tables);
      expect(report.columns.filter((c) => !c.ok)).toEqual([]);
      expect(report.foreignKeys).toEqual([expect.objectContaining({ table: 'orders', column: 'customer_id', ok: true })]);
      expect(report.columns.find((c) => c.column === 'country')?.valueDistance).toBeLessThan(0.1);
      expect(report.columns.find((c) => c.column === 'created_at')?.histogramDistance).toBeLessThan(0.1);
      expect(report.ok).toBe(true);
    });

    it('rowflow fidelity: exit 0 with plan shapes compared; exit 1 when the profile does not match', async () => {
      const dataset = { ...profiled.dataset, tables: profiled.dataset.tables.filter((t) => t.name !== 'audit_log') };
      const good = join(work, 'good.json');
      await writeFile(good, JSON.stringify({ dataset }));
      const queries = join(work, 'q.sql');
      await writeFile(queries, `-- a lookup and a join\nSELECT * FROM orders WHERE customer_id = 42;\nSELECT c.country, count(*) FROM customers c JOIN orders o ON o.customer_id = c.id GROUP BY c.country;\n`);
      const ok = await cli(['fidelity', '--spec', good, '--database-url', server.url, '--schema', 'gen', '--queries', queries, '--source-url', server.url, '--source-schema', 'src', '--json']);
      expect(ok.code, ok.stderr + ok.stdout).toBe(0);
      const report = JSON.parse(ok.stdout) as { ok: boolean; plans: { same: boolean }[] };
      expect(report.plans).toHaveLength(2);
      expect(report.plans.every((p) => p.same)).toBe(true);
      // The same rows against a profile that says Italy dominates: the value weights are far off.
      const country = column(dataset, 'customers', 'country')!.profile!;
      country.weights = country.values!.map((v) => (v === 'IT' ? 0.9 : 0.1 / (country.values!.length - 1)));
      const bad = join(work, 'bad.json');
      await writeFile(bad, JSON.stringify(dataset));
      const off = await cli(['fidelity', '--spec', bad, '--database-url', server.url, '--schema', 'gen']);
      expect(off.code).toBe(1);
      expect(off.stdout).toMatch(/✗ customers\.country/);
    });
  });
});
