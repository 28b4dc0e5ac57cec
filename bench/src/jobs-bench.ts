/**
 * DB-insert job benchmarks against the built generator + orchestrator processes and a throwaway
 * PostgreSQL (the system PostgreSQL 15 when installed: default settings, fsync on), with the
 * baselines run by the stock tools against the very same server in the same run:
 * - 1M pgbench_accounts with the job defaults: `mode: create` (PRIMARY KEY) vs
 *   `pgbench -i -s 10 -I dtgp`, and `append` into an index-free table vs `pgbench -i -s 10 -I dtg`;
 * - the same load across row sources × partitions (how the defaults were chosen) and the best
 *   configuration (`unlogged`);
 * - 1M users into a new table with PK + 2 unique vs `psql \copy` of the same CSV bytes into the
 *   same DDL, three pairs run alternately, median of the per-pair ratios (and `\copy` into the
 *   same table without indexes once, for scale);
 * - orchestrator peak RSS during a 10M-row job (1M with BENCH_QUICK=1), first vs second half;
 * - the floor any client has under the one-transaction-per-5000-row-chunk design: `psql`
 *   loading the job's own CSV bytes as 5000-row COPY transactions (1 and 4 sessions) against one
 *   `\copy` of the same bytes, so the job's ratio can be read against what Postgres allows.
 * `npm run bench -- jobs` (`BENCH_JOBS_ONLY=users`: the users pairs alone).
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { ACCOUNTS_DDL, benchDatabase as database, type BenchPostgres, type BenchResult, type Harness, median, runJob, sampleRss, type Stack, timeTool } from './harness.js';

const ROWS = 1_000_000;
const DTG = 'pgbench -i -s 10 -I dtg';
const DTGP = 'pgbench -i -s 10 -I dtgp';

async function times(n: number, f: () => Promise<number>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(await f());
  return out;
}

const secs = (xs: number[]) => xs.map((s) => s.toFixed(2)).join(', ');


interface Baselines {
  dtg: number;
  dtgp: number;
}

async function pgbenchBaselines(h: Harness, server: BenchPostgres): Promise<{ base: Baselines; results: BenchResult[] }> {
  const run = (steps: string) => timeTool(server, 'pgbench', ['-i', '-s', '10', '-I', steps, '-q', 'postgres']);
  const dtg = await times(3, () => run('dtg'));
  const dtgp = await times(3, () => run('dtgp'));
  h.log(`${DTG}: ${secs(dtg)} s; ${DTGP}: ${secs(dtgp)} s`);
  const base = { dtg: ROWS / median(dtg), dtgp: ROWS / median(dtgp) };
  return {
    base,
    results: [
      { name: `jobs: ${DTG} (baseline)`, value: base.dtg, unit: 'rows/s', note: `median of 3: ${median(dtg).toFixed(2)} s for 1M accounts rows; ${server.label}` },
      { name: `jobs: ${DTGP} (baseline)`, value: base.dtgp, unit: 'rows/s', note: `median of 3: ${median(dtgp).toFixed(2)} s (with primary keys)` },
    ],
  };
}

/** Job runs on 1M pgbench_accounts; `append` runs get a fresh index-free table each time. */
async function accounts(stack: Stack, db: pg.Pool, tag: string, body: Record<string, unknown>, runs: number): Promise<number[]> {
  return times(runs, async () => {
    const table = `acc_${tag}_${Math.random().toString(36).slice(2, 8)}`;
    if (body.mode === 'append') await db.query(ACCOUNTS_DDL.replace('%s', table));
    const s = await runJob(stack, { table: 'pgbench_accounts', rows: ROWS, seed: 1, ...body, targetTable: table });
    await db.query(`DROP TABLE "${table}"`);
    return s;
  });
}

function accountsResult(name: string, runs: number[], base: number, baseline: string, target: string, note = ''): BenchResult {
  const rate = ROWS / median(runs);
  return { name: `jobs: 1M pgbench_accounts, ${name}`, value: rate, unit: 'rows/s', ratio: rate / base, baseline, target, note: `${runs.length > 1 ? 'median' : 'one run'}: ${secs(runs)} s${note ? `; ${note}` : ''}` };
}

