/**
 * Profile → generate → fidelity on public sample databases that ship real data (not run in CI:
 * the samples are other projects' files, fetched into a scratch folder outside the repo).
 *
 *   npm run build:server && node bench/dist/fidelity/run.js DIR [name…]
 *
 * DIR holds one folder per sample: `load.sql` (schema and data, tables in `public`) and,
 * optionally, `queries.sql` (else bench/fidelity/<name>.sql, queries we wrote). For each sample
 * and scale (1×, 10×): a throwaway PostgreSQL 18, the dump loaded, ANALYZE, the generated copy's
 * tables made `LIKE` the source's (columns, defaults, CHECKs, indexes) in schema gen_<scale>,
 * `POST /api/introspect {profile: "stats", scale}` on the source, an append dataset job into the
 * copy, `GET /api/jobs/:id/fidelity`, plan shapes of the queries on both, and the physical order
 * (pg_stats.correlation) of every column the profile gave a correlation, on both.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { throwawayPostgres } from '@rowflow/devdb';
import { comparePlans, type PlanComparison, splitQueries } from '@rowflow/export';
import type { FidelityReport } from '@rowflow/schema';
import pg from 'pg';
import { ROOT, startStack, type Stack, SYSTEM_PG_BIN } from '../harness.js';

const run = promisify(execFile);
const SCALES = [1, 10];

interface Outcome {
  sample: string;
  scale: number;
  tables: number;
  rows: number;
  seconds: number;
  report?: FidelityReport;
  plans?: PlanComparison[];
  order?: OrderCheck[];
  error?: string;
}

/** Physical order of one column: pg_stats.correlation on the source and on the generated copy. */
interface OrderCheck {
  table: string;
  column: string;
  source: number;
  generated: number | null;
}

/** Largest |source − generated| correlation counted as the same physical order. */
const ORDER_TOLERANCE = 0.2;

interface ProfiledTable {
  name: string;
  rows?: number;
  columns: { name: string; profile?: { correlation?: number } }[];
}

/** Correlations of the columns the profile gave one (numbers, dates, foreign keys), both sides. */
async function orderChecks(pool: pg.Pool, schema: string, tables: ProfiledTable[]): Promise<OrderCheck[]> {
  const out: OrderCheck[] = [];
  for (const t of tables) {
    for (const c of t.columns) {
      const source = c.profile?.correlation;
      if (source === undefined) continue;
      const r = await pool.query<{ correlation: number | null }>('SELECT correlation::float8 AS correlation FROM pg_stats WHERE schemaname = $1 AND tablename = $2 AND attname = $3', [schema, t.name, c.name]);
      out.push({ table: t.name, column: c.name, source, generated: r.rows[0]?.correlation ?? null });
    }
  }
  return out;
}

async function psqlFile(url: string, file: string): Promise<void> {
  await run(join(SYSTEM_PG_BIN, 'psql'), ['-q', '-X', '-v', 'ON_ERROR_STOP=0', '-d', url, '-f', file], { maxBuffer: 64 * 1024 * 1024 });
}

async function post<T>(stack: Stack, path: string, body: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${stack.orchestratorUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as T };
}

