import { leaseLapsed, leaseUntil } from '@rowflow/pg';
import type pg from 'pg';
import type { ConstraintKind } from './constraint-plan.js';
import type { TargetRef } from './target-ref.js';
import { RECORDED_TABLE_OID } from './target-table.js';

/** Progress of one deferred constraint: index built / FK added NOT VALID are the halfway marks. */
export type ConstraintState = 'pending' | 'indexed' | 'added' | 'done' | 'failed';

/** A row of rowflow.job_constraints. */
export interface ConstraintRow {
  id: number;
  tableIndex: number;
  name: string;
  kind: ConstraintKind;
  columns: string[];
  refTableIndex: number | null;
  refColumns: string[] | null;
  state: ConstraintState;
}

/** What a constraint-phase worker needs: the job's tables (by index) and its constraints. */
export interface PhaseWork {
  jobId: string;
  /** Each table with the oid it had when the job was created (null: not recorded, old job). */
  tables: Array<TargetRef & { oid: string | null }>;
  constraints: ConstraintRow[];
}

/** SQL of the constraint phase on the rowflow job tables (the DDL itself is ConstraintBuilder's). */
export class ConstraintRepository {
  constructor(private readonly pool: pg.Pool) {}

  /**
   * Takes the job's phase lease for `owner` when the job is in `building indexes` and nobody
   * else holds a live lease; null otherwise. The lease only avoids duplicate work: every step is
   * idempotent and serialised per constraint (see ConstraintBuilder).
   */
  async claim(jobId: string, owner: string, leaseSeconds: number): Promise<PhaseWork | null> {
    if (!(await this.renew(jobId, owner, leaseSeconds, true))) return null;
    const tables = await this.pool.query<{ target_schema: string; target_table: string; target_oid: string | null }>(
      `SELECT t.target_schema, t.target_table, ${RECORDED_TABLE_OID}::text AS target_oid
       FROM rowflow.job_tables t JOIN rowflow.jobs j ON j.id = t.job_id WHERE t.job_id = $1 ORDER BY t.index`,
      [jobId],
    );
    const cons = await this.pool.query<Record<string, unknown>>(
      `SELECT id, table_index, name, kind, columns, ref_table_index, ref_columns, state FROM rowflow.job_constraints WHERE job_id = $1 ORDER BY id`,
      [jobId],
    );
    const refs = tables.rows.map((t) => ({ schema: t.target_schema, table: t.target_table, oid: t.target_oid }));
    return { jobId, tables: refs, constraints: cons.rows.map(toConstraint) };
  }

  /** Extends the lease; false when the job left the phase or someone else owns it now. */
  async renew(jobId: string, owner: string, leaseSeconds: number, takeLapsed = false): Promise<boolean> {
    const res = await this.pool.query(
      `UPDATE rowflow.jobs SET phase_lease_owner = $2, phase_lease_until = ${leaseUntil('$3')}
       WHERE id = $1 AND state = 'running' AND phase = 'building indexes'
         AND (phase_lease_owner = $2 OR ($4 AND ${leaseLapsed('phase_lease_until')}))`,
      [jobId, owner, leaseSeconds, takeLapsed],
    );
    return (res.rowCount ?? 0) > 0;
  }

  /** Gives the lease back (stopping, or a transient error) so any process takes over at once. */
  async release(jobId: string, owner: string): Promise<void> {
    await this.pool.query(`UPDATE rowflow.jobs SET phase_lease_until = NULL WHERE id = $1 AND phase_lease_owner = $2`, [jobId, owner]);
  }

  /** Completes the job once every constraint is done. True when this call completed it. */
  async finish(jobId: string): Promise<boolean> {
    const res = await this.pool.query(
      `UPDATE rowflow.jobs SET state = 'completed', phase = 'done', finished_at = now(), error = NULL, phase_lease_until = NULL
       WHERE id = $1 AND state = 'running' AND phase = 'building indexes'
         AND NOT EXISTS (SELECT 1 FROM rowflow.job_constraints WHERE job_id = $1 AND state <> 'done')`,
      [jobId],
    );
    return (res.rowCount ?? 0) > 0;
  }

  /** Marks a constraint failed and the job with it (a data error: duplicates, orphans). */
  async fail(jobId: string, constraintId: number, message: string): Promise<void> {
    await this.pool.query(`UPDATE rowflow.job_constraints SET state = 'failed', error = $2, updated_at = now() WHERE id = $1`, [constraintId, message]);
    await this.pool.query(
      `UPDATE rowflow.jobs SET state = 'failed', error = $2, finished_at = now(), phase_lease_until = NULL WHERE id = $1 AND state IN ('queued', 'running')`,
      [jobId, message],
    );
  }

  /** Jobs in the constraint phase whose lease lapsed (worker killed) or was never taken. */
  async orphaned(limit = 100): Promise<string[]> {
    const res = await this.pool.query<{ id: string }>(
      `SELECT id FROM rowflow.jobs WHERE state = 'running' AND phase = 'building indexes'
         AND ${leaseLapsed('phase_lease_until')} ORDER BY created_at LIMIT $1`,
      [limit],
    );
    return res.rows.map((r) => r.id);
  }
}

function toConstraint(r: Record<string, unknown>): ConstraintRow {
  return {
    id: Number(r.id),
    tableIndex: r.table_index as number,
    name: r.name as string,
    kind: r.kind as ConstraintKind,
    columns: r.columns as string[],
    refTableIndex: (r.ref_table_index as number | null) ?? null,
    refColumns: (r.ref_columns as string[] | null) ?? null,
    state: r.state as ConstraintState,
  };
}
