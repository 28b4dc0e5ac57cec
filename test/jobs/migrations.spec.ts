import { migrate } from '@rowflow/jobs';
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { collectingUncaught, freshDatabase, useDatabase } from '../support/index.js';

const db = useDatabase(4, migrate);

/** A pool whose connections are recognisable in pg_stat_activity. */
function namedPool(name: string): pg.Pool {
  const url = new URL(db.db.url);
  url.searchParams.set('application_name', name);
  const p = new pg.Pool({ connectionString: url.toString(), max: 1 });
  p.on('error', () => undefined);
  return p;
}

/** Resolves 'done' when `work` settles, or 'waiting' as soon as a backend of `app` waits on a lock. */
async function doneOrLockWait(work: Promise<unknown>, app: string): Promise<'done' | 'waiting'> {
  let settled = false;
  const finished = work.then(
    () => 'done' as const,
    (err: unknown) => {
      throw err;
    },
  );
  void finished.finally(() => (settled = true)).catch(() => undefined);
  for (;;) {
    if (settled) return finished;
    const w = await db.pool.query(`SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'`, [app]);
    if (w.rowCount) return 'waiting';
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('migrate() on a job schema that is already up to date', () => {
  it('takes no lock a running job transaction holds (a CLI or a second server starting mid-load cannot deadlock it)', async () => {
    // What a live system holds at any moment: a chunk transaction (row lock on a partition,
    // ROW EXCLUSIVE on job_partitions) and a finisher or status read (row lock on a job).
    const busy = await db.pool.connect();
    const migrating = namedPool('rowflow-migrate-under-test');
    try {
      await busy.query('BEGIN');
      await busy.query(`UPDATE rowflow.job_partitions SET updated_at = now() WHERE false`);
      await busy.query(`SELECT 1 FROM rowflow.jobs WHERE false FOR UPDATE`);
      await busy.query(`SELECT 1 FROM rowflow.job_tables, rowflow.job_constraints, rowflow.dead_letters WHERE false`);
      // Before: ALTER TABLE … ADD COLUMN IF NOT EXISTS and CREATE INDEX IF NOT EXISTS take their
      // ACCESS EXCLUSIVE / SHARE locks even when there is nothing to add, so this waited (and, with
      // the open transaction then touching a table migrate already held, deadlocked).
      const outcome = await doneOrLockWait(migrate(migrating), 'rowflow-migrate-under-test');
      expect(outcome).toBe('done');
    } finally {
      await busy.query('ROLLBACK').catch(() => undefined);
      busy.release();
      await migrating.end();
    }
  });

  it('the interleaving that deadlocked: a job row locked, migrate() starts, the same transaction then reads the partitions', async () => {
    const finisher = await db.pool.connect();
    const migrating = namedPool('rowflow-migrate-interleaved');
    try {
      // finishLoad's order: the job row FOR UPDATE, then its partitions.
      await finisher.query('BEGIN');
      await finisher.query(`SELECT 1 FROM rowflow.jobs WHERE false FOR UPDATE`);
      const run = migrate(migrating);
      run.catch(() => undefined);
      await doneOrLockWait(run, 'rowflow-migrate-interleaved');
      const both = await Promise.allSettled([finisher.query('SELECT count(*) FROM rowflow.job_partitions'), run]);
      expect(both.map((r) => (r.status === 'rejected' ? String((r.reason as Error).message) : 'ok'))).toEqual(['ok', 'ok']);
    } finally {
      await finisher.query('ROLLBACK').catch(() => undefined);
      finisher.release();
      await migrating.end();
    }
  });

  it('still runs the statements when the recorded fingerprint differs (an upgrade): a missing column comes back', async () => {
    await db.pool.query('ALTER TABLE rowflow.jobs DROP COLUMN target_oid');
    await db.pool.query(`UPDATE rowflow.schema_fingerprint SET fingerprint = 'older release'`);
    await migrate(db.pool);
    const col = await db.pool.query(`SELECT 1 FROM information_schema.columns WHERE table_schema = 'rowflow' AND table_name = 'jobs' AND column_name = 'target_oid'`);
    expect(col.rowCount).toBe(1);
    const fp = await db.pool.query<{ fingerprint: string }>('SELECT fingerprint FROM rowflow.schema_fingerprint');
    expect(fp.rows).toHaveLength(1);
    expect(fp.rows[0]!.fingerprint).toMatch(/^[0-9a-f]{64}$/);
  });

  it('several processes migrating a fresh database at once all succeed and leave one fingerprint row', async () => {
    const fresh = await freshDatabase(inject('databaseUrl'));
    const pools = [0, 1, 2].map(() => new pg.Pool({ connectionString: fresh.url, max: 1 }));
    try {
      await Promise.all(pools.map((p) => migrate(p)));
      const n = await pools[0]!.query('SELECT count(*)::int AS n FROM rowflow.schema_fingerprint');
      expect(n.rows[0].n).toBe(1);
    } finally {
      await Promise.all(pools.map((p) => p.end()));
      await fresh.drop();
    }
  });

  it('a backend terminated while migrate() waits (Postgres restarting at boot) fails the call; no client error goes unhandled', async () => {
    const holder = await db.pool.connect();
    const migrating = namedPool('rowflow-migrate-terminated');
    await collectingUncaught(async (uncaught) => {
      try {
        // Another process migrating holds the migration lock, so this migrate() waits on it.
        await holder.query('BEGIN');
        await holder.query('SELECT pg_advisory_xact_lock($1)', [0x726f7766]);
        const run = migrate(migrating);
        run.catch(() => undefined);
        expect(await doneOrLockWait(run, 'rowflow-migrate-terminated')).toBe('waiting');
        await db.pool.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'rowflow-migrate-terminated'`);
        await expect(run).rejects.toThrow();
        await migrating.query('SELECT 1'); // a fresh connection: the pool dropped the dead one
        expect(uncaught).toEqual([]);
      } finally {
        await holder.query('ROLLBACK').catch(() => undefined);
        holder.release();
        await migrating.end();
      }
    });
  });
});
