import type { DatasetSpec } from '@rowflow/contracts';
import { JobRepository, migrate, parseDatasetJob } from '@rowflow/jobs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freshDatabase } from '../setup/helpers.js';

/**
 * Resume checks that every target of a job is still the table the job was prepared for — for a
 * dataset job each of its tables, not only the first.
 */
let db: { url: string; drop: () => Promise<void> };
let pool: pg.Pool;
let repo: JobRepository;

const CRM: DatasetSpec = {
  name: 'crm',
  tables: [
    { name: 'customers', rows: 50, columns: [{ name: 'id', type: 'serial', primaryKey: true }, { name: 'name', type: 'fullName' }] },
    {
      name: 'orders',
      rows: 80,
      columns: [
        { name: 'id', type: 'serial', primaryKey: true },
        { name: 'customer_id', type: 'foreignKey', references: { table: 'customers', column: 'id' } },
      ],
    },
  ],
};

beforeAll(async () => {
  db = await freshDatabase(inject('databaseUrl'));
  pool = new pg.Pool({ connectionString: db.url, max: 4 });
  await migrate(pool);
  repo = new JobRepository(pool);
});

afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

async function cancelledDatasetJob(prefix: string): Promise<string> {
  const id = await repo.create(parseDatasetJob({ dataset: CRM, seed: 3, targetPrefix: prefix }, { maxRows: 1_000_000 }));
  await repo.cancel(id);
  return id;
}

describe('resume of a dataset job', () => {
  it('refuses when a table other than the first was dropped and re-made since', async () => {
    const id = await cancelledDatasetJob('a_');
    await pool.query('DROP TABLE public.a_orders');
    await pool.query('CREATE TABLE public.a_orders (id integer, customer_id integer)');
    await expect(repo.resume(id)).rejects.toThrow(/"public"."a_orders" was dropped and re-created since the job started/);
    expect((await repo.get(id)).state).toBe('cancelled');
  });

  it('refuses when a table other than the first was dropped', async () => {
    const id = await cancelledDatasetJob('b_');
    await pool.query('DROP TABLE public.b_orders');
    await expect(repo.resume(id)).rejects.toThrow(/"public"."b_orders" no longer exists/);
  });

  it('resumes when every table is still its own', async () => {
    const id = await cancelledDatasetJob('c_');
    expect((await repo.resume(id)).state).toBe('queued');
  });
});
