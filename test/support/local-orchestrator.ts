import type { INestApplication } from '@nestjs/common';
import pg from 'pg';
import { afterAll, beforeAll, inject } from 'vitest';
import { freshDatabase } from '../setup/helpers.js';
import { bootOrchestrator } from '../jobs/stack.js';

export interface LocalOrchestrator {
  db: { url: string; drop: () => Promise<void> };
  pool: pg.Pool;
  api: { app: INestApplication; url: string };
}

/**
 * A fresh database and an in-process orchestrator on it whose jobs generate their rows locally
 * (no generator service, no row threads), filled in beforeAll and stopped in afterAll.
 */
export function useLocalOrchestrator(): LocalOrchestrator {
  const t = {} as LocalOrchestrator;
  beforeAll(async () => {
    t.db = await freshDatabase(inject('databaseUrl'));
    t.pool = new pg.Pool({ connectionString: t.db.url, max: 3 });
    t.api = await bootOrchestrator(t.db.url, 'http://127.0.0.1:9', { JOB_ROW_THREADS: '0' });
  });
  afterAll(async () => {
    await t.api?.app.close();
    await t.pool?.end();
    await t.db?.drop();
  });
  return t;
}
