/**
 * Faults heal by themselves, with real processes (built generator + orchestrator; build first)
 * and a PostgreSQL server of this file's own that can be crashed: a Postgres restart
 * `-m immediate`, the COPY backends terminated, the generator killed for longer than the old
 * ~11 s retry budget (then restarted on the same port), the generator frozen (SIGSTOP) past the
 * chunk idle timeout. Each job completes by itself with rowsWritten = rowsTotal and the ordered
 * md5 of a clean run. Then load: several jobs over two orchestrator processes plus two dozen
 * previews — exact, and no connection left idle in a transaction. Small timeouts via env keep it
 * short; assertions are on outcomes, never on durations.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kill9, loadReference, portOf, type Proc, restartablePostgres, type RestartablePostgres, spawnApp, stop, tableMd5, waitForState } from '../support/index.js';

let server: RestartablePostgres;
let pool: pg.Pool;
let gen: Proc;
let orch: Proc;
const procs: Proc[] = [];
let reference: { n: number; md5: string | null };

const ENV = {
  JOB_ROW_SOURCE: 'generator',
  CHUNK_IDLE_TIMEOUT_MS: '1500',
  JOB_LEASE_SECONDS: '3',
  JOB_SWEEP_MS: '300',
  JOB_RETRY_WINDOW: '3m',
  WORKER_CONCURRENCY: '4',
};
const JOB = { table: 'users', rows: 100_000, seed: 9, partitions: 3, chunkSize: 1000 };
const LOAD_JOB = { table: 'users', rows: 30_000, seed: 4, partitions: 2, chunkSize: 1000 };

async function orchestrator(env: Record<string, string> = {}): Promise<Proc> {
  const p = await spawnApp('orchestrator', { ...ENV, DATABASE_URL: server.url, GENERATOR_URL: gen.url, ...env });
  procs.push(p);
  return p;
}

async function startJob(base: string, targetTable: string, job: Record<string, unknown> = JOB): Promise<string> {
  const res = await fetch(`${base}/api/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...job, targetTable }) });
  const body = (await res.json()) as { id: string };
  expect(res.status).toBe(202);
  return body.id;
}

/** Rows committed so far, read from the job tables (0 while Postgres is away). */
async function rowsWritten(id: string): Promise<number> {
  const res = await pool.query(`SELECT coalesce(sum(rows_written), 0)::int AS n FROM rowflow.job_partitions WHERE job_id = $1`, [id]).catch(() => ({ rows: [{ n: 0 }] }));
  return res.rows[0].n;
}

