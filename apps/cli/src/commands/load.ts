import type { JobStatus } from '@rowflow/contracts';
import type { JobDefinition } from '@rowflow/jobs';
import type { Command } from 'commander';
import { checkedTargetSchema, withPool } from '../engine/database.js';
import { interruptSignal } from '../engine/interrupt.js';
import { defined, jsonFile, numberArg, type OutputOptions } from '../output.js';
import { connectionOptions, type ConnectionOptions, target } from './connection.js';
import { datasetArg } from './generate.js';
import { runLocal, watchRemote } from './job-runner.js';

interface LoadOptions extends OutputOptions, ConnectionOptions {
  table?: string;
  dataset?: string;
  targetPrefix?: string;
  schema?: string;
  rows?: string;
  seed?: string;
  partitions?: string;
  chunkSize?: string;
  targetTable?: string;
  mode?: string;
  skipLimit?: string;
}

export function registerLoad(program: Command): void {
  connectionOptions(
    program
      .command('load')
      .description('Load generated rows into PostgreSQL as an exactly-once job (in-process, or on a server); a rerun after Ctrl-C or a kill continues it')
      .option('--table <name>', 'catalog table')
      .option('--schema <file.json>', 'custom table spec instead of --table')
      .option('--dataset <file.json|name>', 'every table of a dataset instead of --table: a spec file (e.g. from `rowflow introspect -o`) or a catalog dataset name')
      .option('--target-prefix <p>', 'with --dataset: prefix of every target table name (default none)')
      .option('--rows <n>', 'rows to load (an integer; 1e6 accepted)')
      .option('--seed <s>', 'seed (default: one is picked and shown)')
      .option('--partitions <p>', 'ranges loaded in parallel (1..64)')
      .option('--chunk-size <n|auto>', 'rows per COPY transaction (default 5000)')
      .option('--target-table <name>', 'with --table/--schema: table to load into (default: the table name)')
      .option('--mode <mode>', 'create | append | truncate | replace (default create; replace: only a table Rowflow created)')
      .option('--skip-limit <n>', 'rows Postgres may reject before the job fails (default 100)'),
  )
    .option('--json', 'print the final job status as JSON')
    .option('--no-progress', 'no progress output')
    .action((opts: LoadOptions) => load(opts));
}

async function body(opts: LoadOptions): Promise<Record<string, unknown>> {
  const chunk = opts.chunkSize === 'auto' ? 'auto' : numberArg(opts.chunkSize);
  return defined({
    table: opts.table,
    schema: opts.schema === undefined ? undefined : await jsonFile(opts.schema, 'schema'),
    dataset: opts.dataset === undefined ? undefined : await datasetArg(opts.dataset),
    targetPrefix: opts.targetPrefix,
    rows: numberArg(opts.rows),
    seed: numberArg(opts.seed),
    partitions: numberArg(opts.partitions),
    chunkSize: chunk,
    targetTable: opts.targetTable,
    mode: opts.mode,
    skipLimit: numberArg(opts.skipLimit),
  });
}

/** What a new job loads, for its first line: one table, or a dataset's tables. */
function describe(def: JobDefinition): string {
  if (!def.dataset) return `${def.rows} rows of ${def.table} into ${def.targetTable}`;
  return `${def.rows} rows in ${def.tables.length} tables of dataset ${def.dataset.name} (mode ${def.mode})`;
}

async function load(opts: LoadOptions): Promise<void> {
  const request = await body(opts);
  const where = target(opts);
  if (where.kind === 'server') {
    const job = await where.client.post<JobStatus>('/api/jobs', request);
    process.stderr.write(`job ${job.id} started on ${where.client.url('')} (seed ${job.seed})\n`);
    return watchRemote(where.client, job.id, interruptSignal(), opts);
  }
  // The job engine's own validator: the same field-naming errors as POST /api/jobs.
  const { parseJobRequest } = await import('@rowflow/jobs');
  const def = parseJobRequest(request, { maxRows: Number(process.env.MAX_ROWS ?? 100_000_000) });
  await checkedTargetSchema();
  const { LocalJobs } = await import('../engine/local-jobs.js');
  const id = await withPool(where.url, 3, async (pool) => {
    const jobs = new LocalJobs(pool);
    await jobs.migrate();
    const previous = await jobs.findResumable(def, request.seed !== undefined);
    if (previous) {
      process.stderr.write(`continuing job ${previous.id} (${previous.rowsWritten}/${previous.rowsTotal} rows committed, seed ${previous.seed})\n`);
      await jobs.reopen(previous.id);
      return previous.id;
    }
    const created = await jobs.create(def);
    process.stderr.write(`job ${created}: ${describe(def)}, seed ${def.seed}\n`);
    return created;
  });
  await runLocal(where.url, id, def.partitions, interruptSignal(), opts);
}
