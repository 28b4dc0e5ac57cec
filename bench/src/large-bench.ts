/**
 * Cost growth (opt-in: `BENCH_LARGE=1 npm run bench -- large`): 100M `pgbench_accounts` rows
 * and 20M `users` rows (PK + 2 unique) by job defaults into the system PostgreSQL, each against
 * the same job at 1M rows: rows/s, orchestrator peak RSS (first vs second half), and disk used
 * (table + indexes, and the whole database directory growth). `BENCH_LARGE_SCALE=0.1` runs a
 * tenth of the sizes (10M / 2M) — what fits a shared box in minutes. Without BENCH_LARGE the
 * file contributes nothing.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import { benchDatabase, type BenchResult, type Harness, runJob, sampleRss, type Stack } from './harness.js';

interface Load {
  seconds: number;
  rssEarly: number;
  rssLate: number;
  bytes: number;
  /** Growth of the whole data directory (tables, indexes, WAL kept, catalogs) over the load. */
  dirBytes: number;
  /** Seconds to write the first and the second half of the rows (as the status polls saw them). */
  halves: [number, number];
  /** Seconds after the last row was written: the key and unique index builds, and the finish. */
  tail: number;
}

/** Bytes under the server's data directory (`du`: the bench runs on the server's machine). */
async function dataDirBytes(db: pg.Pool): Promise<number> {
  const { rows } = await db.query<{ dir: string }>(`SELECT current_setting('data_directory') AS dir`);
  // A WAL segment recycled during the walk makes du exit non-zero; its total is still printed.
  const stdout = await promisify(execFile)('du', ['-sb', rows[0]!.dir]).then(
    (r) => r.stdout,
    (err: { stdout?: string }) => err.stdout ?? '0',
  );
  return Number(stdout.split('\t')[0]);
}

async function load(stack: Stack, db: pg.Pool, table: string, rows: number, target: string, log: (msg: string) => void): Promise<Load> {
  const dir0 = await dataDirBytes(db);
  const early = sampleRss(stack.orchestrator.pid!, 200);
  let late: ReturnType<typeof sampleRss> | undefined;
  let rssEarly = 0;
  const t0 = performance.now();
  const since = () => (performance.now() - t0) / 1000;
  let halfAt = 0;
  let allAt = 0;
  let loggedAt = 0;
  const seconds = await runJob(
    stack,
    { table, rows, seed: 1, targetTable: target },
    (job) => {
      if (!late && job.rowsWritten >= rows / 2) {
        rssEarly = early.stop();
        late = sampleRss(stack.orchestrator.pid!, 200);
        halfAt = since();
      }
      if (!allAt && job.rowsWritten >= rows) allAt = since();
      // A long load reports how far it got, so a run cut short still says something.
      if (since() - loggedAt >= 30) {
        loggedAt = since();
        log(`large: ${target} ${job.rowsWritten.toLocaleString('en-US')} rows after ${loggedAt.toFixed(0)} s (${Math.round(job.rowsWritten / loggedAt).toLocaleString('en-US')} rows/s)`);
      }
    },
    500,
  );
  const rssLate = late?.stop() ?? early.stop();
  const size = await db.query<{ n: string }>(`SELECT pg_total_relation_size($1)::text AS n`, [`public."${target}"`]);
  const rowsDone = allAt || seconds;
  return {
    seconds,
    rssEarly: rssEarly || rssLate,
    rssLate,
    bytes: Number(size.rows[0]!.n),
    dirBytes: (await dataDirBytes(db)) - dir0,
    halves: [halfAt, rowsDone - halfAt],
    tail: seconds - rowsDone,
  };
}

function line(table: string, big: number, small: number, b: Load, s: Load): BenchResult {
  const rate = big / b.seconds;
  const base = small / s.seconds;
  const gb = (n: number) => `${(n / 1e9).toFixed(2)} GB`;
  return {
    name: `large: ${(big / 1e6).toLocaleString('en-US')}M ${table}, job defaults, create`,
    value: rate,
    unit: 'rows/s',
    ratio: rate / base,
    baseline: `the same job at ${(small / 1e6).toLocaleString('en-US')}M rows`,
    target: '>= 0.90, RSS flat',
    note: `${b.seconds.toFixed(1)} s; orchestrator RSS ${b.rssEarly} → ${b.rssLate} MB (first/second half; ${s.rssLate} MB at the small size); rows/s first vs second half ${Math.round(big / 2 / b.halves[0]).toLocaleString('en-US')} / ${Math.round(big / 2 / b.halves[1]).toLocaleString('en-US')}, then ${b.tail.toFixed(1)} s for the indexes; on disk ${gb(b.bytes)} (table + indexes), ${(b.bytes / big).toFixed(0)} B/row; data directory +${gb(b.dirBytes)}`,
  };
}

export async function run(h: Harness): Promise<BenchResult[]> {
  if (!h.large) return [];
  const scale = Number(process.env.BENCH_LARGE_SCALE ?? 1);
  const server = await h.postgres();
  const admin = new pg.Pool({ connectionString: server.url, max: 1 });
  const db = await benchDatabase(admin, server, 'bench_large');
  const stack = await h.startStack(db.url, { MAX_ROWS: String(200_000_000) });
  try {
    const out: BenchResult[] = [];
    for (const [table, big] of [['pgbench_accounts', 100e6], ['users', 20e6]] as const) {
      const rows = Math.round(big * scale);
      // The first job on a fresh stack pays the JIT and the server's cold caches: not the 1M baseline.
      await runJob(stack, { table, rows: 100_000, seed: 2, targetTable: `${table}_warmup` }, undefined, 200);
      await db.pool.query(`DROP TABLE "${table}_warmup"`);
      const small = await load(stack, db.pool, table, 1e6, `${table}_1m`, h.log);
      const large = await load(stack, db.pool, table, rows, `${table}_large`, h.log);
      h.log(`large: ${table} 1M ${JSON.stringify(small)}, ${rows} ${JSON.stringify(large)}`);
      out.push(line(table, rows, 1e6, large, small));
      await db.pool.query(`DROP TABLE "${table}_1m"; DROP TABLE "${table}_large"`);
    }
    return out;
  } finally {
    await stack.stop();
    await db.pool.end();
    await admin.end();
  }
}
