import { describe, expect, it } from 'vitest';
import { CUSTOMERS, kill9, loadSpecReference, orphans, postJson, tableMd5, useWorkerStack, waitForState } from '../support/index.js';

/**
 * Dataset jobs end to end: an API-only orchestrator takes the requests, spawned worker
 * processes (real apps, killable) do the work, against a real generator and Postgres.
 */
const stack = useWorkerStack({ env: { MAX_ROWS: '1000000' }, poolMax: 6, workerEnv: { WORKER_CONCURRENCY: '3', MAX_ROWS: '1000000' } });

/** Listed child-first on purpose: order in the spec must not matter. */
const SHOP = {
  name: 'shop',
  tables: [
    {
      name: 'orders',
      rows: 9000,
      columns: [
        { name: 'id', type: 'serial', primaryKey: true },
        { name: 'customer_id', type: 'foreignKey', references: { table: 'customers', column: 'id' } },
        { name: 'product_id', type: 'foreignKey', references: { table: 'products' }, distribution: 'zipf' },
        { name: 'qty', type: 'int', min: 1, max: 5 },
      ],
    },
    CUSTOMERS,
    {
      name: 'products',
      rows: 400,
      columns: [
        { name: 'id', type: 'serial', primaryKey: true },
        { name: 'sku', type: 'uuid', unique: true },
        { name: 'price', type: 'decimal', precision: 8, scale: 2, min: 1, max: 500 },
      ],
    },
  ],
};
const ROWS: Record<string, number> = { orders: 9000, customers: 3000, products: 400 };

async function relationCount(): Promise<number> {
  return (await stack.pool.query(`SELECT count(*)::int AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'`)).rows[0].n;
}

async function jobCount(): Promise<number> {
  return (await stack.pool.query(`SELECT count(*)::int AS n FROM rowflow.jobs`)).rows[0].n;
}

/** Every table of the job equals the generator's output for the spec stored with the job. */
async function expectExact(jobId: string, prefix: string): Promise<void> {
  const stored = await stack.pool.query(`SELECT name, target_table, rows_total FROM rowflow.job_tables WHERE job_id = $1 ORDER BY index`, [jobId]);
  const { seed, dataset } = (await stack.pool.query(`SELECT seed, dataset FROM rowflow.jobs WHERE id = $1`, [jobId])).rows[0];
  expect(stored.rows.map((r) => r.target_table)).toEqual(['orders', 'customers', 'products'].map((n) => prefix + n));
  for (const t of stored.rows) {
    const ref = await loadSpecReference(stack.pool, stack.gen.url, t.target_table, { dataset, table: t.name }, Number(t.rows_total), Number(seed));
    const got = await tableMd5(stack.pool, t.target_table, 'id');
    expect(got.n).toBe(ROWS[t.name]);
    expect(got).toEqual(await tableMd5(stack.pool, ref, 'id'));
  }
  expect(await orphans(stack.pool, `${prefix}orders`, 'customer_id', `${prefix}customers`, 'id')).toBe(0);
  expect(await orphans(stack.pool, `${prefix}orders`, 'product_id', `${prefix}products`, 'id')).toBe(0);
}

/**
 * Any dataset job: every table equals the generator's `{dataset, table}` output for the stored
 * dataset and seed (ordered by its primary key), and every foreign key of the job has 0 orphans
 * and is a validated REFERENCES constraint.
 */
async function expectIntact(jobId: string): Promise<void> {
  const { seed, dataset } = (await stack.pool.query(`SELECT seed, dataset FROM rowflow.jobs WHERE id = $1`, [jobId])).rows[0];
  const tables = (await stack.pool.query(`SELECT index, name, target_table, schema, rows_total FROM rowflow.job_tables WHERE job_id = $1 ORDER BY index`, [jobId])).rows;
  for (const t of tables) {
    const pk = t.schema.columns.find((c: any) => c.primaryKey).name;
    const ref = await loadSpecReference(stack.pool, stack.gen.url, t.target_table, { dataset, table: t.name }, Number(t.rows_total), Number(seed));
    const got = await tableMd5(stack.pool, t.target_table, `"${pk}"`);
    expect(got.n).toBe(Number(t.rows_total));
    expect(got).toEqual(await tableMd5(stack.pool, ref, `"${pk}"`));
  }
  const fks = (await stack.pool.query(`SELECT name, table_index, columns, ref_table_index, ref_columns, state FROM rowflow.job_constraints WHERE job_id = $1 AND kind = 'foreignKey'`, [jobId])).rows;
  expect(fks.length).toBeGreaterThan(0);
  for (const k of fks) {
    const [child, parent] = [tables[k.table_index].target_table, tables[k.ref_table_index].target_table];
    expect(k.state).toBe('done');
    expect(await orphans(stack.pool, child, k.columns[0], parent, k.ref_columns[0])).toBe(0);
    expect((await foreignKeys(child)).find((f) => f.conname === k.name)).toEqual({ conname: k.name, parent, convalidated: true });
  }
}

