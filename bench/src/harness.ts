/**
 * Shared bench plumbing. Each `*-bench.ts` file in this folder exports
 * `run(h: Harness): Promise<BenchResult[]>`; run.ts discovers and runs them all.
 * Figures are ratios against a baseline measured in the same run (the machine is noisy).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { chmod, chown, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort, GENERATOR_NODE_FLAGS, spawnPostgres, spawnThrowawayPostgres, stopProcess, waitHealthy, type SpawnedPostgres } from '@rowflow/devdb';

const run = promisify(execFile);

/** System PostgreSQL binaries (Debian layout); used when present, else the embedded server. */
export const SYSTEM_PG_BIN = '/usr/lib/postgresql/15/bin';

export const ROOT = resolve(import.meta.dirname, '..', '..');

export interface BenchResult {
  /** e.g. "generator: users CSV" */
  name: string;
  /** the headline value, e.g. 812345 */
  value: number;
  unit: string;
  /** value / baseline, when there is a baseline */
  ratio?: number;
  /** what the ratio is against, e.g. "naive faker loop" */
  baseline?: string;
  /** target from the issue, e.g. ">= 10x" */
  target?: string;
  note?: string;
}

export interface Stack {
  databaseUrl: string;
  generatorUrl: string;
  orchestratorUrl: string;
  generator: ChildProcess;
  orchestrator: ChildProcess;
  stop(): Promise<void>;
}

/** Which server: the system PostgreSQL 15, or the embedded PostgreSQL 18 that `npm start` runs. */
export type ServerKind = 'system' | 'embedded';

export interface Harness {
  /** Quick mode (BENCH_QUICK=1): smaller sizes, for checking the bench itself runs. */
  quick: boolean;
  /** Opt-in large runs (BENCH_LARGE=1): the cost-growth lines (100M rows and more). */
  large: boolean;
  /**
   * A throwaway PostgreSQL with default settings and fsync ON, stopped at the end of the whole
   * run. `system` (default): the system PostgreSQL 15 when installed, so `pgbench`/`psql`
   * baselines run against the very same server. `embedded`: the embedded PostgreSQL 18 that
   * `npm start` runs, started the way the launcher starts it (persistent settings, fsync on);
   * the system's `pgbench`/`psql` 15 are its clients.
   */
  postgres(kind?: ServerKind): Promise<BenchPostgres>;
  /** Built generator + orchestrator processes on free ports against the given database. */
  startStack(databaseUrl: string, env?: NodeJS.ProcessEnv, opts?: StackOptions): Promise<Stack>;
  log(msg: string): void;
}

export function startProcess(entry: string, env: NodeJS.ProcessEnv, nodeFlags: readonly string[] = [], stdout: 'ignore' | 'pipe' = 'ignore'): ChildProcess {
  return spawn(process.execPath, [...nodeFlags, resolve(ROOT, entry)], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', stdout, 'inherit'],
  });
}

export interface StackOptions {
  /** Each stdout line of the orchestrator (its log, e.g. with LOG_LEVEL=debug LOG_FORMAT=json). */
  onOrchestratorLine?: (line: string) => void;
}