/**
 * Baseline and job alternately, `rounds` times; the ratio of each pair, then the median: the
 * shared machine's load drifts within a run, and a pair run back to back sees the same load.
 */
async function paired(rounds: number, baseline: () => Promise<number>, job: () => Promise<number>): Promise<{ base: number[]; job: number[]; ratio: number }> {
  const base: number[] = [];
  const jobs: number[] = [];
  for (let i = 0; i < rounds; i++) {
    base.push(await baseline());
    jobs.push(await job());
  }
  return { base, job: jobs, ratio: median(base.map((b, i) => b / jobs[i]!)) };
}

function pairedResult(name: string, p: { base: number[]; job: number[]; ratio: number }, baseline: string, target: string): BenchResult {
  return {
    name: `jobs: 1M pgbench_accounts, ${name}`,
    value: ROWS / median(p.job),
    unit: 'rows/s',
    ratio: p.ratio,
    baseline: `${baseline} (run alternately)`,
    target,
    note: `job ${secs(p.job)} s vs ${secs(p.base)} s; median of per-pair ratios`,
  };
}

async function defaults(h: Harness, server: BenchPostgres, stack: Stack, db: pg.Pool): Promise<BenchResult[]> {
  const pgbench = (steps: string) => () => timeTool(server, 'pgbench', ['-i', '-s', '10', '-I', steps, '-q', 'postgres']);
  const one = async (body: Record<string, unknown>, tag: string) => (await accounts(stack, db, tag, body, 1))[0]!;
  const create = await paired(3, pgbench('dtgp'), () => one({}, 'def_create'));
  const append = await paired(3, pgbench('dtg'), () => one({ mode: 'append' }, 'def_append'));
  h.log(`defaults: create ${secs(create.job)} s vs dtgp ${secs(create.base)}; append ${secs(append.job)} s vs dtg ${secs(append.base)}`);
  return [pairedResult('job defaults, create (PRIMARY KEY)', create, DTGP, '>= 1.0'), pairedResult('job defaults, append into an index-free table', append, DTG, '>= 1.0')];
}

/** Row source × partitions at the default 5000-row chunks: the measurement behind the defaults. */
async function matrix(h: Harness, stacks: Record<'generator' | 'local', Stack>, db: Record<'generator' | 'local', pg.Pool>, base: Baselines): Promise<BenchResult[]> {
  const out: BenchResult[] = [];
  for (const source of ['generator', 'local'] as const) {
    for (const partitions of [1, 2, 4]) {
      const runs = await accounts(stacks[source], db[source], `${source}_${partitions}`, { mode: 'append', partitions }, 1);
      h.log(`append, JOB_ROW_SOURCE=${source}, ${partitions} partition(s): ${secs(runs)} s`);
      out.push(accountsResult(`append, JOB_ROW_SOURCE=${source}, ${partitions} partition(s)`, runs, base.dtg, DTG, ''));
    }
  }
  return out;
}

async function best(h: Harness, server: BenchPostgres, stack: Stack, db: pg.Pool): Promise<BenchResult[]> {
  const pgbench = () => timeTool(server, 'pgbench', ['-i', '-s', '10', '-I', 'dtgp', '-q', 'postgres']);
  const one = async (body: Record<string, unknown>, tag: string) => (await accounts(stack, db, tag, body, 1))[0]!;
  const keep = await paired(2, pgbench, () => one({ partitions: 4, unlogged: 'keep' }, 'unlogged'));
  const logged = await paired(2, pgbench, () => one({ partitions: 4, unlogged: true }, 'unlogged_set'));
  const auto = await paired(2, pgbench, () => one({ partitions: 2, chunkSize: 'auto' }, 'auto'));
  const autoKeep = await paired(2, pgbench, () => one({ partitions: 2, chunkSize: 'auto', unlogged: 'keep' }, 'auto_unlogged'));
  h.log(`create unlogged: keep ${secs(keep.job)} s, SET LOGGED at the end ${secs(logged.job)} s; chunkSize auto ${secs(auto.job)} s, auto + keep ${secs(autoKeep.job)} s`);
  return [
    pairedResult('create, 4 partitions, unlogged: "keep"', keep, DTGP, ''),
    pairedResult('create, 4 partitions, unlogged: true (SET LOGGED at the end)', logged, DTGP, ''),
    pairedResult('create, 2 partitions, chunkSize: "auto"', auto, DTGP, ''),
    pairedResult('create, 2 partitions, chunkSize: "auto", unlogged: "keep" (best configuration)', autoKeep, DTGP, '>= 1.5'),
  ];
}

