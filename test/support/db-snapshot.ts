import pg from 'pg';

/**
 * What "nothing created or changed" means in the refusal tests: every relation name outside the
 * system schemas, plus the row counts of Rowflow's own job tables. Equal snapshots before and
 * after a request prove it wrote nothing.
 */
export interface DbSnapshot {
  relations: string[];
  jobs: number;
  partitions: number;
  deadLetters: number;
}

export async function dbSnapshot(pool: pg.Pool): Promise<DbSnapshot> {
  const rels = await pool.query<{ name: string }>(
    `SELECT n.nspname || '.' || c.relname AS name
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
        AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
      ORDER BY 1`,
  );
  const counts = await pool.query<{ jobs: number; partitions: number; dead: number }>(
    `SELECT (SELECT count(*)::int FROM rowflow.jobs) AS jobs,
            (SELECT count(*)::int FROM rowflow.job_partitions) AS partitions,
            (SELECT count(*)::int FROM rowflow.dead_letters) AS dead`,
  );
  const c = counts.rows[0]!;
  return { relations: rels.rows.map((r) => r.name), jobs: c.jobs, partitions: c.partitions, deadLetters: c.dead };
}
