/**
 * Where a default job's time goes, phase by phase, for the floor's load (1M `pgbench_accounts`,
 * `append` into an index-free table and `create` with its primary key built after). Wall-clock
 * ratios on a shared 2-core box are noisy; the timestamps of one job are not. The orchestrator
 * runs with `LOG_LEVEL=debug LOG_FORMAT=json` and its log lines are read back: POST start →
 * 202 → first partition delivered → claimed → first chunk committed → last chunk committed →
 * load ended → job completed → the client sees it. CPU seconds of the orchestrator (row threads
 * included) and of PostgreSQL during the job are printed next to them.
 * `BENCH_SERVER=embedded|system BENCH_QUICK=1 node bench/dist/run.js timeline`
 * (BENCH_TIMELINE_WAIT=poll|events: how the client learns the end; default both).
 */
import pg from 'pg';
import { ACCOUNTS_DDL, type BenchPostgres, type BenchResult, type Harness, jobEnd, median, onEachServer, postmasterPid, procStat, psqlFloor, serverCpu, type ServerKind, type Stack, withBenchDatabase } from './harness.js';
import { chunkScripts } from './jobs-bench.js';

const ROWS = 1_000_000;

interface LogEvent {
  time: number;
  event?: string;
  jobId?: string;
  partition?: number;
  partitionId?: number;
  from?: number;
  rows?: number;
  ms?: number;
}

type Wait = 'poll' | 'events';

interface Timeline {
  mode: string;
  wait: Wait;
  /** ms from the POST's start. */
  phases: Record<string, number>;
  /** Per partition: claimed, first chunk, last chunk, run ended (ms from the POST's start). */
  partitions: string[];
  cpu: { app: number; pg: number };
}

/** Collects the orchestrator's JSON log lines by job id. */
class LogBook {
  private readonly byJob = new Map<string, LogEvent[]>();
  /** When the orchestrator's row threads finished their start-up warm-up (epoch ms). */
  warm: number | undefined;

  line = (text: string): void => {
    if (!text.startsWith('{')) return;
    const e = JSON.parse(text) as LogEvent;
    if (e.event === 'row_threads_warm') this.warm = e.time;
    if (!e.jobId) return;
    const list = this.byJob.get(e.jobId) ?? [];
    list.push(e);
    this.byJob.set(e.jobId, list);
  };

  of(jobId: string): LogEvent[] {
    return this.byJob.get(jobId) ?? [];
  }
}

/** Resolves when the job completed, by polling its status every 20 ms (what runJob does). */
async function pollEnd(stack: Stack, id: string): Promise<void> {
  for (;;) {
    const job = (await (await fetch(`${stack.orchestratorUrl}/api/jobs/${id}`)).json()) as { state: string; error: string | null };
    if (job.state === 'completed') return;
    if (job.state === 'failed' || job.state === 'cancelled') throw new Error(`job ${id} ${job.state}: ${job.error}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function phasesOf(book: LogBook, events: LogEvent[], t0: number, t202: number, tSeen: number): { phases: Record<string, number>; partitions: string[] } {
  const at = (name: string, pick: 'first' | 'last' = 'first'): number => {
    const xs = events.filter((e) => e.event === name).map((e) => e.time);
    return xs.length ? (pick === 'first' ? Math.min(...xs) : Math.max(...xs)) - t0 : NaN;
  };
  const phases: Record<string, number> = {
    // Only when the warm-up was still running at the POST (the first job after start).
    'row threads warm': book.warm !== undefined && book.warm >= t0 ? book.warm - t0 : NaN,
    'job rows created': at('job_created'),
    enqueued: at('job_enqueued'),
    '202': t202 - t0,
    'first partition delivered': at('partition_delivered'),
    'first partition claimed': at('partition_start'),
    'first chunk committed': at('chunk_committed'),
    'last partition delivered': at('partition_delivered', 'last'),
    'last chunk committed': at('chunk_committed', 'last'),
    'constraint phase started': at('phase_start'),
    'job completed': at('job_end'),
    'client saw it': tSeen - t0,
  };
  const parts = [...new Set(events.filter((e) => e.event === 'chunk_committed' && e.partition !== undefined).map((e) => e.partition!))].sort((a, b) => a - b);
  const partitions = parts.map((p) => {
    const mine = events.filter((e) => e.partition === p);
    const chunks = mine.filter((e) => e.event === 'chunk_committed');
    const start = mine.find((e) => e.event === 'partition_start');
    const ms = chunks.map((c) => c.ms ?? 0);
    return `p${p}: claimed ${start ? start.time - t0 : NaN}, first chunk ${chunks[0]!.time - t0} (${Math.round(ms[0]!)} ms), last ${chunks.at(-1)!.time - t0}; ${chunks.length} chunks, median ${Math.round(median(ms))} ms`;
  });
  return { phases, partitions };
}

async function timeJob(stack: Stack, book: LogBook, db: pg.Pool, pm: number, mode: 'append' | 'create', wait: Wait): Promise<Timeline> {
  const table = `tl_${mode}_${Math.random().toString(36).slice(2, 8)}`;
  if (mode === 'append') await db.query(ACCOUNTS_DDL.replace('%s', table));
  const app0 = procStat(stack.orchestrator.pid!)!.self;
  const pg0 = serverCpu(pm);
  const t0 = Date.now();
  const res = await fetch(`${stack.orchestratorUrl}/api/jobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ table: 'pgbench_accounts', rows: ROWS, seed: 1, mode, targetTable: table }),
  });
  const created = (await res.json()) as { id: string; message?: string };
  const t202 = Date.now();
  if (res.status !== 202) throw new Error(`POST /api/jobs → ${res.status}: ${created.message}`);
  await (wait === 'poll' ? pollEnd(stack, created.id) : jobEnd(stack, created.id));
  const tSeen = Date.now();
  const cpu = { app: procStat(stack.orchestrator.pid!)!.self - app0, pg: serverCpu(pm) - pg0 };
  await new Promise((r) => setTimeout(r, 100)); // the last log lines are on their way through the pipe
  await db.query(`DROP TABLE "${table}"`);
  return { mode, wait, ...phasesOf(book, book.of(created.id), t0, t202, tSeen), cpu };
}

