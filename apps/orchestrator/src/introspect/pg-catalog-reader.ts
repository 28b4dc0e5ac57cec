import type { CatalogColumn, CatalogConstraint, CatalogConstraintKind, CatalogTable } from '@rowflow/schema';
import type pg from 'pg';

interface TableRow {
  oid: number;
  name: string;
}

interface ColumnRow {
  table_oid: number;
  name: string;
  formatted: string;
  type_name: string;
  is_domain: boolean;
  element_type: string | null;
  enum_labels: string[] | null;
  domain_checks: string[] | null;
  not_null: boolean;
  default_expr: string | null;
  identity: string;
  generated: string;
}

interface ConstraintRow {
  table_oid: number;
  name: string;
  kind: string;
  columns: string[];
  ref_schema: string | null;
  ref_table: string | null;
  ref_columns: string[] | null;
  definition: string;
}

const TABLES_SQL = `
SELECT c.oid::int AS oid, c.relname AS name
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND ($2::text[] IS NULL OR c.relname = ANY ($2))
ORDER BY c.relname`;

// Domains resolve to their base type; enums (directly or under a domain) bring their labels.
const COLUMNS_SQL = `
SELECT a.attrelid::int AS table_oid, a.attname AS name,
  CASE WHEN t.typtype = 'd' THEN format_type(t.typbasetype, t.typtypmod) ELSE format_type(a.atttypid, a.atttypmod) END AS formatted,
  coalesce(bt.typname, t.typname) AS type_name, t.typtype = 'd' AS is_domain,
  CASE WHEN coalesce(bt.typcategory, t.typcategory) = 'A' THEN et.typname END AS element_type,
  (SELECT array_agg(e.enumlabel::text ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = coalesce(bt.oid, t.oid)) AS enum_labels,
  (SELECT array_agg(pg_get_constraintdef(dc.oid) ORDER BY dc.conname) FROM pg_constraint dc WHERE dc.contypid = t.oid AND dc.contype = 'c') AS domain_checks,
  a.attnotnull OR coalesce(t.typnotnull, false) AS not_null, pg_get_expr(d.adbin, d.adrelid) AS default_expr, a.attidentity::text AS identity, a.attgenerated::text AS generated
FROM pg_attribute a
JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_type bt ON t.typtype = 'd' AND bt.oid = t.typbasetype
LEFT JOIN pg_type et ON et.oid = coalesce(bt.typelem, t.typelem)
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE a.attrelid = ANY ($1::oid[]) AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attrelid, a.attnum`;

const CONSTRAINTS_SQL = `
SELECT con.conrelid::int AS table_oid, con.conname AS name, con.contype::text AS kind,
  (SELECT array_agg(a.attname::text ORDER BY k.ord) FROM unnest(con.conkey) WITH ORDINALITY k(num, ord)
     JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num) AS columns,
  rn.nspname AS ref_schema, rc.relname AS ref_table,
  (SELECT array_agg(a.attname::text ORDER BY k.ord) FROM unnest(con.confkey) WITH ORDINALITY k(num, ord)
     JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num) AS ref_columns,
  pg_get_constraintdef(con.oid) AS definition
FROM pg_constraint con
LEFT JOIN pg_class rc ON rc.oid = con.confrelid
LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace
WHERE con.conrelid = ANY ($1::oid[]) AND con.contype IN ('p', 'u', 'f', 'c')
ORDER BY con.conrelid, con.contype DESC, con.conname`;

const KINDS: Record<string, CatalogConstraintKind> = { p: 'primaryKey', u: 'unique', f: 'foreignKey', c: 'check' };

function toColumn(r: ColumnRow): CatalogColumn {
  const col: CatalogColumn = { name: r.name, formatted: r.formatted, typeName: r.type_name, notNull: r.not_null };
  if (r.is_domain) col.domain = { checks: r.domain_checks ?? [] };
  if (r.element_type) col.elementType = r.element_type;
  if (r.enum_labels) col.enumLabels = r.enum_labels;
  if (r.default_expr !== null) col.default = r.default_expr;
  if (r.identity === 'a' || r.identity === 'd') col.identity = r.identity;
  if (r.generated === 's') col.generated = true;
  return col;
}

function toConstraint(r: ConstraintRow): CatalogConstraint {
  const con: CatalogConstraint = { name: r.name, kind: KINDS[r.kind] ?? 'check', columns: r.columns ?? [], definition: r.definition };
  if (r.ref_table) Object.assign(con, { refSchema: r.ref_schema ?? undefined, refTable: r.ref_table, refColumns: r.ref_columns ?? [] });
  return con;
}

/** Reads tables, columns and constraints of one schema from `pg_catalog` (read-only queries). */
export class PgCatalogReader {
  constructor(private readonly pool: pg.Pool) {}

  /** Tables of `schema` (all, or those named in `only`), in name order. */
  async read(schema: string, only?: string[]): Promise<{ tables: CatalogTable[]; missing: string[] }> {
    const tables = (await this.pool.query<TableRow>(TABLES_SQL, [schema, only ?? null])).rows;
    const oids = tables.map((t) => t.oid);
    const [columns, constraints] = await Promise.all([
      this.pool.query<ColumnRow>(COLUMNS_SQL, [oids]),
      this.pool.query<ConstraintRow>(CONSTRAINTS_SQL, [oids]),
    ]);
    const found = tables.map((t) => ({
      name: t.name,
      columns: columns.rows.filter((c) => c.table_oid === t.oid).map(toColumn),
      constraints: constraints.rows.filter((c) => c.table_oid === t.oid).map(toConstraint),
    }));
    const names = new Set(tables.map((t) => t.name));
    return { tables: found, missing: (only ?? []).filter((n) => !names.has(n)) };
  }
}
