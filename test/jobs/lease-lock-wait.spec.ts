import { randomUUID } from 'node:crypto';
import { parseJobRequest, PartitionRunner } from '@rowflow/jobs';
import { describe, expect, it } from 'vitest';
import { useJobDatabase } from '../support/job-database.js';
import { TEST_SPEC, TestSource } from './test-source.js';

/** A job whose chunk waits on a lock another session holds on its table says so in its status. */
const db = useJobDatabase(6);

describe('a job waiting on a table lock', () => {
  it('shows which lock and who holds it, and nothing once it goes on', async () => {
    const table = `w_${randomUUID().slice(0, 8)}`;
    const id = await db.repo.create(parseJobRequest({ schema: TEST_SPEC, targetTable: table, rows: 2000, chunkSize: 1000, partitions: 1 }, { maxRows: 1_000_000 }));
    const [part] = await db.repo.unfinishedPartitions(id);
    const runner = new PartitionRunner(db.pool, db.repo, () => new TestSource(), { owner: 'w', leaseSeconds: 30 });
    const holder = await db.pool.connect();
    let run: Promise<string> | undefined;
    try {
      await holder.query('BEGIN');
      await holder.query(`LOCK TABLE public."${table}" IN ACCESS EXCLUSIVE MODE`);
      const pid = (await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      run = runner.run(part!.partitionId, new AbortController().signal);
      let waiting: string | null | undefined;
      for (let i = 0; !waiting; i++) {
        if (i > 3000) throw new Error('the status never showed the lock wait');
        waiting = (await db.repo.get(id)).waitingFor;
        if (!waiting) await new Promise((r) => setTimeout(r, 10));
      }
      expect(waiting).toContain(table);
      expect(waiting).toContain(`pid ${pid}`);
      await holder.query('COMMIT');
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined);
      holder.release();
    }
    expect(await run).toBe('done');
    expect((await db.repo.get(id)).waitingFor).toBeNull();
  });
});
