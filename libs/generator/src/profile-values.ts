import type { ColumnSpec } from '@rowflow/contracts';
import { decimalBounds, profileNumber } from '@rowflow/schema';
import { type Cell, type CellKind, ColumnRandom, type CompiledColumn } from './column.js';
import { cumulative, weightedIndex } from './dictionaries.js';
import { FeistelPermutation } from './feistel.js';
import { type Rng, streamKey } from './hash.js';
import { RowContext } from './row-context.js';
import { formatUnits } from './values-numeric.js';
import { DayFormatter, formatInstant } from './values-temporal.js';

const DAY_MS = 86_400_000;
/** Strings that need neither CSV quoting nor JSON escaping. */
const PLAIN = /^[^",\\\u0000-\u001f]*$/;

/** Value inside a histogram bucket: `lo + t·(hi − lo)` rendered in the column's type. */
type Interpolate = (lo: number, hi: number, t: number) => Cell;

function interpolator(col: ColumnSpec): Interpolate | null {
  // eslint-disable-next-line @typescript-eslint/switch-exhaustiveness-check -- other types take no histogram (validation refuses it)
  switch (col.type) {
    case 'int':
    case 'bigint':
      return (lo, hi, t) => Math.min(hi, Math.floor(lo + t * (hi - lo + 1)));
    case 'decimal': {
      const { scale } = decimalBounds(col);
      const pow = 10 ** scale;
      return (lo, hi, t) => formatUnits(Math.round((lo + t * (hi - lo)) * pow), scale, pow);
    }
    case 'date': {
      const days = new DayFormatter(0, 0);
      return (lo, hi, t) => days.format(Math.floor((lo + t * (hi - lo)) / DAY_MS));
    }
    case 'timestamp':
    case 'timestamptz': {
      const days = new DayFormatter(0, 0);
      const zone = col.type === 'timestamptz';
      return (lo, hi, t) => formatInstant(Math.floor((lo + t * (hi - lo)) / 1000) * 1000, false, zone, days);
    }
    default:
      return null;
  }
}

/**
 * Distinct values a profile asks for over `rows` rows, PostgreSQL's convention: a count when ≥ 0,
 * minus the per-row share when < 0. Null when it says nothing (or the row count is unknown).
 */
export function profileDistinct(distinct: number | undefined, rows: number | undefined): number | null {
  if (distinct === undefined) return null;
  if (distinct >= 0) return Math.round(distinct);
  return rows === undefined ? null : Math.round(-distinct * rows);
}

/**
 * Maps row k of `rows` onto one of `count` slots with exactly `count` slots used (when rows ≥
 * count): a keyed permutation of the rows sends `count` of them to distinct slots, every other row
 * draws a slot at random — so slot sizes are 1 + Poisson, not flat, and in no physical order.
 * Drawing every row at random would reach only count·(1 − e^(−rows/count)) distinct slots, short
 * of what the source has whenever most values occur once or twice.
 */
export class DistinctSlots {
  private readonly perm: FeistelPermutation;

  constructor(
    readonly count: number,
    private readonly rows: number,
    key: number,
  ) {
    this.perm = new FeistelPermutation(Math.max(1, rows), key);
  }

  slot(k: number, rng: Rng): number {
    const p = k < this.rows ? this.perm.apply(k) : this.count;
    return p < this.count ? p : Math.floor(rng.float() * this.count);
  }
}

/** Values of the column's own generator drawn from `count` virtual rows: the source's distinct count. */
function pooled(inner: CompiledColumn, count: number, rows: number, seed: number, table: string): (row: RowContext, rng: Rng) => Cell {
  const slots = new DistinctSlots(count, rows, streamKey(seed, table, `\u0000pool:${inner.name}`));
  const virtual = new RowContext(seed, table);
  return (row, rng) => {
    virtual.setRow(slots.slot(row.k, rng));
    return inner.value(virtual);
  };
}

/**
 * Row k's position in the column's distribution. With a known row count, a keyed permutation gives
 * every row its own stratum (k ↦ (perm(k) + jitter) / rows): each value gets its weight's share of
 * the rows to within one and each histogram bucket its share, not a multinomial draw — on a table
 * of 77 rows independent draws are off by more than the fidelity thresholds.
 */
function stratified(rows: number | undefined, key: number): (k: number, rng: Rng) => number {
  if (rows === undefined || rows < 2) return (_k, rng) => rng.float();
  const perm = new FeistelPermutation(rows, key);
  return (k, rng) => (k < rows ? (perm.apply(k) + rng.float()) / rows : rng.float());
}

/** A profile's literal as the column writes it: numbers stay numbers in a number column. */
function literal(kind: CellKind, text: string): Cell {
  if (kind === 'boolean') return text === 't' || text === 'true';
  return kind === 'number' ? Number(text) : text;
}

/**
 * Draws a column from its statistics profile: the most common values with their weights, then an
 * equi-depth histogram (bucket uniform, value uniform inside it), then the column's own generator
 * for whatever share is left. The draw has its own stream (salted key), so a column's values stay
 * a pure function of (seed, table, column, row) and other columns never shift.
 */
export function withProfile(inner: CompiledColumn, col: ColumnSpec, seed: number, table: string, rows?: number): CompiledColumn {
  const profile = col.profile;
  if (!profile) return inner;
  const random = new ColumnRandom(seed, table, col.name, '\u0000profile:');
  const values = (profile.values ?? []).map((v) => literal(inner.kind, v));
  const weights = profile.weights ?? values.map(() => 1 / Math.max(values.length, 1));
  const covered = Math.min(1, weights.reduce((a, b) => a + b, 0));
  const pick = values.length ? cumulative(weights) : null;
  const bounds = (profile.histogram ?? []).map((b) => profileNumber(col.type, b));
  const interpolate = bounds.length >= 2 ? interpolator(col) : null;
  const buckets = bounds.length - 1;
  // A few distinct values: the bounds are the values themselves (interpolating would invent new ones).
  const discrete = profile.discrete === true;
  const boundValues = (profile.histogram ?? []).map((v) => literal(inner.kind, v));
  const textual = values.some((v) => typeof v === 'string' && !PLAIN.test(v));
  const kind: CellKind = textual && inner.kind === 'plain' ? 'text' : inner.kind;
  // Values left to the column's own generator repeat as often as the source's do.
  const count = interpolate ? null : profileDistinct(profile.distinct, rows);
  const quantile = stratified(rows, streamKey(seed, table, `\u0000strata:${col.name}`));
  const fallback = count !== null && rows !== undefined && count >= 1 && count < rows * 0.95 ? pooled(inner, count, rows, seed, table) : null;
  return {
    ...inner,
    kind,
    value: (row) => {
      const rng = random.at(row);
      const u = quantile(row.k, rng);
      if (pick && u < covered) return values[weightedIndex(pick, u / covered)] as Cell;
      if (!interpolate) return fallback ? fallback(row, rng) : inner.value(row);
      const t = ((u - (pick ? covered : 0)) / (pick ? 1 - covered : 1)) * buckets;
      const b = Math.min(buckets - 1, Math.floor(t));
      if (discrete) return boundValues[rng.float() < 0.5 ? b : b + 1] as Cell;
      return interpolate(bounds[b] as number, bounds[b + 1] as number, t - b);
    },
  };
}
