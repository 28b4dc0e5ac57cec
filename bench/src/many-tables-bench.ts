/**
 * Many small tables: a dataset job of 1,000 tables × 1,000 rows (`BENCH_QUICK=1`: 200) against
 * `psql` loading the very same bytes table by table the way a hand-written script would: one
 * session, for each table `CREATE TABLE` (the DDL the job runs), `\copy` its rows, `ALTER TABLE
 * … ADD PRIMARY KEY`, each statement in its own transaction. Both servers: the embedded
 * PostgreSQL 18 `npm start` runs and the system PostgreSQL 15. The job's time is split into
 * the POST (validation, every CREATE TABLE and the job rows), the load, and the constraint
 * phase, read from its status. `npm run bench -- many-tables`.
 */
import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pipeline } from 'node:stream/promises';
import type { DatasetSpec } from '@rowflow/contracts';
import { createDatasetRowStream } from '@rowflow/generator';
import { createTableSql, datasetSlice } from '@rowflow/jobs';
import { datasetPgType } from '@rowflow/schema';
import { type BenchPostgres, type BenchResult, type Harness, median, onEachServer, postmasterPid, procStat, serverCpu, type ServerKind, type Stack, timeTool, withBenchDatabase } from './harness.js';

/** A small table as real schemas have hundreds of: a key and a few plain columns. */
export function manyTablesDataset(tables: number, rows: number): DatasetSpec {
  return {
    name: 'many',
    tables: Array.from({ length: tables }, (_, i) => ({
      name: `t${String(i).padStart(4, '0')}`,
      rows,
      columns: [
        { name: 'id', type: 'serial', primaryKey: true },
        { name: 'name', type: 'firstName' },
        { name: 'amount', type: 'int', min: 0, max: 100_000 },
        { name: 'active', type: 'boolean' },
        { name: 'created_at', type: 'timestamptz', from: '2024-01-01T00:00:00Z', to: '2025-01-01T00:00:00Z' },
      ],
    })),
  };
}

/** Every table's CSV (the job's own bytes: same generator code, same seed) and one psql script loading them. */
async function psqlScript(dir: string, dataset: DatasetSpec, prefix: string): Promise<string> {
  const lines: string[] = [];
  for (const t of dataset.tables) {
    const file = join(dir, `${t.name}.csv`);
    // The table's slice: the bytes of the whole dataset, without validating all of it per table.
    await pipeline(createDatasetRowStream({ dataset: datasetSlice(dataset, t.name), table: t.name, seed: 1, format: 'csv', header: false }), createWriteStream(file));
    const ref = { schema: 'public', table: prefix + t.name };
    lines.push(`${createTableSql(ref, t, { columnType: (c) => datasetPgType(dataset, c) })};`);
    lines.push(`\\copy "public"."${ref.table}" FROM '${file}' (FORMAT csv)`);
    lines.push(`ALTER TABLE "public"."${ref.table}" ADD PRIMARY KEY (id);`);
  }
  const script = join(dir, `load-${prefix}.sql`);
  await writeFile(script, lines.join('\n') + '\n');
  return script;
}

export interface JobTimes {
  total: number;
  post: number;
  load: number;
  phase: number;
  /** CPU seconds of PostgreSQL (all its processes) and of Rowflow's processes during the job. */
  pgCpu?: number;
  appCpu?: number;
}

/** Runs `f`, adding the CPU seconds PostgreSQL and Rowflow's processes used meanwhile. */
async function withCpu<T extends object>(pm: number, stack: Stack, f: () => Promise<T>): Promise<T & { pgCpu: number; appCpu: number }> {
  const apps = () => procStat(stack.orchestrator.pid!)!.self + procStat(stack.generator.pid!)!.self;
  const [pg0, app0] = [serverCpu(pm), apps()];
  const out = await f();
  return { ...out, pgCpu: serverCpu(pm) - pg0, appCpu: apps() - app0 };
}

