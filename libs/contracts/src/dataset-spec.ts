import type { TableSpec } from './schema-spec.js';

/** How many children each parent row gets when a child table sizes itself per parent. */
export type PerParentDistribution = 'fixed' | 'uniform' | 'poisson' | 'zipf';

export interface PerParentSpec {
  /** Parent table (inside the same dataset). */
  table: string;
  distribution: PerParentDistribution;
  /** fixed: exactly `count`; uniform: min..max; poisson: mean; zipf: max with exponent `s`. */
  count?: number;
  min?: number;
  max?: number;
  mean?: number;
  s?: number;
}

/** One table of a dataset: a table spec plus its row count (or a per-parent size). */
export interface DatasetTableSpec extends TableSpec {
  /** Row count; derived (and reported) when `perParent` is given. */
  rows?: number;
  perParent?: PerParentSpec;
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
