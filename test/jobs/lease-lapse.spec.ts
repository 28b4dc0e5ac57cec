import { randomUUID } from 'node:crypto';
import { parseJobRequest, PartitionRunner } from '@rowflow/jobs';
import { describe, expect, it } from 'vitest';
import { useJobDatabase } from '../support/job-database.js';
import { untilRow } from '../support/until-row.js';
import { TEST_SPEC, TestSource } from './test-source.js';

/**
 * A chunk slower than the lease (here: waiting on a lock) lets the lease lapse while the
 * partition is still being worked; the sweep then queues it again. In the process already
 * working it, that must not start a second runner on the same partition.
 */
const db = useJobDatabase(8);

describe('a partition whose lease lapsed mid-chunk', () => {
  it('is not run a second time by the process still working it', async () => {
    const table = `t_${randomUUID().slice(0, 8)}`;
    const id = await db.repo.create(parseJobRequest({ schema: TEST_SPEC, targetTable: table, rows: 6000, chunkSize: 2000, partitions: 1 }, { maxRows: 1_000_000 }));
    const [part] = await db.repo.unfinishedPartitions(id);
    const source = new TestSource();
    // One runner per process, as the orchestrator has; every run of it shares its owner.
    const runner = new PartitionRunner(db.pool, db.repo, () => source, { owner: 'this-process', leaseSeconds: 1 });
    const holder = await db.pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(`LOCK TABLE "${table}" IN ACCESS EXCLUSIVE MODE`);
      const first = runner.run(part!.partitionId, new AbortController().signal);
      await untilRow(db.pool, 'the first chunk to wait on the lock', `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'COPY%'`, []);
      await untilRow(db.pool, 'the lease to lapse', `SELECT 1 FROM rowflow.job_partitions WHERE id = $1 AND lease_until < now()`, [part!.partitionId]);
      expect((await db.repo.orphanedPartitions()).map((p) => p.partitionId)).toContain(part!.partitionId); // what the sweep re-queues
      const second = runner.run(part!.partitionId, new AbortController().signal);
      await holder.query('COMMIT');
      expect(await second).toBe('busy');
      expect(await first).toBe('done');
      const status = await db.repo.get(id);
      expect(status.rowsWritten).toBe(6000);
      expect(status.phase).toBe('building indexes'); // loaded; the keys are built next
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined);
      holder.release();
    }
  });
});
