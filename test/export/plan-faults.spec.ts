import { parseExportRequest, planExport } from '@rowflow/export';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { collectingUncaught, terminateWhilePending, useDatabase } from '../support/index.js';

/**
 * Planning an export against a Postgres whose backend dies while it reads the CSV header: the
 * request fails with an error, the dead connection is discarded (returned to the pool, it fails
 * whatever query gets it next), and its late error is heard (unheard, it is an uncaught
 * exception that takes the server down).
 */
const db = useDatabase(4, async (pool) => {
  await pool.query('CREATE TABLE t AS SELECT g AS id FROM generate_series(1, 10) g');
  // Declared IMMUTABLE, so the planner folds it while planning a statement that reads the view's
  // `held` column — which, of the planning queries, only the header's COPY does. It waits on an
  // advisory lock the test holds: the header read is then in flight, and can be terminated.
  await pool.query(`CREATE FUNCTION held() RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT 1 FROM pg_advisory_lock(4242)'`);
  await pool.query('CREATE VIEW v AS SELECT id, held() AS held FROM t');
});

describe('planExport when its backend is terminated', () => {
  it('rejects, and no client error goes unhandled', async () => {
    await collectingUncaught(async (uncaught) => {
      const admin = new pg.Client(db.db.url);
      await admin.connect();
      try {
        await admin.query('SELECT pg_advisory_lock(4242)');
        const planning = planExport(db.pool, 'public', parseExportRequest({ table: 'v', orderBy: 'id' }));
        await terminateWhilePending(admin, planning, `wait_event = 'advisory' AND query LIKE 'COPY (%'`, 'planning (its header read)');
        await expect(planning).rejects.toThrow();
        // The dead connection must not go back into the pool: the next query would get it.
        await expect(db.pool.query('SELECT 1 AS ok')).resolves.toMatchObject({ rows: [{ ok: 1 }] });
        await new Promise((r) => setImmediate(r));
        expect(uncaught).toEqual([]);
      } finally {
        await admin.end();
      }
    });
  });
});
