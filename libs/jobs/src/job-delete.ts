import { ConflictError, NotFoundError } from '@rowflow/contracts';
import type pg from 'pg';
import { withSession } from '@rowflow/pg';
import { RECORDED_TABLE_OID } from './target-table.js';
import { qualify, type TargetRef } from './target-ref.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LOCK_TIMEOUT = '5s';

export interface DeleteJobOptions {
  /** Also drop the job's target tables (never by default). */
  dropTables: boolean;
  /** The schemas jobs may write into (TARGET_SCHEMA): no table outside them is ever dropped. */
  writeScope: readonly string[];
}

interface JobTableRow {
  target_schema: string;
  target_table: string;
  recorded_oid: string | null;
  current_oid: string | null;
  created_by_rowflow: boolean;
}

/**
 * Deletes a finished job (completed, failed or cancelled) with its partitions, dead letters,
 * tables, constraints and manifest (ON DELETE CASCADE), in one transaction. With `dropTables`,
 * the job's target tables go too, in the same transaction and only when each one is still the
 * very table the job loaded (same oid), was created by Rowflow, and lies inside the write scope;
 * a table since dropped or re-made by someone else is left alone. 404 unknown, 409 while the job
 * is queued or running or when a table cannot be dropped (nothing is deleted then).
 */
export async function deleteJob(pool: pg.Pool, id: string, opts: DeleteJobOptions): Promise<void> {
  if (!UUID.test(id)) throw new NotFoundError(`job ${id} not found`);
  await withSession(
    pool,
    async (c) => {
      await c.query('BEGIN');
      await c.query(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`);
      const job = await c.query<{ state: string }>('SELECT state FROM rowflow.jobs WHERE id = $1 FOR UPDATE', [id]);
      const state = job.rows[0]?.state;
      if (state === undefined) throw new NotFoundError(`job ${id} not found`);
      if (state === 'queued' || state === 'running') throw new ConflictError(`job ${id} is ${state}; cancel it (or let it finish) before deleting it`);
      if (opts.dropTables) await dropJobTables(c, id, opts.writeScope);
      await c.query('DELETE FROM rowflow.jobs WHERE id = $1', [id]);
      await c.query('COMMIT');
    },
    { rollback: true },
  ).catch((err: unknown) => {
    throw translate(err);
  });
}

/** The job's tables that are still its own, locked, checked, then dropped in one statement. */
async function dropJobTables(c: pg.PoolClient, id: string, writeScope: readonly string[]): Promise<void> {
  const refs: TargetRef[] = [];
  for (const t of await jobTables(c, id)) {
    const ref = { schema: t.target_schema, table: t.target_table };
    // Gone, or the name now belongs to another table: not this job's any more.
    if (t.current_oid === null || (t.recorded_oid !== null && t.recorded_oid !== t.current_oid)) continue;
    if (!writeScope.includes(ref.schema)) throw new ConflictError(`${qualify(ref)} is outside the write scope (TARGET_SCHEMA=${writeScope.join(',')}); it is not dropped`, 'dropTables');
    if (!t.created_by_rowflow) throw new ConflictError(`${qualify(ref)} was not created by Rowflow, so it is not dropped; delete the job without dropTables, or drop the table yourself`, 'dropTables');
    refs.push(ref);
  }
  if (refs.length === 0) return;
  await requireNoOtherOpenJob(c, id, refs);
  const names = refs.map(qualify).join(', ');
  await c.query(`LOCK TABLE ${names} IN ACCESS EXCLUSIVE MODE`);
  // Checked again under the lock: the tables dropped are the tables checked.
  const again = await jobTables(c, id);
  const changed = again.find((t) => refs.some((r) => r.schema === t.target_schema && r.table === t.target_table) && t.recorded_oid !== null && t.recorded_oid !== t.current_oid);
  if (changed) throw new ConflictError(`${qualify({ schema: changed.target_schema, table: changed.target_table })} was replaced while being checked; try again`, 'dropTables');
  await c.query(`DROP TABLE ${names}`); // RESTRICT: a view or foreign key of another table stops it
  await c.query(`DELETE FROM rowflow.created_tables WHERE table_oid = ANY($1::oid[])`, [again.map((t) => t.current_oid).filter((o) => o !== null)]);
}

/** Another job still loading one of the tables would lose its target mid-load. */
async function requireNoOtherOpenJob(c: pg.PoolClient, id: string, refs: TargetRef[]): Promise<void> {
  const res = await c.query<{ id: string; target_schema: string; target_table: string }>(
    `SELECT j.id, t.target_schema, t.target_table FROM rowflow.jobs j JOIN rowflow.job_tables t ON t.job_id = j.id
      WHERE j.id <> $1 AND j.state IN ('queued', 'running') AND (t.target_schema, t.target_table) IN (SELECT * FROM unnest($2::text[], $3::text[]))
      LIMIT 1`,
    [id, refs.map((r) => r.schema), refs.map((r) => r.table)],
  );
  const open = res.rows[0];
  if (open) throw new ConflictError(`job ${open.id} is still loading ${qualify({ schema: open.target_schema, table: open.target_table })}; its tables are not dropped`, 'dropTables');
}

async function jobTables(c: pg.PoolClient, id: string): Promise<JobTableRow[]> {
  const res = await c.query<JobTableRow>(
    `SELECT DISTINCT t.target_schema, t.target_table, ${RECORDED_TABLE_OID}::text AS recorded_oid, r.oid::text AS current_oid,
            EXISTS (SELECT 1 FROM rowflow.created_tables ct WHERE ct.table_oid = r.oid) AS created_by_rowflow
       FROM rowflow.jobs j
       JOIN rowflow.job_tables t ON t.job_id = j.id
       LEFT JOIN pg_catalog.pg_namespace n ON n.nspname = t.target_schema
       LEFT JOIN pg_catalog.pg_class r ON r.relnamespace = n.oid AND r.relname = t.target_table AND r.relkind IN ('r', 'p')
      WHERE j.id = $1`,
    [id],
  );
  return res.rows;
}

/** Dependent objects and lock waits are conflicts with the database's state, not server errors. */
function translate(err: unknown): unknown {
  const e = err as { code?: string; message?: string; detail?: string };
  if (e.code === '2BP01') return new ConflictError(`the job's tables cannot be dropped: ${e.detail ?? e.message}; nothing was deleted`, 'dropTables');
  if (e.code === '55P03') return new ConflictError(`the job's tables are locked by another session (waited ${LOCK_TIMEOUT}); nothing was deleted, try again`, 'dropTables');
  return err;
}
