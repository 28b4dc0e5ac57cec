/**
 * The read-only pg_catalog queries of introspection. Each takes the oids of the tables read
 * (`$1::oid[]`) except the table list itself.
 */

/** Ordinary and partitioned tables (not partitions) of the schemas, with the extension owning each. */
export const TABLES_SQL = `
SELECT c.oid::int AS oid, c.relname AS name, n.nspname AS schema,
  (SELECT e.extname FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid
    WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e' LIMIT 1) AS extension
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY ($1::text[]) AND c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND ($2::text[] IS NULL OR c.relname = ANY ($2))
ORDER BY array_position($1::text[], n.nspname::text), c.relname`;

// Domains resolve to their base type; enums (directly or under a domain) bring their labels.
export const COLUMNS_SQL = `
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

// conparentid = 0: declared on this table, not cloned from a partitioned parent.
export const CONSTRAINTS_SQL = `
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
WHERE con.conrelid = ANY ($1::oid[]) AND con.contype IN ('p', 'u', 'f', 'c', 'x') AND con.conparentid = 0
ORDER BY con.conrelid, con.contype DESC, con.conname`;

/** Unique indexes that back no constraint (`CREATE UNIQUE INDEX`), each key as its column or expression. */
export const UNIQUE_INDEXES_SQL = `
SELECT i.indrelid::int AS table_oid, ic.relname AS name, pg_get_indexdef(i.indexrelid) AS definition,
  pg_get_expr(i.indpred, i.indrelid, true) AS predicate,
  (SELECT array_agg(pg_get_indexdef(i.indexrelid, k, true) ORDER BY k) FROM generate_series(1, i.indnkeyatts) k) AS keys,
  (SELECT array_agg(a.attname::text ORDER BY k.ord) FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(num, ord)
     LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.num WHERE k.ord <= i.indnkeyatts) AS key_columns,
  (SELECT array_agg(DISTINCT a.attname::text) FROM pg_depend dep
     JOIN pg_attribute a ON a.attrelid = dep.refobjid AND a.attnum = dep.refobjsubid
     WHERE dep.classid = 'pg_class'::regclass AND dep.objid = i.indexrelid AND dep.refobjid = i.indrelid AND dep.refobjsubid > 0) AS used_columns
FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
WHERE i.indrelid = ANY ($1::oid[]) AND i.indisunique
  AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = i.indexrelid AND con.contype IN ('p', 'u', 'x'))
ORDER BY i.indrelid, ic.relname`;

/**
 * Row triggers that run BEFORE INSERT (tgtype bits: ROW 1, BEFORE 2, INSERT 4) and fire in an
 * ordinary session: enabled 'O' (origin) or 'A' (always), not disabled or replica-only.
 */
export const TRIGGERS_SQL = `
SELECT t.tgrelid::int AS table_oid, t.tgname AS name, pg_get_triggerdef(t.oid) AS definition, p.prosrc AS source
FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid
WHERE t.tgrelid = ANY ($1::oid[]) AND NOT t.tgisinternal AND t.tgenabled IN ('O', 'A') AND (t.tgtype & 7) = 7
ORDER BY t.tgrelid, t.tgname`;

/** Partition key of each partitioned table (0 in partattrs: an expression). */
export const PARTITION_KEYS_SQL = `
SELECT pt.partrelid::int AS table_oid, pt.partstrat::text AS strategy, pg_get_partkeydef(pt.partrelid) AS definition,
  (SELECT array_agg(a.attname::text ORDER BY k.ord) FROM unnest(pt.partattrs::int2[]) WITH ORDINALITY k(num, ord)
     LEFT JOIN pg_attribute a ON a.attrelid = pt.partrelid AND a.attnum = k.num) AS columns
FROM pg_partitioned_table pt WHERE pt.partrelid = ANY ($1::oid[])`;

/** Every partition under the tables (sub-partitions too), with its bound and its top-level table. */
export const PARTITIONS_SQL = `
WITH RECURSIVE parts AS (
  SELECT i.inhrelid AS oid, i.inhparent AS root, 1 AS depth FROM pg_inherits i WHERE i.inhparent = ANY ($1::oid[])
  UNION ALL
  SELECT i.inhrelid, p.root, p.depth + 1 FROM pg_inherits i JOIN parts p ON i.inhparent = p.oid
)
SELECT p.root::int AS root_oid, p.oid::int AS oid, c.relname AS name, p.depth, pg_get_expr(c.relpartbound, c.oid) AS bound
FROM parts p JOIN pg_class c ON c.oid = p.oid
WHERE c.relispartition
ORDER BY p.root, p.depth, c.relname`;
