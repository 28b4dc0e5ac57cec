/**
 * An integrity check that trusts nothing Rowflow says: every constraint of the loaded schemas is
 * re-checked with plain SQL over the rows now in the tables — foreign keys by anti-join, CHECKs
 * by `NOT (expr)`, unique indexes (primary keys, unique constraints, partial and expression
 * indexes) by GROUP BY … HAVING count(*) > 1 on the index's own key expressions and predicate,
 * NOT NULL, domain checks, exclusion constraints by self-join and partition bounds by each
 * partition's constraint. Enum columns need no check: their type admits nothing else.
 */
import type pg from 'pg';

export interface Violation {
  kind: 'foreign key' | 'check' | 'unique' | 'not null' | 'domain' | 'exclusion' | 'partition bound';
  table: string;
  /** Constraint, index or column(s) concerned. */
  what: string;
  rows: number;
}

export interface IntegrityReport {
  /** Constraints/indexes/columns checked. */
  checked: number;
  violations: Violation[];
  /** Checks that could not be run (an expression the check cannot restate), with the reason. */
  skipped: string[];
  /** Rows in the schemas' tables (each partitioned table counted once, through its root). */
  rows: number;
  /** Tables of the schemas, partitions not counted (a partitioned table is one table). */
  tables: number;
  foreignKeys: number;
}

const q = (id: string): string => `"${id.replace(/"/g, '""')}"`;

interface Rel {
  oid: number;
  name: string;
  ispartition: boolean;
}

/** Tables and partitioned tables of `schemas`, without those an extension owns. */
async function relations(client: pg.PoolClient, schemas: string[]): Promise<Map<number, Rel>> {
  const res = await client.query<{ oid: number; name: string; ispartition: boolean }>(
    `SELECT c.oid::int AS oid, format('%I.%I', n.nspname, c.relname) AS name, c.relispartition AS ispartition
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = ANY($1) AND c.relkind IN ('r', 'p')
        AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')`,
    [schemas],
  );
  return new Map(res.rows.map((r) => [r.oid, r]));
}

async function count(client: pg.PoolClient, sql: string): Promise<number> {
  const res = await client.query<{ n: string | null }>(sql);
  return Number(res.rows[0]?.n ?? 0);
}

type Check = { kind: Violation['kind']; table: string; what: string; sql: string };

async function foreignKeyChecks(client: pg.PoolClient, rels: Map<number, Rel>): Promise<Check[]> {
  const res = await client.query<{ conname: string; child: number; parent: string; cols: string[]; pcols: string[]; full: boolean }>(
    `SELECT c.conname, c.conrelid::int AS child, c.confrelid::regclass::text AS parent, c.confmatchtype = 'f' AS full,
            array(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY k(n, i) JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.i)::text[] AS cols,
            array(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY k(n, i) JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.i)::text[] AS pcols
       FROM pg_constraint c WHERE c.contype = 'f' AND c.conparentid = 0 AND c.conrelid = ANY($1::oid[])`,
    [[...rels.keys()]],
  );
  return res.rows.map((f) => {
    const t = rels.get(f.child)!.name;
    const notNull = f.cols.map((c) => `c.${q(c)} IS NOT NULL`).join(' AND ');
    const join = f.cols.map((c, i) => `p.${q(f.pcols[i]!)} = c.${q(c)}`).join(' AND ');
    const orphan = `(${notNull} AND NOT EXISTS (SELECT 1 FROM ${f.parent} p WHERE ${join}))`;
    // MATCH FULL: all members NULL or none.
    const partial = f.full && f.cols.length > 1 ? ` OR (num_nulls(${f.cols.map((c) => `c.${q(c)}`).join(', ')}) NOT IN (0, ${f.cols.length}))` : '';
    return { kind: 'foreign key', table: t, what: `${f.conname} (${f.cols.join(', ')}) → ${f.parent}`, sql: `SELECT count(*) AS n FROM ${t} c WHERE ${orphan}${partial}` };
  });
}

