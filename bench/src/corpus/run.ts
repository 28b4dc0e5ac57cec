/**
 * `npm run corpus` (or `node bench/dist/corpus/run.js`): real application schemas, end to end.
 * For each schema listed in `<corpus>/corpus.json`: a fresh database on a throwaway server gets
 * the schema's own DDL files (applied with psql, data emptied), a built Rowflow stack is started
 * against it, and the schema goes through POST /api/introspect → an `append` job into those very
 * tables → an independent SQL integrity check of every constraint → GET /api/jobs/:id/verify.
 * Prints one table (and writes it to bench-output/corpus.md and .json) plus, per schema, what
 * was refused, rejected or violated. Not part of CI: the schemas are other projects' files and
 * are never committed; see docs/your-schema.md for how to assemble a corpus.
 *
 *   node bench/dist/corpus/run.js --corpus DIR [--only a,b] [--rows N] [--seed S]
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { ROOT, type Stack, startStack } from '../harness.js';
import { applyDdl, CorpusServers, recreateDatabase, emptyTables, type ServerKind } from './corpus-servers.js';
import { checkIntegrity, type IntegrityReport } from './integrity.js';
import { roundTrip, type RoundTrip } from './round-trip.js';

interface CorpusEntry {
  name: string;
  /** DDL files, relative to the corpus directory, applied in order. */
  files: string[];
  /** Directory psql runs in (relative `\i` paths), relative to the corpus directory. */
  cwd?: string;
  server?: ServerKind;
  /** Schemas the application's tables live in (default public). */
  schemas?: string[];
  /** Where the files came from (printed with the results). */
  source?: string;
}

interface Result {
  entry: CorpusEntry;
  seconds: number;
  ddlErrors: number;
  /** The first few of them. */
  ddlErrorLines?: string[];
  integrity?: IntegrityReport;
  trip?: RoundTrip;
  error?: string;
}

const STACK_ENV = {
  // The corpus measures what happens to a whole schema, so the request-size wall is lifted here.
  BODY_LIMIT: '256mb',
  LOG_LEVEL: 'error',
};

/**
 * A busy machine can keep a fresh app from answering /health within the harness's 30 s: two more
 * tries before the schema is reported as an error (a configuration the apps refuse fails all three).
 */
async function startWithRetries(url: string, env: NodeJS.ProcessEnv): Promise<Stack> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startStack(url, env);
    } catch (err) {
      if (attempt >= 3) throw err;
      process.stderr.write(`[corpus] stack did not start (${(err as Error).message}); trying again\n`);
    }
  }
}

async function runEntry(servers: CorpusServers, dir: string, e: CorpusEntry, opts: { rows: number; seed: number }): Promise<Result> {
  const t0 = performance.now();
  const schemas = e.schemas ?? ['public'];
  const server = await servers.get(e.server ?? 'pg15');
  const url = await recreateDatabase(server.url, `corpus_${e.name.replace(/\W/g, '_')}`);
  const ddl = await applyDdl(url, e.files, resolve(dir, e.cwd ?? '.'));
  await emptyTables(url, schemas);
  const result: Result = { entry: e, seconds: 0, ddlErrors: ddl.errorCount, ddlErrorLines: ddl.errors };
  const stack = await startWithRetries(url, { ...STACK_ENV, TARGET_SCHEMA: schemas.join(',') });
  try {
    result.trip = await roundTrip(stack.orchestratorUrl, { schemas, rows: opts.rows, seed: opts.seed });
  } catch (err) {
    result.error = String((err as Error).message ?? err);
  } finally {
    await stack.stop();
  }
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  try {
    result.integrity = await checkIntegrity(pool, schemas);
  } finally {
    await pool.end();
  }
  result.seconds = (performance.now() - t0) / 1000;
  return result;
}

function verdict(r: Result): string {
  const t = r.trip;
  if (r.error) return `error: ${r.error.split('\n')[0]!.slice(0, 80)}`;
  if (!t) return '';
  const refused = t.refusals[0];
  if (refused) return `${refused.step} ${refused.status ?? ''} ${refused.field ?? ''}`.trim();
  return t.verify ? (t.verify.ok ? 'verify ok' : `verify: ${t.verify.problems.length} table(s) differ`) : '';
}

