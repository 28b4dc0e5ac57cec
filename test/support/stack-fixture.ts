import type { INestApplication } from '@nestjs/common';
import { freePort } from '@rowflow/devdb';
import pg from 'pg';
import { afterAll, beforeAll, inject } from 'vitest';
import { freshDatabase } from '../setup/helpers.js';
import { bootGenerator, bootOrchestrator } from '../jobs/stack.js';

type App = { app: INestApplication; url: string };

export interface TestDatabase {
  db: { url: string; drop: () => Promise<void> };
  pool: pg.Pool;
}

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

/**
 * A fresh database with a pool on it, filled in beforeAll and dropped in afterAll. The forced
 * DROP DATABASE at the end terminates idle clients, which is expected, not a crash.
 */
export function useTestDatabase<T extends TestDatabase>(t: T, poolMax: number, stopFirst: () => Promise<void>): T {
  beforeAll(async () => {
    t.db = await freshDatabase(inject('databaseUrl'));
    t.pool = new pg.Pool({ connectionString: t.db.url, max: poolMax });
    t.pool.on('error', () => undefined);
  });
  afterAll(async () => {
    await stopFirst();
    await t.pool?.end();
    await t.db?.drop();
  });
  return t;
}

/**
 * The usual end-to-end stack: a fresh database, a generator service and an orchestrator on them,
 * started in beforeAll and stopped in afterAll (even when a test failed). The fields are filled
 * when beforeAll has run: read them inside hooks and tests, not at module level.
 */
export function useStack(opts: StackOptions = {}): TestStack {
  const t = {} as TestStack;
  useTestDatabase(t, opts.poolMax ?? 2, async () => {
    await t.orch?.app.close();
    await t.gen?.app.close();
  });
  beforeAll(async () => {
    t.gen = await bootGenerator();
    const generatorUrl = opts.generator === 'unreachable' ? `http://127.0.0.1:${await freePort()}` : t.gen.url;
    t.orch = await bootOrchestrator(t.db.url, generatorUrl, opts.env ?? {});
  });
  return t;
}