async function waitJob(stack: Stack, id: string): Promise<void> {
  for (;;) {
    const job = (await (await fetch(`${stack.orchestratorUrl}/api/jobs/${id}`)).json()) as { state: string; error: string | null };
    if (job.state === 'completed') return;
    if (job.state === 'failed' || job.state === 'cancelled') throw new Error(`job ${job.state}: ${job.error}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The copy: every source table `LIKE` its original, INCLUDING ALL (no foreign keys, no partitions). */
async function makeCopy(pool: pg.Pool, schema: string): Promise<void> {
  await pool.query(`CREATE SCHEMA ${schema}`);
  const tables = await pool.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
       AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')`,
  );
  for (const t of tables.rows) await pool.query(`CREATE TABLE ${schema}."${t.name}" (LIKE public."${t.name}" INCLUDING ALL)`);
}

async function measure(sample: string, dir: string, scale: number, url: string, pool: pg.Pool): Promise<Outcome> {
  const schema = `gen_${scale}`;
  await makeCopy(pool, schema);
  const stack = await startStack(url, { TARGET_SCHEMA: schema, LOG_LEVEL: 'warn' });
  const t0 = Date.now();
  try {
    const intro = await post<{ dataset: { tables: ProfiledTable[] }; message?: string }>(stack, '/api/introspect', { schema: 'public', profile: 'stats', scale });
    if (intro.status !== 200) throw new Error(`introspect ${intro.status}: ${intro.body.message}`);
    const job = await post<{ id: string; message?: string }>(stack, '/api/jobs', { dataset: intro.body.dataset, mode: 'append', seed: 1 });
    if (job.status !== 202) throw new Error(`job ${job.status}: ${job.body.message}`);
    await waitJob(stack, job.body.id);
    const seconds = (Date.now() - t0) / 1000;
    const report = (await (await fetch(`${stack.orchestratorUrl}/api/jobs/${job.body.id}/fidelity`)).json()) as FidelityReport;
    // Plans depend on the visibility map too (index-only scans): both sides vacuumed alike.
    await pool.query('VACUUM');
    const qfile = [join(dir, 'queries.sql'), resolve(ROOT, 'bench/fidelity', `${sample}.sql`)].find((f) => existsSync(f));
    const plans = qfile ? await comparePlans({ pool, schema: 'public' }, { pool, schema }, splitQueries(await readFile(qfile, 'utf8'))) : undefined;
    const rows = intro.body.dataset.tables.reduce((a, t) => a + (t.rows ?? 0), 0);
    const order = await orderChecks(pool, schema, intro.body.dataset.tables);
    return { sample, scale, tables: intro.body.dataset.tables.length, rows, seconds, report, plans, order };
  } catch (err) {
    return { sample, scale, tables: 0, rows: 0, seconds: (Date.now() - t0) / 1000, error: (err as Error).message };
  } finally {
    await stack.stop();
  }
}

function share(xs: boolean[]): string {
  return xs.length ? `${Math.round((100 * xs.filter(Boolean).length) / xs.length)} % of ${xs.length}` : '–';
}

function summary(o: Outcome): string {
  if (o.error || !o.report) return `| ${o.sample} | ${o.scale}× | error: ${o.error ?? 'no report'} |`;
  const r = o.report;
  const th = r.thresholds;
  const cols = r.columns;
  const nulls = share(cols.map((c) => c.nullDiff <= th.nullDiff));
  const distinct = share(cols.map((c) => c.distinctRatio <= th.distinctRatio));
  const values = share(cols.filter((c) => c.valueDistance !== undefined).map((c) => (c.valueDistance ?? 0) <= th.valueDistance));
  const hist = share(cols.filter((c) => c.histogramDistance !== undefined).map((c) => (c.histogramDistance ?? 0) <= th.histogramDistance));
  const fks = share(r.foreignKeys.map((f) => f.ok));
  const plans = o.plans ? `${o.plans.filter((p) => p.same).length}/${o.plans.length}` : '–';
  const order = share((o.order ?? []).map((c) => c.generated !== null && Math.abs(c.generated - c.source) <= ORDER_TOLERANCE));
  return `| ${o.sample} | ${o.scale}× | ${o.tables} | ${o.rows} | ${o.seconds.toFixed(1)} | ${nulls} | ${distinct} | ${values} | ${hist} | ${fks} | ${order} | ${plans} | ${share(cols.map((c) => c.ok))} |`;
}

async function main(): Promise<void> {
  const [dir, ...only] = process.argv.slice(2);
  if (!dir) throw new Error('usage: node bench/dist/fidelity/run.js DIR [sample…]');
  const { readdir } = await import('node:fs/promises');
  const samples = (await readdir(dir)).filter((s) => (only.length === 0 || only.includes(s)) && existsSync(join(dir, s, 'load.sql')));
  const outcomes: Outcome[] = [];
  for (const sample of samples) {
    const server = await throwawayPostgres();
    const pool = new pg.Pool({ connectionString: server.url, max: 2 });
    pool.on('error', () => undefined);
    try {
      await psqlFile(server.url, join(dir, sample, 'load.sql'));
      await pool.query('VACUUM ANALYZE');
      for (const scale of SCALES) {
        const o = await measure(sample, join(dir, sample), scale, server.url, pool);
        outcomes.push(o);
        process.stderr.write(`${summary(o)}\n`);
        if (process.env.FIDELITY_DETAIL) process.stderr.write(`${JSON.stringify(o, null, 1)}\n`);
      }
    } finally {
      await pool.end();
      await server.stop();
    }
  }
  process.stdout.write(
    [
      '| sample | scale | tables | rows | seconds | null ratio ±0.02 | distinct ≤1.5× | value weights ≤0.1 | histograms ≤0.1 | per-parent ±10 % | order (correlation ±0.2) | plans same | columns all ok |',
      '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
      ...outcomes.map(summary),
    ].join('\n') + '\n',
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
});