/** Runs the dataset job, polling every second (its status lists every table and partition: a read costs O(tables)). */
export async function datasetJob(stack: Stack, dataset: DatasetSpec, prefix: string): Promise<JobTimes> {
  const t0 = performance.now();
  const res = await fetch(`${stack.orchestratorUrl}/api/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ dataset, seed: 1, targetPrefix: prefix }) });
  const created = (await res.json()) as { id: string; message?: string };
  if (res.status !== 202) throw new Error(`POST /api/jobs → ${res.status}: ${created.message}`);
  const post = (performance.now() - t0) / 1000;
  let loaded: number | undefined;
  for (;;) {
    const job = (await (await fetch(`${stack.orchestratorUrl}/api/jobs/${created.id}`)).json()) as { state: string; phase: string; error: string | null };
    const now = (performance.now() - t0) / 1000;
    if (job.phase !== 'loading') loaded ??= now;
    if (job.state === 'completed') return { total: now, post, load: loaded! - post, phase: now - loaded! };
    if (job.state === 'failed' || job.state === 'cancelled') throw new Error(`job ${created.id} ${job.state}: ${job.error}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

async function onServer(h: Harness, kind: ServerKind, dataset: DatasetSpec, rounds: number): Promise<BenchResult[]> {
  const server: BenchPostgres = await h.postgres(kind);
  if (!server.bin) throw new Error('many-tables bench needs psql of a system PostgreSQL');
  return withBenchDatabase(server, 'bench_many', async (db, dir) => {
    const stack = await h.startStack(db.url);
    try {
      const pm = await postmasterPid(db.pool);
      const psql: number[] = [];
      const jobs: JobTimes[] = [];
      for (let i = 0; i < rounds; i++) {
        const script = await psqlScript(dir, dataset, `p${i}_`);
        const p = await withCpu(pm, stack, async () => ({ wall: await timeTool(server, 'psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', db.url, '-f', script]) }));
        psql.push(p.wall);
        jobs.push(await withCpu(pm, stack, () => datasetJob(stack, dataset, `j${i}_`)));
        h.log(`${kind}: psql ${p.wall.toFixed(2)} s (PostgreSQL CPU ${p.pgCpu.toFixed(2)} s), job ${JSON.stringify(jobs.at(-1), (_, v: unknown) => (typeof v === 'number' ? Number(v.toFixed(2)) : v))}`);
      }
      const job = median(jobs.map((j) => j.total));
      const ratios = median(jobs.map((j, i) => j.total / psql[i]!));
      const mid = (f: (j: JobTimes) => number) => median(jobs.map(f)).toFixed(2);
      const size = `${dataset.tables.length} tables × ${dataset.tables[0]!.rows} rows`;
      return [
        { name: `many tables: psql, ${size}, create + \\copy + ADD PRIMARY KEY per table (baseline)`, value: median(psql), unit: 's', note: `${server.label}; runs ${psql.map((s) => s.toFixed(2)).join(', ')} s` },
        {
          name: `many tables: dataset job, ${size}`,
          value: job,
          unit: 's',
          ratio: ratios,
          baseline: 'psql, same bytes, same server (time ratio, lower is better)',
          target: '<= 1.5, <= 30 s',
          note: `median of ${rounds}: POST ${mid((j) => j.post)} s, load ${mid((j) => j.load)} s, constraint phase ${mid((j) => j.phase)} s; runs ${jobs.map((j) => j.total.toFixed(2)).join(', ')} s`,
        },
      ];
    } finally {
      await stack.stop();
    }
  });
}

export function run(h: Harness): Promise<BenchResult[]> {
  const tables = Number(process.env.BENCH_TABLES ?? (h.quick ? 200 : 1000));
  const dataset = manyTablesDataset(tables, 1000);
  const rounds = h.quick ? 1 : 3;
  return onEachServer((kind) => onServer(h, kind, dataset, rounds));
}