/** The floor (psql, the job's bytes, 200 chunk transactions in 4 sessions; then the key for `create`), ms and PostgreSQL CPU. */
async function timeFloor(server: BenchPostgres, db: { url: string; pool: pg.Pool }, pm: number, scripts: string[], withKey: boolean): Promise<string> {
  const pg0 = serverCpu(pm);
  const { loadedMs, totalMs } = await psqlFloor(server, db, scripts, withKey);
  const [loaded, total] = [Math.round(loadedMs), Math.round(totalMs)];
  return `floor${withKey ? ' + ADD PRIMARY KEY' : ''}: loaded ${loaded} ms${withKey ? `, key built ${total} ms` : ''}; PostgreSQL CPU ${(serverCpu(pm) - pg0).toFixed(2)} s`;
}

function show(h: Harness, label: string, t: Timeline): void {
  const phases = Object.entries(t.phases)
    .filter(([, v]) => !Number.isNaN(v))
    .map(([k, v]) => `${k} ${v}`)
    .join(' | ');
  h.log(`${label} ${t.mode} (${t.wait}), ms from POST: ${phases}; CPU s: orchestrator ${t.cpu.app.toFixed(2)}, PostgreSQL ${t.cpu.pg.toFixed(2)}`);
  for (const p of t.partitions) h.log(`  ${p}`);
}

async function onServer(h: Harness, kind: ServerKind): Promise<BenchResult[]> {
  const server = await h.postgres(kind);
  return withBenchDatabase(server, 'bench_timeline', async (db, dir) => {
    const book = new LogBook();
    const waits: Wait[] = process.env.BENCH_TIMELINE_WAIT ? [process.env.BENCH_TIMELINE_WAIT as Wait] : ['poll', 'events'];
    const out: BenchResult[] = [];
    const pm = await postmasterPid(db.pool);
    const stack = await h.startStack(db.url, { MAX_ROWS: '100000000', LOG_LEVEL: 'debug', LOG_FORMAT: 'json' }, { onOrchestratorLine: book.line });
    try {
      show(h, `${kind}: first job after start`, await timeJob(stack, book, db.pool, pm, 'append', 'poll'));
      const { scripts } = await chunkScripts(stack, dir, 'floor_4', 4);
      for (const mode of ['append', 'create'] as const) {
        for (const wait of waits) {
          const rounds = h.quick ? 1 : 3;
          for (let i = 0; i < rounds; i++) {
            if (server.bin) h.log(`${kind}: ${await timeFloor(server, db, pm, scripts, mode === 'create')}`);
            const t = await timeJob(stack, book, db.pool, pm, mode, wait);
            show(h, `${kind}:`, t);
            out.push({ name: `timeline: ${kind}, ${mode}, client ${wait}s`, value: t.phases['client saw it']!, unit: 'ms', note: `202 at ${t.phases['202']} ms, first chunk ${t.phases['first chunk committed']} ms, last chunk ${t.phases['last chunk committed']} ms, completed ${t.phases['job completed']} ms; CPU s orchestrator ${t.cpu.app.toFixed(2)}, PostgreSQL ${t.cpu.pg.toFixed(2)}` });
          }
        }
      }
    } finally {
      await stack.stop();
    }
    return out;
  });
}

export function run(h: Harness): Promise<BenchResult[]> {
  return onEachServer((kind) => onServer(h, kind));
}
