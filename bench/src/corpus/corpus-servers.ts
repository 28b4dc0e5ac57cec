/**
 * Throwaway PostgreSQL servers for the corpus and how a schema's DDL gets into them: the system
 * PostgreSQL 15 (with whatever extensions are installed for it, e.g. PostGIS) and the embedded
 * PostgreSQL 18 (for schemas that use 18-only features). DDL files are applied with psql, as their
 * authors apply them (`\i`, `\set` and all).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { spawnThrowawayPostgres, type SpawnedPostgres } from '@rowflow/devdb';
import pg from 'pg';
import { SYSTEM_PG_BIN, systemPostgres } from '../harness.js';

const run = promisify(execFile);

export type ServerKind = 'pg15' | 'pg18';

/** One server of each kind, started on first use and stopped by `stopAll`. */
export class CorpusServers {
  private readonly started = new Map<ServerKind, Promise<SpawnedPostgres>>();

  get(kind: ServerKind): Promise<SpawnedPostgres> {
    let s = this.started.get(kind);
    if (!s) {
      s = kind === 'pg15' ? systemPostgres() : spawnThrowawayPostgres();
      this.started.set(kind, s);
    }
    return s;
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.started.values()].map(async (s) => (await s.catch(() => undefined))?.stop()));
  }
}

/** `url` with its database replaced. */
export function databaseUrl(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export async function recreateDatabase(serverUrl: string, database: string): Promise<string> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${database}"`);
  } finally {
    await admin.end();
  }
  return databaseUrl(serverUrl, database);
}

export interface AppliedDdl {
  /** psql's ERROR lines (a dump's data lines, a CSV it expects next to it …); the first few. */
  errors: string[];
  errorCount: number;
}

/** Applies each file with psql in `cwd` (relative `\i`/`\copy` paths resolve there); errors do not stop it. */
export async function applyDdl(url: string, files: string[], cwd: string): Promise<AppliedDdl> {
  const psql = join(SYSTEM_PG_BIN, 'psql');
  if (!existsSync(psql)) throw new Error(`psql not found at ${psql}`);
  const errors: string[] = [];
  for (const f of files) {
    const { stderr } = await run(psql, ['-X', '-q', '-d', url, '-v', 'ON_ERROR_STOP=0', '-f', f], { cwd, maxBuffer: 256 * 1024 * 1024, env: { ...process.env, PGOPTIONS: '-c client_min_messages=error' } }).catch(
      (err: { stderr?: string }) => ({ stderr: err.stderr ?? String(err) }),
    );
    errors.push(...stderr.split('\n').filter((l) => /ERROR|error:/.test(l)));
  }
  return { errors: errors.slice(0, 5), errorCount: errors.length };
}

/**
 * Empties every table of `schemas` (sample databases ship their data in the same file): the load
 * goes into the DDL, empty, as a new user's test database would be. Extension-owned tables stay.
 */
export async function emptyTables(url: string, schemas: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const res = await client.query<{ name: string }>(
      `SELECT format('%I.%I', n.nspname, c.relname) AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = ANY($1) AND c.relkind IN ('r', 'p') AND NOT c.relispartition
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')`,
      [schemas],
    );
    if (res.rows.length) await client.query(`TRUNCATE ${res.rows.map((r) => r.name).join(', ')} CASCADE`);
  } finally {
    await client.end();
  }
}
