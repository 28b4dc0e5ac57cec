import { randomUUID } from 'node:crypto';
import { parseJobRequest, PartitionRunner } from '@rowflow/jobs';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { useJobDatabase } from '../support/job-database.js';
import { untilRow } from '../support/until-row.js';
import { TEST_SPEC, TestSource } from './test-source.js';

/**
 * A chunk slower than the lease (here: its COPY waits on a table lock) must not let another
 * process take the partition over while its worker is alive: the lease it commits runs from the
 * commit, not from the transaction's start, and a partition whose row a chunk holds locked is
 * busy to every other claimer without waiting for that chunk.
 */
const db = useJobDatabase(10);

/** A one-partition job of 6000 rows in chunks of 2000, and its partition id. */
async function job(): Promise<{ id: string; table: string; partitionId: number }> {
  const table = `t_${randomUUID().slice(0, 8)}`;
  const id = await db.repo.create(parseJobRequest({ schema: TEST_SPEC, targetTable: table, rows: 6000, chunkSize: 2000, partitions: 1 }, { maxRows: 1_000_000 }));
  const [part] = await db.repo.unfinishedPartitions(id);
  return { id, table, partitionId: part!.partitionId };
}

/** Holds ACCESS EXCLUSIVE on `table` so the first chunk's COPY waits; `release` commits and returns the server clock just before. */
async function lockTable(table: string): Promise<{ release: () => Promise<Date>; client: pg.PoolClient }> {
  const client = await db.pool.connect();
  await client.query('BEGIN');
  await client.query(`LOCK TABLE public."${table}" IN ACCESS EXCLUSIVE MODE`);
  return {
    client,
    release: async () => {
      const at = (await client.query<{ t: Date }>('SELECT clock_timestamp() AS t')).rows[0]!.t;
      await client.query('COMMIT');
      return at;
    },
  };
}

const COPY_WAITING = `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'COPY%'`;

describe('a chunk slower than the lease', () => {
  it('commits a lease that runs from its commit, not from its start', async () => {
    const { partitionId, table } = await job();
    let gate: () => void = () => undefined;
    let source: TestSource | undefined;
    const secondChunkOpened = new Promise<void>((opened) => {
      const held = new Promise<void>((r) => (gate = r));
      source = new TestSource(new Set(), async (from) => {
        if (from !== 2000) return;
        opened();
        await held;
      });
    });
    const runner = new PartitionRunner(db.pool, db.repo, () => source!, { owner: 'a', leaseSeconds: 1 });
    const lock = await lockTable(table);
    let first: Promise<string> | undefined;
    try {
      first = runner.run(partitionId, new AbortController().signal);
      await untilRow(db.pool, 'the first chunk to wait on the lock', COPY_WAITING, []);
      // Well past the lease: the first chunk's transaction started more than a lease ago.
      await untilRow(db.pool, 'the lease to lapse twice over', `SELECT 1 FROM rowflow.job_partitions WHERE id = $1 AND lease_until + interval '1 second' < clock_timestamp()`, [partitionId]);
      const released = await lock.release();
      await secondChunkOpened; // read ahead while the first chunk runs; held until the end of the test
      await untilRow(db.pool, 'the first chunk to commit', `SELECT 1 FROM rowflow.job_partitions WHERE id = $1 AND next_row = 2000`, [partitionId]);
      const lease = (await db.pool.query<{ until: Date }>('SELECT lease_until AS until FROM rowflow.job_partitions WHERE id = $1', [partitionId])).rows[0]!.until;
      expect(lease.getTime()).toBeGreaterThan(released.getTime());
    } finally {
      await lock.client.query('ROLLBACK').catch(() => undefined);
      lock.client.release();
      gate();
    }
    expect(await first).toBe('done');
  });

  it('keeps its partition: another process claiming it meanwhile gets busy at once, and the job is exact', async () => {
    const { id, partitionId, table } = await job();
    const source = new TestSource();
    const mine = new PartitionRunner(db.pool, db.repo, () => source, { owner: 'alive', leaseSeconds: 1 });
    const other = new PartitionRunner(db.pool, db.repo, () => source, { owner: 'other-process', leaseSeconds: 1 });
    const lock = await lockTable(table);
    let first: Promise<string> | undefined;
    let second: Promise<string> | undefined;
    try {
      first = mine.run(partitionId, new AbortController().signal);
      await untilRow(db.pool, 'the first chunk to wait on the lock', COPY_WAITING, []);
      await untilRow(db.pool, 'the lease to lapse', `SELECT 1 FROM rowflow.job_partitions WHERE id = $1 AND lease_until < clock_timestamp()`, [partitionId]);
      expect((await db.repo.orphanedPartitions()).map((p) => p.partitionId)).toContain(partitionId); // what the sweep re-queues
      second = other.run(partitionId, new AbortController().signal);
      // Either the claim answers, or it waits on the chunk's row lock (the defect): then the
      // release below lets it through and it takes the live partition over.
      const answered = new AbortController();
      const claimWaiting = untilRow(db.pool, 'the claim to wait on the row', `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'UPDATE rowflow.job_partitions p SET state%'`, [], answered.signal);
      await Promise.race([second, claimWaiting]);
      answered.abort();
      await claimWaiting;
      await lock.release();
    } finally {
      await lock.client.query('ROLLBACK').catch(() => undefined);
      lock.client.release();
    }
    expect(await second).toBe('busy');
    expect(await first).toBe('done');
    const status = await db.repo.get(id);
    expect(status.rowsWritten).toBe(6000);
    expect((await db.pool.query(`SELECT count(*)::int AS n, count(DISTINCT id)::int AS d FROM public."${table}"`)).rows[0]).toEqual({ n: 6000, d: 6000 });
  });
});
