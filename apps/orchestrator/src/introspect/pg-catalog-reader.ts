import type { CatalogColumn, CatalogConstraint, CatalogConstraintKind, CatalogPartitioning, CatalogTable, CatalogTrigger } from '@rowflow/schema';
import type pg from 'pg';
import { COLUMNS_SQL, CONSTRAINTS_SQL, PARTITION_KEYS_SQL, PARTITIONS_SQL, TABLES_SQL, TRIGGERS_SQL, UNIQUE_INDEXES_SQL } from './catalog-queries.js';

interface TableRow {
  oid: number;
  name: string;
  schema: string;
  extension: string | null;
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
  columns: string[] | null;
  ref_schema: string | null;
  ref_table: string | null;
  ref_columns: string[] | null;
  definition: string;
}

interface IndexRow {
  table_oid: number;
  name: string;
  definition: string;
  predicate: string | null;
  keys: string[];
  key_columns: (string | null)[];
  used_columns: string[] | null;
}

interface TriggerRow extends CatalogTrigger {
  table_oid: number;
}

interface PartitionKeyRow {
  table_oid: number;
  strategy: string;
  definition: string;
  columns: (string | null)[];
}

interface PartitionRow {
  root_oid: number;
  oid: number;
  name: string;
  depth: number;
  bound: string;
}

/** What a read found: the tables, names asked for but absent, and relations left out (and why). */
export interface CatalogRead {
  tables: CatalogTable[];
  missing: string[];
  /** Tables an extension owns (`pg_depend` deptype `e`, e.g. PostGIS `spatial_ref_sys`): skipped as pg_dump does. */
  extensionOwned: { name: string; schema: string; extension: string }[];
}

const KINDS: Record<string, CatalogConstraintKind> = { p: 'primaryKey', u: 'unique', f: 'foreignKey', c: 'check', x: 'exclusion' };
const STRATEGIES: Record<string, CatalogPartitioning['strategy']> = { r: 'range', l: 'list', h: 'hash' };

function toColumn(r: ColumnRow): CatalogColumn {
  const col: CatalogColumn = { name: r.name, formatted: r.formatted, typeName: r.type_name, notNull: r.not_null };
  if (r.is_domain) col.domain = { checks: r.domain_checks ?? [] };
  if (r.element_type) col.elementType = r.element_type;
  if (r.enum_labels) col.enumLabels = r.enum_labels;
  if (r.default_expr !== null) col.default = r.default_expr;
  if (r.identity === 'a' || r.identity === 'd') col.identity = r.identity;
  // 's' STORED, 'v' VIRTUAL (PostgreSQL 18): neither can be written.
  if (r.generated === 's' || r.generated === 'v') col.generated = true;
  return col;
}

function toConstraint(r: ConstraintRow): CatalogConstraint {
  const con: CatalogConstraint = { name: r.name, kind: KINDS[r.kind] ?? 'check', columns: r.columns ?? [], definition: r.definition };
  if (r.ref_table) Object.assign(con, { refSchema: r.ref_schema ?? undefined, refTable: r.ref_table, refColumns: r.ref_columns ?? [] });
  return con;
}

/** A unique index as a unique constraint over its columns (an expression's: the columns it reads). */
function indexToConstraint(r: IndexRow): CatalogConstraint {
  const expressions = r.keys.filter((_, i) => r.key_columns[i] === null);
  const plain = r.key_columns.filter((c): c is string => c !== null);
  const fromExpressions = expressions.length ? (r.used_columns ?? []).filter((c) => !plain.includes(c) && expressions.some((e) => mentions(e, c))) : [];
  const index: CatalogConstraint['index'] = {};
  if (r.predicate !== null) index.predicate = r.predicate;
  if (expressions.length) index.expressions = expressions;
  return { name: r.name, kind: 'unique', columns: [...plain, ...fromExpressions], definition: r.definition, index };
}

/** Whether an expression's text names a column (bare or quoted). */
function mentions(expr: string, column: string): boolean {
  if (expr.includes(`"${column.replace(/"/g, '""')}"`)) return true;
  return /^[a-z_][a-z0-9_$]*$/.test(column) && new RegExp(`(^|[^\\w$"])${column.replace(/\$/g, '\\$')}($|[^\\w$"])`).test(expr);
}

