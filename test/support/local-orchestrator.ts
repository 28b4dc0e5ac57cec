import type { INestApplication } from '@nestjs/common';
import { beforeAll } from 'vitest';
import { bootOrchestrator } from '../jobs/stack.js';
import { type TestDatabase, useTestDatabase } from './test-database.js';

export interface LocalOrchestrator extends TestDatabase {
  api: { app: INestApplication; url: string };
}

/**
 * A fresh database and an in-process orchestrator on it whose jobs generate their rows locally
 * (no generator service, no row threads), filled in beforeAll and stopped in afterAll.
 */
export function useLocalOrchestrator(): LocalOrchestrator {
  const t = {} as LocalOrchestrator;
  useTestDatabase(t, 3, async () => {
    await t.api?.app.close();
  });
  beforeAll(async () => {
    t.api = await bootOrchestrator(t.db.url, 'http://127.0.0.1:9', { JOB_ROW_THREADS: '0' });
  });
  return t;
}
