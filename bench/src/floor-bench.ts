/**
 * The job defaults against the floor, on both servers: the embedded PostgreSQL 18 that `npm
 * start` runs and the system PostgreSQL 15. The floor is `psql` loading the job's own CSV bytes
 * the way the job does — 200 transactions of 5000 rows (`BEGIN; SET LOCAL synchronous_commit =
 * off; \copy; COMMIT`) in 4 sessions, consecutive ranges each — so its ratio says how close the
 * job comes to what PostgreSQL allows under that design; `pgbench -i` is printed next to it.
 * Baseline and job run alternately (3 rounds, `BENCH_QUICK=1`: 1; median of per-pair ratios):
 * - `append` (index-free table, 4 partitions) vs the floor and `pgbench -i -s 10 -I dtg`;
 * - `create` (PRIMARY KEY after the load) vs the floor followed by `ADD PRIMARY KEY` and
 *   `pgbench -i -s 10 -I dtgp`.
 * Also the first job of a freshly started orchestrator against the next one (the warm-up), on a
 * new stack per round.
 * `npm run bench -- floor` (BENCH_SERVER=embedded|system: one server only; BENCH_FLOOR=first-job:
 * only the first-job line).
 */
import pg from 'pg';
import { ACCOUNTS_DDL, type BenchPostgres, type BenchResult, type Harness, median, onEachServer, psqlFloor, runJob, type ServerKind, type Stack, timeTool, withBenchDatabase } from './harness.js';
import { chunkScripts } from './jobs-bench.js';

const ROWS = 1_000_000;
/** `BENCH_FLOOR=first-job`: only the first-job line (a minute per server instead of several). */
const FIRST_JOB_ONLY = process.env.BENCH_FLOOR === 'first-job';
const secs = (xs: number[]) => xs.map((s) => s.toFixed(2)).join(', ');

interface Ctx {
  server: BenchPostgres;
  stack: Stack;
  db: { url: string; pool: pg.Pool };
  scripts: string[];
}

/** psql, 4 sessions, 200 chunk transactions (then the primary key, for `create`), in seconds. */
async function floor(c: Ctx, withKey: boolean): Promise<number> {
  return (await psqlFloor(c.server, c.db, c.scripts, withKey)).totalMs / 1000;
}

async function job(c: Ctx, mode: 'append' | 'create'): Promise<number> {
  const table = `acc_${mode}_${Math.random().toString(36).slice(2, 8)}`;
  if (mode === 'append') await c.db.pool.query(ACCOUNTS_DDL.replace('%s', table));
  const s = await runJob(c.stack, { table: 'pgbench_accounts', rows: ROWS, seed: 1, mode, targetTable: table });
  await c.db.pool.query(`DROP TABLE "${table}"`);
  return s;
}

function pgbench(c: Ctx, steps: string): Promise<number> {
  return timeTool(c.server, 'pgbench', ['-i', '-s', '10', '-I', steps, '-q', c.db.url]);
}

async function compare(c: Ctx, mode: 'append' | 'create', rounds: number): Promise<{ floor: number[]; bench: number[]; job: number[] }> {
  const out = { floor: [] as number[], bench: [] as number[], job: [] as number[] };
  for (let i = 0; i < rounds; i++) {
    out.floor.push(await floor(c, mode === 'create'));
    out.bench.push(await pgbench(c, mode === 'create' ? 'dtgp' : 'dtg'));
    out.job.push(await job(c, mode));
  }
  return out;
}

function result(kind: ServerKind, mode: 'append' | 'create', r: { floor: number[]; bench: number[]; job: number[] }, label: string): BenchResult {
  const ratio = (base: number[]) => median(base.map((b, i) => b / r.job[i]!));
  const steps = mode === 'create' ? 'dtgp' : 'dtg';
  return {
    name: `floor: ${kind}, 1M pgbench_accounts, job defaults, ${mode === 'create' ? 'create (PRIMARY KEY)' : 'append into an index-free table'}`,
    value: ROWS / median(r.job),
    unit: 'rows/s',
    ratio: ratio(r.floor),
    baseline: `the floor: psql, same bytes, 200 × 5000-row COPY transactions in 4 sessions${mode === 'create' ? ', then ADD PRIMARY KEY' : ''} (run alternately)`,
    target: '>= 0.95',
    note: `${label}; ${ratio(r.bench).toFixed(2)}× pgbench -i -s 10 -I ${steps}; job ${secs(r.job)} s, floor ${secs(r.floor)} s, pgbench ${secs(r.bench)} s`,
  };
}

/**
 * A freshly started stack's first job against its second (what start-up warming is for): a new
 * stack per round (3, `BENCH_QUICK=1`: 1), each job POSTed the moment the one before ended,
 * the first the moment `/health` answers; median of the per-round ratios.
 */
async function firstJob(h: Harness, kind: ServerKind, c: Ctx): Promise<BenchResult> {
  const rounds: Array<{ first: number; second: number }> = [];
  for (let i = 0; i < (h.quick ? 1 : 3); i++) {
    const stack = await h.startStack(c.db.url, { MAX_ROWS: '100000000' });
    try {
      const first = await job({ ...c, stack }, 'create');
      rounds.push({ first, second: await job({ ...c, stack }, 'create') });
    } finally {
      await stack.stop();
    }
  }
  const pairs = rounds.map((r) => `${r.first.toFixed(2)}/${r.second.toFixed(2)}`).join(', ');
  return {
    name: `floor: ${kind}, first job of a fresh orchestrator, create`,
    value: median(rounds.map((r) => r.first)),
    unit: 's',
    ratio: median(rounds.map((r) => r.first / r.second)),
    baseline: 'the second job of the same process',
    note: `first/second s per fresh stack: ${pairs}`,
  };
}

/** append and create against the floor and pgbench, on the warm stack `c.stack`. */
async function floorLines(h: Harness, kind: ServerKind, c: Ctx, dir: string): Promise<BenchResult[]> {
  c.scripts = (await chunkScripts(c.stack, dir, 'floor_4', 4)).scripts;
  await job(c, 'append'); // the stack's warm-up run, not measured
  const rounds = h.quick ? 1 : 3;
  const append = await compare(c, 'append', rounds);
  const create = await compare(c, 'create', rounds);
  h.log(`${kind}: append ${JSON.stringify(append)}; create ${JSON.stringify(create)}`);
  return [result(kind, 'append', append, c.server.label), result(kind, 'create', create, c.server.label)];
}

async function onServer(h: Harness, kind: ServerKind): Promise<BenchResult[]> {
  const server = await h.postgres(kind);
  if (!server.bin) throw new Error('floor bench needs psql/pgbench of a system PostgreSQL');
  return withBenchDatabase(server, 'bench_floor', async (db, dir) => {
    const stack = await h.startStack(db.url, { MAX_ROWS: '100000000' });
    const c: Ctx = { server, stack, db, scripts: [] };
    const out: BenchResult[] = [];
    try {
      if (FIRST_JOB_ONLY) await job(c, 'append'); // migrates the database and warms the server, as floorLines does
      else out.push(...(await floorLines(h, kind, c, dir)));
    } finally {
      await stack.stop();
    }
    // Its own stacks, after the other stopped: two stacks on one database share the job queue.
    out.push(await firstJob(h, kind, c));
    return out;
  });
}

export function run(h: Harness): Promise<BenchResult[]> {
  return onEachServer((kind) => onServer(h, kind));
}