async function until<T>(what: string, f: () => Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await f().catch(() => undefined);
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function jobStatus(base: string, id: string): Promise<any> {
  const res = await fetch(`${base}/api/jobs/${id}`);
  return res.ok ? res.json() : undefined;
}

/** The job completed by itself, exactly: every row once, the same table as a clean run. */
async function expectExact(base: string, id: string, table: string, rows = JOB.rows, ref = reference): Promise<any> {
  const done = await waitForState(base, id, ['completed', 'failed', 'cancelled'], 180_000);
  expect(done).toMatchObject({ state: 'completed', rowsTotal: rows, rowsWritten: rows, rowsSkipped: 0 });
  expect(await tableMd5(pool, table, 'id')).toEqual(ref);
  return done;
}

beforeAll(async () => {
  server = await restartablePostgres();
  pool = new pg.Pool({ connectionString: server.url, max: 3 });
  pool.on('error', () => undefined); // idle clients die with the server on purpose below
  gen = await spawnApp('generator', {});
  orch = await orchestrator();
  const id = await startJob(orch.url, 'users_clean');
  // Not `retries: 0`: with these small timeouts a starved process may legitimately retry a chunk
  // on a busy machine. What makes it the reference is that it equals the generator's own CSV.
  expect(await waitForState(orch.url, id, ['completed', 'failed'], 180_000)).toMatchObject({ state: 'completed' });
  reference = await tableMd5(pool, 'users_clean', 'id');
  expect(reference.n).toBe(JOB.rows);
  expect(await tableMd5(pool, await loadReference(pool, gen.url, 'users_clean', 'users', JOB.rows, JOB.seed), 'id')).toEqual(reference);
}, 240_000);

afterAll(async () => {
  await Promise.all(procs.map((p) => stop(p)));
  await stop(gen);
  await pool?.end();
  await server?.stop();
});

describe('faults heal by themselves', () => {
  it('PostgreSQL restart -m immediate mid-job', async () => {
    const id = await startJob(orch.url, 'users_pg_restart');
    await until('rows', async () => (await rowsWritten(id)) >= 20_000);
    await server.restartImmediate(1000);
    const done = await expectExact(orch.url, id, 'users_pg_restart');
    expect(done.retries).toBeGreaterThanOrEqual(1);
  }, 240_000);

  it('pg_terminate_backend of the COPY backends, three times', async () => {
    const id = await startJob(orch.url, 'users_terminated');
    let killed = 0;
    for (const atLeast of [15_000, 45_000, 75_000]) {
      await until('rows', async () => (await rowsWritten(id)) >= atLeast);
      killed += await until('a COPY backend to terminate', async () => {
        const res = await pool.query(
          `SELECT count(*)::int AS n FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity
             WHERE datname = current_database() AND state = 'active' AND query ILIKE 'COPY%' AND pid <> pg_backend_pid()) t`,
        );
        return res.rows[0].n > 0 && res.rows[0].n;
      });
    }
    expect(killed).toBeGreaterThanOrEqual(3);
    const done = await expectExact(orch.url, id, 'users_terminated');
    expect(done.retries).toBeGreaterThanOrEqual(3);
  }, 240_000);

  it('generator kill -9 for longer than the old 11 s retry budget, restarted on the same port', async () => {
    const id = await startJob(orch.url, 'users_gen_killed');
    await until('rows', async () => (await rowsWritten(id)) >= 20_000);
    const port = portOf(gen);
    await kill9(gen);
    try {
      // While it is down the job waits visibly: running, with the error and the next attempt time.
      const waiting = await until('the job to show it waits', async () => {
        const s = await jobStatus(orch.url, id);
        return s?.state === 'running' && s.lastError && s.nextAttemptAt ? s : undefined;
      });
      expect(waiting.lastError).toMatch(/generator|ECONNREFUSED|ECONNRESET|socket|premature/i);
      await new Promise((r) => setTimeout(r, 13_000)); // the outage itself: longer than the old budget
      expect((await jobStatus(orch.url, id)).state).toBe('running');
    } finally {
      gen = await spawnApp('generator', {}, port);
    }
    const done = await expectExact(orch.url, id, 'users_gen_killed');
    expect(done.retries).toBeGreaterThanOrEqual(1);
    expect(done).toMatchObject({ lastError: null, nextAttemptAt: null });
  }, 240_000);

  it('generator frozen (SIGSTOP) past the chunk idle timeout, then SIGCONT', async () => {
    const id = await startJob(orch.url, 'users_gen_stopped');
    await until('rows', async () => (await rowsWritten(id)) >= 20_000);
    gen.child.kill('SIGSTOP');
    try {
      const waiting = await until('a stalled chunk to be aborted', async () => {
        const s = await jobStatus(orch.url, id);
        return s?.state === 'running' && /no bytes/.test(s.lastError ?? '') ? s : undefined;
      });
      expect(waiting.nextAttemptAt).not.toBeNull();
    } finally {
      gen.child.kill('SIGCONT');
    }
    const done = await expectExact(orch.url, id, 'users_gen_stopped');
    expect(done.retries).toBeGreaterThanOrEqual(1);
  }, 240_000);
});

describe('load', () => {
  it('four jobs over two orchestrator processes plus two dozen previews: exact, nothing idle in transaction', async () => {
    // "Both processes worked" made deterministic: every row waits (in a trigger) on an advisory
    // lock this test holds until all 8 partitions are running at once. A process runs at most
    // WORKER_CONCURRENCY (4) partitions, so by then each of the two holds 4. Two fresh processes
    // with a lease longer than the gate is held: an expired lease would send a poller to wait
    // behind a gated partition's row lock, and then 8 could never run at once.
    await stop(orch);
    const bases = [(await orchestrator({ JOB_LEASE_SECONDS: '300' })).url, (await orchestrator({ JOB_LEASE_SECONDS: '300' })).url];
    await pool.query(`CREATE FUNCTION load_hold() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_advisory_xact_lock_shared(4244); RETURN NEW; END $$`);
    for (let i = 0; i < 4; i++) {
      await pool.query(`CREATE TABLE users_load_${i} (LIKE users_clean)`);
      await pool.query(`CREATE TRIGGER hold BEFORE INSERT ON users_load_${i} FOR EACH ROW EXECUTE FUNCTION load_hold()`);
    }
    const gate = new pg.Client(server.url);
    await gate.connect();
    await gate.query('SELECT pg_advisory_lock(4244)');
    let ids: string[];
    try {
      ids = await Promise.all([0, 1, 2, 3].map((i) => startJob(bases[i % 2]!, `users_load_${i}`, { ...LOAD_JOB, mode: 'append' })));
      await until('all 8 partitions waiting on the gate', async () => {
        const res = await pool.query(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND objid = 4244 AND NOT granted`);
        return res.rows[0].n >= 8;
      }, 180_000);
    } finally {
      await gate.end(); // ends the session, which opens the gate
    }
    const previews = Array.from({ length: 24 }, async (_, i) => {
      const res = await fetch(`${bases[i % 2]}/api/orchestrator/stream?table=users&rows=3000&seed=${i + 1}`);
      return res.text();
    });
    for (const text of await Promise.all(previews)) expect(text).toContain('event: complete');
    // The clean run to compare with: the generator's CSV for the same (table, rows, seed), one COPY.
    const ref = await tableMd5(pool, await loadReference(pool, gen.url, 'users_load_0', 'users', LOAD_JOB.rows, LOAD_JOB.seed), 'id');
    for (const [i, id] of ids.entries()) await expectExact(bases[(i + 1) % 2]!, id, `users_load_${i}`, LOAD_JOB.rows, ref);
    const owners = await pool.query(`SELECT count(DISTINCT split_part(lease_owner, ':', 2))::int AS n FROM rowflow.job_partitions WHERE job_id = ANY($1::uuid[])`, [ids]);
    expect(owners.rows[0].n).toBe(2);
    await until('no session idle in transaction', async () => {
      const res = await pool.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE state LIKE 'idle in transaction%'`);
      return res.rows[0].n === 0;
    }, 60_000);
  }, 480_000);
});
