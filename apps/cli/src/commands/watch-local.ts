import type { JobStatus } from '@rowflow/contracts';
import { setTimeout as sleep } from 'node:timers/promises';
import { withPool } from '../engine/database.js';
import { Interrupted } from '../exit.js';
import type { OutputOptions } from '../output.js';
import { Progress } from '../progress.js';
import { finish, progressOf } from './job-runner.js';

/** Follows a job by reading the job tables (whoever works it: a server, another CLI). */
export async function watchLocal(url: string, id: string, signal: AbortSignal, opts: OutputOptions): Promise<void> {
  const { LocalJobs } = await import('../engine/local-jobs.js');
  await withPool(url, 2, async (pool) => {
    const repo = new LocalJobs(pool).repo;
    const bar = new Progress(`job ${id.slice(0, 8)}`, opts.progress === false, undefined, true);
    for (;;) {
      const j: JobStatus = await repo.get(id);
      bar.update(progressOf(j));
      if (j.state === 'completed' || j.state === 'failed' || j.state === 'cancelled') return finish(j, opts, bar);
      await sleep(500, undefined, { signal }).catch(() => undefined);
      if (signal.aborted) {
        bar.done();
        throw new Interrupted(`stopped watching job ${id}`);
      }
    }
  });
}
