import { decimalBounds, INT32_MAX } from '@rowflow/schema';
import type { ColumnSpec } from '@rowflow/contracts';
import { FeistelPermutation } from './feistel.js';
import type { Rng } from './hash.js';
import type { ColumnCompiler, ColumnRandom } from './column.js';

/** Index in [0, n) for a draw, per distribution (normal: centred, sd = n/6; zipf: ~1/x). */
export function distributed(rng: Rng, n: number, distribution: ColumnSpec['distribution']): number {
  switch (distribution ?? 'uniform') {
    case 'uniform':
      return Math.floor((n > 2 ** 32 ? rng.float53() : rng.float()) * n);
    case 'normal': {
      const x = Math.round((n - 1) / 2 + rng.normal() * (n / 6));
      return x < 0 ? 0 : x >= n ? n - 1 : x;
    }
    case 'zipf': {
      // Continuous power law with exponent 1: P(i) ∝ 1/(i+1), inverse CDF in O(1).
      const x = Math.floor(Math.exp(rng.float53() * Math.log(n + 1))) - 1;
      return x < 0 ? 0 : x >= n ? n - 1 : x;
    }
    default:
      return 0;
  }
}

/** Effective [min, max]: a missing bound sits `span` away from the given one (or 0..span). */
function intRange(col: ColumnSpec, hi: number, span: number): { min: number; max: number } {
  const lo = -hi - 1;
  const min = col.min ?? (col.max !== undefined && col.max < 0 ? Math.max(lo, col.max - span) : 0);
  const max = col.max ?? Math.min(hi, min + span);
  return { min, max };
}

export const serialColumn: ColumnCompiler = ({ col, keyOffset }) => {
  const start = (col.min ?? 1) + keyOffset;
  return { kind: 'number', capacity: Number.MAX_SAFE_INTEGER - start + 1, value: (row) => start + row.k };
};

function uniqueInts(min: number, max: number, key: number, offset: number): ReturnType<ColumnCompiler> {
  const size = Math.min(max - min + 1, 2 ** 52);
  const perm = new FeistelPermutation(size, key);
  // Rows after an offset take the permutation's later images: disjoint from the first `offset` rows'.
  if (offset) return { kind: 'number', capacity: Math.max(0, size - offset), value: (row) => min + perm.apply(row.k + offset) };
  return { kind: 'number', capacity: size, value: (row) => min + perm.apply(row.k) };
}

/** Effective [min, max] of a random int/bigint column (defaults applied, as generated). */
export function intColumnRange(col: ColumnSpec): { min: number; max: number } {
  const big = col.type === 'bigint';
  return intRange(col, big ? Number.MAX_SAFE_INTEGER : INT32_MAX, big ? 1e12 : 1e6);
}

/** int (PostgreSQL integer) and bigint (safe-integer range): random, unique, sequence or block. */
export const integerColumn: ColumnCompiler = ({ col, random, keyOffset }) => {
  const big = col.type === 'bigint';
  const { min, max } = intRange(col, big ? Number.MAX_SAFE_INTEGER : INT32_MAX, big ? 1e12 : 1e6);
  if (col.mode === 'sequence') {
    const first = min + keyOffset;
    return { kind: 'number', capacity: (big ? Number.MAX_SAFE_INTEGER : INT32_MAX) - first + 1, value: (row) => first + row.k };
  }
  if (col.mode === 'block') {
    const size = col.blockSize ?? 1;
    return { kind: 'number', value: (row) => min + Math.floor(row.k / size) };
  }
  if (col.unique || col.primaryKey) return uniqueInts(min, max, random.key, keyOffset);
  const n = max - min + 1;
  if (n === 1) return { kind: 'number', value: () => min };
  const dist = col.distribution;
  return { kind: 'number', value: (row) => min + distributed(random.at(row), n, dist) };
};

/** Plain decimal text with exactly `scale` digits after the point (PostgreSQL numeric input). */
export function formatUnits(units: number, scale: number, pow: number): string {
  const neg = units < 0;
  const abs = neg ? -units : units;
  if (scale === 0) return neg ? `-${abs}` : String(abs);
  const int = Math.floor(abs / pow);
  const frac = String(abs - int * pow).padStart(scale, '0');
  return `${neg ? '-' : ''}${int}.${frac}`;
}