async function foreignKeys(table: string): Promise<Array<{ conname: string; parent: string; convalidated: boolean }>> {
  const res = await stack.pool.query(
    `SELECT conname, confrelid::regclass::text AS parent, convalidated FROM pg_constraint WHERE conrelid = to_regclass($1) AND contype = 'f' ORDER BY conname`,
    [`public."${table}"`],
  );
  return res.rows;
}

describe('dataset jobs', () => {
  it('create: every table exact, REFERENCES present and validated, 0 orphans, status per table', async () => {
    const res = await postJson(`${stack.orch.url}/api/jobs`, { dataset: SHOP, seed: 21, partitions: 2, chunkSize: 1000, targetPrefix: 'shop_' });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ dataset: 'shop', rowsTotal: 12_400, phase: 'loading' });
    expect(res.body.tables.map((t: any) => [t.name, t.targetTable, t.rowsTotal])).toEqual([
      ['orders', 'shop_orders', 9000],
      ['customers', 'shop_customers', 3000],
      ['products', 'shop_products', 400],
    ]);
    expect(res.body.partitions.map((p: any) => p.table)).toEqual([0, 0, 1, 1, 2, 2]);
    await stack.startWorker();
    const done = await waitForState(stack.orch.url, res.body.id, ['completed', 'failed'], 120_000);
    expect(done).toMatchObject({ state: 'completed', phase: 'done', rowsWritten: 12_400, rowsSkipped: 0, error: null });
    expect(done.tables.map((t: any) => [t.name, t.rowsWritten, t.state, t.phase])).toEqual([
      ['orders', 9000, 'completed', 'done'],
      ['customers', 3000, 'completed', 'done'],
      ['products', 400, 'completed', 'done'],
    ]);
    await expectExact(res.body.id, 'shop_');
    expect(await foreignKeys('shop_orders')).toEqual([
      { conname: 'shop_orders_customer_id_fkey', parent: 'shop_customers', convalidated: true },
      { conname: 'shop_orders_product_id_fkey', parent: 'shop_products', convalidated: true },
    ]);
    const keys = await stack.pool.query(`SELECT conname FROM pg_constraint WHERE contype IN ('p', 'u') AND conrelid::regclass::text LIKE 'shop_%' ORDER BY conname`);
    expect(keys.rows.map((r) => r.conname)).toEqual(['shop_customers_email_key', 'shop_customers_pkey', 'shop_orders_pkey', 'shop_products_pkey', 'shop_products_sku_key']);
    const types = await stack.pool.query(`SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_name = 'shop_orders' ORDER BY ordinal_position`);
    expect(types.rows.slice(0, 3)).toEqual([
      { column_name: 'id', data_type: 'bigint', is_nullable: 'NO' },
      { column_name: 'customer_id', data_type: 'bigint', is_nullable: 'NO' },
      { column_name: 'product_id', data_type: 'bigint', is_nullable: 'NO' },
    ]);
  });

  it('killed mid-load, a restarted worker completes it with identical tables', async () => {
    const res = await postJson(`${stack.orch.url}/api/jobs`, { dataset: SHOP, seed: 22, partitions: 2, chunkSize: 500, targetPrefix: 'k_' });
    const first = await stack.startWorker();
    const deadline = Date.now() + 60_000;
    for (;;) {
      const j = await (await fetch(`${stack.orch.url}/api/jobs/${res.body.id}`)).json();
      if (j.rowsWritten > 0 || j.state !== 'queued') break;
      if (Date.now() > deadline) throw new Error('no progress');
      await new Promise((r) => setTimeout(r, 20));
    }
    await kill9(first);
    await stack.startWorker();
    const done = await waitForState(stack.orch.url, res.body.id, ['completed', 'failed'], 120_000);
    expect(done).toMatchObject({ state: 'completed', phase: 'done', rowsWritten: 12_400, rowsSkipped: 0 });
    await expectExact(res.body.id, 'k_');
    expect((await foreignKeys('k_orders')).map((f) => f.convalidated)).toEqual([true, true]);
  });

  it('append into tables that already have their keys and REFERENCES: parents load first, nothing rejected', async () => {
    await stack.pool.query(`CREATE TABLE app_customers (id bigint PRIMARY KEY, email text UNIQUE, name text)`);
    await stack.pool.query(`CREATE TABLE app_products (id bigint PRIMARY KEY, sku uuid UNIQUE, price numeric(8,2))`);
    await stack.pool.query(`CREATE TABLE app_orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES app_customers, product_id bigint REFERENCES app_products, qty integer)`);
    const res = await postJson(`${stack.orch.url}/api/jobs`, { dataset: SHOP, seed: 23, partitions: 2, mode: 'append', targetPrefix: 'app_', skipLimit: 0 });
    expect(res.status).toBe(202);
    await stack.startWorker();
    const done = await waitForState(stack.orch.url, res.body.id, ['completed', 'failed'], 120_000);
    expect(done).toMatchObject({ state: 'completed', rowsWritten: 12_400, rowsSkipped: 0, error: null });
    expect((await stack.pool.query(`SELECT count(*)::int AS n FROM rowflow.job_constraints WHERE job_id = $1`, [res.body.id])).rows[0].n).toBe(0);
    await expectExact(res.body.id, 'app_');
  });

  it('the catalog datasets by name (per-parent sizes, uuid/text/self-referencing keys), one HTTP and one in-process worker sharing the work', async () => {
    const shop = await postJson(`${stack.orch.url}/api/jobs`, { dataset: 'shop', seed: 31, partitions: 2, targetPrefix: 'cat_' });
    const org = await postJson(`${stack.orch.url}/api/jobs`, { dataset: 'org', seed: 32, partitions: 2, targetPrefix: 'cat_' });
    expect([shop.status, org.status]).toEqual([202, 202]);
    expect(shop.body.tables.map((t: any) => t.name)).toEqual(['users', 'products', 'orders', 'order_items']);
    const counts = await postJson(`${stack.gen.url}/api/generator/datasets/rows`, { dataset: 'shop', seed: 31 });
    expect(shop.body.tables.map((t: any) => t.rowsTotal)).toEqual(counts.body.tables.map((t: any) => t.rows));
    await stack.startWorker();
    await stack.startWorker({ JOB_ROW_SOURCE: 'local' });
    for (const job of [shop, org]) {
      const done = await waitForState(stack.orch.url, job.body.id, ['completed', 'failed'], 120_000);
      expect(done).toMatchObject({ state: 'completed', phase: 'done', rowsSkipped: 0, error: null });
      expect(done.tables.every((t: any) => t.state === 'completed' && t.phase === 'done' && t.rowsWritten === t.rowsTotal)).toBe(true);
      await expectIntact(job.body.id);
    }
    const types = await stack.pool.query(`SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_name = 'cat_employees' AND column_name IN ('department_id', 'manager_id') ORDER BY column_name`);
    expect(types.rows).toEqual([
      { column_name: 'department_id', data_type: 'uuid', is_nullable: 'NO' },
      { column_name: 'manager_id', data_type: 'bigint', is_nullable: 'YES' },
    ]);
  });

  it('replace twice: a dataset Rowflow created is dropped child-first and loaded again, identical', async () => {
    // Parents listed first: dropping them in that order would fail on the children's foreign keys.
    const parentsFirst = { ...SHOP, tables: [SHOP.tables[1], SHOP.tables[2], SHOP.tables[0]] };
    const body = { dataset: parentsFirst, seed: 24, mode: 'replace', targetPrefix: 'rep_' };
    const first = await postJson(`${stack.orch.url}/api/jobs`, body);
    expect(first.status).toBe(202);
    await stack.startWorker();
    expect(await waitForState(stack.orch.url, first.body.id, ['completed', 'failed'], 120_000)).toMatchObject({ state: 'completed' });
    const before = await tableMd5(stack.pool, 'rep_orders', 'id');
    const second = await postJson(`${stack.orch.url}/api/jobs`, body); // rep_orders references rep_customers now
    expect(second.status).toBe(202);
    expect(await waitForState(stack.orch.url, second.body.id, ['completed', 'failed'], 120_000)).toMatchObject({ state: 'completed', phase: 'done' });
    expect(await tableMd5(stack.pool, 'rep_orders', 'id')).toEqual(before);
    expect((await foreignKeys('rep_orders')).map((f) => f.convalidated)).toEqual([true, true]);
  });

  it('a dataset table name the write scope refuses → 400 naming that table (or the prefix)', async () => {
    const [rel, jobs] = [await relationCount(), await jobCount()];
    const named = await postJson(`${stack.orch.url}/api/jobs`, { dataset: { name: 'x', tables: [{ ...SHOP.tables[1], name: 'pg_users' }] } });
    expect(named.body).toMatchObject({ statusCode: 400, field: 'dataset.tables[0].name' });
    const prefixed = await postJson(`${stack.orch.url}/api/jobs`, { dataset: SHOP, targetPrefix: 'pg_' });
    expect(prefixed.body).toMatchObject({ statusCode: 400, field: 'targetPrefix' });
    expect([await relationCount(), await jobCount()]).toEqual([rel, jobs]);
  });

  const bad: Array<[string, Record<string, unknown>, string]> = [
    ['FK to a table outside the dataset', { dataset: { name: 'x', tables: [{ name: 'a', rows: 10, columns: [{ name: 'p', type: 'foreignKey', references: { table: 'nope' } }] }] } }, 'dataset.tables[0].columns[0].references.table'],
    ['FK to a non-key column', { dataset: { name: 'x', tables: [{ name: 'a', rows: 10, columns: [{ name: 'id', type: 'serial', primaryKey: true }, { name: 'v', type: 'int' }, { name: 'p', type: 'foreignKey', references: { table: 'a', column: 'v' } }] }] } }, 'dataset.tables[0].columns[2].references.column'],
    ['rows is per table in a dataset', { dataset: SHOP, rows: 10 }, 'rows'],
    ['unknown key, with a hint', { dataset: SHOP, sed: 1 }, 'sed'],
    ['unknown catalog dataset', { dataset: 'no-such-dataset' }, 'dataset'],
    ['a table without rows', { dataset: { name: 'x', tables: [{ name: 'a', columns: [{ name: 'id', type: 'serial' }] }] } }, 'dataset.tables[0].rows'],
    ['duplicate table names', { dataset: { name: 'x', tables: [SHOP.tables[1], SHOP.tables[1]] } }, 'dataset.tables[1].name'],
    ['a bad column type', { dataset: { name: 'x', tables: [{ name: 'a', rows: 5, columns: [{ name: 'c', type: 'nonsense' }] }] } }, 'dataset.tables[0].columns[0].type'],
    ['a prefix making names too long', { dataset: SHOP, targetPrefix: 'p'.repeat(60) }, 'targetPrefix'],
    ['empty tables', { dataset: { name: 'x', tables: [] } }, 'dataset.tables'],
    [
      'a reference cycle in append mode',
      {
        mode: 'append',
        dataset: {
          name: 'x',
          tables: [
            { name: 'a', rows: 5, columns: [{ name: 'id', type: 'serial', primaryKey: true }, { name: 'b_id', type: 'foreignKey', references: { table: 'b' } }] },
            { name: 'b', rows: 5, columns: [{ name: 'id', type: 'serial', primaryKey: true }, { name: 'a_id', type: 'foreignKey', references: { table: 'a' } }] },
          ],
        },
      },
      'mode',
    ],
  ];

  it.each(bad)('%s → 400 naming the field, nothing written', async (_what, body, field) => {
    const [rel, jobs] = [await relationCount(), await jobCount()];
    const res = await postJson(`${stack.orch.url}/api/jobs`, body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request', field });
    expect([await relationCount(), await jobCount()]).toEqual([rel, jobs]);
  });

  it('one existing target among the tables → 409, and none of the others is created', async () => {
    await stack.pool.query(`CREATE TABLE dup_products (id bigint)`);
    const [rel, jobs] = [await relationCount(), await jobCount()];
    const res = await postJson(`${stack.orch.url}/api/jobs`, { dataset: SHOP, targetPrefix: 'dup_' });
    expect(res.status).toBe(409);
    expect(res.body.message).toContain('dup_products');
    expect([await relationCount(), await jobCount()]).toEqual([rel, jobs]);
  });
});