/** The same users CSV bytes the job loads, into a file for `psql \copy`. */
async function usersCsv(stack: Stack, dir: string): Promise<string> {
  const file = join(dir, 'users.csv');
  const res = await fetch(`${stack.generatorUrl}/api/generator/stream/csv?table=users&rows=${ROWS}&seed=1&header=false`);
  if (!res.ok || !res.body) throw new Error(`generator ${res.status}`);
  await pipeline(Readable.fromWeb(res.body as never), createWriteStream(file));
  return file;
}

/** Pairs of the users line: each job next to a `psql \copy` run right after it. */
const USERS_ROUNDS = 3;

/**
 * Computes a finished job's manifest now, outside any timing: the orchestrator's background
 * writer would otherwise regenerate its rows (a core for seconds) during whatever is measured
 * next — the `psql` baseline, which it slowed, or the start of the next job, which it yields to.
 */
async function manifestNow(stack: Stack, db: pg.Pool, table: string): Promise<void> {
  const { rows } = await db.query<{ id: string }>('SELECT job_id AS id FROM rowflow.job_tables WHERE target_table = $1', [table]);
  for (const { id } of rows) {
    const res = await fetch(`${stack.orchestratorUrl}/api/jobs/${id}/manifest`);
    if (!res.ok) throw new Error(`GET /api/jobs/${id}/manifest → ${res.status}`);
    await res.arrayBuffer();
  }
}

/**
 * 1M users into a new table with PK + 2 unique, against `psql \copy` of the same CSV bytes into
 * the same DDL (the table the job just created, LIKE … INCLUDING ALL): USERS_ROUNDS pairs, job
 * then `psql`, so each pair sees the same load of the shared machine; the ratio is the median
 * of the per-pair ratios. The first pair includes the process's first `users` job (its row
 * threads compiling that table's writers), as a user's first job would.
 */
