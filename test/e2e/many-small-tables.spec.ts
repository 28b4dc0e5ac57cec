import { describe, expect, it } from 'vitest';
import { kill9, postJson, stop, tableMd5, useWorkerStack, waitForState } from '../support/index.js';

/**
 * A dataset of many small tables: their one-chunk partitions travel in batches (one queue
 * delivery and one claim for several), each still checkpointed on its own. A worker killed with
 * batches claimed and partly loaded leaves leases that lapse; the next worker takes them over and
 * every table ends up exact, equal to an uninterrupted load of the same dataset.
 */
// A short lease and sweep: the killed worker's claimed partitions are taken over quickly.
const stack = useWorkerStack({ poolMax: 4, workerEnv: { WORKER_CONCURRENCY: '2', JOB_LEASE_SECONDS: '2', JOB_SWEEP_MS: '300' } });

const TABLES = 160;
const ROWS = 300;
const DATASET = {
  name: 'many',
  tables: Array.from({ length: TABLES }, (_, i) => ({
    name: `s${String(i).padStart(3, '0')}`,
    rows: ROWS,
    columns: [
      { name: 'id', type: 'serial', primaryKey: true },
      { name: 'name', type: 'firstName' },
      { name: 'amount', type: 'int', min: 0, max: 1000 },
    ],
  })),
};

async function rowsWritten(id: string): Promise<number> {
  return (await stack.pool.query(`SELECT coalesce(sum(rows_written), 0)::int AS n FROM rowflow.job_partitions WHERE job_id = $1`, [id])).rows[0].n;
}

async function waitRows(id: string, atLeast: number): Promise<void> {
  const deadline = Date.now() + 120_000;
  while ((await rowsWritten(id)) < atLeast) {
    if (Date.now() > deadline) throw new Error(`job ${id} never reached ${atLeast} rows`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('many small tables', () => {
  it('load in batches; killed mid-load, a restarted worker completes every table exactly', async () => {
    const res = await postJson(`${stack.orch.url}/api/jobs`, { dataset: DATASET, seed: 5, targetPrefix: 'b_' });
    expect(res.status).toBe(202);
    const id = res.body.id;
    const groups = await stack.pool.query(`SELECT count(*)::int AS n, count(batch)::int AS grouped, count(DISTINCT batch)::int AS batches FROM rowflow.job_partitions WHERE job_id = $1`, [id]);
    expect(groups.rows[0]).toEqual({ n: TABLES, grouped: TABLES, batches: 32 });

    const first = await stack.startWorker();
    // Frozen after 7 tables (not a multiple of a batch, so a batch is mid-way: some of its
    // partitions loaded, the others claimed and leased but not started), then killed.
    await waitRows(id, 7 * ROWS);
    first.child.kill('SIGSTOP');
    const atKill = await stack.pool.query(
      `SELECT coalesce(sum(rows_written), 0)::int AS rows, count(*) FILTER (WHERE state = 'running' AND next_row = from_row)::int AS claimed FROM rowflow.job_partitions WHERE job_id = $1`,
      [id],
    );
    await kill9(first);
    expect(atKill.rows[0].rows).toBeLessThan(TABLES * ROWS); // the kill landed mid-load

    const second = await stack.startWorker();
    const done = await waitForState(stack.orch.url, id, ['completed', 'failed'], 240_000);
    expect(done).toMatchObject({ state: 'completed', phase: 'done', rowsWritten: TABLES * ROWS, rowsSkipped: 0 });

    await expectLikeClean('b_');
    await stop(second);
  }, 600_000);

  it('a graceful stop mid-batch hands back every lease at once; the next worker completes every table exactly', async () => {
    const res = await postJson(`${stack.orch.url}/api/jobs`, { dataset: DATASET, seed: 5, targetPrefix: 'g_' });
    const id = res.body.id;
    // A long lease: one not handed back would still be live when the stop has finished.
    const first = await stack.startWorker({ JOB_LEASE_SECONDS: '60' });
    await waitRows(id, 7 * ROWS);
    await stop(first);
    // Not one lease left to lapse: the partition being loaded and the batch's others went back.
    const held = await stack.pool.query(`SELECT count(*)::int AS n FROM rowflow.job_partitions WHERE job_id = $1 AND state = 'running' AND lease_until > clock_timestamp()`, [id]);
    expect(held.rows[0].n).toBe(0);
    expect(await rowsWritten(id)).toBeLessThan(TABLES * ROWS);

    const second = await stack.startWorker();
    expect(await waitForState(stack.orch.url, id, ['completed', 'failed'], 240_000)).toMatchObject({ state: 'completed', rowsWritten: TABLES * ROWS, rowsSkipped: 0 });
    await expectLikeClean('g_');
    await stop(second);
  }, 600_000);
});

let clean: Promise<void> | undefined;

/** Every table of the prefix equals the same dataset and seed loaded once without interruption (`c_`), and has its key. */
async function expectLikeClean(prefix: string): Promise<void> {
  clean ??= (async () => {
    const job = await postJson(`${stack.orch.url}/api/jobs`, { dataset: DATASET, seed: 5, targetPrefix: 'c_' });
    expect(await waitForState(stack.orch.url, job.body.id, ['completed', 'failed'], 240_000)).toMatchObject({ state: 'completed' });
  })();
  await clean;
  for (const t of DATASET.tables) {
    const got = await tableMd5(stack.pool, `${prefix}${t.name}`, 'id');
    expect(got.n).toBe(ROWS);
    expect(got).toEqual(await tableMd5(stack.pool, `c_${t.name}`, 'id'));
  }
  const keys = await stack.pool.query(`SELECT count(*)::int AS n FROM pg_constraint WHERE contype = 'p' AND starts_with(conrelid::regclass::text, $1)`, [`${prefix}s`]);
  expect(keys.rows[0].n).toBe(TABLES);
}
