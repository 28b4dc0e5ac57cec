import { createHash } from 'node:crypto';
import type pg from 'pg';
import { transaction } from '@rowflow/pg';

/** Arbitrary constant key: every process migrating the job schema takes the same lock. */
const MIGRATION_LOCK_KEY = 0x726f7766; // "rowf"

const STATEMENTS = [
  `CREATE SCHEMA IF NOT EXISTS rowflow`,
  `CREATE TABLE IF NOT EXISTS rowflow.jobs (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     state text NOT NULL,
     table_name text NOT NULL,
     schema jsonb NOT NULL,
     custom boolean NOT NULL,
     target_table text NOT NULL,
     mode text NOT NULL,
     rows_total bigint NOT NULL,
     seed bigint NOT NULL,
     chunk_size integer,
     partitions integer NOT NULL,
     skip_limit integer NOT NULL,
     error text,
     created_at timestamptz NOT NULL DEFAULT now(),
     started_at timestamptz,
     finished_at timestamptz)`,
  `CREATE INDEX IF NOT EXISTS jobs_created_idx ON rowflow.jobs (created_at DESC)`,
  `CREATE TABLE IF NOT EXISTS rowflow.job_partitions (
     id bigserial PRIMARY KEY,
     job_id uuid NOT NULL REFERENCES rowflow.jobs (id) ON DELETE CASCADE,
     index integer NOT NULL,
     from_row bigint NOT NULL,
     to_row bigint NOT NULL,
     next_row bigint NOT NULL,
     rows_written bigint NOT NULL DEFAULT 0,
     rows_skipped bigint NOT NULL DEFAULT 0,
     chunks_committed integer NOT NULL DEFAULT 0,
     retries integer NOT NULL DEFAULT 0,
     chunk_size integer,
     version bigint NOT NULL DEFAULT 0,
     state text NOT NULL,
     lease_owner text,
     lease_until timestamptz,
     error text,
     updated_at timestamptz NOT NULL DEFAULT now(),
     UNIQUE (job_id, index))`,
  `CREATE INDEX IF NOT EXISTS job_partitions_open_idx ON rowflow.job_partitions (state) WHERE state IN ('queued', 'running')`,
  `CREATE TABLE IF NOT EXISTS rowflow.dead_letters (
     id bigserial PRIMARY KEY,
     job_id uuid NOT NULL REFERENCES rowflow.jobs (id) ON DELETE CASCADE,
     partition_index integer NOT NULL,
     row_number bigint NOT NULL,
     row text NOT NULL,
     sqlstate text NOT NULL,
     message text NOT NULL,
     created_at timestamptz NOT NULL DEFAULT now())`,
  `CREATE INDEX IF NOT EXISTS dead_letters_job_idx ON rowflow.dead_letters (job_id, row_number)`,
  // The constraint that rejected a row (the error's `constraint` field), when Postgres named one.
  `ALTER TABLE rowflow.dead_letters ADD COLUMN IF NOT EXISTS constraint_name text`,
  // Self-healing faults: what a partition waiting on a transient failure shows in status.
  `ALTER TABLE rowflow.job_partitions ADD COLUMN IF NOT EXISTS last_error text`,
  `ALTER TABLE rowflow.job_partitions ADD COLUMN IF NOT EXISTS next_attempt_at timestamptz`,
  // Load speed: `unlogged` job option (null: logged table; 'logged': SET LOGGED at the end; 'keep').
  `ALTER TABLE rowflow.jobs ADD COLUMN IF NOT EXISTS unlogged text`,
  // pg_postmaster_start_time() while the job's tables are UNLOGGED: crash recovery empties such
  // tables while the checkpoints survive, so a different start time means "count the rows again".
  `ALTER TABLE rowflow.jobs ADD COLUMN IF NOT EXISTS unlogged_epoch timestamptz`,
  // Write scope: the schema each job writes into, and the tables Rowflow created (mode "replace"
  // may drop only those; the oid tells a table re-made by someone else under the same name apart).
  `ALTER TABLE rowflow.jobs ADD COLUMN IF NOT EXISTS target_schema text NOT NULL DEFAULT 'public'`,
  // The target's oid when the job was created: resume refuses a table dropped and re-made since.
  `ALTER TABLE rowflow.jobs ADD COLUMN IF NOT EXISTS target_oid oid`,
  `CREATE TABLE IF NOT EXISTS rowflow.created_tables (
     table_oid oid PRIMARY KEY,
     schema_name text NOT NULL,
     table_name text NOT NULL,
     job_id uuid,
     created_at timestamptz NOT NULL DEFAULT now())`,
  // Dataset jobs and the deferred-constraint phase: a job has 1..n tables, each with the table
  // spec stored at creation (resume generates from it, never from the catalog as it is now);
  // constraints built after the load are rows of job_constraints so the phase can be resumed.
  `ALTER TABLE rowflow.jobs ADD COLUMN IF NOT EXISTS phase text NOT NULL DEFAULT 'loading'`,
  `ALTER TABLE rowflow.jobs ADD COLUMN IF NOT EXISTS dataset jsonb`,
  `ALTER TABLE rowflow.jobs ADD COLUMN IF NOT EXISTS phase_lease_owner text`,
  `ALTER TABLE rowflow.jobs ADD COLUMN IF NOT EXISTS phase_lease_until timestamptz`,
  `UPDATE rowflow.jobs SET phase = 'done' WHERE state = 'completed' AND phase <> 'done'`,
  `CREATE TABLE IF NOT EXISTS rowflow.job_tables (
     job_id uuid NOT NULL REFERENCES rowflow.jobs (id) ON DELETE CASCADE,
     index integer NOT NULL,
     name text NOT NULL,
     target_schema text NOT NULL DEFAULT 'public',
     target_table text NOT NULL,
     schema jsonb NOT NULL,
     rows_total bigint NOT NULL,
     depends_on integer[] NOT NULL DEFAULT '{}',
     PRIMARY KEY (job_id, index))`,
  `ALTER TABLE rowflow.job_partitions ADD COLUMN IF NOT EXISTS table_index integer NOT NULL DEFAULT 0`,
  // Each table's oid when the job was created (jobs.target_oid is only the first): resume checks every one.
  `ALTER TABLE rowflow.job_tables ADD COLUMN IF NOT EXISTS target_oid oid`,
  // What a job relies on that its checks could not prove, said once at creation (GET /api/jobs/:id).
  `ALTER TABLE rowflow.jobs ADD COLUMN IF NOT EXISTS warnings text[]`,
  // Jobs created before job_tables existed are single-table jobs: give them their one table row.
  `INSERT INTO rowflow.job_tables (job_id, index, name, target_schema, target_table, schema, rows_total)
     SELECT j.id, 0, j.table_name, j.target_schema, j.target_table, j.schema, j.rows_total FROM rowflow.jobs j
     WHERE NOT EXISTS (SELECT 1 FROM rowflow.job_tables t WHERE t.job_id = j.id)`,
  `CREATE TABLE IF NOT EXISTS rowflow.job_constraints (
     id bigserial PRIMARY KEY,
     job_id uuid NOT NULL REFERENCES rowflow.jobs (id) ON DELETE CASCADE,
     table_index integer NOT NULL,
     name text NOT NULL,
     kind text NOT NULL,
     columns text[] NOT NULL,
     ref_table_index integer,
     ref_columns text[],
     state text NOT NULL DEFAULT 'pending',
     error text,
     updated_at timestamptz NOT NULL DEFAULT now(),
     UNIQUE (job_id, name))`,
  // Exports and manifests: export jobs (state, progress, lease for the restart sweep) and job manifests.
  `CREATE TABLE IF NOT EXISTS rowflow.exports (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     state text NOT NULL,
     request jsonb NOT NULL,
     table_name text NOT NULL,
     rows bigint NOT NULL DEFAULT 0,
     bytes bigint NOT NULL DEFAULT 0,
     chunks integer NOT NULL DEFAULT 0,
     rows_estimate bigint,
     retries integer NOT NULL DEFAULT 0,
     sha256 text,
     error text,
     lease_owner text,
     lease_until timestamptz,
     created_at timestamptz NOT NULL DEFAULT now(),
     started_at timestamptz,
     finished_at timestamptz,
     updated_at timestamptz NOT NULL DEFAULT now())`,
  // An export that gave up on a transient failure (past the retry window) is re-opened by the sweep.
  `ALTER TABLE rowflow.exports ADD COLUMN IF NOT EXISTS failed_transient boolean NOT NULL DEFAULT false`,
  `CREATE INDEX IF NOT EXISTS exports_open_idx ON rowflow.exports (state) WHERE state IN ('queued', 'running')`,
  `CREATE TABLE IF NOT EXISTS rowflow.job_manifests (
     job_id uuid PRIMARY KEY REFERENCES rowflow.jobs (id) ON DELETE CASCADE,
     manifest jsonb NOT NULL,
     created_at timestamptz NOT NULL DEFAULT now())`,
  // Small partitions delivered together share a batch group (set at creation; null: alone).
  `ALTER TABLE rowflow.job_partitions ADD COLUMN IF NOT EXISTS batch integer`,
  // Migration fingerprint: which STATEMENTS last ran here, so an up-to-date schema is not
  // migrated again (see migrate).
  `CREATE TABLE IF NOT EXISTS rowflow.schema_fingerprint (
     id integer PRIMARY KEY CHECK (id = 1),
     fingerprint text NOT NULL,
     migrated_at timestamptz NOT NULL DEFAULT now())`,
];

