/**
 * The pattern tests' round trip: a schema pattern real applications use, as DDL in a schema of
 * its own → POST /api/introspect → an `append` job into those very (empty) tables through the
 * real job API → an independent SQL integrity check of every constraint (the corpus runner's own
 * check: foreign keys, CHECKs, unique indexes incl. partial/expression ones, NOT NULL, domains,
 * exclusion constraints, partition bounds).
 */
import type { INestApplication } from '@nestjs/common';
import type { DatasetSpec } from '@rowflow/contracts';
import pg from 'pg';
import { afterAll, beforeAll, expect, inject } from 'vitest';
import { checkIntegrity, type IntegrityReport } from '../../bench/src/corpus/integrity.js';
import { bootOrchestrator, freshDatabase, postJson, waitForState } from '../support/index.js';

export interface PatternRun {
  dataset: DatasetSpec;
  warnings: string[];
  job: { id: string; state: string; error: string | null; rowsWritten: number; rowsSkipped: number; warnings?: string[] };
  deadLetters: unknown[];
  integrity: IntegrityReport;
  /** Rows now in each table of the schemas, by "schema.table" (partitioned tables through their root). */
  counts: Record<string, number>;
  /** `GET /api/jobs/:id/verify` after the job, when asked for (options.verify). */
  verify?: { ok: boolean; tables: Array<{ table: string; rows: number; firstMismatch?: unknown }> };
}

export interface PatternOptions {
  /** Schemas the tables live in (default: the one the DDL was created in). */
  schemas: string[];
  rows?: number;
  seed?: number;
  /** How long the job may take (default 5 minutes). */
  jobTimeoutMs?: number;
  /** Also verify the loaded tables against the spec (GET /api/jobs/:id/verify). */
  verify?: boolean;
}

/** Creates `schema` and runs `ddl` with it first on the search path. */
export async function createSchema(pool: pg.Pool, schema: string, ddl: string): Promise<void> {
  const c = await pool.connect();
  try {
    await c.query(`CREATE SCHEMA "${schema}"`);
    await c.query(`SET search_path = "${schema}", public`);
    await c.query(ddl);
  } finally {
    await c.query('RESET search_path').catch(() => undefined);
    c.release();
  }
}

async function counts(pool: pg.Pool, schemas: string[]): Promise<Record<string, number>> {
  const rels = await pool.query<{ name: string }>(
    `SELECT format('%I.%I', n.nspname, c.relname) AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = ANY($1) AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY 1`,
    [schemas],
  );
  const out: Record<string, number> = {};
  for (const r of rels.rows) out[r.name.replace(/"/g, '')] = Number((await pool.query(`SELECT count(*) AS n FROM ${r.name}`)).rows[0].n);
  return out;
}

/**
 * Introspects `schemas` with an orchestrator whose write scope is exactly them, appends the
 * introspected dataset into the same tables, and checks every constraint by SQL.
 */
export async function patternRoundTrip(databaseUrl: string, pool: pg.Pool, opts: PatternOptions): Promise<PatternRun> {
  let orch: { app: INestApplication; url: string } | undefined;
  try {
    orch = await bootOrchestrator(databaseUrl, 'http://127.0.0.1:9', { JOB_ROW_SOURCE: 'local', TARGET_SCHEMA: opts.schemas.join(',') });
    const schema = opts.schemas.length === 1 ? opts.schemas[0] : opts.schemas;
    const intro = await postJson(`${orch.url}/api/introspect`, { schema, rows: opts.rows ?? 200 });
    if (intro.status !== 200) throw new Error(`introspect → ${intro.status}: ${JSON.stringify(intro.body)}`);
    const { dataset, warnings } = intro.body as { dataset: DatasetSpec; warnings: string[] };
    const created = await postJson(`${orch.url}/api/jobs`, { dataset, mode: 'append', seed: opts.seed ?? 11, skipLimit: 0 });
    if (created.status !== 202) throw new Error(`POST /api/jobs → ${created.status}: ${JSON.stringify(created.body)}`);
    const job = await waitForState(orch.url, created.body.id, ['completed', 'failed', 'cancelled'], opts.jobTimeoutMs ?? 300_000);
    const deadLetters = (await (await fetch(`${orch.url}/api/jobs/${job.id}/dead-letters`)).json()) as unknown[];
    const verify = opts.verify ? ((await (await fetch(`${orch.url}/api/jobs/${job.id}/verify`)).json()) as PatternRun['verify']) : undefined;
    return { dataset, warnings, job, deadLetters, integrity: await checkIntegrity(pool, opts.schemas), counts: await counts(pool, opts.schemas), ...(verify ? { verify } : {}) };
  } finally {
    await orch?.app.close();
  }
}

/**
 * What every pattern must achieve: the job completed, nothing rejected, no constraint violated,
 * every table holds rows. Jobs run with skipLimit 0: the first rejected row fails the job at once
 * and its error names the constraint.
 */
export function expectClean(run: PatternRun): void {
  expect(run.job.state, `${run.job.error}\n${JSON.stringify(run.deadLetters.slice(0, 3))}`).toBe('completed');
  expect(run.job.rowsSkipped, JSON.stringify(run.deadLetters.slice(0, 3))).toBe(0);
  expect(run.integrity.violations).toEqual([]);
  expect(run.integrity.skipped).toEqual([]);
  for (const [table, n] of Object.entries(run.counts)) expect(n, `rows in ${table}`).toBeGreaterThan(0);
}

/** A pattern file's database (fresh, dropped after the file) and its round trip. */
export interface PatternDatabase {
  readonly pool: pg.Pool;
  readonly url: string;
  /** Runs `ddl` in a new schema `schema` (null: already made) and round-trips it (options: the schema alone by default). */
  roundTrip(schema: string, ddl: string | null, opts?: Partial<PatternOptions>): Promise<PatternRun>;
}

/** Registers the file's beforeAll/afterAll: one fresh database for its patterns, each in a schema of its own. */
export function patternDatabase(): PatternDatabase {
  let db: { url: string; drop: () => Promise<void> } | undefined;
  let pool: pg.Pool | undefined;
  beforeAll(async () => {
    db = await freshDatabase(inject('databaseUrl'));
    pool = new pg.Pool({ connectionString: db.url, max: 2 });
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });
  return {
    get pool() {
      return pool!;
    },
    get url() {
      return db!.url;
    },
    async roundTrip(schema, ddl, opts = {}) {
      if (ddl !== null) await createSchema(pool!, schema, ddl);
      return patternRoundTrip(db!.url, pool!, { schemas: [schema], ...opts });
    },
  };
}
