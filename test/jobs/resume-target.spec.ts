import type { DatasetSpec } from '@rowflow/contracts';
import { parseDatasetJob } from '@rowflow/jobs';
import { describe, expect, it } from 'vitest';
import { useJobDatabase } from '../support/job-database.js';

/**
 * Resume checks that every target of a job is still the table the job was prepared for — for a
 * dataset job each of its tables, not only the first.
 */
const db = useJobDatabase(4);

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

async function cancelledDatasetJob(prefix: string): Promise<string> {
  const id = await db.repo.create(parseDatasetJob({ dataset: CRM, seed: 3, targetPrefix: prefix }, { maxRows: 1_000_000 }));
  await db.repo.cancel(id);
  return id;
}

describe('resume of a dataset job', () => {
  it('refuses when a table other than the first was dropped and re-made since', async () => {
    const id = await cancelledDatasetJob('a_');
    await db.pool.query('DROP TABLE public.a_orders');
    await db.pool.query('CREATE TABLE public.a_orders (id integer, customer_id integer)');
    await expect(db.repo.resume(id)).rejects.toThrow(/"public"."a_orders" was dropped and re-created since the job started/);
    expect((await db.repo.get(id)).state).toBe('cancelled');
  });

  it('refuses when a table other than the first was dropped', async () => {
    const id = await cancelledDatasetJob('b_');
    await db.pool.query('DROP TABLE public.b_orders');
    await expect(db.repo.resume(id)).rejects.toThrow(/"public"."b_orders" no longer exists/);
  });

  it('resumes when every table is still its own', async () => {
    const id = await cancelledDatasetJob('c_');
    expect((await db.repo.resume(id)).state).toBe('queued');
  });
});
