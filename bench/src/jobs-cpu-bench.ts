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
import { pipeline } from 'node:stream/promises';
import { createRowStream } from '@rowflow/generator';
import { copySql, createTableSql } from '@rowflow/jobs';
import { findTable } from '@rowflow/schema';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
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

/** CPU seconds of this process since `since` (user + system). */
function ownCpu(since: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1e6;
}

/**
 * CPU seconds per million `users` rows (PRIMARY KEY + 2 UNIQUE) by stage, each measured on its
 * own: generating the CSV bytes (this process, in-process stream), COPYing them into an
 * index-free table (the PostgreSQL backend, and this process's COPY client beyond generation),
 * and building the three indexes afterwards (PostgreSQL). The stages a load is made of, so a
 * cut in one shows here without the noise of a whole job.
 */
async function stages(h: Harness, db: pg.Pool, pm: number): Promise<BenchResult[]> {
  const rows = h.quick ? 200_000 : 1_000_000;
  const spec = findTable('users');
  const perM = (sec: number) => (sec * 1_000_000) / rows;
  const drain = async (): Promise<number> => {
    const t = process.cpuUsage();
    for await (const chunk of createRowStream({ spec, seed: 1, rows, format: 'csv', header: false })) void chunk;
    return ownCpu(t);
  };
  await drain(); // JIT warm-up
  const gen = Math.min(await drain(), await drain());
  const target = { schema: 'public', table: `users_${Math.random().toString(36).slice(2, 8)}` };
  await db.query(createTableSql(target, spec));
  const client = await db.connect();
  try {
    await settle();
    let s0 = serverCpu(pm);
    const c0 = process.cpuUsage();
    await pipeline(createRowStream({ spec, seed: 1, rows, format: 'csv', header: false }), client.query(copyFrom(copySql(target, spec))));
    const copyClient = ownCpu(c0) - gen;
    await settle();
    const copyServer = serverCpu(pm) - s0;
    s0 = serverCpu(pm);
    const t = `"${target.table}"`;
    await client.query(`ALTER TABLE ${t} ADD PRIMARY KEY (id), ADD UNIQUE (email), ADD UNIQUE (username)`);
    await settle();
    const index = serverCpu(pm) - s0;
    await client.query(`DROP TABLE ${t}`);
    h.log(`stages per 1M users rows: generate ${perM(gen).toFixed(2)} s, COPY server ${perM(copyServer).toFixed(2)} s + client ${perM(copyClient).toFixed(2)} s, indexes ${perM(index).toFixed(2)} s`);
    const note = `${rows.toLocaleString('en-US')} users rows, scaled to 1M`;
    const line = (name: string, sec: number, extra: string): BenchResult => ({ name: `jobs: CPU per 1M users rows, ${name}`, value: perM(sec), unit: 'CPU s', note: `${note}; ${extra}` });
    return [
      line('generate CSV', gen, 'in-process stream, best of 2 after a warm-up'),
      line('COPY (PostgreSQL)', copyServer, 'one COPY into an index-free table, server process tree'),
      line('COPY (client)', Math.max(0, copyClient), 'node-postgres COPY stream, generation subtracted'),
      line('index build (PK + 2 UNIQUE)', index, 'one ALTER TABLE after the load, server process tree'),
    ];
  } finally {
    client.release();
  }
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
    const pm = await postmasterPid(db);
    const perStage = await stages(h, db, pm);
    if (process.env.BENCH_STAGES_ONLY === '1') {
      await db.end();
      return perStage;
    }
    const stack = await h.startStack(url.toString(), { MAX_ROWS: '100000000' });
    try {
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
        ...perStage,
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
