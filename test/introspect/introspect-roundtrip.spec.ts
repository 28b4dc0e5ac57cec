import type { INestApplication } from '@nestjs/common';
import type { DatasetSpec } from '@rowflow/contracts';
import { datasetTableRows } from '@rowflow/generator';
import type pg from 'pg';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { count, createSchema, type IntrospectHarness, introspect, load, startIntrospectHarness } from './harness.js';
import { HR_DDL, SHOP_DDL } from './schemas.js';

const ROWS = 10_000;
let harness: IntrospectHarness;
let pool: pg.Pool;
let app: INestApplication;

beforeAll(async () => {
  harness = await startIntrospectHarness(inject('databaseUrl'));
  ({ pool, app } = harness);
});

afterAll(async () => {
  await harness?.close();
});

describe.each([
  ['shop', SHOP_DDL, ['customer_profiles', 'customers', 'order_items', 'orders', 'products']],
  ['hr', HR_DDL, ['assignments', 'departments', 'employees', 'projects']],
])('introspection round trip: %s', (name, ddl, tables) => {
  const src = `${name}_src`;
  const dst = `${name}_copy`;
  let spec: DatasetSpec;
  let warnings: string[];

  beforeAll(async () => {
    await createSchema(pool, src, ddl);
    await createSchema(pool, dst, ddl);
    ({ dataset: spec, warnings } = await introspect(app, { schema: src, rows: ROWS }));
  });

  it('introspects every table; warnings name the column and none says a constraint may fail', () => {
    expect(spec.tables.map((t) => t.name).sort()).toEqual(tables);
    for (const w of warnings) expect(w).toMatch(/^[a-z_]+(\.[a-z_]+| \S.*?)?: /);
    expect(warnings.filter((w) => /violate|not coordinated|reject|fail/.test(w))).toEqual([]);
  });

  it('generates 10k rows per table into a fresh copy of the schema with every constraint enforced', async () => {
    const seed = 20260101;
    await load(pool, spec, dst, seed);
    for (const t of spec.tables) expect(await count(pool, dst, t.name), t.name).toBe(datasetTableRows(spec, t.name, seed));
    for (const t of spec.tables) expect(await count(pool, dst, t.name)).toBeGreaterThanOrEqual(ROWS);
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
    [{ schema: [] }, 'schema', 400],
    [{ schema: ['shop_src', 7] }, 'schema[1]', 400],
    [{ schema: ['shop_src', 'shop_src'] }, 'schema[1]', 400],
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