export async function startStack(databaseUrl: string, env: NodeJS.ProcessEnv = {}, opts: StackOptions = {}): Promise<Stack> {
  const [gp, op] = [await freePort(), await freePort()];
  const generatorUrl = `http://127.0.0.1:${gp}`;
  const orchestratorUrl = `http://127.0.0.1:${op}`;
  const started: ChildProcess[] = [];
  // An app that never answered is stopped too: a failed start leaves no process behind.
  const stop = async (): Promise<void> => {
    await Promise.all(started.map((p) => stopProcess(p)));
  };
  try {
    const generator = startProcess('apps/generator/dist/main.js', { PORT: String(gp), ...env }, GENERATOR_NODE_FLAGS);
    started.push(generator);
    // A shared, busy machine can take long to start two Node processes.
    await waitHealthy(generatorUrl, 120_000);
    const orchestrator = startProcess(
      'apps/orchestrator/dist/main.js',
      { PORT: String(op), GENERATOR_URL: generatorUrl, DATABASE_URL: databaseUrl, ...env },
      [],
      opts.onOrchestratorLine ? 'pipe' : 'ignore',
    );
    started.push(orchestrator);
    if (opts.onOrchestratorLine && orchestrator.stdout) createInterface({ input: orchestrator.stdout }).on('line', opts.onOrchestratorLine);
    await waitHealthy(orchestratorUrl, 120_000);
    return { databaseUrl, generatorUrl, orchestratorUrl, generator, orchestrator, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Peak RSS (kB → MB) of a running process, sampled from /proc every `everyMs`. */
export function sampleRss(pid: number, everyMs = 50): { stop(): number } {
  let peak = 0;
  const timer = setInterval(() => {
    try {
      const status = require_proc(pid);
      peak = Math.max(peak, status);
    } catch {
      /* process gone */
    }
  }, everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      return Math.round(peak / 1024);
    },
  };
}


function require_proc(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : 0;
}

export interface BenchPostgres extends SpawnedPostgres {
  /** Directory of `pgbench`/`psql` matching the server, or null (embedded server: none). */
  bin: string | null;
  /** What it is, for the bench notes, e.g. "system PostgreSQL 15, fsync on". */
  label: string;
}

/** Runs a PostgreSQL tool as the `postgres` OS user when we are root (initdb refuses root). */
function asPostgres(tool: string, args: string[]): Promise<{ stdout: string }> {
  const bin = join(SYSTEM_PG_BIN, tool);
  return process.getuid?.() === 0 ? run('runuser', ['-u', 'postgres', '--', bin, ...args]) : run(bin, args);
}

/**
 * initdb into a temp dir + pg_ctl start on a free loopback port, every setting at its default
 * (fsync on, synchronous_commit on, wal_level replica): the server a user compares us with.
 * `settings` (`name=value`) are added for measuring tools only (e.g. pg_stat_statements).
 */
export async function systemPostgres(settings: readonly string[] = []): Promise<BenchPostgres> {
  const base = await mkdtemp(join(tmpdir(), 'rowflow-bench-pg-'));
  await chmod(base, 0o755);
  const data = join(base, 'data');
  if (process.getuid?.() === 0) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    await chown(base, Number(stdout.trim()), Number(gid.trim()));
  }
  await asPostgres('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C']);
  const port = await freePort();
  await asPostgres('pg_ctl', ['-D', data, '-w', '-l', join(base, 'log'), '-o', `-p ${port} -c listen_addresses=127.0.0.1 -k ${base}${settings.map((x) => ` -c ${x}`).join('')}`, 'start']);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    bin: SYSTEM_PG_BIN,
    label: 'system PostgreSQL 15, default settings, fsync on',
    stop: async () => {
      await asPostgres('pg_ctl', ['-D', data, '-w', '-m', 'fast', 'stop']).catch(() => undefined);
      await rm(base, { recursive: true, force: true });
    },
  };
}

/**
 * The embedded PostgreSQL 18 as `npm start` runs it: a persistent cluster (its own settings,
 * fsync on) in a temp dir. The bench connects as its superuser (it creates databases); the
 * password is the one the cluster keeps next to its data dir.
 */