/** Changes whenever a statement is added or edited. */
const FINGERPRINT = createHash('sha256').update(STATEMENTS.join('\n;\n')).digest('hex');

/**
 * Creates the `rowflow` job schema if needed. Idempotent, and safe when several processes start
 * at once: a transaction-scoped advisory lock serialises them (CREATE ... IF NOT EXISTS alone
 * races on the catalog and can fail with a unique violation).
 *
 * A schema already migrated by these very statements is left alone. Every process (each CLI
 * command, each server start) migrates, usually while jobs run, and `ALTER TABLE … ADD COLUMN
 * IF NOT EXISTS` / `CREATE INDEX IF NOT EXISTS` take their ACCESS EXCLUSIVE / SHARE locks
 * before finding there is nothing to do. Taken one table after another inside one transaction,
 * those locks deadlocked with running work holding a job row and then reading its partitions
 * (finishLoad, status reads): 40P01 for whichever side Postgres picked. The fingerprint check
 * touches only its own table.
 */
export async function migrate(pool: pg.Pool): Promise<void> {
  // When the statements do run (an upgrade while jobs are running) their locks can still
  // deadlock with running work; Postgres then aborts one side, and this side runs again. A
  // backend terminated mid-migration (Postgres restarting at boot) fails this call (the server's
  // start-up retries it); the session wrapper keeps its late 'error' from crashing the process.
  await transaction(
    pool,
    async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
      if (await upToDate(client)) return;
      for (const sql of STATEMENTS) await client.query(sql);
      await client.query(
        `INSERT INTO rowflow.schema_fingerprint (id, fingerprint) VALUES (1, $1)
         ON CONFLICT (id) DO UPDATE SET fingerprint = EXCLUDED.fingerprint, migrated_at = now()`,
        [FINGERPRINT],
      );
    },
    { attempts: MIGRATE_ATTEMPTS },
  );
}

const MIGRATE_ATTEMPTS = 5;

/** True when the statements that last ran here are exactly STATEMENTS (read under the migration lock). */
async function upToDate(client: pg.PoolClient): Promise<boolean> {
  const t = await client.query<{ present: boolean }>(`SELECT to_regclass('rowflow.schema_fingerprint') IS NOT NULL AS present`);
  if (!t.rows[0]?.present) return false;
  const res = await client.query<{ fingerprint: string }>('SELECT fingerprint FROM rowflow.schema_fingerprint WHERE id = 1');
  return res.rows[0]?.fingerprint === FINGERPRINT;
}
