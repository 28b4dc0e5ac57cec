import { describe, expect, it } from 'vitest';
import { postJson, useLocalOrchestrator, waitForState } from '../support/index.js';

/**
 * `append` into populated tables continues keys by itself: the job reads the row count and the
 * largest counting key of each table, generates from past them, and says which offset it used.
 */
const t = useLocalOrchestrator();

const SHOP = {
  name: 'shop',
  tables: [
    { name: 'customers', rows: 40, columns: [{ name: 'id', type: 'serial', primaryKey: true }, { name: 'email', type: 'email', unique: true }, { name: 'ref', type: 'uuid', unique: true }] },
    {
      name: 'orders',
      rows: 120,
      columns: [
        { name: 'id', type: 'serial', primaryKey: true },
        { name: 'customer_id', type: 'foreignKey', references: { table: 'customers' } },
      ],
    },
  ],
};

async function run(body: Record<string, unknown>): Promise<any> {
  const res = await postJson(`${t.api.url}/api/jobs`, body);
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return waitForState(t.api.url, res.body.id, ['completed', 'failed']);
}

describe('append continues the keys of populated tables', () => {
  it('a second append of the same dataset and seed adds rows without a duplicate key', async () => {
    await t.pool.query(`
      CREATE TABLE customers (id bigint PRIMARY KEY, email text NOT NULL UNIQUE, ref uuid NOT NULL UNIQUE);
      CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers)`);
    const first = await run({ dataset: SHOP, mode: 'append', seed: 11 });
    expect(first.state, first.error).toBe('completed');
    expect(first.tables.map((t: any) => t.keyOffset)).toEqual([0, 0]);
    const second = await run({ dataset: SHOP, mode: 'append', seed: 11, skipLimit: 0 });
    expect(second.state, second.error).toBe('completed');
    expect(second.tables.map((t: any) => t.keyOffset)).toEqual([40, 120]);
    const counts = await t.pool.query(`SELECT (SELECT count(*)::int FROM customers) AS c, (SELECT count(*)::int FROM orders) AS o, (SELECT max(id)::int FROM orders) AS m`);
    expect(counts.rows[0]).toEqual({ c: 80, o: 240, m: 240 });
  });

  it('continues past the largest key of rows someone else wrote (max of a serial key, not the count)', async () => {
    await t.pool.query(`CREATE TABLE notes (id bigint PRIMARY KEY, body text); INSERT INTO notes VALUES (7, 'a'), (500, 'b')`);
    const spec = { name: 'notes', columns: [{ name: 'id', type: 'serial', primaryKey: true }, { name: 'body', type: 'text' }] };
    const job = await run({ schema: spec, rows: 30, mode: 'append', seed: 5, skipLimit: 0 });
    expect(job.state, job.error).toBe('completed');
    expect(job.tables[0].keyOffset).toBe(500);
    const ids = await t.pool.query(`SELECT min(id)::int AS lo, max(id)::int AS hi, count(*)::int AS n FROM notes WHERE id > 500`);
    expect(ids.rows[0]).toEqual({ lo: 501, hi: 530, n: 30 });
  });

  it('continues a catalog table too (pgbench_accounts: aid is an int sequence)', async () => {
    await t.pool.query(`CREATE TABLE acc (aid integer PRIMARY KEY, bid integer, abalance integer, filler char(84)); INSERT INTO acc SELECT g, 0, 0, '' FROM generate_series(500, 509) g`);
    const job = await run({ table: 'pgbench_accounts', rows: 1000, seed: 1, targetTable: 'acc', mode: 'append', skipLimit: 0 });
    expect(job.state, job.error).toBe('completed');
    expect(job.tables[0].keyOffset).toBe(509);
    expect((await t.pool.query('SELECT count(*)::int AS n, max(aid)::int AS m FROM acc')).rows[0]).toEqual({ n: 1010, m: 1509 });
  });

  it('keeps a keyOffset the spec gives', async () => {
    await t.pool.query(`CREATE TABLE given (id bigint PRIMARY KEY); INSERT INTO given VALUES (1)`);
    const spec = { name: 'given', keyOffset: 1000, columns: [{ name: 'id', type: 'serial', primaryKey: true }] };
    const job = await run({ schema: spec, rows: 5, mode: 'append', seed: 5 });
    expect(job.tables[0].keyOffset).toBe(1000);
    expect((await t.pool.query('SELECT min(id)::int AS lo FROM given WHERE id > 1')).rows[0].lo).toBe(1001);
  });
});