export const decimalColumn: ColumnCompiler = ({ col, random }) => {
  const { precision, scale, min, max } = decimalBounds(col);
  const pow = 10 ** scale;
  // Work in integer units of 10^-scale so the text is exact (no float formatting surprises).
  const lo = Math.ceil(min * pow - 1e-9);
  const n = Math.floor(max * pow + 1e-9) - lo + 1;
  const dist = col.distribution;
  if (!(n <= Number.MAX_SAFE_INTEGER)) return wideDecimal(random, { precision, scale, min, max }, dist);
  return { kind: 'plain', value: (row) => formatUnits(lo + distributed(random.at(row), n, dist), scale, pow) };
};

/** Shortest decimal text of a finite number without exponent (`1e-7` → `0.0000001`): the value the user wrote. */
function plainDecimal(x: number): { negative: boolean; int: string; frac: string } {
  const [mantissa = '0', e = '0'] = String(Math.abs(x)).split('e');
  const [i = '0', f = ''] = mantissa.split('.');
  const digits = i + f;
  const point = i.length + Number(e);
  if (point <= 0) return { negative: x < 0, int: '0', frac: '0'.repeat(-point) + digits };
  if (point >= digits.length) return { negative: x < 0, int: digits + '0'.repeat(point - digits.length), frac: '' };
  return { negative: x < 0, int: digits.slice(0, point), frac: digits.slice(point) };
}

/** Units of 10^-scale of a JS number (as written in the spec), rounded up (`up`) or down when it has more digits. */
export function toUnits(x: number, scale: number, up: boolean): bigint {
  const { negative, int, frac } = plainDecimal(x);
  const magnitude = BigInt(int + frac.slice(0, scale).padEnd(scale, '0'));
  const truncated = /[1-9]/.test(frac.slice(scale));
  // Truncating moves toward zero: that is rounding down for positives, up for negatives.
  const away = truncated && up !== negative ? 1n : 0n;
  return negative ? -(magnitude + away) : magnitude + away;
}

const bigMax = (a: bigint, b: bigint): bigint => (a > b ? a : b);
const bigMin = (a: bigint, b: bigint): bigint => (a < b ? a : b);

/** Decimal text of `units` × 10^-scale (bigint: any precision). */
export function formatBigUnits(units: bigint, scale: number): string {
  const neg = units < 0n;
  const digits = (neg ? -units : units).toString().padStart(scale + 1, '0');
  const int = digits.slice(0, digits.length - scale);
  return `${neg ? '-' : ''}${int}${scale ? `.${digits.slice(-scale)}` : ''}`;
}

/**
 * A decimal whose range has more than 2^53 units (numeric(20,15), numeric(38,10) …): the integer
 * part is drawn by the distribution, the fraction digit by digit (nine at a time), and the two
 * joined as a bigint — exact at any scale, still one seeded draw sequence per cell.
 */
function wideDecimal(random: ColumnRandom, bounds: ReturnType<typeof decimalBounds>, dist: ColumnSpec['distribution']): ReturnType<ColumnCompiler> {
  const { precision, scale, min, max } = bounds;
  // numeric(p,s) holds |units| < 10^p; a float bound such as 1 - 10^-38 may round up to 1.
  const limit = 10n ** BigInt(precision) - 1n;
  const lo = bigMax(toUnits(min, scale, true), -limit);
  const hi = bigMin(toUnits(max, scale, false), limit);
  const pow = 10n ** BigInt(scale);
  const intLo = Math.floor(min);
  const ints = Math.floor(max) - intLo + 1;
  return {
    kind: 'plain',
    value: (row) => {
      const r = random.at(row);
      let units = BigInt(intLo + distributed(r, ints, dist)) * pow;
      let frac = '';
      while (frac.length < scale) frac += String(r.below(1e9)).padStart(9, '0');
      if (scale) units += BigInt(frac.slice(0, scale));
      return formatBigUnits(units < lo ? lo : units > hi ? hi : units, scale);
    },
  };
}

export const booleanColumn: ColumnCompiler = ({ col, random }) => {
  const w = col.weights ?? [1, 1];
  const pTrue = (w[0] ?? 1) / ((w[0] ?? 1) + (w[1] ?? 1));
  return { kind: 'boolean', value: (row) => random.at(row).float() < pTrue };
};

/** Foreign key into the parent's key space 1..references.rows, uniform/normal/zipf. */
export const foreignKeyColumn: ColumnCompiler = ({ col, random }) => {
  const rows = col.references?.rows ?? 1;
  const dist = col.distribution;
  return { kind: 'number', value: (row) => 1 + distributed(random.at(row), rows, dist) };
};
