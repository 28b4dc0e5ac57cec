/**
 * Shared bench plumbing. Each `*-bench.ts` file in this folder exports
 * `run(h: Harness): Promise<BenchResult[]>`; run.ts discovers and runs them all.
 * Figures are ratios against a baseline measured in the same run (the machine is noisy).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { freePort, GENERATOR_NODE_FLAGS, spawnThrowawayPostgres, stopProcess, waitHealthy, type SpawnedPostgres } from '@rowflow/devdb';



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

export interface Harness {
  /** Quick mode (BENCH_QUICK=1): smaller sizes, for checking the bench itself runs. */
  quick: boolean;
  /** A throwaway PostgreSQL, stopped at the end of the whole run. */
  postgres(): Promise<SpawnedPostgres>;
  /** Built generator + orchestrator processes on free ports against the given database. */
  startStack(databaseUrl: string, env?: NodeJS.ProcessEnv): Promise<Stack>;
  log(msg: string): void;
}

export function startProcess(entry: string, env: NodeJS.ProcessEnv, nodeFlags: readonly string[] = []): ChildProcess {
  return spawn(process.execPath, [...nodeFlags, resolve(ROOT, entry)], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

export async function startStack(databaseUrl: string, env: NodeJS.ProcessEnv = {}): Promise<Stack> {
  const [gp, op] = [await freePort(), await freePort()];
  const generatorUrl = `http://127.0.0.1:${gp}`;
  const orchestratorUrl = `http://127.0.0.1:${op}`;
  const generator = startProcess('apps/generator/dist/main.js', { PORT: String(gp), ...env }, GENERATOR_NODE_FLAGS);
  await waitHealthy(generatorUrl);
  const orchestrator = startProcess('apps/orchestrator/dist/main.js', {
    PORT: String(op),
    GENERATOR_URL: generatorUrl,
    DATABASE_URL: databaseUrl,
    ...env,
  });
  await waitHealthy(orchestratorUrl);
  return {
    databaseUrl,
    generatorUrl,
    orchestratorUrl,
    generator,
    orchestrator,
    stop: async () => {
      await Promise.all([stopProcess(orchestrator), stopProcess(generator)]);
    },
  };
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

export function harness(pgs: SpawnedPostgres[]): Harness {
  return {
    quick: process.env.BENCH_QUICK === '1',
    postgres: async () => {
      const pg = await spawnThrowawayPostgres();
      pgs.push(pg);
      return pg;
    },
    startStack,
    log: (msg) => process.stderr.write(`[bench] ${msg}\n`),
  };
}
