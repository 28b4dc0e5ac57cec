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
  /** A stored generated column (`GENERATED ALWAYS AS (…) STORED`): cannot be written. */
  generated?: boolean;
}

export type CatalogConstraintKind = 'primaryKey' | 'unique' | 'foreignKey' | 'check';

export interface CatalogConstraint {
  name: string;
  kind: CatalogConstraintKind;
  columns: string[];
  /** Foreign keys: the referenced table (and its schema) and columns. */
  refSchema?: string;
  refTable?: string;
  refColumns?: string[];
  /** `pg_get_constraintdef`, e.g. `CHECK ((price > (0)::numeric))`. */
  definition: string;
}

export interface CatalogTable {
  name: string;
  columns: CatalogColumn[];
  constraints: CatalogConstraint[];
}
