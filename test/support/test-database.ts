import pg from 'pg';
import { afterAll, beforeAll, inject } from 'vitest';
import { freshDatabase } from '../setup/helpers.js';

export interface TestDatabase {
  db: { url: string; drop: () => Promise<void> };
  pool: pg.Pool;
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

/** A fresh database with a pool on it for the test file; `prepare` runs on the pool in beforeAll (tables, migrations). */
export function useDatabase(poolMax: number, prepare?: (pool: pg.Pool) => Promise<void>): TestDatabase {
  const t = {} as TestDatabase;
  useTestDatabase(t, poolMax, async () => undefined);
  if (prepare) beforeAll(() => prepare(t.pool));
  return t;
}

export interface TestClient {
  db: { url: string; drop: () => Promise<void> };
  client: pg.Client;
}

/**
 * A fresh database and one connected client on it, for tests whose statements must share a
 * session (a SET, a COPY on that client); `prepare` runs on it in beforeAll. Ended and dropped in afterAll.
 */
export function useDatabaseClient(prepare?: (client: pg.Client) => Promise<void>): TestClient {
  const t = {} as TestClient;
  beforeAll(async () => {
    t.db = await freshDatabase(inject('databaseUrl'));
    t.client = new pg.Client(t.db.url);
    await t.client.connect();
    await prepare?.(t.client);
  });
  afterAll(async () => {
    await t.client?.end();
    await t.db?.drop();
  });
  return t;
}
