/**
 * DB-insert job benchmarks (issue 5), against the built generator + orchestrator processes and a
 * throwaway PostgreSQL, with the baseline measured in the same run on the same server:
 * - 1M pgbench_accounts rows generator → orchestrator → Postgres with 1, 2, 4 partitions, as a
 *   ratio to `pgbench -i -s 10 -I dtg` (drop, create tables, client-side generate = COPY of
 *   1M accounts rows, no primary key). Ours appends into the same un-indexed table shape; a
 *   second figure uses mode=create (PRIMARY KEY on aid, as the catalog declares it).
 * - 1M users rows end to end (mode=create: PK + 2 unique indexes) — target <= 5 s.
 * - orchestrator peak RSS during a 10M-row job (1M with BENCH_QUICK=1), early vs late: flat.
 * `npm run bench -- jobs`.
 */
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { type BenchResult, type Harness, sampleRss, type Stack } from './harness.js';

const PGBENCH = '/usr/bin/pgbench';
const ACCOUNTS_DDL = 'CREATE TABLE "%s" (aid integer NOT NULL, bid integer, abalance integer, filler character(84))';

async function pgbenchInit(url: string): Promise<number> {
  const u = new URL(url);
  const args = ['-i', '-s', '10', '-I', 'dtg', '-q', '-h', u.hostname, '-p', u.port, '-U', decodeURIComponent(u.username), u.pathname.slice(1) || 'postgres'];
  const t0 = performance.now();
  await new Promise<void>((ok, fail) => {
    const child = spawn(PGBENCH, args, { env: { ...process.env, PGPASSWORD: decodeURIComponent(u.password) }, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => (code === 0 ? ok() : fail(new Error(`pgbench exited ${code}: ${err}`))));
  });
  return (performance.now() - t0) / 1000;
}

interface JobTiming {
  seconds: number;
  id: string;
}

async function runJob(stack: Stack, body: Record<string, unknown>, onPoll?: (job: { rowsWritten: number }) => void): Promise<JobTiming> {
  const t0 = performance.now();
  const res = await fetch(`${stack.orchestratorUrl}/api/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const created = (await res.json()) as { id: string; message?: string };
  if (res.status !== 202) throw new Error(`POST /api/jobs → ${res.status}: ${created.message}`);
  for (;;) {
    const job = (await (await fetch(`${stack.orchestratorUrl}/api/jobs/${created.id}`)).json()) as { state: string; rowsWritten: number; error: string | null };
    onPoll?.(job);
    if (job.state === 'completed') return { seconds: (performance.now() - t0) / 1000, id: created.id };
    if (job.state === 'failed' || job.state === 'cancelled') throw new Error(`job ${created.id} ${job.state}: ${job.error}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function accountsVsPgbench(h: Harness, stack: Stack, db: pg.Pool, rows: number): Promise<BenchResult[]> {
  const base: number[] = [];
  for (let i = 0; i < 3; i++) base.push(await pgbenchInit(stack.databaseUrl));
  const pgbenchRate = 1_000_000 / median(base);
  h.log(`pgbench -i -s 10 -I dtg: ${base.map((s) => s.toFixed(2)).join(', ')} s`);
  const out: BenchResult[] = [{ name: 'jobs: pgbench -i -s 10 -I dtg (baseline)', value: pgbenchRate, unit: 'rows/s', note: `median of 3: ${median(base).toFixed(2)} s for 1M accounts rows` }];
  for (const partitions of [1, 2, 4]) {
    const runs: number[] = [];
    for (let i = 0; i < 2; i++) {
      const table = `acc_p${partitions}_${i}`;
      await db.query(ACCOUNTS_DDL.replace('%s', table));
      runs.push((await runJob(stack, { table: 'pgbench_accounts', rows, seed: 1, partitions, targetTable: table, mode: 'append' })).seconds);
      await db.query(`DROP TABLE "${table}"`);
    }
    const rate = rows / median(runs);
    h.log(`accounts append, ${partitions} partition(s): ${runs.map((s) => s.toFixed(2)).join(', ')} s`);
    out.push({ name: `jobs: ${rows / 1e6}M pgbench_accounts, ${partitions} partition(s), append (no PK)`, value: rate, unit: 'rows/s', ratio: rate / pgbenchRate, baseline: 'pgbench -i -s 10 -I dtg', target: '>= 1.0 (with partitions)' });
  }
  await db.query(ACCOUNTS_DDL.replace('%s', 'acc_auto'));
  const auto = await runJob(stack, { table: 'pgbench_accounts', rows, seed: 1, partitions: 4, chunkSize: 'auto', targetTable: 'acc_auto', mode: 'append' });
  out.push({ name: `jobs: ${rows / 1e6}M pgbench_accounts, 4 partitions, chunkSize auto, append`, value: rows / auto.seconds, unit: 'rows/s', ratio: rows / auto.seconds / pgbenchRate, baseline: 'pgbench -i -s 10 -I dtg', target: '>= 1.0 (with partitions)' });
  const pk = await runJob(stack, { table: 'pgbench_accounts', rows, seed: 1, partitions: 4, targetTable: 'acc_create_pk' });
  out.push({ name: `jobs: ${rows / 1e6}M pgbench_accounts, 4 partitions, create (PRIMARY KEY)`, value: rows / pk.seconds, unit: 'rows/s', ratio: rows / pk.seconds / pgbenchRate, baseline: 'pgbench -i -s 10 -I dtg' });
  return out;
}

async function usersEndToEnd(stack: Stack, rows: number): Promise<BenchResult> {
  const t = await runJob(stack, { table: 'users', rows, seed: 1, partitions: 4, targetTable: 'users_bench' });
  return { name: `jobs: ${rows / 1e6}M users end to end (create: PK + 2 unique)`, value: t.seconds, unit: 's', target: '<= 5 s', note: `${Math.round(rows / t.seconds).toLocaleString('en-US')} rows/s, 4 partitions` };
}

async function rssDuringBigJob(stack: Stack, rows: number): Promise<BenchResult> {
  const early = sampleRss(stack.orchestrator.pid!, 50);
  let late: ReturnType<typeof sampleRss> | undefined;
  let earlyPeak = 0;
  const t = await runJob(stack, { table: 'pgbench_accounts', rows, seed: 2, partitions: 4, targetTable: 'acc_rss' }, (job) => {
    if (!late && job.rowsWritten >= rows / 2) {
      earlyPeak = early.stop();
      late = sampleRss(stack.orchestrator.pid!, 50);
    }
  });
  const latePeak = late?.stop() ?? earlyPeak;
  return {
    name: `jobs: orchestrator peak RSS during a ${rows / 1e6}M-row job`,
    value: latePeak,
    unit: 'MB',
    target: 'flat',
    note: `first half ${earlyPeak} MB, second half ${latePeak} MB; ${Math.round(rows / t.seconds).toLocaleString('en-US')} rows/s`,
  };
}

/** Same 4-partition append with rows generated inside the orchestrator (JOB_ROW_SOURCE=local). */
async function accountsLocalSource(h: Harness, admin: pg.Pool, serverUrl: string, rows: number, pgbenchRate: number): Promise<BenchResult[]> {
  // Its own database: a second stack on the same one would share the pg-boss queue and mix sources.
  await admin.query('CREATE DATABASE bench_local');
  const url = new URL(serverUrl);
  url.pathname = '/bench_local';
  const local = new pg.Pool({ connectionString: url.toString(), max: 1 });
  for (const t of ['acc_local_5000', 'acc_local_auto']) await local.query(ACCOUNTS_DDL.replace('%s', t));
  await local.end();
  const stack = await h.startStack(url.toString(), { WORKER_CONCURRENCY: '4', MAX_ROWS: '100000000', JOB_ROW_SOURCE: 'local' });
  try {
    const out: BenchResult[] = [];
    for (const chunkSize of [5000, 'auto'] as const) {
      const t = await runJob(stack, { table: 'pgbench_accounts', rows, seed: 1, partitions: 4, chunkSize, targetTable: `acc_local_${chunkSize}`, mode: 'append' });
      const rate = rows / t.seconds;
      out.push({ name: `jobs: ${rows / 1e6}M pgbench_accounts, 4 partitions, chunkSize ${chunkSize}, JOB_ROW_SOURCE=local`, value: rate, unit: 'rows/s', ratio: rate / pgbenchRate, baseline: 'pgbench -i -s 10 -I dtg', target: '>= 1.0 (with partitions)' });
    }
    return out;
  } finally {
    await stack.stop();
  }
}

export async function run(h: Harness): Promise<BenchResult[]> {
  const server = await h.postgres();
  const stack = await h.startStack(server.url, { WORKER_CONCURRENCY: '4', MAX_ROWS: '100000000' });
  const db = new pg.Pool({ connectionString: server.url, max: 2 });
  try {
    const results = await accountsVsPgbench(h, stack, db, 1_000_000);
    results.push(...(await accountsLocalSource(h, db, server.url, 1_000_000, results[0]!.value)));
    results.push(await usersEndToEnd(stack, h.quick ? 200_000 : 1_000_000));
    results.push(await rssDuringBigJob(stack, h.quick ? 1_000_000 : 10_000_000));
    return results;
  } finally {
    await db.end();
    await stack.stop();
  }
}
