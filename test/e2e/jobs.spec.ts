import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { findTable } from '@rowflow/schema';
import { loadReference, postJson, readSse, tableMd5, waitForState } from '../jobs/stack.js';
import { useStack } from '../support/index.js';

const stack = useStack({ env: { MAX_ROWS: '1000000', WORKER_CONCURRENCY: '4' }, poolMax: 4 });

async function rowsWritten(id: string): Promise<number> {
  return (await (await fetch(`${stack.orch.url}/api/jobs/${id}`)).json()).rowsWritten;
}

/** How many backends of this database wait for a lock matching `where` (on pg_locks). */
async function waitingOn(where: string): Promise<number> {
  const res = await stack.pool.query(
    `SELECT count(*)::int AS n FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE NOT l.granted AND a.datname = current_database() AND ${where}`,
  );
  return res.rows[0].n;
}

/** Polls an async condition; throws naming `what` at a deadline generous for a busy machine. */
async function until(what: string, cond: () => Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function jobCount(): Promise<number> {
  const res = await stack.pool.query(`SELECT count(*)::int AS n FROM rowflow.jobs`).catch(() => ({ rows: [{ n: 0 }] }));
  return res.rows[0].n;
}

describe('POST /api/jobs validation (nothing written on bad input)', () => {
  it.each([
    [{ table: 'users', rows: 0 }, 'rows'],
    [{ table: 'users', rows: 1_000_001 }, 'rows'],
    [{ table: 'nope', rows: 10 }, 'table'],
    [{ schema: { name: 'x', columns: [{ name: 'a', type: 'nonsense' }] }, rows: 10 }, 'schema.columns[0].type'],
    [{ table: 'users', rows: 10, targetTable: 'x'.repeat(64) }, 'targetTable'],
    [{ table: 'users', rows: 10, targetTable: 'a\u0000b' }, 'targetTable'],
    [{ table: 'users', rows: 10, mode: 'upsert' }, 'mode'],
    [{ table: 'users', rows: 10, chunkSize: 'big' }, 'chunkSize'],
    [{ table: 'users', rows: 10, partitions: 0 }, 'partitions'],
  ])('%j → 400 naming %s', async (body, field) => {
    const before = await jobCount();
    const res = await postJson(`${stack.orch.url}/api/jobs`, body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request', field });
    expect(res.body.message).toContain(field);
    expect(await jobCount()).toBe(before);
  });

  it('unknown job id → 404', async () => {
    expect((await fetch(`${stack.orch.url}/api/jobs/00000000-0000-0000-0000-000000000000`)).status).toBe(404);
    expect((await fetch(`${stack.orch.url}/api/jobs/not-a-uuid`)).status).toBe(404);
  });
});

describe('DB-insert jobs end to end (real generator, real Postgres)', () => {
  it('loads users with 3 partitions: exact count, content identical to the generator CSV', async () => {
    const res = await postJson(`${stack.orch.url}/api/jobs`, { table: 'users', rows: 12_345, seed: 7, partitions: 3, chunkSize: 1000, targetTable: 'Users Copy' });
    expect(res.status).toBe(202);
    expect(res.headers.get('location')).toBe(`/api/jobs/${res.body.id}`);
    const job = await waitForState(stack.orch.url, res.body.id, ['completed', 'failed']);
    expect(job).toMatchObject({ state: 'completed', rowsTotal: 12_345, rowsWritten: 12_345, rowsSkipped: 0, seed: 7 });
    expect(job.partitions.map((p: any) => p.nextRow)).toEqual([4115, 8230, 12_345]);
    const ref = await loadReference(stack.pool, stack.gen.url, 'Users Copy', 'users', 12_345, 7);
    const got = await tableMd5(stack.pool, 'Users Copy', 'id');
    expect(got.n).toBe(12_345);
    expect(got).toEqual(await tableMd5(stack.pool, ref, 'id'));
    const types = await stack.pool.query(`SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'Users Copy' ORDER BY ordinal_position`);
    expect(types.rows.slice(0, 2)).toEqual([
      { column_name: 'id', data_type: 'bigint' },
      { column_name: 'first_name', data_type: 'text' },
    ]);
    const list = await (await fetch(`${stack.orch.url}/api/jobs`)).json();
    expect(list.map((j: any) => j.id)).toContain(res.body.id);
  });

  it('SSE: a client connecting after the end gets `completed`; Last-Event-ID skips seen progress', async () => {
    const res = await postJson(`${stack.orch.url}/api/jobs`, { table: 'pgbench_accounts', rows: 40_000, seed: 1, chunkSize: 2000, targetTable: 'acc_sse' });
    const live = await readSse(`${stack.orch.url}/api/jobs/${res.body.id}/events`);
    const ids = live.map((e) => Number(e.id));
    expect(live.at(-1)).toMatchObject({ event: 'completed', id: '40000' });
    expect(live.at(-1)!.data.rowsWritten).toBe(40_000);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(live.filter((e) => e.event === 'progress').length).toBeGreaterThanOrEqual(1);
    const late = await readSse(`${stack.orch.url}/api/jobs/${res.body.id}/events`, { 'Last-Event-ID': '40000' });
    expect(late).toEqual([expect.objectContaining({ event: 'completed', id: '40000' })]);
    expect((await fetch(`${stack.orch.url}/api/jobs/00000000-0000-0000-0000-000000000000/events`)).status).toBe(404);
  });

  it('cancel stops the job and keeps committed chunks; resume completes it exactly', { timeout: 240_000 }, async () => {
    // Deterministic, whatever the machine's speed: rows past HELD_AFTER wait (in a trigger) for an
    // advisory lock this test holds, so the job cannot finish before the cancel is committed.
    const HELD_AFTER = 5000;
    await stack.pool.query(`CREATE TABLE acc_cancel (aid integer PRIMARY KEY, bid integer, abalance integer, filler char(84))`);
    await stack.pool.query(`CREATE FUNCTION acc_cancel_hold() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_advisory_xact_lock_shared(4242); RETURN NEW; END $$`);
    await stack.pool.query(`CREATE TRIGGER hold BEFORE INSERT ON acc_cancel FOR EACH ROW WHEN (NEW.aid > ${HELD_AFTER}) EXECUTE FUNCTION acc_cancel_hold()`);
    const gate = new pg.Client(stack.db.url);
    await gate.connect();
    let gateOpen = false;
    const openGate = async () => {
      if (!gateOpen) await gate.query('SELECT pg_advisory_unlock(4242)');
      gateOpen = true;
    };
    try {
      await gate.query('SELECT pg_advisory_lock(4242)');
      const res = await postJson(`${stack.orch.url}/api/jobs`, { table: 'pgbench_accounts', rows: 300_000, seed: 3, chunkSize: 1000, targetTable: 'acc_cancel', mode: 'append' });
      expect(res.status).toBe(202);
      const id = res.body.id;
      const partitions = (await (await fetch(`${stack.orch.url}/api/jobs/${id}`)).json()).partitions.length;
      // The chunks up to HELD_AFTER commit; then every partition's next chunk blocks on the gate
      // (holding its partition row lock, which the cancel must wait for).
      await until('every partition waiting on the gate', async () => (await rowsWritten(id)) >= HELD_AFTER && (await waitingOn(`l.locktype = 'advisory' AND l.objid = 4242`)) >= partitions);
      const cancelling = postJson(`${stack.orch.url}/api/jobs/${id}/cancel`, {});
      // The cancel waits for the blocked chunk's partition row lock; open the gate only then, so
      // the chunk can commit but no later one can start.
      await until('the cancel waiting on the chunks', async () => (await waitingOn(`a.query LIKE '%job_partitions SET state = ''cancelled''%'`)) > 0);
      await openGate();
      const cancel = await cancelling;
      expect(cancel.status).toBe(202);
      expect(cancel.body.state).toBe('cancelled');
      const stopped = cancel.body;
      expect(stopped.rowsWritten).toBeGreaterThanOrEqual(HELD_AFTER);
      // Stopped: no partition reached its end (the gate held them all until the cancel was queued
      // behind their chunks; only those in-flight chunks could commit after it).
      for (const p of stopped.partitions) expect(p.nextRow).toBeLessThan(p.toRow);
      expect(stopped.rowsWritten).toBeLessThan(300_000);
      // Nothing commits after the cancel: the table holds exactly what the job reported then.
      expect((await tableMd5(stack.pool, 'acc_cancel', 'aid')).n).toBe(stopped.rowsWritten);
      expect((await (await fetch(`${stack.orch.url}/api/jobs/${id}`)).json()).rowsWritten).toBe(stopped.rowsWritten);
      expect((await postJson(`${stack.orch.url}/api/jobs/${id}/cancel`, {})).status).toBe(409);
      expect((await postJson(`${stack.orch.url}/api/jobs/${id}/resume`, {})).status).toBe(202);
      const done = await waitForState(stack.orch.url, id, ['completed', 'failed'], 180_000);
      expect(done).toMatchObject({ state: 'completed', rowsWritten: 300_000 });
      const ref = await loadReference(stack.pool, stack.gen.url, 'acc_cancel', 'pgbench_accounts', 300_000, 3);
      expect(await tableMd5(stack.pool, 'acc_cancel', 'aid')).toEqual(await tableMd5(stack.pool, ref, 'aid'));
      expect((await postJson(`${stack.orch.url}/api/jobs/${id}/resume`, {})).status).toBe(409);
    } finally {
      await openGate().catch(() => undefined);
      await gate.end();
    }
  });

  /** pgbench_accounts with its keys from row 0 whatever the table holds. */
  const ACCOUNTS_FROM_ONE = { ...findTable('pgbench_accounts'), keyOffset: 0 };

  it('append into a table holding some keys: bad rows dead-lettered with SQLSTATE, the rest exact', async () => {
    await stack.pool.query(`CREATE TABLE acc_dup (aid integer PRIMARY KEY, bid integer, abalance integer, filler char(84))`);
    await stack.pool.query(`INSERT INTO acc_dup SELECT g, 0, 0, '' FROM generate_series(500, 509) g`);
    // keyOffset 0 given: append would otherwise continue after the keys already there (by design).
    const res = await postJson(`${stack.orch.url}/api/jobs`, { schema: ACCOUNTS_FROM_ONE, rows: 10_000, seed: 1, targetTable: 'acc_dup', mode: 'append', skipLimit: 10 });
    const job = await waitForState(stack.orch.url, res.body.id, ['completed', 'failed']);
    expect(job).toMatchObject({ state: 'completed', rowsWritten: 9990, rowsSkipped: 10 });
    const dead = await (await fetch(`${stack.orch.url}/api/jobs/${res.body.id}/dead-letters`)).json();
    expect(dead.map((d: any) => d.rowNumber)).toEqual([499, 500, 501, 502, 503, 504, 505, 506, 507, 508]);
    expect(dead[0]).toMatchObject({ sqlstate: '23505' });
    expect(dead[0].row).toMatch(/^500,1,0,/);
    const again = await postJson(`${stack.orch.url}/api/jobs`, { schema: ACCOUNTS_FROM_ONE, rows: 10_000, seed: 1, targetTable: 'acc_dup', mode: 'append', skipLimit: 10 });
    const failed = await waitForState(stack.orch.url, again.body.id, ['completed', 'failed']);
    expect(failed.state).toBe('failed');
    expect(failed.error).toMatch(/skipLimit 10 exceeded/);
  });

  it('survives all its Postgres connections being terminated mid-job (transient → retry), exact result', { timeout: 300_000 }, async () => {
    const res = await postJson(`${stack.orch.url}/api/jobs`, { table: 'pgbench_accounts', rows: 300_000, seed: 9, partitions: 2, chunkSize: 2000, targetTable: 'acc_term' });
    const id = res.body.id;
    const admin = new pg.Client(stack.db.url);
    await admin.connect();
    try {
      for (const atLeast of [20_000, 80_000, 160_000]) {
        for (;;) {
          const j = await (await fetch(`${stack.orch.url}/api/jobs/${id}`)).json();
          if (j.rowsWritten >= atLeast || j.state !== 'running') break;
          await new Promise((r) => setTimeout(r, 10));
        }
        // Every other backend of the database: chunk transactions, pg-boss, the API stack.pool.
        await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`);
      }
    } finally {
      await admin.end();
    }
    const job = await waitForState(stack.orch.url, id, ['completed', 'failed'], 240_000);
    expect(job).toMatchObject({ state: 'completed', rowsWritten: 300_000, error: null });
    expect(job.retries).toBeGreaterThanOrEqual(1);
    const ref = await loadReference(stack.pool, stack.gen.url, 'acc_term', 'pgbench_accounts', 300_000, 9);
    expect(await tableMd5(stack.pool, 'acc_term', 'aid')).toEqual(await tableMd5(stack.pool, ref, 'aid'));
  });

  it('exposes job metrics at /metrics', async () => {
    const text = await (await fetch(`${stack.orch.url}/metrics`)).text();
    expect(text).toMatch(/rowflow_job_rows_written_total \d+/);
    expect(Number(/rowflow_job_rows_written_total (\d+)/.exec(text)![1])).toBeGreaterThan(50_000);
    expect(text).toContain('rowflow_job_chunk_seconds_bucket');
    expect(text).toMatch(/rowflow_job_dead_letters_total 10/);
    expect(text).toContain('rowflow_jobs_active');
    expect(text).toMatch(/rowflow_job_retries_total [1-9]/);
  });
});
