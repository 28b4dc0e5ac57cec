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

async function orchestrator(): Promise<Proc> {
  // The generator HTTP row source (local is the default; both must survive a crash); a short
  // lease so a killed process's partitions are taken over quickly.
  const p = await spawnApp('orchestrator', { DATABASE_URL: db.url, GENERATOR_URL: gen.url, WORKER_CONCURRENCY: '3', JOB_ROW_SOURCE: 'generator', JOB_LEASE_SECONDS: '2', JOB_SWEEP_MS: '300' });
  procs.push(p);
  return p;
}

async function rowsWritten(base: string, id: string): Promise<number> {
  const res = await pool.query(`SELECT coalesce(sum(rows_written), 0)::int AS n FROM rowflow.job_partitions WHERE job_id = $1`, [id]);
  void base;
  return res.rows[0].n;
}

async function waitRows(base: string, id: string, atLeast: number): Promise<void> {
  const deadline = Date.now() + 60_000;
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
    const done = await waitForState(orch.url, id, ['completed', 'failed'], 120_000);
    expect(done).toMatchObject({ state: 'completed', rowsWritten: 400_000, rowsSkipped: 0 });

    const clean = await postJson(`${orch.url}/api/jobs`, { ...JOB, targetTable: 'acc_clean' });
    expect(await waitForState(orch.url, clean.body.id, ['completed', 'failed'], 120_000)).toMatchObject({ state: 'completed' });
    const crashed = await tableMd5(pool, 'acc_crash', 'aid');
    expect(crashed.n).toBe(400_000);
    expect(crashed).toEqual(await tableMd5(pool, 'acc_clean', 'aid'));
    const dupes = await pool.query(`SELECT count(*)::int AS n FROM (SELECT aid FROM acc_crash GROUP BY aid HAVING count(*) > 1) d`);
    expect(dupes.rows[0].n).toBe(0);
  }, 240_000);
});

describe('two orchestrator processes on one job', () => {
  it('both work its partitions and the result is exact', async () => {
    await Promise.all(procs.splice(0).map((p) => stop(p)));
    const [a, b] = [await orchestrator(), await orchestrator()];
    const res = await postJson(`${a.url}/api/jobs`, { table: 'pgbench_accounts', rows: 300_000, seed: 5, partitions: 6, chunkSize: 2000, targetTable: 'acc_two' });
    expect(res.status).toBe(202);
    const done = await waitForState(b.url, res.body.id, ['completed', 'failed'], 120_000);
    expect(done).toMatchObject({ state: 'completed', rowsWritten: 300_000 });
    const owners = await pool.query(`SELECT count(DISTINCT split_part(lease_owner, ':', 2))::int AS n FROM rowflow.job_partitions WHERE job_id = $1`, [res.body.id]);
    expect(owners.rows[0].n).toBe(2);
    const clean = await postJson(`${b.url}/api/jobs`, { table: 'pgbench_accounts', rows: 300_000, seed: 5, targetTable: 'acc_two_ref' });
    await waitForState(b.url, clean.body.id, ['completed'], 120_000);
    expect(await tableMd5(pool, 'acc_two', 'aid')).toEqual(await tableMd5(pool, 'acc_two_ref', 'aid'));
  }, 240_000);
});
