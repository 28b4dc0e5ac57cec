import type pg from 'pg';
import type { TableColumn } from './target-fit.js';
import { qualify, type TargetRef } from './target-ref.js';

/**
 * Catalog reads about a target, always by exact (schema, name) in pg_class/pg_namespace — never
 * through `search_path` or `to_regclass` of an unqualified name. Every catalog name is written
 * `pg_catalog.x`, so a user object called `pg_class` in some schema cannot stand in for it.
 */

/** A relation found in the target schema. `kind` is pg_class.relkind. */
export interface TargetRelation {
  oid: number;
  kind: string;
}

/** pg_class.relkind → what to call it in a message. */
export const RELKIND_NAMES: Record<string, string> = {
  r: 'table',
  p: 'partitioned table',
  v: 'view',
  m: 'materialized view',
  i: 'index',
  I: 'partitioned index',
  S: 'sequence',
  f: 'foreign table',
  c: 'composite type',
  t: 'TOAST table',
};

/** Arbitrary constant: the advisory-lock class for "deciding about a target table". */
const TARGET_LOCK_CLASS = 0x72667474; // "rftt"

/** Serialises decisions about one target among Rowflow processes until the transaction ends. */
export async function lockTargetName(c: pg.PoolClient, ref: TargetRef): Promise<void> {
  await c.query('SELECT pg_catalog.pg_advisory_xact_lock($1::int4, pg_catalog.hashtext($2))', [TARGET_LOCK_CLASS, qualify(ref)]);
}

/** lockTargetName for many targets in one statement, in name order (two jobs never wait on each other crosswise). */
export async function lockTargetNames(c: pg.PoolClient, refs: TargetRef[]): Promise<void> {
  const names = refs.map(qualify).sort();
  await c.query('SELECT pg_catalog.pg_advisory_xact_lock($1::int4, pg_catalog.hashtext(n)) FROM unnest($2::text[]) AS n ORDER BY n', [TARGET_LOCK_CLASS, names]);
}

export async function namespaceOid(c: pg.PoolClient, schema: string): Promise<number | null> {
  const res = await c.query<{ oid: string }>('SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = $1', [schema]);
  return res.rows[0] ? Number(res.rows[0].oid) : null;
}

export async function findRelation(c: pg.PoolClient, nsOid: number, table: string): Promise<TargetRelation | null> {
  const res = await c.query<{ oid: string; relkind: string }>('SELECT oid, relkind FROM pg_catalog.pg_class WHERE relnamespace = $1 AND relname = $2', [nsOid, table]);
  const row = res.rows[0];
  return row ? { oid: Number(row.oid), kind: row.relkind } : null;
}

/** findRelation for many names in one query: the relations found, by name. */
export async function findRelations(c: pg.PoolClient, nsOid: number, tables: string[]): Promise<Map<string, TargetRelation>> {
  const res = await c.query<{ relname: string; oid: string; relkind: string }>('SELECT relname, oid, relkind FROM pg_catalog.pg_class WHERE relnamespace = $1 AND relname = ANY ($2::text[])', [nsOid, tables]);
  return new Map(res.rows.map((r) => [r.relname, { oid: Number(r.oid), kind: r.relkind }]));
}

/** typeExists for many names in one query: the names taken by a type. */
export async function typesNamed(c: pg.PoolClient, nsOid: number, names: string[]): Promise<Set<string>> {
  const res = await c.query<{ typname: string }>('SELECT typname FROM pg_catalog.pg_type WHERE typnamespace = $1 AND typname = ANY ($2::text[])', [nsOid, names]);
  return new Set(res.rows.map((r) => r.typname));
}

/** A type of that name in the schema (CREATE TABLE would collide with it: tables own a row type). */
export async function typeExists(c: pg.PoolClient, nsOid: number, name: string): Promise<boolean> {
  const res = await c.query('SELECT 1 FROM pg_catalog.pg_type WHERE typnamespace = $1 AND typname = $2', [nsOid, name]);
  return (res.rowCount ?? 0) > 0;
}

