import { ValidationError } from '@rowflow/contracts';
import type pg from 'pg';

/** An exportable relation of the target schema and its columns, as the catalog describes them. */
export interface TableInfo {
  schema: string;
  table: string;
  kind: 'table' | 'view' | 'materialized view' | 'partitioned table';
  columns: Array<{ name: string; type: string; notNull: boolean; numeric: boolean }>;
  /** Single-column primary key, if there is one (the default order key). */
  primaryKey: string | null;
  /** Columns unique on their own (primary key or a full single-column unique index). */
  uniqueColumns: string[];
}

const KINDS: Record<string, TableInfo['kind']> = { r: 'table', v: 'view', m: 'materialized view', p: 'partitioned table' };

/**
 * Looks the relation up by exact name in `schema` only (never through search_path, so nothing
 * outside the target schema is reachable whatever the name contains). Missing names, indexes,
 * sequences and other relation kinds are refused naming `table`.
 */
export async function describeTable(pool: pg.Pool | pg.PoolClient, schema: string, table: string): Promise<TableInfo> {
  const rel = await pool.query<{ oid: number; relkind: string }>(
    `SELECT c.oid, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2`,
    [schema, table],
  );
  const r = rel.rows[0];
  // A 400 naming the field (not a 404): the name is bad input, whatever schema it may exist in.
  if (!r) throw new ValidationError('table', `no table or view "${table}" in schema "${schema}"`);
  const kind = KINDS[r.relkind];
  if (!kind) throw new ValidationError('table', `"${table}" is not a table or view (relkind ${r.relkind})`);
  // Reading a parent reads its partitions and inheritance children too, wherever they live: a
  // table whose rows are partly stored in another schema is refused, as jobs refuse to load one.
  const outside = await pool.query<{ name: string }>(
    `WITH RECURSIVE tree(relid) AS (
       SELECT inhrelid FROM pg_catalog.pg_inherits WHERE inhparent = $1
       UNION SELECT i.inhrelid FROM pg_catalog.pg_inherits i JOIN tree ON i.inhparent = tree.relid)
     SELECT pg_catalog.format('%I.%I', n.nspname, c.relname) AS name
       FROM tree JOIN pg_catalog.pg_class c ON c.oid = tree.relid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname <> $2 ORDER BY 1`,
    [r.oid, schema],
  );
  if (outside.rows.length) {
    throw new ValidationError('table', `"${table}" has partitions or inheritance children outside schema "${schema}" (${outside.rows.map((o) => o.name).join(', ')}); exports read only from "${schema}"`);
  }
  const cols = await pool.query<{ name: string; type: string; notnull: boolean; category: string }>(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS notnull, t.typcategory AS category
       FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
      WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
    [r.oid],
  );
  const pk = await pool.query<{ name: string }>(
    `SELECT a.attname AS name FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
      WHERE i.indrelid = $1 AND i.indisprimary AND i.indnatts = 1`,
    [r.oid],
  );
  const uniq = await pool.query<{ name: string }>(
    `SELECT DISTINCT a.attname AS name FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
      WHERE i.indrelid = $1 AND i.indisunique AND i.indnatts = 1 AND i.indpred IS NULL AND i.indexprs IS NULL`,
    [r.oid],
  );
  return {
    schema,
    table,
    kind,
    uniqueColumns: uniq.rows.map((u) => u.name),
    columns: cols.rows.map((c) => ({ name: c.name, type: c.type, notNull: c.notnull, numeric: c.category === 'N' })),
    primaryKey: pk.rows[0]?.name ?? null,
  };
}