function tableRow(r: Result): string {
  const t = r.trip;
  const i = r.integrity;
  const violations = i ? i.violations.reduce((s, v) => s + v.rows, 0) : NaN;
  const cells = [
    r.entry.name,
    `${t?.introspectedTables ?? 0}/${i?.tables ?? '?'}`,
    String(i?.foreignKeys ?? '?'),
    String(t?.warnings.length ?? 0),
    String(t?.rowsWritten ?? 0),
    (t ? t.introspectSeconds + t.loadSeconds : 0).toFixed(1),
    String(t?.rowsSkipped ?? 0),
    String(violations),
    verdict(r),
  ];
  return `| ${cells.join(' | ')} |`;
}

function markdown(results: Result[], opts: { rows: number; seed: number }): string {
  const head = `Rows per table asked for: ${opts.rows}; seed ${opts.seed}; mode append into the schema's own (empty) tables.\n\n`;
  const table = ['| schema | tables (loaded/in schema) | FKs | warnings | rows | seconds | rejected | violations | outcome |', '|---|---|---|---|---|---|---|---|---|', ...results.map(tableRow)];
  return head + table.join('\n');
}

function details(r: Result): string {
  const lines = [`## ${r.entry.name}${r.entry.source ? ` (${r.entry.source})` : ''}`];
  if (r.ddlErrors) lines.push(`- DDL: ${r.ddlErrors} psql error(s) while applying, first: ${(r.ddlErrorLines ?? []).slice(0, 3).join(' | ')}`);
  for (const f of r.trip?.refusals ?? []) lines.push(`- ${f.step} refused${f.status ? ` (${f.status}${f.field ? `, field ${f.field}` : ''})` : ''}: ${f.message}`);
  for (const d of (r.trip?.deadLetters ?? []).slice(0, 8)) lines.push(`- dead letters: ${d.rows} × ${d.what}`);
  for (const v of (r.integrity?.violations ?? []).slice(0, 12)) lines.push(`- VIOLATION ${v.kind} on ${v.table}: ${v.what}: ${v.rows} row(s)`);
  for (const p of r.trip?.verify?.problems ?? []) lines.push(`- verify: ${p}`);
  for (const s of (r.integrity?.skipped ?? []).slice(0, 5)) lines.push(`- not checked: ${s}`);
  if (r.error) lines.push(`- error: ${r.error}`);
  const w = r.trip?.warnings ?? [];
  if (w.length) lines.push(`- warnings (${w.length}), first: ${w.slice(0, 3).join(' | ')}`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      corpus: { type: 'string', default: process.env.ROWFLOW_CORPUS ?? resolve(ROOT, 'corpus') },
      only: { type: 'string' },
      rows: { type: 'string', default: '100' },
      seed: { type: 'string', default: '20261207' },
    },
  });
  const dir = resolve(values.corpus!);
  const entries = JSON.parse(await readFile(resolve(dir, 'corpus.json'), 'utf8')) as { schemas: CorpusEntry[] };
  const only = values.only?.split(',');
  const opts = { rows: Number(values.rows), seed: Number(values.seed) };
  const servers = new CorpusServers();
  const results: Result[] = [];
  try {
    for (const e of entries.schemas) {
      if (only && !only.includes(e.name)) continue;
      process.stderr.write(`[corpus] ${e.name} …\n`);
      const r = await runEntry(servers, dir, e, opts).catch((err: unknown): Result => ({ entry: e, seconds: 0, ddlErrors: 0, error: String((err as Error).stack ?? err) }));
      results.push(r);
      process.stderr.write(`${tableRow(r)}\n${details(r)}\n`);
    }
  } finally {
    await servers.stopAll();
  }
  const md = `${markdown(results, opts)}\n\n${results.map(details).join('\n\n')}\n`;
  process.stdout.write(`\n${md}`);
  await mkdir(resolve(ROOT, 'bench-output'), { recursive: true });
  await writeFile(resolve(ROOT, 'bench-output', 'corpus.md'), md);
  await writeFile(resolve(ROOT, 'bench-output', 'corpus.json'), JSON.stringify(results, null, 2));
}

main().catch((err: unknown) => {
  process.stderr.write(`${String((err as Error)?.stack ?? err)}\n`);
  process.exitCode = 1;
});
