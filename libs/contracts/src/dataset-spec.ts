import type { TableSpec } from './schema-spec.js';

/** How many children each parent row gets when a child table sizes itself per parent. */
export type PerParentDistribution = 'fixed' | 'uniform' | 'poisson' | 'zipf';

export interface PerParentSpec {
  /** Parent table (inside the same dataset, not the table itself). */
  table: string;
  distribution: PerParentDistribution;
  /** fixed: exactly `count` children per parent. */
  count?: number;
  /** uniform: min..max (inclusive); zipf: min (default 1)..max. */
  min?: number;
  max?: number;
  /** poisson: mean children per parent (optional `max` caps a count). */
  mean?: number;
  /** zipf: exponent (default 1); P(count = c) ∝ 1 / (c - min + 1)^s. */
  s?: number;
}

/**
 * A key over several columns (e.g. a join table's `(user_id, group_id)`): the tuple of row k is
 * a keyed bijection of k in mixed radix over the members' domains, so no two rows share it.
 * Members are foreign keys (radix: the parent's rows) or int/bigint columns (radix: max − min + 1).
 */
export interface CompositeKeySpec {
  columns: string[];
  /** The table's primary key (else a UNIQUE constraint). */
  primaryKey?: boolean;
}

/**
 * A composite foreign key: one parent row is drawn per child row and every member takes that
 * parent row's value of the matching referenced column (the members' own types are ignored).
 */
export interface CompositeForeignKeySpec {
  columns: string[];
  references: { table: string; columns: string[]; schema?: string };
}

/** An extra composite unique key besides `compositeKey` (generated unique tuples). */
export interface UniqueKeySpec {
  columns: string[];
}

/** One table of a dataset: a table spec plus its row count (or a per-parent size). */
export interface DatasetTableSpec extends TableSpec {
  /** Row count; derived from the seed (and reported) when `perParent` is given. */
  rows?: number;
  perParent?: PerParentSpec;
  compositeKey?: CompositeKeySpec;
  foreignKeys?: CompositeForeignKeySpec[];
  uniqueKeys?: UniqueKeySpec[];
}

/**
 * A named set of related tables generated from one seed. A `foreignKey` column's
 * `references: {table, column}` names a table of the same dataset; its values are real key
 * values of that table's rows, computed from the seed alone.
 */
export interface DatasetSpec {
  name: string;
  description?: string;
  tables: DatasetTableSpec[];
}

/** One foreign key of a dataset, as the constraint it becomes. */
export interface DatasetForeignKey {
  table: string;
  column: string;
  references: { table: string; column: string };
  /** False when the column can be NULL (nullRatio > 0, or a self-reference: row 0 has no parent). */
  notNull: boolean;
  /** The parent is the child's own table (e.g. an employee's manager). */
  self: boolean;
}

/** Entry of `GET /api/generator/datasets`. */
export interface DatasetCatalogEntry extends DatasetSpec {
  description: string;
  foreignKeys: DatasetForeignKey[];
}
