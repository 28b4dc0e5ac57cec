import type { TableSpec } from '@rowflow/contracts';
import { verifyJob } from '@rowflow/export';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freshDatabase } from '../setup/helpers.js';

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
  await pool.query('CREATE TABLE public.things (id integer PRIMARY KEY, label text, note text)');
});

afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

describe('verifyJob when its backend is terminated', () => {
  it('rejects, and no client error goes unhandled', async () => {
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown) => uncaught.push(err);
    process.prependListener('uncaughtException', onUncaught);
    const admin = new pg.Client(db.url);
    await admin.connect();
    try {
      const rows = 2_000_000;
      const verify = verifyJob(pool, 'public', {
        jobId: '00000000-0000-0000-0000-000000000000', mode: 'create', seed: 1, rowsTotal: rows, dataset: null,
        tables: [{ index: 0, table: 'things', targetTable: 'things', schema: SPEC, rowsTotal: rows, partitions: [{ fromRow: 0, toRow: rows }] }],
      });
      let settled: unknown = 'pending';
      verify.then((v) => (settled = v), (e: unknown) => (settled = e));
      // Wait until a range's COPY into the temp table is running, then kill that backend.
      for (let killed = 0; killed === 0; ) {
        if (settled !== 'pending') throw new Error(`verify ended before its COPY was seen: ${String(settled)}`);
        const res = await admin.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE 'COPY rowflow_verify%'`,
        );
        killed = res.rowCount ?? 0;
      }
      await expect(verify).rejects.toThrow();
      // A round trip on the pool lets the terminated socket's 'end' be processed.
      await pool.query('SELECT 1');
      await new Promise((r) => setImmediate(r));
      expect(uncaught).toEqual([]);
    } finally {
      process.off('uncaughtException', onUncaught);
      await admin.end();
    }
  });
});
