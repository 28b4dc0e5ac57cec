/**
 * Where a dataset job of many small tables spends per table: every statement the server ran
 * (pg_stat_statements, utility statements included) with its calls and execution time per
 * table, and the CPU per table of PostgreSQL and of the orchestrator. Not a figure for the
 * bench table (its name does not end in -bench, so `npm run bench` skips it): a tool to find
 * what to cut. System PostgreSQL 15 only (it needs the contrib module preloaded).
 *
 * `npm run build:server && BENCH_TABLES=1000 node bench/dist/many-tables-cost.js`
 */
import { loadavg } from 'node:os';
import pg from 'pg';
import { datasetJob, manyTablesDataset } from './many-tables-bench.js';
import { postmasterPid, procStat, serverCpu, startStack, systemPostgres } from './harness.js';

/** Statements grouped with the per-table names folded (`"j_t0042"` → `T`), costliest first. */
const BY_STATEMENT = `
  SELECT sum(calls)::float8 AS calls, sum(total_exec_time)::float8 AS ms, q FROM (
    SELECT calls, total_exec_time, left(regexp_replace(regexp_replace(query, '\\s+', ' ', 'g'), '[jw]_t[0-9]+', 'T', 'g'), 140) AS q
    FROM pg_stat_statements WHERE query NOT LIKE '%pg_stat_statements%') x
  GROUP BY q ORDER BY 2 DESC LIMIT $1`;

async function main(): Promise<void> {
  const tables = Number(process.env.BENCH_TABLES ?? 1000);
  const server = await systemPostgres(['shared_preload_libraries=pg_stat_statements', 'pg_stat_statements.track_utility=on', 'pg_stat_statements.max=10000']);
  const admin = new pg.Pool({ connectionString: server.url, max: 1 });
  let stack: Awaited<ReturnType<typeof startStack>> | undefined;
  try {
    await admin.query('CREATE EXTENSION pg_stat_statements');
    stack = await startStack(server.url);
    await datasetJob(stack, manyTablesDataset(5, 10), 'w_'); // warm-up: first-job costs are not per table
    await admin.query('SELECT pg_stat_statements_reset()');
    const pm = await postmasterPid(admin);
    const app = () => procStat(stack!.orchestrator.pid!)!.self;
    const [pg0, app0] = [serverCpu(pm), app()];
    const times = await datasetJob(stack, manyTablesDataset(tables, 1000), 'j_');
    const per = (x: number) => (x / tables).toFixed(3);
    const totals = (await admin.query<{ calls: number; ms: number }>(`SELECT sum(calls)::float8 AS calls, sum(total_exec_time)::float8 AS ms FROM pg_stat_statements WHERE query NOT LIKE '%pg_stat_statements%'`)).rows[0]!;
    process.stdout.write(
      `${tables} tables × 1000 rows, ${server.label}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}\n` +
        `job ${times.total.toFixed(2)} s (POST ${times.post.toFixed(2)}, load ${times.load.toFixed(2)}, constraint phase ${times.phase.toFixed(2)})\n` +
        `per table: PostgreSQL CPU ${per((serverCpu(pm) - pg0) * 1000)} ms, orchestrator CPU ${per((app() - app0) * 1000)} ms, statements ${per(totals.calls)}, execution ${per(totals.ms)} ms\n` +
        `calls/table  ms/table  statement\n`,
    );
    for (const r of (await admin.query<{ calls: number; ms: number; q: string }>(BY_STATEMENT, [40])).rows) {
      process.stdout.write(`${per(r.calls).padStart(11)}  ${per(r.ms).padStart(8)}  ${r.q}\n`);
    }
  } finally {
    await stack?.stop();
    await admin.end();
    await server.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${String((err as Error)?.stack ?? err)}\n`);
  process.exitCode = 1;
});
