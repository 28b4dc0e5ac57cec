/**
 * `"unlogged": true` and a PostgreSQL crash: crash recovery empties UNLOGGED tables while the
 * job's checkpoints (logged) survive. The job must notice the server restarted, count its rows
 * again and load what was lost — never end reporting rows its table does not hold. A server of
 * this file's own is crashed (`pg_ctl restart -m immediate` semantics) between two chunks of a
 * partition, after another partition had already finished.
 */
import { randomUUID } from 'node:crypto';
import { JobRepository, migrate, parseJobRequest, PartitionRunner } from '@rowflow/jobs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_SPEC, TestSource } from '../jobs/test-source.js';
import { restartablePostgres, type RestartablePostgres, untilRow } from '../support/index.js';

let server: RestartablePostgres;
let pool: pg.Pool;
let repo: JobRepository;

beforeAll(async () => {
  server = await restartablePostgres();
  pool = new pg.Pool({ connectionString: server.url, max: 6 });
  pool.on('error', () => undefined); // idle clients die with the crash
  await migrate(pool);
  repo = new JobRepository(pool);
});

afterAll(async () => {
  await pool?.end();
  await server?.stop();
});

async function partitionState(id: number): Promise<string> {
  return (await pool.query<{ state: string }>('SELECT state FROM rowflow.job_partitions WHERE id = $1', [id])).rows[0]!.state;
}

describe('an UNLOGGED load through a PostgreSQL crash', () => {
  it('loads the emptied table again instead of completing with rows it does not hold', { timeout: 180_000 }, async () => {
    const table = `u_${randomUUID().slice(0, 8)}`;
    const id = await repo.create(parseJobRequest({ schema: TEST_SPEC, targetTable: table, rows: 6000, chunkSize: 1000, partitions: 2, unlogged: true }, { maxRows: 1_000_000 }));
    const [a, b] = await repo.unfinishedPartitions(id);
    let gate: () => void = () => undefined;
    const held = new Promise<void>((r) => (gate = r));
    let opened: () => void = () => undefined;
    const heldChunkOpened = new Promise<void>((r) => (opened = r));
    // Partition b covers rows 3000..5999; its second chunk waits here until the server crashed.
    const source = new TestSource(new Set(), async (from) => {
      if (from !== 4000) return;
      opened();
      await held;
    });
    // Durable commits: the checkpoints certainly survive the crash, as they mostly do anyway.
    const runner = new PartitionRunner(pool, repo, () => source, { owner: 'w', leaseSeconds: 30, durableCommits: true });
    expect(await runner.run(a!.partitionId, new AbortController().signal)).toBe('done');
    let second: Promise<string> | undefined;
    try {
      second = runner.run(b!.partitionId, new AbortController().signal);
      await heldChunkOpened;
      await untilRow(pool, "b's first chunk to commit", 'SELECT 1 FROM rowflow.job_partitions WHERE id = $1 AND next_row = 4000', [b!.partitionId]);
      await server.restartImmediate();
    } finally {
      gate();
    }
    expect(await second).toBe('done');
    // a had finished before the crash; its rows are gone with the table's contents: queued again.
    expect(await partitionState(a!.partitionId)).toBe('queued');
    expect(await runner.run(a!.partitionId, new AbortController().signal)).toBe('done');
    const status = await repo.get(id);
    const held2 = (await pool.query(`SELECT count(*)::int AS n, count(DISTINCT id)::int AS d FROM public."${table}"`)).rows[0];
    expect(held2).toEqual({ n: 6000, d: 6000 });
    expect(status.rowsWritten).toBe(6000);
    expect(status.state).not.toBe('failed');
    // The load ended: the table was made LOGGED.
    expect((await pool.query(`SELECT relpersistence FROM pg_class WHERE oid = $1::regclass`, [`public."${table}"`])).rows[0].relpersistence).toBe('p');
  });
});