function groupBy<T extends { table_oid: number }>(rows: T[]): Map<number, T[]> {
  const out = new Map<number, T[]>();
  for (const r of rows) {
    const list = out.get(r.table_oid);
    if (list) list.push(r);
    else out.set(r.table_oid, [r]);
  }
  return out;
}

/** Reads tables, columns, constraints, unique indexes, triggers and partitions of schemas from `pg_catalog` (read-only). */
export class PgCatalogReader {
  constructor(private readonly pool: pg.Pool) {}

  /** Tables of `schemas` (all, or those named in `only`), schema by schema in name order. */
  async read(schemas: string[], only?: string[]): Promise<CatalogRead> {
    const rows = (await this.pool.query<TableRow>(TABLES_SQL, [schemas, only ?? null])).rows;
    const owned = rows.filter((t) => t.extension !== null);
    const tables = rows.filter((t) => t.extension === null);
    const oids = tables.map((t) => t.oid);
    const [columns, constraints, indexes, triggers, partitions] = await Promise.all([
      this.pool.query<ColumnRow>(COLUMNS_SQL, [oids]),
      this.pool.query<ConstraintRow>(CONSTRAINTS_SQL, [oids]),
      this.pool.query<IndexRow>(UNIQUE_INDEXES_SQL, [oids]),
      this.pool.query<TriggerRow>(TRIGGERS_SQL, [oids]),
      this.partitions(oids),
    ]);
    const byTable = { columns: groupBy(columns.rows), constraints: groupBy(constraints.rows), indexes: groupBy(indexes.rows), triggers: groupBy(triggers.rows) };
    const first = schemas[0];
    const found = tables.map((t) => {
      const table: CatalogTable = {
        name: t.name,
        columns: (byTable.columns.get(t.oid) ?? []).map(toColumn),
        constraints: [...(byTable.constraints.get(t.oid) ?? []).map(toConstraint), ...(byTable.indexes.get(t.oid) ?? []).map(indexToConstraint), ...(partitions.foreignKeys.get(t.oid) ?? [])],
      };
      if (t.schema !== first) table.schema = t.schema;
      const trig = byTable.triggers.get(t.oid);
      if (trig) table.triggers = trig.map(({ name, definition, source }) => ({ name, definition, source }));
      const part = partitions.partitioning.get(t.oid);
      if (part) table.partitioning = part;
      return table;
    });
    const names = new Set(rows.map((t) => t.name));
    return {
      tables: found,
      missing: (only ?? []).filter((n) => !names.has(n)),
      extensionOwned: owned.map((t) => ({ name: t.name, schema: t.schema, extension: t.extension as string })),
    };
  }

  /** Partition keys and bounds of partitioned tables, and the foreign keys declared on their partitions. */
  private async partitions(oids: number[]): Promise<{ partitioning: Map<number, CatalogPartitioning>; foreignKeys: Map<number, CatalogConstraint[]> }> {
    const keys = (await this.pool.query<PartitionKeyRow>(PARTITION_KEYS_SQL, [oids])).rows;
    const partitioning = new Map<number, CatalogPartitioning>();
    const foreignKeys = new Map<number, CatalogConstraint[]>();
    if (keys.length === 0) return { partitioning, foreignKeys };
    const parts = (await this.pool.query<PartitionRow>(PARTITIONS_SQL, [keys.map((k) => k.table_oid)])).rows;
    for (const k of keys) {
      const strategy = STRATEGIES[k.strategy] ?? 'range';
      const columns = k.columns.includes(null) ? [] : (k.columns as string[]);
      const bounds = parts.filter((p) => p.root_oid === k.table_oid && p.depth === 1).map((p) => ({ partition: p.name, bound: p.bound }));
      partitioning.set(k.table_oid, { strategy, columns, definition: k.definition, bounds });
    }
    const declared = (await this.pool.query<ConstraintRow>(CONSTRAINTS_SQL, [parts.map((p) => p.oid)])).rows.filter((r) => r.kind === 'f');
    const rootOf = new Map(parts.map((p) => [p.oid, p]));
    for (const r of declared) {
      const part = rootOf.get(r.table_oid);
      if (!part) continue;
      const list = foreignKeys.get(part.root_oid) ?? [];
      list.push({ ...toConstraint(r), fromPartition: part.name });
      foreignKeys.set(part.root_oid, list);
    }
    return { partitioning, foreignKeys };
  }
}
