import { type DatasetSpec, ValidationError } from '@rowflow/contracts';
import { datasetTable } from '@rowflow/schema';
import { PerParentIndex, perParentCounts } from './per-parent-counts.js';

/**
 * Largest parent table a per-parent child may size itself over: its index is built by drawing
 * every parent's count once (O(parents) time, parents/128 × 8 bytes of memory).
 */
export const MAX_PER_PARENT_PARENTS = 500_000_000;

/**
 * Row counts of a dataset's tables for one seed. Fixed tables have their `rows`; a per-parent
 * table's count is the sum of its parents' child counts, which depend on the seed. Indexes are
 * built lazily, once per plan, parents before children.
 */
export class DatasetPlan {
  private readonly indexes = new Map<string, PerParentIndex>();

  constructor(
    readonly dataset: DatasetSpec,
    readonly seed: number,
  ) {}

  /** Rows of `table` for this seed (derived for per-parent tables). */
  rowsOf(table: string): number {
    const t = datasetTable(this.dataset, table);
    return t.perParent ? this.indexOf(table).total : (t.rows ?? 0);
  }

  /** The child→parent index of a per-parent table. */
  indexOf(table: string): PerParentIndex {
    const cached = this.indexes.get(table);
    if (cached) return cached;
    const t = datasetTable(this.dataset, table);
    if (!t.perParent) throw new Error(`table "${table}" has a fixed row count`);
    const parents = this.rowsOf(t.perParent.table);
    if (parents > MAX_PER_PARENT_PARENTS) {
      throw new ValidationError('dataset', `table "${table}" sizes itself per row of "${t.perParent.table}" (${parents} rows); at most ${MAX_PER_PARENT_PARENTS} parents`);
    }
    const index = new PerParentIndex(parents, perParentCounts(t.perParent, this.seed, table));
    if (index.total > Number.MAX_SAFE_INTEGER) throw new ValidationError('dataset', `table "${table}" would have more than 2^53 rows`);
    this.indexes.set(table, index);
    return index;
  }

  /** Rows of every table, in dataset order. */
  rowCounts(): Record<string, number> {
    return Object.fromEntries(this.dataset.tables.map((t) => [t.name, this.rowsOf(t.name)]));
  }
}

/** Recent plans: a job asks for chunk after chunk of the same (dataset, seed). */
const PLAN_CACHE_SIZE = 4;
const plans = new Map<string, DatasetPlan>();

/** The (cached) plan of a validated dataset for `seed`. */
export function datasetPlan(dataset: DatasetSpec, seed: number): DatasetPlan {
  const key = `${seed}\u0000${JSON.stringify(dataset)}`;
  const hit = plans.get(key);
  if (hit) {
    plans.delete(key);
    plans.set(key, hit);
    return hit;
  }
  const plan = new DatasetPlan(dataset, seed);
  plans.set(key, plan);
  if (plans.size > PLAN_CACHE_SIZE) plans.delete(plans.keys().next().value as string);
  return plan;
}

/**
 * Rows of `table` in a validated dataset for `seed`: its `rows`, or for a per-parent table the
 * sum of the per-parent counts (deterministic from the seed; report it to the user).
 */
export function datasetTableRows(dataset: DatasetSpec, table: string, seed: number): number {
  return datasetPlan(dataset, seed).rowsOf(table);
}

/** Rows of every table of a validated dataset for `seed`. */
export function datasetRowCounts(dataset: DatasetSpec, seed: number): Record<string, number> {
  return datasetPlan(dataset, seed).rowCounts();
}
