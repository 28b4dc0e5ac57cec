import type { INestApplication } from '@nestjs/common';
import { freePort } from '@rowflow/devdb';
import { afterEach, beforeAll } from 'vitest';
import { type Proc, spawnApp, stop } from '../jobs/processes.js';
import { bootGenerator, bootOrchestrator } from '../jobs/stack.js';
import { type TestDatabase, useTestDatabase } from './test-database.js';

type App = { app: INestApplication; url: string };

export interface TestStack extends TestDatabase {
  gen: App;
  orch: App;
}

export interface StackOptions {
  /** The orchestrator's environment on top of the test defaults. */
  env?: NodeJS.ProcessEnv;
  /** Connections of the test's own pool (default 2). */
  poolMax?: number;
  /** "unreachable": the generator still runs (for reference rows) but the orchestrator is pointed at a closed port. */
  generator?: 'service' | 'unreachable';
}

export interface WorkerStackOptions extends StackOptions {
  /** Every worker's environment on top of its database, generator and JOB_WORKERS=true. */
  workerEnv?: NodeJS.ProcessEnv;
}

export interface WorkerStack extends TestStack {
  /** Spawns a worker (the built orchestrator, a real process a test may kill); `env` goes on top of `workerEnv`. */
  startWorker: (env?: NodeJS.ProcessEnv) => Promise<Proc>;
}

/**
 * The stack's hooks; `stopFirst` runs in afterAll before the apps close. Returns the generator
 * URL the orchestrator was given, once beforeAll has run.
 */
function stackHooks(t: TestStack, opts: StackOptions, stopFirst: () => Promise<void>): () => string {
  let generatorUrl = '';
  useTestDatabase(t, opts.poolMax ?? 2, async () => {
    await stopFirst();
    await t.orch?.app.close();
    await t.gen?.app.close();
  });
  beforeAll(async () => {
    t.gen = await bootGenerator();
    generatorUrl = opts.generator === 'unreachable' ? `http://127.0.0.1:${await freePort()}` : t.gen.url;
    t.orch = await bootOrchestrator(t.db.url, generatorUrl, opts.env ?? {});
  });
  return () => generatorUrl;
}

/**
 * The usual end-to-end stack: a fresh database, a generator service and an orchestrator on them,
 * started in beforeAll and stopped in afterAll (even when a test failed). The fields are filled
 * when beforeAll has run: read them inside hooks and tests, not at module level.
 */
export function useStack(opts: StackOptions = {}): TestStack {
  const t = {} as TestStack;
  stackHooks(t, opts, async () => undefined);
  return t;
}

/**
 * The stack with jobs run by worker processes the test starts (and may kill): the in-process
 * orchestrator only serves the API (JOB_WORKERS=false), so nothing runs before a test calls
 * `startWorker`. Workers are stopped after each test, and in afterAll before the apps close,
 * whether the test passed or not.
 */
export function useWorkerStack(opts: WorkerStackOptions = {}): WorkerStack {
  const t = {} as WorkerStack;
  const workers: Proc[] = [];
  const stopWorkers = async (): Promise<void> => {
    await Promise.all(workers.splice(0).map((w) => stop(w)));
  };
  const generatorUrl = stackHooks(t, { ...opts, env: { ...opts.env, JOB_WORKERS: 'false' } }, stopWorkers);
  afterEach(stopWorkers);
  t.startWorker = async (env = {}) => {
    const w = await spawnApp('orchestrator', { DATABASE_URL: t.db.url, GENERATOR_URL: generatorUrl(), JOB_WORKERS: 'true', ...opts.workerEnv, ...env });
    workers.push(w);
    return w;
  };
  return t;
}
