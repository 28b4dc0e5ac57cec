import type { ColumnSpec } from '@rowflow/contracts';
import { decimalBounds, profileNumber } from '@rowflow/schema';
import { type Cell, type CellKind, ColumnRandom, type CompiledColumn } from './column.js';
import { cumulative, weightedIndex } from './dictionaries.js';
import { OrderedRanks, rankCorrelation } from './profile-order.js';
import { streamKey } from './hash.js';
import { RowContext } from './row-context.js';
import { formatUnits } from './values-numeric.js';
import { dayText, formatInstant } from './values-temporal.js';

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
      return (lo, hi, t) => dayText(Math.floor((lo + t * (hi - lo)) / DAY_MS));
    }
    case 'timestamp':
    case 'timestamptz': {
      const zone = col.type === 'timestamptz';
      return (lo, hi, t) => formatInstant(Math.floor((lo + t * (hi - lo)) / 1000) * 1000, false, zone);
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

/** Above this distinct count a generator's values are taken as distinct per virtual row (not counted). */
const COUNTED_POOL_MAX = 20_000;

/**
 * Values of the column's own generator at `size` virtual rows (slots), `size` the fewest slots that
 * give the source's distinct count — a generator of ages repeats within 59 rows, so 59 slots would
 * give 40 ages. Null when the generator has fewer values than that within `limit` slots: pooling
 * would only lose more. Counting reads the generator, a pure function, so it is the same everywhere.
 */
function pooled(inner: CompiledColumn, count: number, limit: number, seed: number, table: string): { size: number; at: (slot: number) => Cell } | null {
  const virtual = new RowContext(seed, table);
  const at = (slot: number): Cell => {
    virtual.setRow(slot);
    return inner.value(virtual);
  };
  if (count > COUNTED_POOL_MAX) return { size: count, at };
  const seen = new Set<Cell>();
  for (let slot = 0; slot < limit; slot++) {
    seen.add(at(slot));
    if (seen.size >= count) return { size: slot + 1, at };
  }
  return null;
}

/**
 * Row k's rank among the column's rows when the row count is known: a keyed permutation, NULLs
 * taking the last ranks. Rank r of n non-NULL rows sits at (r + jitter) / n in the distribution,
 * so each value gets its weight's share of the rows to within one, each histogram bucket its
 * share and the NULLs their exact count — not a multinomial draw, which on a table of 77 rows is
 * off by more than the fidelity thresholds. Ranks below a distinct count are its covering rows.
 * With a correlation the permutation keeps the source's physical order (see OrderedRanks).
 */
class Strata {
  private readonly ranks: OrderedRanks;
  readonly nonNull: number;

  constructor(
    private readonly rows: number,
    nullRatio: number,
    key: number,
    correlation?: number,
  ) {
    this.ranks = new OrderedRanks(rows, key, correlation);
    this.nonNull = rows - Math.round(rows * nullRatio);
  }

  /** Rank of row k, or -1 past the table's end (then the draw is plain random). */
  rank(k: number): number {
    return k < this.rows ? this.ranks.rank(k) : -1;
  }
}

/** Shares of the values that repeat: the common ones, and each bound of a discrete histogram. */
function repeatedShares(weights: number[], bounds: number): number[] {
  const covered = Math.min(1, weights.reduce((a, b) => a + b, 0));
  return [...weights, ...Array.from({ length: bounds }, () => (1 - covered) / bounds)];
}

/** One piece of a distribution laid out in value order: a common value, a bound, or a bucket. */
interface Atom {
  at: number;
  share: number;
  value?: Cell;
  bucket?: [number, number];
}

/**
 * A bucket cut at the common values inside it, each piece with its part of the bucket's share:
 * a common value then sits between the values below and above it, not after the whole bucket.
 */
function bucketPieces(lo: number, hi: number, share: number, points: Atom[]): Atom[] {
  const cuts = points.map((p) => p.at).filter((v) => v > lo && v < hi).sort((a, b) => a - b);
  const edges = [lo, ...cuts, hi];
  const pieces: Atom[] = [];
  for (let i = 0; i + 1 < edges.length; i++) {
    const a = edges[i] as number;
    const b = edges[i + 1] as number;
    if (b > a || hi === lo) pieces.push({ at: a, share: hi > lo ? (share * (b - a)) / (hi - lo) : share, bucket: [a, b] });
  }
  return pieces;
}

/**
 * The common values and the histogram as one distribution in ascending value order, so that a
 * position u in [0, 1) maps to values that grow with u: rows placed in rank order then come out
 * sorted like the source's (a correlation near 1). Each piece keeps its share, so the stratified
 * counts are unchanged. A discrete histogram gives each bound the same share.
 */
function valueOrdered(values: Cell[], weights: number[], bounds: number[], boundValues: Cell[], discrete: boolean, interpolate: Interpolate, toNumber: (v: Cell) => number): ((u: number) => Cell) | null {
  const covered = Math.min(1, weights.reduce((a, b) => a + b, 0));
  const rest = 1 - covered;
  const atoms: Atom[] = values.map((v, i) => ({ at: toNumber(v), share: weights[i] ?? 0, value: v }));
  if (discrete) boundValues.forEach((v, i) => atoms.push({ at: bounds[i] as number, share: rest / boundValues.length, value: v }));
  else for (let b = 0; b + 1 < bounds.length; b++) atoms.push(...bucketPieces(bounds[b] as number, bounds[b + 1] as number, rest / (bounds.length - 1), atoms));
  // A literal that reads as no number cannot be placed in order: keep the unordered draw.
  if (atoms.some((x) => Number.isNaN(x.at))) return null;
  atoms.sort((a, b) => a.at - b.at || (a.bucket ? 1 : 0) - (b.bucket ? 1 : 0));
  const total = atoms.reduce((a, x) => a + x.share, 0) || 1;
  const cum = new Float64Array(atoms.length);
  let acc = 0;
  atoms.forEach((x, i) => {
    acc += x.share / total;
    cum[i] = acc;
  });
  cum[atoms.length - 1] = 1;
  return (u) => {
    const i = weightedIndex(cum, u);
    const atom = atoms[i] as Atom;
    if (!atom.bucket) return atom.value as Cell;
    const start = i > 0 ? (cum[i - 1] as number) : 0;
    const t = ((cum[i] as number) - start > 0 ? (u - start) / ((cum[i] as number) - start) : 0);
    return interpolate(atom.bucket[0], atom.bucket[1], Math.min(1 - 1e-12, Math.max(0, t)));
  };
}

/** A profile's literal as the column writes it: numbers stay numbers in a number column. */
function literal(kind: CellKind, text: string): Cell {
  if (kind === 'boolean') return text === 't' || text === 'true';
  return kind === 'number' ? Number(text) : text;
}

/**
 * Draws a column from its statistics profile: the most common values with their weights, then an
 * equi-depth histogram (bucket uniform, value uniform inside it), then the column's own generator
 * for whatever share is left. With `rows` (a dataset table's row count) the draw is stratified and
 * also places the column's NULLs (see Strata): the caller must not add them again. The draw has its own stream (salted key), so a column's values stay
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
  // Value order follows rank order only through a single value-ordered distribution.
  const ordered = interpolate && profile.correlation !== undefined ? valueOrdered(values, weights, bounds, boundValues, discrete, interpolate, (v) => profileNumber(col.type, String(v))) : null;
  const strata = rows !== undefined && rows >= 2 ? new Strata(rows, col.nullRatio ?? 0, streamKey(seed, table, `\u0000strata:${col.name}`), ordered ? rankCorrelation(profile.correlation, repeatedShares(weights, discrete ? boundValues.length : 0)) : undefined) : null;
  const pool = count !== null && strata && count >= 1 && count < strata.nonNull * 0.95 ? pooled(inner, count, strata.nonNull, seed, table) : null;
  return {
    ...inner,
    kind,
    value: (row) => {
      const r = strata ? strata.rank(row.k) : -1;
      if (strata && r >= strata.nonNull) return null;
      const rng = random.at(row);
      const jitter = rng.float();
      const u = strata && r >= 0 ? (r + jitter) / strata.nonNull : jitter;
      if (ordered) return ordered(u);
      if (pick && u < covered) return values[weightedIndex(pick, u / covered)] as Cell;
      if (!interpolate) return pool ? pool.at(r >= 0 && r < pool.size ? r : Math.floor(rng.float() * pool.size)) : inner.value(row);
      const t = ((u - (pick ? covered : 0)) / (pick ? 1 - covered : 1)) * buckets;
      const b = Math.min(buckets - 1, Math.floor(t));
      if (discrete) return boundValues[rng.float() < 0.5 ? b : b + 1] as Cell;
      return interpolate(bounds[b] as number, bounds[b + 1] as number, t - b);
    },
  };
}
