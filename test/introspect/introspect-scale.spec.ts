import type { INestApplication } from '@nestjs/common';
import type { DatasetSpec } from '@rowflow/contracts';
import { datasetTableRows } from '@rowflow/generator';
import { validateDatasetSpec } from '@rowflow/schema';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { count, createSchema, type IntrospectHarness, introspect, load, startIntrospectHarness } from './harness.js';

/** Tables of the synthetic schema (INTROSPECT_SCALE_TABLES measures larger ones by hand). */
const TABLES = Number(process.env.INTROSPECT_SCALE_TABLES ?? 1000);
const ROWS = 5;
let harness: IntrospectHarness;
let pool: pg.Pool;
let app: INestApplication;
let spec: DatasetSpec;
let warnings: string[];

/** Tables created per statement batch: one transaction holding thousands of new tables runs out of lock slots. */
const BATCH = 250;

/** Table i references table ⌊i/2⌋ (a binary tree of foreign keys) and, every third one, table i-1 by a unique code. */
function syntheticTable(i: number): string {
  const parent = i > 0 ? `, parent_id bigint NOT NULL REFERENCES wide.t${Math.floor(i / 2)} (id)` : '';
  const sibling = i > 0 && i % 3 === 0 ? `, sibling_code varchar(20) REFERENCES wide.t${i - 1} (code)` : '';
  return `CREATE TABLE wide.t${i} (id bigserial PRIMARY KEY, code varchar(20) NOT NULL, name text NOT NULL, amount numeric(10, 2) CHECK (amount >= 0), created_at timestamptz NOT NULL DEFAULT now()${parent}${sibling});
CREATE UNIQUE INDEX t${i}_code ON wide.t${i} (code);`;
}

beforeAll(async () => {
  harness = await startIntrospectHarness(inject('databaseUrl'));
  ({ pool, app } = harness);
  await createSchema(pool, 'wide', '');
  for (let from = 0; from < TABLES; from += BATCH) {
    await pool.query(Array.from({ length: Math.min(BATCH, TABLES - from) }, (_, k) => syntheticTable(from + k)).join('\n'));
  }
  const started = performance.now();
  ({ dataset: spec, warnings } = await introspect(app, { schema: 'wide', rows: ROWS }));
  if (process.env.INTROSPECT_TIMING) {
    const introspected = performance.now() - started;
    const validating = performance.now();
    validateDatasetSpec(spec);
    const bytes = JSON.stringify(spec).length;
    console.log(`introspected ${TABLES} tables over HTTP in ${Math.round(introspected)} ms; the spec (${bytes} bytes) validates in ${Math.round(performance.now() - validating)} ms`);
  }
}, Math.max(120_000, TABLES * 120));

afterAll(async () => {
  await harness?.close();
}, Math.max(120_000, TABLES * 120));

describe(`a ${TABLES}-table schema`, () => {
  it('introspects every table with its foreign keys and unique indexes, no warning', () => {
    expect(spec.tables).toHaveLength(TABLES);
    expect(warnings.filter((w) => !/unique text generated as unique numbers/.test(w))).toEqual([]);
    const t6 = spec.tables.find((t) => t.name === 't6');
    expect(t6?.columns.find((c) => c.name === 'parent_id')).toMatchObject({ type: 'foreignKey', references: { table: 't3', column: 'id' } });
    expect(t6?.columns.find((c) => c.name === 'sibling_code')).toMatchObject({ type: 'foreignKey', references: { table: 't5', column: 'code' } });
  });

  it('a corner of it (a chain of parents and a sibling reference) loads into its own tables with every constraint live', async () => {
    const corner: DatasetSpec = { ...spec, tables: spec.tables.filter((t) => ['t0', 't1', 't2', 't3'].includes(t.name)) };
    await load(pool, corner, 'wide', 1);
    for (const t of corner.tables) expect(await count(pool, 'wide', t.name)).toBe(datasetTableRows(spec, t.name, 1));
  });
});