const COLUMNS_SQL = `
  WITH RECURSIVE base(attnum, typid, typmod) AS (
    SELECT attnum, atttypid, atttypmod FROM pg_catalog.pg_attribute WHERE attrelid = $1 AND attnum > 0 AND NOT attisdropped
    UNION ALL -- a domain column loads like its base type (its CHECKs are per-row data errors)
    SELECT b.attnum, t.typbasetype, t.typtypmod FROM base b JOIN pg_catalog.pg_type t ON t.oid = b.typid WHERE t.typtype = 'd')
  SELECT a.attname AS name, pg_catalog.format_type(a.atttypid, a.atttypmod) AS declared, t.typname AS base,
         b.typmod, t.typtype, a.attnotnull AS "notNull", a.atthasdef AS "hasDefault",
         a.attgenerated <> '' AS generated, a.attidentity <> '' AS identity,
         CASE WHEN t.typtype = 'e' THEN (SELECT array_agg(enumlabel::text ORDER BY enumsortorder) FROM pg_catalog.pg_enum WHERE enumtypid = t.oid) END AS labels,
         -- tgtype bits 1|2|4: a ROW trigger, BEFORE, on INSERT; only 'O'rigin/'A'lways ones fire in the
         -- job's ordinary session (a disabled or replica-only trigger fills nothing).
         (SELECT g.tgname FROM pg_catalog.pg_trigger g WHERE g.tgrelid = $1 AND NOT g.tgisinternal AND g.tgenabled IN ('O', 'A') AND (g.tgtype & 7) = 7
           ORDER BY g.tgname LIMIT 1) AS "fillingTrigger"
  FROM base b
  JOIN pg_catalog.pg_type t ON t.oid = b.typid AND t.typtype <> 'd'
  JOIN pg_catalog.pg_attribute a ON a.attrelid = $1 AND a.attnum = b.attnum
  ORDER BY a.attnum`;

export async function tableColumns(c: pg.PoolClient, oid: number): Promise<TableColumn[]> {
  const res = await c.query<TableColumn>(COLUMNS_SQL, [oid]);
  return res.rows.map((r) => ({ ...r, typmod: Number(r.typmod) }));
}

/** The table and, for a partitioned one, every partition below it. */
const TREE_SQL = `SELECT relid FROM pg_catalog.pg_partition_tree($1::oid) UNION SELECT $1::oid`;

/** Foreign keys from tables outside the table's own partition tree that point into it. */
export async function foreignReferrers(c: pg.PoolClient, oid: number): Promise<Array<{ schema: string; table: string; label: string }>> {
  const res = await c.query<{ schema: string; table: string; label: string }>(
    `SELECT DISTINCT pg_catalog.format('%I.%I (constraint %I)', n.nspname, r.relname, k.conname) AS label, n.nspname AS schema, r.relname AS table
     FROM pg_catalog.pg_constraint k
     JOIN pg_catalog.pg_class r ON r.oid = k.conrelid
     JOIN pg_catalog.pg_namespace n ON n.oid = r.relnamespace
     WHERE k.contype = 'f' AND k.confrelid IN (${TREE_SQL}) AND k.conrelid NOT IN (${TREE_SQL})
     ORDER BY 1`,
    [oid],
  );
  return res.rows;
}

/**
 * Partitions that rows or a TRUNCATE would reach outside the target schema, or that are not
 * plain tables (a foreign-table partition writes to another server).
 */
export async function partitionsOutOfScope(c: pg.PoolClient, oid: number, nsOid: number): Promise<string[]> {
  const res = await c.query<{ name: string }>(
    `SELECT pg_catalog.format('%I.%I', n.nspname, p.relname) AS name
     FROM pg_catalog.pg_partition_tree($1::oid) t
     JOIN pg_catalog.pg_class p ON p.oid = t.relid
     JOIN pg_catalog.pg_namespace n ON n.oid = p.relnamespace
     WHERE p.relnamespace <> $2 OR p.relkind NOT IN ('r', 'p')
     ORDER BY 1`,
    [oid, nsOid],
  );
  return res.rows.map((r) => r.name);
}
