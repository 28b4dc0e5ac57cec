import { spawnThrowawayPostgres, type SpawnedPostgres } from '@rowflow/devdb';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}

let pg: SpawnedPostgres | undefined;

/** One throwaway PostgreSQL for the whole run (random free port, temp dir, removed at the end). */
export async function setup(project: TestProject): Promise<void> {
  pg = await spawnThrowawayPostgres();
  project.provide('databaseUrl', pg.url);
}

export async function teardown(): Promise<void> {
  await pg?.stop();
}
