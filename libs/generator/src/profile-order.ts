import { FeistelPermutation } from './feistel.js';
import { fmix, mix } from './hash.js';

/**
 * Row k's rank among `rows` rows, a keyed bijection of [0, rows) whose correlation with k follows
 * the source's physical order (`pg_stats.correlation`): ranks are shuffled only within windows of
 * W consecutive rows (the last window holding what is left). The shuffle inside a window of s rows
 * adds s²/12 of variance, so corr(k, rank) = 1 − Σ s³/N³: W is chosen to make that the source's
 * correlation. 1 keeps ranks in row order (children stored parent by parent), 0 is one window (a
 * plain permutation), a negative one reverses the ranks.
 * O(1) per row, no memory: row k's rank needs no other row.
 */
export class OrderedRanks {
  private readonly window: number;
  private readonly full: FeistelPermutation;
  private readonly tail: FeistelPermutation | null;
  private readonly descending: boolean;

  constructor(
    readonly rows: number,
    private readonly key: number,
    correlation?: number,
  ) {
    const n = Math.max(1, rows);
    const c = correlation === undefined ? 0 : Math.max(-1, Math.min(1, correlation));
    this.descending = c < 0;
    // No correlation given: one window, the same permutation as before order was reproduced.
    this.window = correlation === undefined ? n : windowFor(n, 1 - Math.abs(c));
    this.full = new FeistelPermutation(this.window, key);
    const rest = n % this.window;
    this.tail = rest > 0 ? new FeistelPermutation(rest, mix(key, 0x7a11)) : null;
  }

  /** Rank of row k (0 <= k < rows). */
  rank(k: number): number {
    const w = this.window;
    if (w === 1) return this.descending ? this.rows - 1 - k : k;
    const base = k - (k % w);
    const size = Math.min(w, this.rows - base);
    const perm = size === w ? this.full : (this.tail as FeistelPermutation);
    // Each window rotated by its own offset: windows do not repeat one pattern.
    const index = base / w;
    const shift = base === 0 ? 0 : fmix(mix(mix(this.key, index >>> 0), Math.floor(index / 4294967296) >>> 0)) % size;
    const r = base + perm.apply(((k - base) + shift) % size);
    return this.descending ? this.rows - 1 - r : r;
  }
}

/** Share of the variance the windows leave, Σ s³/N³, for windows of w rows over n. */
function unexplained(n: number, w: number): number {
  const full = Math.floor(n / w);
  const tail = n - full * w;
  return full * (w / n) ** 3 + (tail / n) ** 3;
}

/** The window size whose shuffle leaves `target` of the variance (bisection: it grows with w). */
function windowFor(n: number, target: number): number {
  if (target >= 1) return n;
  let lo = 1;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (unexplained(n, mid) < target) lo = mid + 1;
    else hi = mid;
  }
  const below = Math.max(1, lo - 1);
  return Math.abs(unexplained(n, below) - target) < Math.abs(unexplained(n, lo) - target) ? below : lo;
}

/**
 * The correlation to lay ranks out with, from the one PostgreSQL measured. ANALYZE breaks ties
 * between equal values by physical position, so a column whose values repeat (shares p) shows
 * Σp² even in random order — 3 support reps over 59 customers read about 0.33 when shuffled.
 * Taking the measured value as Σp² plus the ranks' own correlation times (1 − Σp²) undoes that:
 * otherwise 0.3 measured on 3 values would come out 0.6.
 */
export function rankCorrelation(measured: number | undefined, shares: Iterable<number>): number | undefined {
  if (measured === undefined) return undefined;
  let ties = 0;
  for (const p of shares) ties += p * p;
  if (!(ties < 1)) return 0;
  const m = Math.abs(measured);
  return m <= ties ? 0 : (Math.sign(measured) * (m - ties)) / (1 - ties);
}
