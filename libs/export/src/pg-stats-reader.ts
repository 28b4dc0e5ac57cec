import type { ColumnStats, TableStats } from '@rowflow/schema';
import { withSession } from '@rowflow/pg';
import type pg from 'pg';

interface TableRow {
  name: string;
  reltuples: number;
  partitioned: boolean;
}

interface StatsRow {
  table: string;
  name: string;
  type_name: string;
  null_frac: number;
  n_distinct: number;
  mcv: string[] | null;
  mcf: number[] | null;
  hist: string[] | null;
  correlation: number | null;
  avg_width: number;
}

const TABLES_SQL = `
SELECT c.relname AS name, c.reltuples::float8 AS reltuples, c.relkind = 'p' AS partitioned
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = $1 AND c.relname = ANY ($2::text[]) AND c.relkind IN ('r', 'p')`;

// Statistics only: pg_stats is the planner's summary (a sample ANALYZE took), never the rows.
// A partitioned table's statistics are the inherited ones (its partitions together).
const STATS_SQL = `
SELECT s.tablename AS table, s.attname AS name, t.typname AS type_name,
  s.null_frac::float8, s.n_distinct::float8,
  s.most_common_vals::text::text[] AS mcv, s.most_common_freqs::float8[] AS mcf,
  s.histogram_bounds::text::text[] AS hist, s.correlation::float8, s.avg_width
FROM pg_stats s
JOIN pg_namespace n ON n.nspname = s.schemaname
JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = s.tablename
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = s.attname
JOIN pg_type t ON t.oid = a.atttypid
WHERE s.schemaname = $1 AND s.tablename = ANY ($2::text[]) AND s.inherited = (c.relkind = 'p')`;

const TEMPORAL = new Set(['timestamp', 'timestamptz', 'date']);

/** `2024-03-01 10:00:00.123456+00` (ISO DateStyle, UTC) → `2024-03-01T10:00:00.123Z`. */
export function isoInstant(text: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})(?: (\d{2}:\d{2}:\d{2})(\.\d+)?([+-]\d{2}(?::?\d{2})?)?)?$/.exec(text);
  if (!m || !m[2]) return text;
  const millis = m[3] ? m[3].slice(0, 4).padEnd(4, '0') : '';
  return `${m[1]}T${m[2]}${millis}Z`;
}

function toColumn(r: StatsRow): ColumnStats {
  const fix = TEMPORAL.has(r.type_name) ? (xs: string[]) => xs.map(isoInstant) : (xs: string[]) => xs;
  const col: ColumnStats = { name: r.name, nullFrac: r.null_frac, nDistinct: r.n_distinct, avgWidth: r.avg_width };
  if (r.mcv && r.mcf) Object.assign(col, { mostCommonValues: fix(r.mcv), mostCommonFreqs: r.mcf });
  if (r.hist) col.histogram = fix(r.hist);
  if (r.correlation !== null) col.correlation = r.correlation;
  return col;
}

/**
 * Reads planner statistics (`pg_class.reltuples`, `pg_stats`) of tables in one schema — the only
 * queries it sends; no table is scanned. Columns the role may not SELECT are absent from pg_stats.
 * Timestamps are read in UTC with ISO output so bounds are comparable across servers.
 */
export async function readTableStats(pool: pg.Pool, schema: string, tables: string[]): Promise<TableStats[]> {
  return withSession(pool, async (client) => {
    await client.query('BEGIN READ ONLY');
    try {
      await client.query(`SET LOCAL TimeZone = 'UTC'`);
      await client.query(`SET LOCAL DateStyle = 'ISO, YMD'`);
      const found = (await client.query<TableRow>(TABLES_SQL, [schema, tables])).rows;
      const stats = (await client.query<StatsRow>(STATS_SQL, [schema, tables])).rows;
      return found.map((t) => {
        const columns = stats.filter((s) => s.table === t.name).map(toColumn);
        return { name: t.name, reltuples: t.reltuples, analyzed: columns.length > 0, columns };
      });
    } finally {
      await client.query('COMMIT');
    }
  });
}