async function checkChecks(client: pg.PoolClient, rels: Map<number, Rel>): Promise<Check[]> {
  // Inherited CHECKs (partitions) are covered by the check on their root.
  const res = await client.query<{ conname: string; rel: number; expr: string }>(
    `SELECT conname, conrelid::int AS rel, pg_get_expr(conbin, conrelid) AS expr
       FROM pg_constraint WHERE contype = 'c' AND conrelid = ANY($1::oid[]) AND coninhcount = 0`,
    [[...rels.keys()]],
  );
  return res.rows.map((c) => {
    const t = rels.get(c.rel)!.name;
    return { kind: 'check', table: t, what: `${c.conname}: ${c.expr}`, sql: `SELECT count(*) AS n FROM ${t} WHERE NOT (${c.expr})` };
  });
}

async function uniqueChecks(client: pg.PoolClient, rels: Map<number, Rel>): Promise<Check[]> {
  // Indexes attached to a partitioned index are covered by the partitioned one (checked via the root).
  const res = await client.query<{ name: string; rel: number; keys: string[]; pred: string | null; nnd: boolean }>(
    `SELECT i.indexrelid::regclass::text AS name, i.indrelid::int AS rel, pg_get_expr(i.indpred, i.indrelid) AS pred,
            COALESCE((to_jsonb(i) ->> 'indnullsnotdistinct')::boolean, false) AS nnd,
            array(SELECT pg_get_indexdef(i.indexrelid, k, true) FROM generate_series(1, i.indnkeyatts) k)::text[] AS keys
       FROM pg_index i WHERE i.indisunique AND i.indrelid = ANY($1::oid[])
        AND NOT EXISTS (SELECT 1 FROM pg_inherits h WHERE h.inhrelid = i.indexrelid)`,
    [[...rels.keys()]],
  );
  return res.rows.map((u) => {
    const t = rels.get(u.rel)!.name;
    const where = [...(u.pred ? [`(${u.pred})`] : []), ...(u.nnd ? [] : u.keys.map((k) => `(${k}) IS NOT NULL`))];
    const sql = `SELECT sum(n - 1) AS n FROM (SELECT count(*) AS n FROM ${t}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} GROUP BY ${u.keys.map((k) => `(${k})`).join(', ')} HAVING count(*) > 1) d`;
    return { kind: 'unique', table: t, what: `${u.name} (${u.keys.join(', ')})${u.pred ? ` WHERE ${u.pred}` : ''}`, sql };
  });
}

async function notNullChecks(client: pg.PoolClient, rels: Map<number, Rel>): Promise<Check[]> {
  const res = await client.query<{ rel: number; cols: string[] }>(
    `SELECT attrelid::int AS rel, array_agg(attname ORDER BY attnum)::text[] AS cols FROM pg_attribute
      WHERE attrelid = ANY($1::oid[]) AND attnum > 0 AND NOT attisdropped AND attnotnull GROUP BY attrelid`,
    [[...rels.values()].filter((r) => !r.ispartition).map((r) => r.oid)],
  );
  return res.rows.map((n) => {
    const t = rels.get(n.rel)!.name;
    return { kind: 'not null', table: t, what: n.cols.join(', '), sql: `SELECT count(*) AS n FROM ${t} WHERE ${n.cols.map((c) => `${q(c)} IS NULL`).join(' OR ')}` };
  });
}

async function domainChecks(client: pg.PoolClient, rels: Map<number, Rel>): Promise<Check[]> {
  const res = await client.query<{ rel: number; col: string; domain: string; notnull: boolean; exprs: string[] }>(
    `SELECT a.attrelid::int AS rel, a.attname AS col, format_type(t.oid, NULL) AS domain, t.typnotnull AS notnull,
            array(SELECT pg_get_expr(c.conbin, 0) FROM pg_constraint c WHERE c.contypid = t.oid AND c.contype = 'c')::text[] AS exprs
       FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
      WHERE a.attrelid = ANY($1::oid[]) AND a.attnum > 0 AND NOT a.attisdropped AND t.typtype = 'd'`,
    [[...rels.values()].filter((r) => !r.ispartition).map((r) => r.oid)],
  );
  return res.rows.flatMap((d) => {
    const t = rels.get(d.rel)!.name;
    const value = `(${q(d.col)})`;
    const conds = [...d.exprs.map((e) => `NOT (${e.replace(/\bVALUE\b/g, value)})`), ...(d.notnull ? [`${value} IS NULL`] : [])];
    return conds.length ? [{ kind: 'domain' as const, table: t, what: `${d.col} (${d.domain})`, sql: `SELECT count(*) AS n FROM ${t} WHERE ${conds.join(' OR ')}` }] : [];
  });
}

