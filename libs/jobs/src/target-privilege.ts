import type pg from 'pg';

/** The role a pool connects as, and whether it can bypass every privilege check. */
export interface ConnectedRole {
  name: string;
  superuser: boolean;
}

/**
 * Who Rowflow is in the database. A superuser bypasses privileges and row-level security, so the
 * write-scope checks would be the only line of defence; callers warn about it at start-up.
 */
export async function connectedRole(pool: pg.Pool): Promise<ConnectedRole> {
  const res = await pool.query<{ name: string; superuser: boolean }>(
    'SELECT current_user AS name, rolsuper AS superuser FROM pg_catalog.pg_roles WHERE rolname = current_user',
  );
  const row = res.rows[0];
  return { name: row?.name ?? 'unknown', superuser: row?.superuser ?? false };
}
