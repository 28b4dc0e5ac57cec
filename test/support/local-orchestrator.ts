import type { INestApplication } from '@nestjs/common';
import type pg from 'pg';
import { beforeAll } from 'vitest';
import { bootOrchestrator } from '../jobs/stack.js';
import { type TestDatabase, useTestDatabase } from './test-database.js';

export interface LocalOrchestrator extends TestDatabase {
  api: { app: INestApplication; url: string };
}

export interface LocalOrchestratorOptions {
  /** The orchestrator's environment on top of JOB_ROW_THREADS=0. */
  env?: NodeJS.ProcessEnv;
  /** Connections of the test's own pool (default 3). */
  poolMax?: number;
  /** Runs on the test's pool before the orchestrator starts (schemas, tables). */
  prepare?: (pool: pg.Pool) => Promise<void>;
}

/**
 * A fresh database and an in-process orchestrator on it whose jobs generate their rows locally
 * (no generator service, no row threads), filled in beforeAll and stopped in afterAll.
 */
export function useLocalOrchestrator(opts: LocalOrchestratorOptions = {}): LocalOrchestrator {
  const t = {} as LocalOrchestrator;
  useTestDatabase(t, opts.poolMax ?? 3, async () => {
    await t.api?.app.close();
  });
  beforeAll(async () => {
    await opts.prepare?.(t.pool);
    t.api = await bootOrchestrator(t.db.url, 'http://127.0.0.1:9', { JOB_ROW_THREADS: '0', ...opts.env });
  });
  return t;
}
