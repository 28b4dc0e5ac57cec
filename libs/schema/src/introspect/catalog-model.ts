/**
 * What introspection reads from a database's catalogs (`pg_catalog`), as plain data: the reader
 * (SQL, in the orchestrator) fills it, the mapping here turns it into a dataset spec.
 */
export interface CatalogColumn {
  name: string;
  /** `format_type()`: `character varying(20)`, `numeric(10,2)`, `integer[]`, `vector(3)` … */
  formatted: string;
  /** `pg_type.typname` of the column's type, or of a domain's base type: int4, varchar, numeric … */
  typeName: string;
  /** Set for a domain over `typeName`: its CHECK constraints (`CHECK ((VALUE > 0))`) apply to the column. */
  domain?: { checks: string[] };
  /** Element type name for arrays (`int4` for `integer[]`). */
  elementType?: string;
  /** Labels of an enum type, in sort order. */
  enumLabels?: string[];
  notNull: boolean;
  /** `pg_get_expr` of the default, e.g. `nextval('users_id_seq'::regclass)`. */
  default?: string;
  /** `a` (GENERATED ALWAYS AS IDENTITY), `d` (BY DEFAULT), or absent. */
  identity?: 'a' | 'd';
  /** A generated column (`GENERATED ALWAYS AS (…)`, STORED or VIRTUAL): cannot be written. */
  generated?: boolean;
}

export type CatalogConstraintKind = 'primaryKey' | 'unique' | 'foreignKey' | 'check' | 'exclusion';

export interface CatalogConstraint {
  name: string;
  kind: CatalogConstraintKind;
  /** Key columns; for an expression index, the table columns its expressions read. */
  columns: string[];
  /** Foreign keys: the referenced table (and its schema) and columns. */
  refSchema?: string;
  refTable?: string;
  refColumns?: string[];
  /** `pg_get_constraintdef` (`CHECK ((price > (0)::numeric))`), or `pg_get_indexdef` for an index. */
  definition: string;
  /**
   * A unique index that is no constraint (`CREATE UNIQUE INDEX`): its partial predicate
   * (`deleted_at IS NULL`) and key expressions (`lower(email)`) when it has them.
   */
  index?: { predicate?: string; expressions?: string[] };
  /** Read from a partition of the table (foreign keys declared on each partition only). */
  fromPartition?: string;
}

/** A row trigger that runs before INSERT: it may fill columns, rewrite or reject rows. */
export interface CatalogTrigger {
  name: string;
  /** `pg_get_triggerdef`, e.g. `CREATE TRIGGER t BEFORE INSERT … EXECUTE FUNCTION f()`. */
  definition: string;
  /** The trigger function's source (`prosrc`; a C function's symbol name). */
  source: string;
}

/** How a partitioned table splits its rows. */
export interface CatalogPartitioning {
  strategy: 'range' | 'list' | 'hash';
  /** Partition key columns; empty when the key is an expression. */
  columns: string[];
  /** `pg_get_partkeydef`, e.g. `RANGE (created_at)`. */
  definition: string;
  /** Each (leaf or sub-partitioned) partition's bound, `FOR VALUES FROM ('2024-01-01') TO ('2024-02-01')` or `DEFAULT`. */
  bounds: { partition: string; bound: string }[];
}

export interface CatalogTable {
  name: string;
  /** The table's PostgreSQL schema (absent: the first one read). */
  schema?: string;
  columns: CatalogColumn[];
  constraints: CatalogConstraint[];
  triggers?: CatalogTrigger[];
  partitioning?: CatalogPartitioning;
}
