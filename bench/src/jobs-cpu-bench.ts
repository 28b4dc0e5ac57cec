/**
 * Where the CPU goes when 1M `pgbench_accounts` rows are loaded: `pgbench -i` against a job
 * with its defaults, on the same server. Wall clock on a 2-core machine can't be shorter than
 * (CPU seconds of every process involved) / 2, so these figures bound what any job can reach
 * against `pgbench -i` here, whatever the client does.
 *
 * Server CPU is the whole PostgreSQL process tree: the postmaster's live children (backends,
 * WAL writer, checkpointer, …) plus the children it has already reaped (its cutime/cstime),
 * read from /proc. pgbench's own CPU comes from the shell's `times` for its children.
 */
import { execFile } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { ACCOUNTS_DDL, type BenchPostgres, type BenchResult, type Harness, median, postmasterPid, procStat, runJob, serverCpu, toolConnection } from './harness.js';

const ROWS = 1_000_000;
const ROUNDS = 3;
/** Runs pgbench under a shell whose `times` reports the CPU of its children: {wall, cpu} seconds. */
function pgbench(server: BenchPostgres, steps: string): Promise<{ wall: number; cpu: number }> {
  const { args: conn, env } = toolConnection(server);
  const args = [`${server.bin}/pgbench`, ...conn, '-i', '-s', '10', '-I', steps, '-q', 'postgres'];
  const t0 = performance.now();
  return new Promise((ok, fail) => {
    execFile('bash', ['-c', '"$@" >/dev/null 2>&1 || exit 1; times', 'pgbench', ...args], { env }, (err, out) => {
      if (err) return fail(new Error(`pgbench -I ${steps} failed: ${err.message}`));
      // Second line of `times`: user and system time of the shell's children, e.g. "0m0.120s 0m0.004s".
      const line = out.trim().split('\n')[1] ?? '';
      const cpu = [...line.matchAll(/(\d+)m([\d.]+)s/g)].reduce((sum, m) => sum + Number(m[1]) * 60 + Number(m[2]), 0);
      ok({ wall: (performance.now() - t0) / 1000, cpu });
    });
  });
}


interface Sample {
  wall: number;
  server: number;
  client: number;
}

/** Reaped backends are counted once the postmaster has waited for them: give it a moment. */
const settle = () => new Promise((r) => setTimeout(r, 300));

async function measure(pm: number, work: () => Promise<{ wall: number; client: number }>): Promise<Sample> {
  await settle();
  const s0 = serverCpu(pm);
  const { wall, client } = await work();
  await settle();
  return { wall, client, server: serverCpu(pm) - s0 };
}


function result(name: string, xs: Sample[], clientName: string, base?: Sample[]): BenchResult {
  const cpu = median(xs.map((x) => x.server + x.client));
  const baseCpu = base && median(base.map((x) => x.server + x.client));
  const parts = `PostgreSQL ${median(xs.map((x) => x.server)).toFixed(2)} s + ${clientName} ${median(xs.map((x) => x.client)).toFixed(2)} s`;
  return {
    name: `jobs: CPU for 1M pgbench_accounts, ${name}`,
    value: cpu,
    unit: 'CPU s',
    ...(baseCpu ? { ratio: cpu / baseCpu, baseline: 'the same pgbench -i run alternately' } : {}),
    note: `median of ${xs.length}: ${parts}; wall ${median(xs.map((x) => x.wall)).toFixed(2)} s, so at least ${(cpu / 2).toFixed(2)} s on 2 cores`,
  };
}

export async function run(h: Harness): Promise<BenchResult[]> {
  const server = await h.postgres();
  if (!server.bin) throw new Error('jobs CPU bench needs pgbench of a system PostgreSQL');
  const admin = new pg.Pool({ connectionString: server.url, max: 1 });
  try {
    await admin.query('CREATE DATABASE bench_cpu');
    const url = new URL(server.url);
    url.pathname = '/bench_cpu';
    const db = new pg.Pool({ connectionString: url.toString(), max: 1 });
    const stack = await h.startStack(url.toString(), { MAX_ROWS: '100000000' });
    try {
      const pm = await postmasterPid(db);
      // The generator process is counted too (idle with the default in-process row source).
      const apps = () => procStat(stack.orchestrator.pid!)!.self + procStat(stack.generator.pid!)!.self;
      const job = (body: Record<string, unknown>) => async () => {
        const table = `acc_${Math.random().toString(36).slice(2, 8)}`;
        if (body.mode === 'append') await db.query(ACCOUNTS_DDL.replace('%s', table));
        const c0 = apps();
        const wall = await runJob(stack, { table: 'pgbench_accounts', rows: ROWS, seed: 1, ...body, targetTable: table });
        const client = apps() - c0;
        await db.query(`DROP TABLE "${table}"`);
        return { wall, client };
      };
      const bench = (steps: string) => async () => {
        const r = await pgbench(server, steps);
        return { wall: r.wall, client: r.cpu };
      };
      const s = { dtg: [] as Sample[], append: [] as Sample[], dtgp: [] as Sample[], create: [] as Sample[] };
      for (let i = 0; i < ROUNDS; i++) {
        s.dtg.push(await measure(pm, bench('dtg')));
        s.append.push(await measure(pm, job({ mode: 'append' })));
        s.dtgp.push(await measure(pm, bench('dtgp')));
        s.create.push(await measure(pm, job({})));
      }
      h.log(`CPU: dtg ${JSON.stringify(s.dtg)}, append ${JSON.stringify(s.append)}`);
      return [
        result('pgbench -i -s 10 -I dtg (baseline)', s.dtg, 'pgbench'),
        result('job defaults, append into an index-free table', s.append, 'Rowflow', s.dtg),
        result('pgbench -i -s 10 -I dtgp (baseline)', s.dtgp, 'pgbench'),
        result('job defaults, create (PRIMARY KEY)', s.create, 'Rowflow', s.dtgp),
      ];
    } finally {
      await stack.stop();
      await db.end();
    }
  } finally {
    await admin.end();
  }
}
