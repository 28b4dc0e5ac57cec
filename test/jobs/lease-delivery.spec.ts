import { DELIVERY_EXPIRE_SECONDS, PgBossQueue } from '@rowflow/jobs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freshDatabase } from '../setup/helpers.js';

/**
 * A partition's pg-boss delivery whose worker was killed is never completed; pg-boss fails it
 * once it expires. It expired after 12 h, so dead deliveries showed `active` for half a day.
 */
let db: { url: string; drop: () => Promise<void> };
let pool: pg.Pool;
let queue: PgBossQueue;
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };

beforeAll(async () => {
  db = await freshDatabase(inject('databaseUrl'));
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
  queue = new PgBossQueue(db.url, quiet);
  await queue.start();
});

afterAll(async () => {
  await queue?.stop();
  await pool?.end();
  await db?.drop();
});

describe('partition deliveries', () => {
  it('expire within minutes, queue and each delivery alike', async () => {
    expect(DELIVERY_EXPIRE_SECONDS).toBeLessThanOrEqual(30 * 60);
    await queue.enqueue([{ jobId: '00000000-0000-4000-8000-000000000001', partitionId: 1 }]);
    const job = await pool.query<{ s: number }>(`SELECT extract(epoch FROM expire_in)::int AS s FROM pgboss.job WHERE name = 'rowflow-partition'`);
    expect(job.rows.map((r) => r.s)).toEqual([DELIVERY_EXPIRE_SECONDS]);
    const q = await pool.query<{ s: number }>(`SELECT expire_seconds AS s FROM pgboss.queue WHERE name = 'rowflow-partition'`);
    expect(q.rows[0]?.s).toBe(DELIVERY_EXPIRE_SECONDS);
  });
});
