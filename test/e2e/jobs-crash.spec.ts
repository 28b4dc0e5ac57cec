/**
 * Crash safety and multi-process distribution with real processes: the built orchestrator
 * (apps/orchestrator/dist/main.js; build first) is killed with SIGKILL mid-job and restarted.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freshDatabase } from '../setup/helpers.js';
import { kill9, type Proc, spawnApp, stop } from '../jobs/processes.js';
import { postJson, tableMd5, waitForState } from '../jobs/stack.js';

let db: { url: string; drop: () => Promise<void> };
let pool: pg.Pool;
let gen: Proc;
const procs: Proc[] = [];

async function orchestrator(env: Record<string, string> = {}): Promise<Proc> {
  // The generator HTTP row source (local is the default; both must survive a crash); a short
  // lease so a killed process's partitions are taken over quickly.
  const p = await spawnApp('orchestrator', { DATABASE_URL: db.url, GENERATOR_URL: gen.url, WORKER_CONCURRENCY: '3', JOB_ROW_SOURCE: 'generator', JOB_LEASE_SECONDS: '2', JOB_SWEEP_MS: '300', ...env });
  procs.push(p);
  return p;
}

async function rowsWritten(base: string, id: string): Promise<number> {
  const res = await pool.query(`SELECT coalesce(sum(rows_written), 0)::int AS n FROM rowflow.job_partitions WHERE job_id = $1`, [id]);
  void base;
  return res.rows[0].n;
}

async function waitRows(base: string, id: string, atLeast: number): Promise<void> {
  const deadline = Date.now() + 180_000; // restarts and lease take-overs are slow on a busy machine
  while ((await rowsWritten(base, id)) < atLeast) {
    if (Date.now() > deadline) throw new Error(`job ${id} never reached ${atLeast} rows`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

beforeAll(async () => {
  db = await freshDatabase(inject('databaseUrl'));
  pool = new pg.Pool({ connectionString: db.url, max: 3 });
  gen = await spawnApp('generator', {});
});

afterAll(async () => {
  await Promise.all(procs.map((p) => stop(p)));
  await stop(gen);
  await pool?.end();
  await db?.drop();
});

const JOB = { table: 'pgbench_accounts', rows: 400_000, seed: 11, partitions: 3, chunkSize: 5000 };

describe('kill -9 of the orchestrator mid-job', () => {
  it('restarted, the job completes with exactly rowsTotal rows, identical to an uninterrupted run', async () => {
    let orch = await orchestrator();
    const res = await postJson(`${orch.url}/api/jobs`, { ...JOB, targetTable: 'acc_crash' });
    expect(res.status).toBe(202);
    const id = res.body.id;
    // Kill points: right after the 202, then mid-way twice.
    for (const atLeast of [0, 120_000, 260_000]) {
      await waitRows(orch.url, id, atLeast);
      await kill9(orch);
      const before = await rowsWritten(orch.url, id);
      orch = await orchestrator();
      expect(await rowsWritten(orch.url, id)).toBeGreaterThanOrEqual(before);
    }
    const done = await waitForState(orch.url, id, ['completed', 'failed'], 300_000);
    expect(done).toMatchObject({ state: 'completed', rowsWritten: 400_000, rowsSkipped: 0 });

    const clean = await postJson(`${orch.url}/api/jobs`, { ...JOB, targetTable: 'acc_clean' });
    expect(await waitForState(orch.url, clean.body.id, ['completed', 'failed'], 300_000)).toMatchObject({ state: 'completed' });
    const crashed = await tableMd5(pool, 'acc_crash', 'aid');
    expect(crashed.n).toBe(400_000);
    expect(crashed).toEqual(await tableMd5(pool, 'acc_clean', 'aid'));
    const dupes = await pool.query(`SELECT count(*)::int AS n FROM (SELECT aid FROM acc_crash GROUP BY aid HAVING count(*) > 1) d`);
    expect(dupes.rows[0].n).toBe(0);
  }, 900_000);
});

describe('two orchestrator processes on one job', () => {
  it('both work its partitions and the result is exact', async () => {
    await Promise.all(procs.splice(0).map((p) => stop(p)));
    // A lease longer than the gate below is held (an expired one would send a poller to wait
    // behind a gated partition's row lock, and then all 6 could never run at once).
    const [a, b] = [await orchestrator({ JOB_LEASE_SECONDS: '300' }), await orchestrator({ JOB_LEASE_SECONDS: '300' })];
    const clean = await postJson(`${b.url}/api/jobs`, { table: 'pgbench_accounts', rows: 300_000, seed: 5, targetTable: 'acc_two_ref' });
    await waitForState(b.url, clean.body.id, ['completed'], 300_000);
    // "Both worked" made deterministic: every row waits (in a trigger) on an advisory lock held
    // here until all 6 partitions run at once; a process runs at most WORKER_CONCURRENCY (3).
    await pool.query(`CREATE TABLE acc_two (LIKE acc_two_ref)`);
    await pool.query(`CREATE FUNCTION acc_two_hold() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_advisory_xact_lock_shared(4245); RETURN NEW; END $$`);
    await pool.query(`CREATE TRIGGER hold BEFORE INSERT ON acc_two FOR EACH ROW EXECUTE FUNCTION acc_two_hold()`);
    const gate = new pg.Client(db.url);
    await gate.connect();
    await gate.query('SELECT pg_advisory_lock(4245)');
    let id: string;
    try {
      const res = await postJson(`${a.url}/api/jobs`, { table: 'pgbench_accounts', rows: 300_000, seed: 5, partitions: 6, chunkSize: 2000, targetTable: 'acc_two', mode: 'append' });
      expect(res.status).toBe(202);
      id = res.body.id;
      const deadline = Date.now() + 180_000;
      for (;;) {
        const w = await pool.query(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND objid = 4245 AND NOT granted`);
        if (w.rows[0].n >= 6) break;
        if (Date.now() > deadline) throw new Error(`only ${w.rows[0].n} of 6 partitions ever ran at once`);
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      await gate.end(); // ends the session, which opens the gate
    }
    const done = await waitForState(b.url, id, ['completed', 'failed'], 300_000);
    expect(done).toMatchObject({ state: 'completed', rowsWritten: 300_000 });
    const owners = await pool.query(`SELECT count(DISTINCT split_part(lease_owner, ':', 2))::int AS n FROM rowflow.job_partitions WHERE job_id = $1`, [id]);
    expect(owners.rows[0].n).toBe(2);
    expect(await tableMd5(pool, 'acc_two', 'aid')).toEqual(await tableMd5(pool, 'acc_two_ref', 'aid'));
  }, 900_000);
});
