import { JobRepository, migrate } from '@rowflow/jobs';
import { beforeAll } from 'vitest';
import { type TestDatabase, useDatabase } from './test-database.js';

export interface JobDatabase extends TestDatabase {
  repo: JobRepository;
}

/**
 * A fresh database with Rowflow's tables migrated and a JobRepository on the test's pool, for
 * tests that drive the job machinery in-process; filled in beforeAll, dropped in afterAll.
 */
export function useJobDatabase(poolMax: number): JobDatabase {
  const t = useDatabase(poolMax, migrate) as JobDatabase;
  beforeAll(() => {
    t.repo = new JobRepository(t.pool);
  });
  return t;
}
