import pg from 'pg';
import { UsageError } from '../exit.js';

/** The database for in-process work: --database-url, else DATABASE_URL. */
export function databaseUrl(flag: string | undefined): string {
  const url = flag ?? process.env.DATABASE_URL;
  if (!url) throw new UsageError('give --database-url (or set DATABASE_URL) or --server URL, or start the stack with npm start (the CLI finds it)', 'database-url');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError('--database-url must be a postgres:// URL', 'database-url');
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') throw new UsageError('--database-url must be a postgres:// URL', 'database-url');
  return url;
}

/** A pool whose idle clients losing their server (Postgres restart) do not crash the CLI. */
export function openPool(url: string, max: number): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max });
  pool.on('error', () => undefined);
  return pool;
}

/** Runs `fn` with a pool, always closing it. */
export async function withPool<T>(url: string, max: number, fn: (pool: pg.Pool) => Promise<T>): Promise<T> {
  const pool = openPool(url, max);
  try {
    return await fn(pool);
  } finally {
    await pool.end();
  }
}

/** The schema jobs and exports work in (TARGET_SCHEMA, default public), as the server uses it. */
export function targetSchema(): string {
  return process.env.TARGET_SCHEMA || 'public';
}

/**
 * TARGET_SCHEMA refused as the server refuses it at boot (`rowflow`, `information_schema`,
 * `pg_*`): an export must not read Rowflow's job tables or a catalog any more than a job may
 * write them. Bad usage (exit 2), before anything connects.
 */
export async function checkedTargetSchema(): Promise<string> {
  const schema = targetSchema();
  const { targetSchemaProblem } = await import('@rowflow/jobs');
  const problem = targetSchemaProblem(schema);
  if (problem) throw new UsageError(`TARGET_SCHEMA ${problem}`, 'TARGET_SCHEMA');
  return schema;
}