async function embeddedPostgres(): Promise<BenchPostgres> {
  const base = await mkdtemp(join(tmpdir(), 'rowflow-bench-pg18-'));
  await chmod(base, 0o755);
  const dataDir = join(base, 'data');
  const pg = await spawnPostgres({ dataDir });
  const app = new URL(pg.url);
  const password = (await readFile(`${dataDir}.superuser-password`, 'utf8')).trim();
  return {
    url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${app.port}/postgres`,
    bin: existsSync(join(SYSTEM_PG_BIN, 'psql')) ? SYSTEM_PG_BIN : null,
    label: 'embedded PostgreSQL 18 (what npm start runs), fsync on',
    stop: async () => {
      await pg.stop();
      await rm(base, { recursive: true, force: true });
    },
  };
}

async function anyPostgres(): Promise<BenchPostgres> {
  if (existsSync(join(SYSTEM_PG_BIN, 'initdb')) && existsSync(join(SYSTEM_PG_BIN, 'pgbench'))) return systemPostgres();
  const pg = await spawnThrowawayPostgres();
  return { ...pg, bin: null, label: 'embedded PostgreSQL (fsync off: no system PostgreSQL found)' };
}

export function harness(pgs: SpawnedPostgres[]): Harness {
  return {
    quick: process.env.BENCH_QUICK === '1',
    large: process.env.BENCH_LARGE === '1',
    postgres: async (kind = 'system') => {
      const pg = kind === 'embedded' ? await embeddedPostgres() : await anyPostgres();
      pgs.push(pg);
      return pg;
    },
    startStack,
    log: (msg) => process.stderr.write(`[bench] ${msg}\n`),
  };
}

/** A 1M-row `pgbench_accounts` table without indexes (`%s`: its name), as `pgbench -i` makes it. */
export const ACCOUNTS_DDL = 'CREATE TABLE "%s" (aid integer NOT NULL, bid integer, abalance integer, filler character(84))';

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Connection flags and environment for a PostgreSQL client tool (psql, pgbench) against `server`. */
export function toolConnection(server: BenchPostgres): { args: string[]; env: NodeJS.ProcessEnv } {
  const u = new URL(server.url);
  return {
    args: ['-h', u.hostname, '-p', u.port, '-U', decodeURIComponent(u.username)],
    env: { ...process.env, PGPASSWORD: decodeURIComponent(u.password) },
  };
}

/**
 * POSTs a job and waits for its end; resolves with wall seconds (throws if it failed). Without
 * `onPoll` it waits the way the web page and the CLI do, on the job's event stream (the server
 * reads the status a few times a second and says `completed` the moment the job ends in it);
 * with `onPoll` it polls the full status every `pollMs` — on a 2-core box that polling costs the
 * job CPU of its own (a status read, an HTTP request, 50 times a second).
 */
export async function runJob(stack: Stack, body: Record<string, unknown>, onPoll?: (job: { rowsWritten: number }) => void, pollMs = 20): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(`${stack.orchestratorUrl}/api/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const created = (await res.json()) as { id: string; message?: string };
  if (res.status !== 202) throw new Error(`POST /api/jobs → ${res.status}: ${created.message}`);
  if (!onPoll) {
    await jobEnd(stack, created.id);
    return (performance.now() - t0) / 1000;
  }
  for (;;) {
    const job = (await (await fetch(`${stack.orchestratorUrl}/api/jobs/${created.id}`)).json()) as { state: string; rowsWritten: number; error: string | null };
    onPoll(job);
    if (job.state === 'completed') return (performance.now() - t0) / 1000;
    if (job.state === 'failed' || job.state === 'cancelled') throw new Error(`job ${created.id} ${job.state}: ${job.error}`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/** Resolves when the job's event stream (`GET /api/jobs/:id/events`) says `completed`; throws on `failed` / `cancelled`. */
export async function jobEnd(stack: Stack, id: string): Promise<void> {
  const res = await fetch(`${stack.orchestratorUrl}/api/jobs/${id}/events`);
  if (!res.ok || !res.body) throw new Error(`GET /api/jobs/${id}/events → ${res.status}`);
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`job ${id}: event stream ended before the job did`);
      text += decoder.decode(value, { stream: true });
      const end = /^event: (completed|failed|cancelled)\nid: \d+\ndata: (.*)\n\n/m.exec(text);
      if (!end) continue;
      if (end[1] === 'completed') return;
      throw new Error(`job ${id} ${end[1]}: ${(JSON.parse(end[2]!) as { error: string | null }).error}`);
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

/** Runs a client tool of the server's own PostgreSQL installation; resolves with wall seconds. */
export function timeTool(server: BenchPostgres, tool: string, args: string[]): Promise<number> {
  const { args: conn, env } = toolConnection(server);
  const t0 = performance.now();
  return new Promise((ok, fail) => {
    execFile(`${server.bin}/${tool}`, [...conn, ...args], { env, maxBuffer: 1 << 24 }, (err, _out, stderr) => {
      if (err) fail(new Error(`${tool} ${args.join(' ')} failed: ${stderr || err.message}`));
      else ok((performance.now() - t0) / 1000);
    });
  });
}

/** A database of its own on `server` (stacks sharing one would share the pg-boss queue). */
export async function benchDatabase(admin: pg.Pool, server: BenchPostgres, name: string): Promise<{ url: string; pool: pg.Pool }> {
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = new URL(server.url);
  url.pathname = `/${name}`;
  return { url: url.toString(), pool: new pg.Pool({ connectionString: url.toString(), max: 2 }) };
}

const TICKS = 100; // USER_HZ: /proc/<pid>/stat times are in 1/100 s on Linux

/** utime, stime, cutime, cstime (seconds) and the parent pid of a process. */
export function procStat(pid: number): { self: number; children: number; ppid: number } | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    const n = (i: number) => Number(fields[i]) / TICKS;
    return { ppid: Number(fields[1]), self: n(11) + n(12), children: n(13) + n(14) };
  } catch {
    return undefined; // exited meanwhile
  }
}

/** CPU seconds used so far by the postmaster `pm`, its live children and its reaped ones. */
export function serverCpu(pm: number): number {
  const root = procStat(pm);
  if (!root) throw new Error(`postmaster ${pm} is gone`);
  let total = root.self + root.children;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const s = procStat(Number(entry));
    if (s?.ppid === pm) total += s.self;
  }
  return total;
}

export async function postmasterPid(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  const s = procStat(rows[0]!.pid);
  if (!s) throw new Error('cannot read the backend process; is PostgreSQL on this machine?');
  return s.ppid;
}

/** The servers a bench runs on: `BENCH_SERVER` (embedded or system) alone, else both. */
export function benchServers(): ServerKind[] {
  return process.env.BENCH_SERVER ? [process.env.BENCH_SERVER as ServerKind] : ['embedded', 'system'];
}

/** Runs `onServer` for each server of `benchServers()`, one after the other, and joins the results. */
export async function onEachServer(onServer: (kind: ServerKind) => Promise<BenchResult[]>): Promise<BenchResult[]> {
  const out: BenchResult[] = [];
  for (const kind of benchServers()) out.push(...(await onServer(kind)));
  return out;
}

/**
 * A database `name` of its own on `server` (see benchDatabase) and a temp dir, for `use`; the
 * pools end and the dir is removed afterwards, even when `use` throws.
 */
export async function withBenchDatabase<T>(server: BenchPostgres, name: string, use: (db: { url: string; pool: pg.Pool }, dir: string) => Promise<T>): Promise<T> {
  const admin = new pg.Pool({ connectionString: server.url, max: 1 });
  try {
    const db = await benchDatabase(admin, server, name);
    const dir = await mkdtemp(join(tmpdir(), `rowflow-${name.replaceAll('_', '-')}-`));
    try {
      return await use(db, dir);
    } finally {
      await db.pool.end();
      await rm(dir, { recursive: true, force: true });
    }
  } finally {
    await admin.end();
  }
}

/**
 * The floor of a job's load: psql runs `scripts` (one session each, e.g. chunkScripts' 200 chunk
 * transactions over 4 sessions) into a fresh `floor_4`, then adds its primary key when `withKey`.
 * Milliseconds from the first script's start to the rows loaded, and to the end.
 */
export async function psqlFloor(server: BenchPostgres, db: { url: string; pool: pg.Pool }, scripts: string[], withKey: boolean): Promise<{ loadedMs: number; totalMs: number }> {
  await db.pool.query('DROP TABLE IF EXISTS floor_4');
  await db.pool.query(ACCOUNTS_DDL.replace('%s', 'floor_4'));
  const psql = (args: string[]) => timeTool(server, 'psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', db.url, ...args]);
  const t0 = performance.now();
  await Promise.all(scripts.map((f) => psql(['-f', f])));
  const loadedMs = performance.now() - t0;
  if (withKey) await psql(['-c', 'ALTER TABLE floor_4 ADD PRIMARY KEY (aid)']);
  return { loadedMs, totalMs: performance.now() - t0 };
}
