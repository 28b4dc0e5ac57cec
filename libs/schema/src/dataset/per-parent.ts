import { type PerParentDistribution, type PerParentSpec, rejectUnknownKeys, ValidationError } from '@rowflow/contracts';
import { isIdentifier } from '../pg-type.js';

type Raw = Record<string, unknown>;

export const PER_PARENT_DISTRIBUTIONS: readonly PerParentDistribution[] = ['fixed', 'uniform', 'poisson', 'zipf'];

/** Largest number of children one parent can get (keeps zipf tables and poisson sums small). */
export const MAX_CHILDREN_PER_PARENT = 1_000_000;
/** Largest poisson mean: counts are drawn by inverting the CDF, O(mean) per parent. */
export const MAX_POISSON_MEAN = 10_000;

/** Keys each distribution takes, beyond `table` and `distribution`. */
const PARAMS: Record<PerParentDistribution, readonly string[]> = {
  fixed: ['count'],
  uniform: ['min', 'max'],
  poisson: ['mean', 'max'],
  zipf: ['min', 'max', 's'],
};

function count(raw: Raw, key: string, field: string, required: boolean, def?: number): number | undefined {
  const v = raw[key];
  if (v === undefined) {
    if (required) throw new ValidationError(`${field}.${key}`, 'is required');
    return def;
  }
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > MAX_CHILDREN_PER_PARENT) {
    throw new ValidationError(`${field}.${key}`, `must be an integer in [0, ${MAX_CHILDREN_PER_PARENT}], got ${JSON.stringify(v)}`);
  }
  return v;
}

function positive(raw: Raw, key: string, field: string, max: number): number | undefined {
  const v = raw[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || v > max) {
    throw new ValidationError(`${field}.${key}`, `must be a number in (0, ${max}], got ${JSON.stringify(v)}`);
  }
  return v;
}

/** Validates `perParent` (the parent table's existence is checked with the whole dataset). */
export function validatePerParent(raw: unknown, field: string): PerParentSpec {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ValidationError(field, 'must be an object {table, distribution, …}');
  }
  const r = raw as Raw;
  if (!isIdentifier(r.table)) throw new ValidationError(`${field}.table`, 'must be the parent table name');
  const distribution = r.distribution as PerParentDistribution;
  if (!PER_PARENT_DISTRIBUTIONS.includes(distribution)) {
    throw new ValidationError(`${field}.distribution`, `must be one of ${PER_PARENT_DISTRIBUTIONS.join(', ')}, got ${JSON.stringify(r.distribution)}`);
  }
  rejectUnknownKeys(r, ['table', 'distribution', ...PARAMS[distribution]], field);
  const spec: PerParentSpec = { table: r.table, distribution };
  switch (distribution) {
    case 'fixed':
      spec.count = count(r, 'count', field, true);
      break;
    case 'uniform':
      Object.assign(spec, range(r, field, 0));
      break;
    case 'poisson':
      spec.mean = positive(r, 'mean', field, MAX_POISSON_MEAN);
      if (spec.mean === undefined) throw new ValidationError(`${field}.mean`, 'is required');
      if (r.max !== undefined) spec.max = count(r, 'max', field, true);
      break;
    case 'zipf':
      Object.assign(spec, range(r, field, 1));
      spec.s = positive(r, 's', field, 10) ?? 1;
      break;
  }
  return spec;
}

function range(r: Raw, field: string, defMin: number): { min: number; max: number } {
  const min = count(r, 'min', field, false, defMin) as number;
  const max = count(r, 'max', field, true) as number;
  if (min > max) throw new ValidationError(`${field}.min`, `min (${min}) is greater than max (${max})`);
  return { min, max };
}
