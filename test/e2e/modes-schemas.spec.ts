import { describe, expect, it } from 'vitest';
import { loadOrchestratorConfig } from '../../apps/orchestrator/src/config/orchestrator-config.js';
import { postJson, useLocalOrchestrator, waitForState } from '../support/index.js';

/**
 * TARGET_SCHEMA may list several schemas: a dataset's tables carry their `schema`, foreign keys
 * cross schemas, and the list is exactly the write scope (anything else is a 400 naming the field).
 */
const t = useLocalOrchestrator({
  env: { TARGET_SCHEMA: 'public,sales,person' },
  prepare: async (pool) => {
    await pool.query('CREATE SCHEMA sales; CREATE SCHEMA person; CREATE SCHEMA secret');
  },
});

function app(prefix = '', orderSchema = 'sales'): unknown {
  return {
    name: 'app',
    tables: [
      { name: `${prefix}people`, schema: 'person', rows: 25, columns: [{ name: 'id', type: 'uuid', primaryKey: true }, { name: 'name', type: 'fullName' }] },
      {
        name: `${prefix}orders`,
        schema: orderSchema,
        rows: 80,
        columns: [
          { name: 'id', type: 'serial', primaryKey: true },
          { name: 'buyer_id', type: 'foreignKey', references: { table: `${prefix}people`, schema: 'person' } },
        ],
      },
      { name: `${prefix}notes`, rows: 5, columns: [{ name: 'id', type: 'serial', primaryKey: true }] },
    ],
  };
}

async function relations(): Promise<string[]> {
  const res = await t.pool.query(`SELECT n.nspname || '.' || c.relname AS r FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND n.nspname IN ('public', 'sales', 'person', 'secret') ORDER BY 1`);
  return res.rows.map((r) => r.r);
}

describe('several target schemas', () => {
  it('create: each table in its schema, the cross-schema foreign key built', async () => {
    const res = await postJson(`${t.api.url}/api/jobs`, { dataset: app('c_'), seed: 2 });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const job = await waitForState(t.api.url, res.body.id, ['completed', 'failed']);
    expect(job.state, job.error).toBe('completed');
    expect(job.tables.map((t: any) => `${t.targetSchema}.${t.targetTable}`)).toEqual(['person.c_people', 'sales.c_orders', 'public.c_notes']);
    const fk = await t.pool.query(`SELECT confrelid::regclass::text AS parent FROM pg_constraint WHERE conrelid = 'sales.c_orders'::regclass AND contype = 'f'`);
    expect(fk.rows).toEqual([{ parent: 'person.c_people' }]);
    expect((await t.pool.query('SELECT count(*)::int AS n FROM sales.c_orders o JOIN person.c_people p ON p.id = o.buyer_id')).rows[0].n).toBe(80);
  });

  it('append: loads into existing DDL whose foreign key crosses schemas', async () => {
    await t.pool.query(`
      CREATE TABLE person.a_people (id uuid PRIMARY KEY, name text);
      CREATE TABLE sales.a_orders (id bigint PRIMARY KEY, buyer_id uuid NOT NULL REFERENCES person.a_people);
      CREATE TABLE public.a_notes (id bigint PRIMARY KEY)`);
    const res = await postJson(`${t.api.url}/api/jobs`, { dataset: app('a_'), seed: 2, mode: 'append', skipLimit: 0 });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const job = await waitForState(t.api.url, res.body.id, ['completed', 'failed']);
    expect(job.state, job.error).toBe('completed');
    expect((await t.pool.query('SELECT count(*)::int AS n FROM sales.a_orders')).rows[0].n).toBe(80);
  });

  it('a schema outside the list is a 400 naming the table\'s schema field, and nothing is written', async () => {
    const before = await relations();
    const jobs = (await t.pool.query('SELECT count(*)::int AS n FROM rowflow.jobs')).rows[0].n;
    const res = await postJson(`${t.api.url}/api/jobs`, { dataset: app('s_', 'secret'), seed: 2 });
    expect(res.status).toBe(400);
    expect(res.body.field).toBe('dataset.tables[1].schema');
    expect(res.body.message).toMatch(/"secret" is not a target schema; jobs write only into "public", "sales", "person"/);
    expect(await relations()).toEqual(before);
    expect((await t.pool.query('SELECT count(*)::int AS n FROM rowflow.jobs')).rows[0].n).toBe(jobs);
  });

  it('refuses a bad list at boot, naming every bad entry', () => {
    expect(() => loadOrchestratorConfig({ DATABASE_URL: 'postgres://x@localhost/db', TARGET_SCHEMA: 'public,rowflow,,public' })).toThrow(/TARGET_SCHEMA "rowflow" holds Rowflow's own job tables; "" is empty; lists "public" twice/);
    expect(loadOrchestratorConfig({ DATABASE_URL: 'postgres://x@localhost/db', TARGET_SCHEMA: 'public, sales' })).toMatchObject({ TARGET_SCHEMA: 'public', TARGET_SCHEMAS: ['public', 'sales'] });
  });
});
