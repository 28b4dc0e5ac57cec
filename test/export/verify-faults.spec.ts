import type { TableSpec } from '@rowflow/contracts';
import { verifyJob } from '@rowflow/export';
import { migrate } from '@rowflow/jobs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { collectingUncaught, freshDatabase, terminateWhilePending } from '../support/index.js';

/**
 * Verify against a Postgres whose backend dies mid-COPY: the verify fails with an error, and the
 * connection's late "terminated" error is not left without a listener (that is an uncaught
 * exception, which takes down the whole server process).
 */
let db: { url: string; drop: () => Promise<void> };
let pool: pg.Pool;

const SPEC: TableSpec = {
  name: 'things',
  columns: [
    { name: 'id', type: 'serial', primaryKey: true },
    { name: 'label', type: 'fullName' },
    { name: 'note', type: 'text' },
  ],
} as TableSpec;

beforeAll(async () => {
  db = await freshDatabase(inject('databaseUrl'));
  pool = new pg.Pool({ connectionString: db.url, max: 4 });
  pool.on('error', () => undefined);
  // Verify reads the job's dead letters from Rowflow's own tables.
  await migrate(pool);
  await pool.query('CREATE TABLE public.things (id integer PRIMARY KEY, label text, note text)');
});

afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

describe('verifyJob when its backend is terminated', () => {
  it('rejects, and no client error goes unhandled', async () => {
    await collectingUncaught(async (uncaught) => {
      const admin = new pg.Client(db.url);
      await admin.connect();
      try {
        const rows = 2_000_000;
        const verify = verifyJob(pool, 'public', {
          jobId: '00000000-0000-0000-0000-000000000000', mode: 'create', seed: 1, rowsTotal: rows, dataset: null,
          tables: [{ index: 0, table: 'things', targetTable: 'things', schema: SPEC, rowsTotal: rows, partitions: [{ fromRow: 0, toRow: rows }] }],
        });
        // Wait until a range's COPY into the temp table is running, then kill that backend.
        await terminateWhilePending(admin, verify, `query LIKE 'COPY rowflow_verify%'`, 'verify (its COPY)');
        await expect(verify).rejects.toThrow();
        // A round trip on the pool lets the terminated socket's 'end' be processed.
        await pool.query('SELECT 1');
        await new Promise((r) => setImmediate(r));
        expect(uncaught).toEqual([]);
      } finally {
        await admin.end();
      }
    });
  });
});
