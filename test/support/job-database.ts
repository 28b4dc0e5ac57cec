import { JobRepository, migrate } from '@rowflow/jobs';
import { beforeAll } from 'vitest';
import { type TestDatabase, useTestDatabase } from './test-database.js';

export interface JobDatabase extends TestDatabase {
  repo: JobRepository;
}

/**
 * A fresh database with Rowflow's tables migrated and a JobRepository on the test's pool, for
 * tests that drive the job machinery in-process; filled in beforeAll, dropped in afterAll.
 */
export function useJobDatabase(poolMax: number): JobDatabase {
  const t = {} as JobDatabase;
  useTestDatabase(t, poolMax, async () => undefined);
  beforeAll(async () => {
    await migrate(t.pool);
    t.repo = new JobRepository(t.pool);
  });
  return t;
}
