import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { PlanComparison } from '@rowflow/export';
import { type FidelityReport, validateDatasetSpec } from '@rowflow/schema';
import { databaseUrl, targetSchema, withPool } from '../engine/database.js';
import { UsageError, WorkFailed } from '../exit.js';
import { emit, jsonFile, type OutputOptions } from '../output.js';
import { connectionOptions, type ConnectionOptions, target } from './connection.js';
import { jobIdArg } from './jobs.js';

interface FidelityOptions extends OutputOptions, ConnectionOptions {
  job?: string;
  spec?: string;
  schema?: string;
  sourceUrl?: string;
  sourceSchema?: string;
  queries?: string;
}

type Report = FidelityReport & { plans?: PlanComparison[] };

export function registerFidelity(program: Command): void {
  connectionOptions(
    program
      .command('fidelity')
      .description("Compare generated tables' statistics (after ANALYZE) with the statistics profile their spec carries; exit 0 ok, 1 not")
      .option('--job <id>', "a completed job: its tables and its spec's profile")
      .option('--spec <file>', 'a profiled spec (the introspect answer or its dataset) whose tables are loaded under --schema')
      .option('--schema <name>', 'with --spec: schema holding the generated tables (default: $TARGET_SCHEMA or public)')
      .option('--queries <file.sql>', 'also compare EXPLAIN (COSTS OFF) plan shapes of these queries on --source-url and the generated database')
      .option('--source-url <url>', 'with --queries: the source database')
      .option('--source-schema <name>', 'with --queries: schema of the source tables (default: --schema)'),
  )
    .option('--json', 'print the report as JSON')
    .action((opts: FidelityOptions) => fidelity(opts));
}

function line(ok: boolean, text: string): string {
  return `  ${ok ? '✓' : '✗'} ${text}`;
}

function human(r: Report): string {
  const cols = r.columns.map((c) =>
    line(c.ok, `${c.table}.${c.column}: nulls ±${c.nullDiff}, distinct ×${c.distinctRatio}${c.valueDistance !== undefined ? `, values ${c.valueDistance}` : ''}${c.histogramDistance !== undefined ? `, histogram ${c.histogramDistance}` : ''}${c.widthRatio !== undefined ? `, width ×${c.widthRatio}` : ''}`),
  );
  const fks = r.foreignKeys.map((f) => line(f.ok, `${f.table}.${f.column}: children per parent ×${f.perParentMeanRatio}`));
  const plans = (r.plans ?? []).map((p) => line(p.same, `plan: ${p.query.replace(/\s+/g, ' ').slice(0, 80)}`));
  const missing = r.missing.map((t) => line(false, `${t}: no statistics in the generated database`));
  const passed = [...r.columns, ...r.foreignKeys].filter((x) => x.ok).length;
  const head = `${r.ok ? 'ok' : 'NOT FAITHFUL'}: ${passed} of ${r.columns.length + r.foreignKeys.length} checks within thresholds (nulls ±${r.thresholds.nullDiff}, distinct ×${r.thresholds.distinctRatio}, values/histogram ≤ ${r.thresholds.valueDistance}, per parent ±${r.thresholds.perParentMean * 100} %, text width ×${r.thresholds.widthRatio})`;
  return [head, ...cols, ...fks, ...plans, ...missing].join('\n');
}

async function fidelity(opts: FidelityOptions): Promise<void> {
  if ((opts.job === undefined) === (opts.spec === undefined)) throw new UsageError('give exactly one of --job ID or --spec FILE', 'job');
  if (opts.queries !== undefined && opts.sourceUrl === undefined) throw new UsageError('--queries needs --source-url (the database to compare plans with)', 'source-url');
  const report: Report = opts.job !== undefined ? await ofJob(opts, jobIdArg(opts.job, 'job')) : await ofSpec(opts, opts.spec!);
  if (opts.queries !== undefined) report.plans = await plans(opts, opts.queries);
  if (report.plans?.some((p) => !p.same)) report.ok = false;
  emit(report, opts, () => human(report));
  if (!report.ok) throw new WorkFailed('the generated data is not within the fidelity thresholds', report);
}

async function ofJob(opts: FidelityOptions, id: string): Promise<Report> {
  const t = target(opts);
  if (t.kind === 'server') return t.client.get<Report>(`/api/jobs/${encodeURIComponent(id)}/fidelity`);
  const { checkFidelity, JobManifestStore } = await import('@rowflow/export');
  return withPool(t.url, 2, async (pool) => {
    const { input, state } = await new JobManifestStore(pool).job(id);
    if (state !== 'completed') throw new UsageError(`job ${id} is ${state}; fidelity needs a completed job`, 'job');
    const dataset = input.dataset ?? { name: input.tables[0]?.table ?? 'table', tables: input.tables.map((x) => x.schema) };
    return checkFidelity(pool, dataset, input.tables.map((x) => ({ table: x.table, targetSchema: x.targetSchema ?? targetSchema(), targetTable: x.targetTable })));
  });
}

async function ofSpec(opts: FidelityOptions, file: string): Promise<Report> {
  if (opts.server !== undefined) throw new UsageError('--spec runs in-process: give --database-url (the generated database), not --server', 'server');
  const raw = await jsonFile(file, 'spec');
  const body = typeof raw === 'object' && raw !== null && 'dataset' in raw ? (raw as { dataset: unknown }).dataset : raw;
  const dataset = validateDatasetSpec(body, 'spec');
  const schema = opts.schema ?? targetSchema();
  const { checkFidelity } = await import('@rowflow/export');
  return withPool(databaseUrl(opts.databaseUrl), 2, (pool) => checkFidelity(pool, dataset, dataset.tables.map((t) => ({ table: t.name, targetSchema: schema, targetTable: t.name }))));
}

async function plans(opts: FidelityOptions, file: string): Promise<PlanComparison[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new UsageError(`--queries: cannot read ${file}: ${(err as Error).message}`, 'queries');
  }
  const { comparePlans, splitQueries } = await import('@rowflow/export');
  const queries = splitQueries(text);
  if (queries.length === 0) throw new UsageError(`--queries: ${file} holds no SQL statement`, 'queries');
  const schema = opts.schema ?? targetSchema();
  return withPool(databaseUrl(opts.sourceUrl), 1, (source) =>
    withPool(databaseUrl(opts.databaseUrl), 1, (generated) => comparePlans({ pool: source, schema: opts.sourceSchema ?? schema }, { pool: generated, schema }, queries)),
  );
}
