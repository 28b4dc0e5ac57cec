import { ConflictError, type CreateExportRequest, type ExportState, type ExportStatus, NotFoundError } from '@rowflow/contracts';
import { leaseHeld, leaseLapsed, leaseUntil, transaction } from '@rowflow/pg';
import type pg from 'pg';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface Row {
  id: string;
  state: ExportState;
  request: CreateExportRequest;
  table_name: string;
  rows: string;
  bytes: string;
  chunks: number;
  rows_estimate: string | null;
  retries: number;
  sha256: string | null;
  error: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

function toStatus(r: Row): ExportStatus {
  return {
    id: r.id,
    state: r.state,
    table: r.table_name,
    request: r.request,
    rows: Number(r.rows),
    bytes: Number(r.bytes),
    chunks: r.chunks,
    rowsEstimate: r.rows_estimate === null ? null : Number(r.rows_estimate),
    retries: r.retries,
    sha256: r.sha256,
    error: r.error,
    file: r.state === 'completed' ? `/api/exports/${r.id}/file` : null,
    createdAt: r.created_at.toISOString(),
    startedAt: r.started_at?.toISOString() ?? null,
    finishedAt: r.finished_at?.toISOString() ?? null,
  };
}

/**
 * Export jobs in `rowflow.exports`: state, progress and a lease. The data itself and its
 * checkpoints are files; the lease only decides which process continues an export after a crash.
 */
export class ExportRepository {
  constructor(private readonly pool: pg.Pool) {}

  /** Records a queued export; `id` given: the caller already prepared its directory under that id. */
  async create(req: CreateExportRequest, rowsEstimate: number | null, id?: string): Promise<string> {
    const res = await this.pool.query<{ id: string }>(
      `INSERT INTO rowflow.exports (id, state, request, table_name, rows_estimate) VALUES (coalesce($4::uuid, gen_random_uuid()), 'queued', $1, $2, $3) RETURNING id`,
      [JSON.stringify(req), req.table, rowsEstimate, id ?? null],
    );
    return res.rows[0]!.id;
  }

  async get(id: string): Promise<ExportStatus> {
    if (!UUID.test(id)) throw new NotFoundError(`export ${id} not found`);
    const res = await this.pool.query<Row>('SELECT * FROM rowflow.exports WHERE id = $1', [id]);
    if (!res.rows[0]) throw new NotFoundError(`export ${id} not found`);
    return toStatus(res.rows[0]);
  }

  async list(limit = 100): Promise<ExportStatus[]> {
    const res = await this.pool.query<Row>('SELECT * FROM rowflow.exports ORDER BY created_at DESC LIMIT $1', [limit]);
    return res.rows.map(toStatus);
  }

  /** Takes (or renews) the lease of a queued/running export nobody else holds; false otherwise. */
  async claim(id: string, owner: string, leaseSeconds: number): Promise<boolean> {
    const res = await this.pool.query(
      `UPDATE rowflow.exports SET state = 'running', lease_owner = $2, lease_until = ${leaseUntil('$3')},
              started_at = coalesce(started_at, now()), updated_at = now()
        WHERE id = $1 AND state IN ('queued', 'running') AND (${leaseLapsed('lease_until')} OR lease_owner = $2)`,
      [id, owner, leaseSeconds],
    );
    return (res.rowCount ?? 0) > 0;
  }

  /** Records progress and extends the lease; false when the export is no longer ours (cancelled, taken over). */
  async progress(id: string, owner: string, leaseSeconds: number, p: { rows: number; bytes: number; chunks: number; retries: number }): Promise<boolean> {
    const res = await this.pool.query(
      `UPDATE rowflow.exports SET rows = $4, bytes = $5, chunks = $6, retries = $7, lease_until = ${leaseUntil('$3')}, updated_at = now()
        WHERE id = $1 AND lease_owner = $2 AND state = 'running'`,
      [id, owner, leaseSeconds, p.rows, p.bytes, p.chunks, p.retries],
    );
    return (res.rowCount ?? 0) > 0;
  }

  async complete(id: string, owner: string, r: { rows: number; bytes: number; chunks: number; sha256: string }): Promise<void> {
    await this.pool.query(
      `UPDATE rowflow.exports SET state = 'completed', rows = $3, bytes = $4, chunks = $5, sha256 = $6, error = NULL, lease_until = NULL, finished_at = now(), updated_at = now()
        WHERE id = $1 AND lease_owner = $2 AND state = 'running'`,
      [id, owner, r.rows, r.bytes, r.chunks, r.sha256],
    );
  }

  /** `transient`: it gave up on a failure that may heal (see reopenTransientFailures). */
  async fail(id: string, owner: string, message: string, transient = false): Promise<void> {
    await this.pool.query(
      `UPDATE rowflow.exports SET state = 'failed', error = $3, failed_transient = $4, lease_until = NULL, finished_at = now(), updated_at = now()
        WHERE id = $1 AND lease_owner = $2 AND state = 'running'`,
      [id, owner, message, transient],
    );
  }

  /**
   * Queues again the exports that failed on a transient failure (the database or the network away
   * for longer than the retry window): like a resume, they continue from their checkpoints. A
   * failure that is not transient (a dropped table, a full disk) stays failed until resumed.
   */
  async reopenTransientFailures(limit = 100): Promise<string[]> {
    const res = await this.pool.query<{ id: string }>(
      `UPDATE rowflow.exports SET state = 'queued', failed_transient = false, finished_at = NULL, updated_at = now()
        WHERE id IN (SELECT id FROM rowflow.exports WHERE state = 'failed' AND failed_transient ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED)
        RETURNING id`,
      [limit],
    );
    return res.rows.map((r) => r.id);
  }

  /** Gives the lease back (process stopping) so the restart, or another process, continues at once. */
  async release(id: string, owner: string): Promise<void> {
    await this.pool.query(`UPDATE rowflow.exports SET lease_until = NULL WHERE id = $1 AND lease_owner = $2`, [id, owner]);
  }

  /**
   * The lease stays: the process running the export stops at its next progress report and only
   * then gives it back (or it lapses, if that process died). Cleared here, a resume through any
   * other process sharing the export directory could start writing the same part files and
   * checkpoints while the first one still did.
   */
  async cancel(id: string): Promise<ExportStatus> {
    const current = await this.get(id);
    const res = await this.pool.query(`UPDATE rowflow.exports SET state = 'cancelled', finished_at = now(), updated_at = now() WHERE id = $1 AND state IN ('queued', 'running')`, [id]);
    if (!res.rowCount) throw new ConflictError(`export ${id} is ${current.state}; only queued or running exports can be cancelled`);
    return this.get(id);
  }

  /**
   * Re-opens a cancelled/failed export (it continues from its checkpoints); 409 if completed.
   * A lease still held (see cancel) is left to its holder: the export is continued once it is
   * given back or lapses.
   */
  async resume(id: string): Promise<ExportStatus> {
    const current = await this.get(id);
    if (current.state === 'completed') throw new ConflictError(`export ${id} is already completed`);
    await this.pool.query(`UPDATE rowflow.exports SET state = 'queued', error = NULL, failed_transient = false, finished_at = NULL, updated_at = now() WHERE id = $1 AND state IN ('cancelled', 'failed')`, [id]);
    return this.get(id);
  }

  /**
   * Deletes an ended export: `removeFiles` runs while its row is locked (so no resume or
   * take-over can start meanwhile), then the row goes. 409 while it is queued or running, or while
   * the process that ran it still holds its lease (a cancel it has not seen yet).
   */
  async delete(id: string, removeFiles: () => Promise<void>): Promise<void> {
    if (!UUID.test(id)) throw new NotFoundError(`export ${id} not found`);
    await transaction(this.pool, async (c) => {
      const res = await c.query<{ state: ExportState; leased: boolean }>(`SELECT state, ${leaseHeld('lease_until')} AS leased FROM rowflow.exports WHERE id = $1 FOR UPDATE`, [id]);
      const row = res.rows[0];
      if (!row) throw new NotFoundError(`export ${id} not found`);
      if (row.state === 'queued' || row.state === 'running') throw new ConflictError(`export ${id} is ${row.state}; cancel it before deleting it`);
      if (row.leased) throw new ConflictError(`export ${id} is still being stopped by the process that ran it; try again in a few seconds`);
      await removeFiles();
      await c.query('DELETE FROM rowflow.exports WHERE id = $1', [id]);
    });
  }

  /** Ended exports that finished before `olderThanMs` ago (EXPORT_RETENTION). */
  async expired(olderThanMs: number, limit = 100): Promise<string[]> {
    const res = await this.pool.query<{ id: string }>(
      `SELECT id FROM rowflow.exports WHERE state IN ('completed', 'failed', 'cancelled') AND finished_at < now() - make_interval(secs => $1) ORDER BY finished_at LIMIT $2`,
      [olderThanMs / 1000, limit],
    );
    return res.rows.map((r) => r.id);
  }

  /** Exports that should run but nobody holds a live lease on (new, or their process died/stopped). */
  async orphaned(limit = 100): Promise<string[]> {
    const res = await this.pool.query<{ id: string }>(
      `SELECT id FROM rowflow.exports WHERE state IN ('queued', 'running') AND ${leaseLapsed('lease_until')} ORDER BY created_at LIMIT $1`,
      [limit],
    );
    return res.rows.map((r) => r.id);
  }
}
