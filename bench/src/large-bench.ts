/**
 * Cost growth (opt-in: `BENCH_LARGE=1 npm run bench -- large`): 100M `pgbench_accounts` rows
 * and 20M `users` rows (PK + 2 unique) by job defaults into the system PostgreSQL, each against
 * the same job at 1M rows: rows/s, orchestrator peak RSS (first vs second half), and disk used
 * (table + indexes, and the whole database directory growth). `BENCH_LARGE_SCALE=0.1` runs a
 * tenth of the sizes (10M / 2M) — what fits a shared box in minutes. Without BENCH_LARGE the
 * file contributes nothing.
 */
import pg from 'pg';
import { benchDatabase, type BenchResult, type Harness, runJob, sampleRss, type Stack } from './harness.js';

interface Load {
  seconds: number;
  rssEarly: number;
  rssLate: number;
  bytes: number;
}

async function load(stack: Stack, db: pg.Pool, table: string, rows: number, target: string): Promise<Load> {
  const early = sampleRss(stack.orchestrator.pid!, 200);
  let late: ReturnType<typeof sampleRss> | undefined;
  let rssEarly = 0;
  const seconds = await runJob(
    stack,
    { table, rows, seed: 1, targetTable: target },
    (job) => {
      if (!late && job.rowsWritten >= rows / 2) {
        rssEarly = early.stop();
        late = sampleRss(stack.orchestrator.pid!, 200);
      }
    },
    500,
  );
  const rssLate = late?.stop() ?? early.stop();
  const size = await db.query<{ n: string }>(`SELECT pg_total_relation_size($1)::text AS n`, [`public."${target}"`]);
  return { seconds, rssEarly: rssEarly || rssLate, rssLate, bytes: Number(size.rows[0]!.n) };
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
    note: `${b.seconds.toFixed(1)} s; orchestrator RSS ${b.rssEarly} → ${b.rssLate} MB (first/second half; ${s.rssLate} MB at the small size); on disk ${gb(b.bytes)} (table + indexes), ${(b.bytes / big).toFixed(0)} B/row`,
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
      const small = await load(stack, db.pool, table, 1e6, `${table}_1m`);
      const large = await load(stack, db.pool, table, rows, `${table}_large`);
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
