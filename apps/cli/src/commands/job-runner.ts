import { jobTargetLabel, type JobStatus } from '@rowflow/contracts';
import { setTimeout as sleep } from 'node:timers/promises';
import { withPool } from '../engine/database.js';
import type { ServerClient } from '../engine/server-client.js';
import { Interrupted, WorkFailed } from '../exit.js';
import { emit, type OutputOptions } from '../output.js';
import { Progress } from '../progress.js';

const TERMINAL = new Set(['completed', 'failed', 'cancelled']);

export function jobLine(j: JobStatus): string {
  const err = j.error ? ` — ${j.error}` : '';
  return `${j.id}  ${j.state.padEnd(9)}  ${jobTargetLabel(j)}  ${j.rowsWritten}/${j.rowsTotal} rows  seed ${j.seed}${err}`;
}

export function progressOf(j: JobStatus) {
  return { rows: j.rowsWritten + j.rowsSkipped, total: j.rowsTotal, phase: j.phase };
}

/** Prints the final status and turns it into the exit code's error (failed/cancelled → 1). */
export function finish(j: JobStatus, opts: OutputOptions, bar?: Progress): void {
  bar?.done();
  emit(j, opts, () => jobLine(j));
  if (j.state !== 'completed') throw new WorkFailed(`job ${j.id} ${j.state}${j.error ? `: ${j.error}` : ''}`, j);
}

/** Runs a job's partitions in this process (see LocalJobs) with progress; Ctrl-C stops at a chunk boundary. */
export async function runLocal(url: string, id: string, partitions: number, signal: AbortSignal, opts: OutputOptions): Promise<void> {
  const { LocalJobs } = await import('../engine/local-jobs.js');
  await withPool(url, partitions + 3, async (pool) => {
    const jobs = new LocalJobs(pool);
    const bar = new Progress(`job ${id.slice(0, 8)}`, opts.progress === false, undefined, true);
    const status = await jobs.run(id, signal, (s) => bar.update(progressOf(s)));
    if (signal.aborted && !TERMINAL.has(status.state)) {
      bar.done();
      throw new Interrupted(`stopped job ${id} at a committed chunk (${status.rowsWritten}/${status.rowsTotal} rows); rerun the same command (or rowflow jobs resume ${id}) to continue`);
    }
    finish(status, opts, bar);
  });
}

/** Follows a job on a server until it ends; Ctrl-C stops watching (the job keeps running there). */
export async function watchRemote(client: ServerClient, id: string, signal: AbortSignal, opts: OutputOptions): Promise<void> {
  const bar = new Progress(`job ${id.slice(0, 8)}`, opts.progress === false, undefined, true);
  for (;;) {
    const j = await client.get<JobStatus>(`/api/jobs/${encodeURIComponent(id)}`);
    bar.update(progressOf(j));
    if (TERMINAL.has(j.state)) return finish(j, opts, bar);
    await sleep(500, undefined, { signal }).catch(() => undefined);
    if (signal.aborted) {
      bar.done();
      throw new Interrupted(`stopped watching; job ${id} keeps running on the server (rowflow jobs watch ${id})`);
    }
  }
}