async function exclusionChecks(client: pg.PoolClient, rels: Map<number, Rel>, skipped: string[]): Promise<Check[]> {
  const res = await client.query<{ conname: string; rel: number; cols: (string | null)[]; ops: string[]; pred: string | null }>(
    `SELECT c.conname, c.conrelid::int AS rel, pg_get_expr(i.indpred, i.indrelid) AS pred,
            array(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY k(n, o) LEFT JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.o)::text[] AS cols,
            array(SELECT format('OPERATOR(%I.%s)', n.nspname, o.oprname) FROM unnest(c.conexclop) WITH ORDINALITY x(op, p) JOIN pg_operator o ON o.oid = x.op JOIN pg_namespace n ON n.oid = o.oprnamespace ORDER BY x.p)::text[] AS ops
       FROM pg_constraint c JOIN pg_index i ON i.indexrelid = c.conindid
      WHERE c.contype = 'x' AND c.conrelid = ANY($1::oid[]) AND c.conparentid = 0`,
    [[...rels.keys()]],
  );
  return res.rows.flatMap((x) => {
    const t = rels.get(x.rel)!.name;
    if (x.pred || x.cols.some((c) => c === null) || x.cols.length !== x.ops.length) {
      skipped.push(`${t}: exclusion constraint ${x.conname} (expression or predicate)`);
      return [];
    }
    const on = x.cols.map((c, i) => `a.${q(c!)} ${x.ops[i]} b.${q(c!)}`).join(' AND ');
    return [{ kind: 'exclusion' as const, table: t, what: x.conname, sql: `SELECT count(*) AS n FROM ${t} a JOIN ${t} b ON (a.tableoid, a.ctid) < (b.tableoid, b.ctid) AND ${on}` }];
  });
}

async function partitionChecks(client: pg.PoolClient, rels: Map<number, Rel>): Promise<Check[]> {
  const res = await client.query<{ rel: number; bound: string | null }>(
    `SELECT c.oid::int AS rel, pg_get_partition_constraintdef(c.oid) AS bound FROM pg_class c WHERE c.oid = ANY($1::oid[]) AND c.relispartition AND c.relkind = 'r'`,
    [[...rels.keys()]],
  );
  return res.rows.flatMap((p) => {
    const t = rels.get(p.rel)!.name;
    return p.bound ? [{ kind: 'partition bound' as const, table: t, what: p.bound, sql: `SELECT count(*) AS n FROM ONLY ${t} WHERE NOT (${p.bound})` }] : [];
  });
}

async function totals(client: pg.PoolClient, rels: Map<number, Rel>, schemas: string[]): Promise<{ rows: number; foreignKeys: number }> {
  let rows = 0;
  for (const r of rels.values()) if (!r.ispartition) rows += await count(client, `SELECT count(*) AS n FROM ${r.name}`);
  const fks = await count(client, `SELECT count(*) AS n FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace WHERE c.contype = 'f' AND c.conparentid = 0 AND n.nspname = ANY('{${schemas.map((s) => q(s)).join(',')}}'::text[])`);
  return { rows, foreignKeys: fks };
}

/** Runs every check over the tables of `schemas` in the database `pool` points at. */
export async function checkIntegrity(pool: pg.Pool, schemas: string[]): Promise<IntegrityReport> {
  const client = await pool.connect();
  try {
    const rels = await relations(client, schemas);
    const skipped: string[] = [];
    const checks = [
      ...(await foreignKeyChecks(client, rels)),
      ...(await checkChecks(client, rels)),
      ...(await uniqueChecks(client, rels)),
      ...(await notNullChecks(client, rels)),
      ...(await domainChecks(client, rels)),
      ...(await exclusionChecks(client, rels, skipped)),
      ...(await partitionChecks(client, rels)),
    ];
    const violations: Violation[] = [];
    for (const c of checks) {
      try {
        const n = await count(client, c.sql);
        if (n > 0) violations.push({ kind: c.kind, table: c.table, what: c.what, rows: n });
      } catch (err) {
        skipped.push(`${c.table}: ${c.kind} ${c.what}: ${(err as Error).message}`);
      }
    }
    const { rows, foreignKeys } = await totals(client, rels, schemas);
    return { checked: checks.length, violations, skipped, rows, tables: [...rels.values()].filter((r) => !r.ispartition).length, foreignKeys };
  } finally {
    client.release();
  }
}
