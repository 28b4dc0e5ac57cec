import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/**
 * Loads the generator's CSV for an explicit spec — `{schema}` for a table, `{dataset, table}` for
 * a dataset table, POSTed as a job's stored spec is generated — with one plain COPY into a fresh
 * table shaped like `like`: the reference a job's table must equal.
 */
export function loadSpecReference(pool: pg.Pool, generatorUrl: string, like: string, what: { schema: unknown } | { dataset: unknown; table: string }, rows: number, seed: number): Promise<string> {
  return copyReference(pool, like, () =>
    fetch(`${generatorUrl}/api/generator/stream/csv`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...what, rows, seed, header: false }),
    }),
  );
}

/**
 * Creates a fresh table shaped like `like` and loads the generator's headerless CSV answer to
 * `request` into it with one plain COPY; returns the new table's name.
 */
export async function copyReference(pool: pg.Pool, like: string, request: () => Promise<Response>): Promise<string> {
  const ref = `ref_${like}_${Math.random().toString(36).slice(2, 8)}`.slice(0, 63);
  await pool.query(`CREATE TABLE "${ref}" (LIKE "${like}")`);
  const res = await request();
  if (!res.ok || !res.body) throw new Error(`generator ${res.status}: ${await res.text()}`);
  const c = await pool.connect();
  try {
    await pipeline(Readable.fromWeb(res.body as never), c.query(copyFrom(`COPY "${ref}" FROM STDIN (FORMAT csv)`)));
  } finally {
    c.release();
  }
  return ref;
}

/** Rows of `child` whose `fk` has no parent row in `parent.key` (0 for an intact foreign key). */
export async function orphans(pool: pg.Pool, child: string, fk: string, parent: string, key: string): Promise<number> {
  const res = await pool.query(`SELECT count(*)::int AS n FROM "${child}" c LEFT JOIN "${parent}" p ON p."${key}" = c."${fk}" WHERE c."${fk}" IS NOT NULL AND p."${key}" IS NULL`);
  return res.rows[0].n;
}