async function users(h: Harness, server: BenchPostgres, stack: Stack, db: { url: string; pool: pg.Pool }): Promise<BenchResult[]> {
  const dir = await mkdtemp(join(tmpdir(), 'rowflow-bench-csv-'));
  try {
    const file = await usersCsv(stack, dir);
    const copy = (t: string) => timeTool(server, 'psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', db.url, '-c', `\\copy ${t} FROM '${file}' (FORMAT csv)`]);
    const jobs: number[] = [];
    const base: number[] = [];
    for (let i = 0; i < USERS_ROUNDS; i++) {
      const table = `users_job_${i}`;
      jobs.push(await runJob(stack, { table: 'users', rows: ROWS, seed: 1, targetTable: table }));
      await manifestNow(stack, db.pool, table);
      await db.pool.query(`CREATE TABLE users_copy_${i} (LIKE "${table}" INCLUDING ALL)`);
      base.push(await copy(`users_copy_${i}`));
      await db.pool.query(`DROP TABLE users_copy_${i}`);
      if (i < USERS_ROUNDS - 1) await db.pool.query(`DROP TABLE "${table}"`);
    }
    // For scale, once: the same bytes into the same table without its indexes.
    await db.pool.query(`CREATE TABLE users_copy_noidx (LIKE "users_job_${USERS_ROUNDS - 1}")`);
    const noIdx = await copy('users_copy_noidx');
    await db.pool.query(`DROP TABLE users_copy_noidx, "users_job_${USERS_ROUNDS - 1}"`);
    const ratio = median(base.map((b, i) => b / jobs[i]!));
    h.log(`users: job ${secs(jobs)} s, psql \\copy ${secs(base)} s (no indexes ${noIdx.toFixed(2)} s)`);
    return [
      { name: 'jobs: psql \\copy 1M users CSV into PK + 2 unique (baseline)', value: ROWS / median(base), unit: 'rows/s', note: `median of ${USERS_ROUNDS}: ${secs(base)} s; into the same table without indexes ${noIdx.toFixed(2)} s` },
      {
        name: 'jobs: 1M users, job defaults, create (PK + 2 unique)',
        value: ROWS / median(jobs),
        unit: 'rows/s',
        ratio,
        baseline: 'psql \\copy, same bytes, same DDL (run alternately)',
        target: '>= 2.0',
        note: `job ${secs(jobs)} s vs psql ${secs(base)} s; median of ${USERS_ROUNDS} per-pair ratios (job, then psql); each job's manifest computed before the next timing`,
      },
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const CHUNK = 5000;

/** The job's 1M pgbench_accounts CSV, cut into 5000-row chunk files, and `s` psql scripts loading them as one transaction each. */
export async function chunkScripts(stack: Stack, dir: string, table: string, sessions: number): Promise<{ whole: string; scripts: string[] }> {
  const whole = join(dir, 'accounts.csv');
  const res = await fetch(`${stack.generatorUrl}/api/generator/stream/csv?table=pgbench_accounts&rows=${ROWS}&seed=1&header=false`);
  if (!res.ok || !res.body) throw new Error(`generator ${res.status}`);
  await pipeline(Readable.fromWeb(res.body as never), createWriteStream(whole));
  const lines = (await readFile(whole, 'latin1')).split('\n');
  lines.pop();
  const steps: string[] = [];
  for (let i = 0; i < lines.length; i += CHUNK) {
    const file = join(dir, `chunk-${i / CHUNK}.csv`);
    await writeFile(file, lines.slice(i, i + CHUNK).join('\n') + '\n', 'latin1');
    steps.push(`BEGIN;\nSET LOCAL synchronous_commit = off;\n\\copy "${table}" FROM '${file}' (FORMAT csv)\nCOMMIT;\n`);
  }
  const scripts: string[] = [];
  for (let s = 0; s < sessions; s++) {
    const file = join(dir, `session-${sessions}-${s}.sql`);
    // Consecutive ranges per session, as a job's partitions have.
    const per = Math.ceil(steps.length / sessions);
    await writeFile(file, steps.slice(s * per, (s + 1) * per).join(''));
    scripts.push(file);
  }
  return { whole, scripts };
}

/**
 * What Postgres itself allows under one transaction per 5000-row chunk: the job's bytes loaded
 * by psql (C, no generation) as 200 chunk transactions, in 1 and 4 parallel sessions, next to
 * one `\copy` of all of them and to the job itself, each into a fresh index-free table.
 */
async function floor(h: Harness, server: BenchPostgres, stack: Stack, db: { url: string; pool: pg.Pool }, base: Baselines): Promise<BenchResult[]> {
  const dir = await mkdtemp(join(tmpdir(), 'rowflow-bench-floor-'));
  const psql = (args: string[]) => timeTool(server, 'psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', db.url, ...args]);
  const fresh = async (t: string) => {
    await db.pool.query(`DROP TABLE IF EXISTS "${t}"`);
    await db.pool.query(ACCOUNTS_DDL.replace('%s', t));
  };
  try {
    const one = await chunkScripts(stack, dir, 'floor_1', 1);
    const four = await chunkScripts(stack, dir, 'floor_4', 4);
    const out: Record<string, number[]> = { whole: [], s1: [], s4: [], unlogged: [] };
    for (let i = 0; i < 3; i++) {
      // Unlogged, one COPY, then the key: what no WAL and no chunking at all would give `create`.
      await db.pool.query('DROP TABLE IF EXISTS floor_u');
      await db.pool.query(ACCOUNTS_DDL.replace('%s', 'floor_u').replace('CREATE TABLE', 'CREATE UNLOGGED TABLE'));
      out.unlogged!.push(await psql(['-c', `\\copy floor_u FROM '${one.whole}' (FORMAT csv)`, '-c', 'ALTER TABLE floor_u ADD PRIMARY KEY (aid)']));
      await fresh('floor_w');
      out.whole!.push(await psql(['-c', `\\copy floor_w FROM '${one.whole}' (FORMAT csv)`]));
      await fresh('floor_1');
      out.s1!.push(await psql(['-f', one.scripts[0]!]));
      await fresh('floor_4');
      const t0 = performance.now();
      await Promise.all(four.scripts.map((f) => psql(['-f', f])));
      out.s4!.push((performance.now() - t0) / 1000);
    }
    h.log(`floor: one \\copy ${secs(out.whole!)} s; 200 chunk transactions, 1 session ${secs(out.s1!)} s, 4 sessions ${secs(out.s4!)} s; unlogged one \\copy + PK ${secs(out.unlogged!)} s`);
    const r = (name: string, xs: number[], note: string): BenchResult => ({ name: `jobs: floor, psql, 1M pgbench_accounts ${name}`, value: ROWS / median(xs), unit: 'rows/s', ratio: ROWS / median(xs) / base.dtg, baseline: DTG, note: `median of 3: ${secs(xs)} s; ${note}` });
    return [
      r('in one \\copy (one transaction)', out.whole!, 'the bytes only, no generation'),
      r('as 200 × 5000-row COPY transactions, 1 session', out.s1!, 'the per-chunk cost Postgres itself adds'),
      r('as 200 × 5000-row COPY transactions, 4 sessions', out.s4!, 'the best any client can do under one transaction per 5000-row chunk here'),
      {
        name: 'jobs: floor, psql, 1M pgbench_accounts in one \\copy into an UNLOGGED table, then PRIMARY KEY',
        value: ROWS / median(out.unlogged!),
        unit: 'rows/s',
        ratio: ROWS / median(out.unlogged!) / base.dtgp,
        baseline: DTGP,
        note: `median of 3: ${secs(out.unlogged!)} s; no WAL, no chunking, no generation: a bound for any create configuration`,
      },
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function rssDuringBigJob(stack: Stack, rows: number): Promise<BenchResult> {
  const early = sampleRss(stack.orchestrator.pid!, 50);
  let late: ReturnType<typeof sampleRss> | undefined;
  let earlyPeak = 0;
  const t = await runJob(stack, { table: 'pgbench_accounts', rows, seed: 2, partitions: 4, targetTable: 'acc_rss', mode: 'create' }, (job) => {
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
    note: `first half ${earlyPeak} MB, second half ${latePeak} MB; ${Math.round(rows / t).toLocaleString('en-US')} rows/s`,
  };
}

async function withStack<T>(h: Harness, admin: pg.Pool, server: BenchPostgres, name: string, env: NodeJS.ProcessEnv, f: (s: Stack, db: { url: string; pool: pg.Pool }) => Promise<T>): Promise<T> {
  const db = await database(admin, server, name);
  const stack = await h.startStack(db.url, { MAX_ROWS: '100000000', ...env });
  try {
    return await f(stack, db);
  } finally {
    await stack.stop();
    await db.pool.end();
  }
}

export async function run(h: Harness): Promise<BenchResult[]> {
  const server = await h.postgres();
  if (!server.bin) throw new Error('jobs bench needs pgbench/psql of a system PostgreSQL');
  const admin = new pg.Pool({ connectionString: server.url, max: 1 });
  try {
    // BENCH_JOBS_ONLY=users: the users line alone (its pairs carry their own baseline).
    if (process.env.BENCH_JOBS_ONLY === 'users') return await withStack(h, admin, server, 'bench_users', {}, (stack, db) => users(h, server, stack, db));
    const { base, results } = await pgbenchBaselines(h, server);
    await withStack(h, admin, server, 'bench_defaults', {}, async (stack, db) => {
      results.push(...(await defaults(h, server, stack, db.pool)));
      results.push(...(await users(h, server, stack, db)));
      results.push(...(await best(h, server, stack, db.pool)));
      results.push(...(await floor(h, server, stack, db, base)));
      results.push(await rssDuringBigJob(stack, h.quick ? 1_000_000 : 10_000_000));
    });
    await withStack(h, admin, server, 'bench_generator', { JOB_ROW_SOURCE: 'generator' }, (gs, gdb) =>
      withStack(h, admin, server, 'bench_local', { JOB_ROW_SOURCE: 'local' }, async (ls, ldb) => {
        results.push(...(await matrix(h, { generator: gs, local: ls }, { generator: gdb.pool, local: ldb.pool }, base)));
      }),
    );
    return results;
  } finally {
    await admin.end();
  }
}
