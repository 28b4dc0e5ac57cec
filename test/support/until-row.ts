import type pg from 'pg';

/**
 * Polls `sql` until it returns a row (a condition in the database: a lock wait, a lapsed lease,
 * a checkpoint). Waits on the condition, never a fixed time; `stop` ends the wait early.
 */
export async function untilRow(pool: pg.Pool, what: string, sql: string, params: unknown[] = [], stop?: AbortSignal): Promise<void> {
  for (let i = 0; ; i++) {
    if (stop?.aborted || (await pool.query(sql, params)).rowCount) return;
    if (i > 3000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
