import { type DeadLetter, type JobStatus, ValidationError } from '@rowflow/contracts';
import type { Command } from 'commander';
import { checkedTargetSchema, withPool } from '../engine/database.js';
import { interruptSignal } from '../engine/interrupt.js';
import { defined, emit, numberArg, type OutputOptions } from '../output.js';
import { connectionOptions, type ConnectionOptions, target } from './connection.js';
import { jobLine, runLocal, watchRemote } from './job-runner.js';

type Opts = OutputOptions & ConnectionOptions & { dropTables?: boolean; maxDeadLetters?: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A job id argument is checked before anything connects: a typo is bad usage (exit 2), and an
 * in-process command must not first create the job tables in a database it was pointed at by mistake.
 */
export function jobIdArg(raw: string, field = 'id'): string {
  if (!UUID.test(raw)) throw new ValidationError(field, `must be a job id (a uuid such as 3f2b…-…), got ${JSON.stringify(raw)}`);
  return raw;
}

function sub(parent: Command, name: string, description: string, action: (id: string | undefined, opts: Opts) => Promise<void>, takesId = true, options: (cmd: Command) => Command = (c) => c): void {
  const cmd = options(parent.command(takesId ? `${name} <id>` : name).description(description));
  connectionOptions(cmd)
    .option('--json', 'print JSON')
    .option('--no-progress', 'no progress output')
    .action((a: string | Opts, b?: Opts) => (takesId ? action(jobIdArg(a as string), b!) : action(undefined, a as Opts)));
}

async function withRepo<T>(url: string, fn: (repo: import('@rowflow/jobs').JobRepository, pool: import('pg').Pool) => Promise<T>): Promise<T> {
  const { LocalJobs } = await import('../engine/local-jobs.js');
  return withPool(url, 2, async (pool) => {
    const jobs = new LocalJobs(pool);
    await jobs.migrate();
    return fn(jobs.repo, pool);
  });
}

export function registerJobs(program: Command): void {
  const jobs = program.command('jobs').description('List, show, watch, resume, cancel or delete jobs (in-process database or --server)');
  sub(jobs, 'list', 'recent jobs, newest first', async (_id, opts) => {
    const t = target(opts);
    const list = t.kind === 'server' ? await t.client.get<JobStatus[]>('/api/jobs') : await withRepo(t.url, (r) => r.list());
    emit(list, opts, () => (list.length ? list.map(jobLine).join('\n') : 'no jobs'));
  }, false);
  sub(jobs, 'show', 'one job\'s status', async (id, opts) => {
    const t = target(opts);
    const j = t.kind === 'server' ? await t.client.get<JobStatus>(`/api/jobs/${encodeURIComponent(id!)}`) : await withRepo(t.url, (r) => r.get(id!));
    emit(j, opts, () => `${jobLine(j)}\n${j.partitions.map((p) => `  partition ${p.index}: rows [${p.fromRow}, ${p.toRow}) next ${p.nextRow} ${p.state}`).join('\n')}`);
  });
  sub(jobs, 'dead-letters', 'rows PostgreSQL rejected: table, row number, SQLSTATE, constraint, message and the row', async (id, opts) => {
    const t = target(opts);
    const rows = t.kind === 'server' ? await t.client.get<DeadLetter[]>(`/api/jobs/${encodeURIComponent(id!)}/dead-letters`) : await withRepo(t.url, async (r) => {
          await r.get(id!); // 404 for an unknown job, as the server answers
          return r.deadLetters(id!);
        });
    emit(rows, opts, () => (rows.length ? rows.map(deadLetterLine).join('\n') : 'no dead letters'));
  });
  sub(jobs, 'watch', 'follow a job until it ends (exit 0 completed, 1 failed/cancelled)', async (id, opts) => {
    const t = target(opts);
    const signal = interruptSignal();
    if (t.kind === 'server') return watchRemote(t.client, id!, signal, opts);
    const { watchLocal } = await import('./watch-local.js');
    return watchLocal(t.url, id!, signal, opts);
  });
  sub(jobs, 'resume', 'continue a cancelled/failed/interrupted job from its checkpoints (in-process: runs it here)', async (id, opts) => {
    const { parseResumeOptions } = await import('@rowflow/jobs');
    const body = parseResumeOptions(defined({ maxDeadLetters: numberArg(opts.maxDeadLetters) }));
    const t = target(opts);
    const signal = interruptSignal();
    if (t.kind === 'server') {
      await t.client.post<JobStatus>(`/api/jobs/${encodeURIComponent(id!)}/resume`, body);
      return watchRemote(t.client, id!, signal, opts);
    }
    const { applyResumeOptions } = await import('@rowflow/jobs');
    const j = await withRepo(t.url, async (r, pool) => {
      await r.get(id!); // unknown → not found before anything changes
      await applyResumeOptions(pool, id!, body);
      return r.resume(id!);
    });
    return runLocal(t.url, j.id, j.partitions.length, signal, opts);
  }, true, (c) => c.option('--max-dead-letters <n>', "a new dead-letter limit (the job's skipLimit), for a job that stopped on it"));
  sub(jobs, 'delete', 'delete an ended job and its dead letters (--drop-tables: also the tables it created)', async (id, opts) => {
    const t = target(opts);
    const dropTables = opts.dropTables === true;
    if (t.kind === 'server') await t.client.delete(`/api/jobs/${encodeURIComponent(id!)}${dropTables ? '?dropTables=true' : ''}`);
    else {
      const { deleteJob } = await import('@rowflow/jobs');
      const schema = await checkedTargetSchema();
      await withRepo(t.url, (_r, pool) => deleteJob(pool, id!, { dropTables, writeScope: schema.split(',').map((s) => s.trim()) }));
    }
    const result = { id: id!, deleted: true, droppedTables: dropTables };
    emit(result, opts, () => `deleted job ${id}${dropTables ? ' and its tables' : ''}`);
  }, true, (c) => c.option('--drop-tables', 'also drop the tables the job created (only those, only inside TARGET_SCHEMA)'));
  sub(jobs, 'cancel', 'cancel a queued/running job (committed chunks stay)', async (id, opts) => {
    const t = target(opts);
    const j = t.kind === 'server' ? await t.client.post<JobStatus>(`/api/jobs/${encodeURIComponent(id!)}/cancel`) : await withRepo(t.url, (r) => r.cancel(id!));
    emit(j, opts, () => jobLine(j));
  });
}

/** `public.orders row 17: 23503 orders_customer_id_fkey — insert or update … | 17,42,…` */
export function deadLetterLine(d: DeadLetter): string {
  return `${d.schema}.${d.table} row ${d.rowNumber}: ${d.sqlstate}${d.constraint ? ` ${d.constraint}` : ''} — ${d.message} | ${d.row}`;
}
