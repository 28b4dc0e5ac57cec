import type { PerParentSpec } from '@rowflow/contracts';
import { cumulative, weightedIndex } from '../dictionaries.js';
import { cellSeed, Rng, streamKey, TWO32 } from '../hash.js';

/** Children of parent row p: a pure function of (seed, child table, p). */
export type CountOf = (p: number) => number;

/** Poisson draws by CDF inversion stay exact while exp(-mean) is far from underflow. */
const POISSON_STEP = 30;

function poisson(r: Rng, mean: number): number {
  const limit = Math.exp(-mean);
  let k = 0;
  let prod = r.float();
  while (prod > limit) {
    k++;
    prod *= r.float();
  }
  return k;
}

/** Poisson(mean) as a sum of Poisson(≤ 30) draws (a sum of Poissons is Poisson): exact for any mean. */
function poissonLarge(r: Rng, mean: number): number {
  let total = 0;
  for (let left = mean; left > 0; left -= POISSON_STEP) total += poisson(r, Math.min(left, POISSON_STEP));
  return total;
}

function zipfCounts(min: number, max: number, s: number): (r: Rng) => number {
  const weights = Array.from({ length: max - min + 1 }, (_, i) => 1 / (i + 1) ** s);
  const cum = cumulative(weights);
  return (r) => min + weightedIndex(cum, r.float());
}

function drawOf(spec: PerParentSpec): (r: Rng) => number {
  switch (spec.distribution) {
    case 'fixed': {
      const n = spec.count ?? 0;
      return () => n;
    }
    case 'uniform': {
      const min = spec.min ?? 0;
      const span = (spec.max ?? min) - min + 1;
      return (r) => min + r.below(span);
    }
    case 'poisson': {
      const mean = spec.mean ?? 1;
      const cap = spec.max ?? Infinity;
      return (r) => Math.min(cap, poissonLarge(r, mean));
    }
    case 'zipf':
      return zipfCounts(spec.min ?? 1, spec.max ?? 1, spec.s ?? 1);
  }
}

/** The per-parent count function of `childTable` for `seed` (own salted stream: no column shares it). */
export function perParentCounts(spec: PerParentSpec, seed: number, childTable: string): CountOf {
  const key = streamKey(seed, childTable, '\u0000perParent');
  const rng = new Rng();
  const draw = drawOf(spec);
  return (p) => draw(rng.seed(cellSeed(key, p >>> 0, Math.floor(p / TWO32) >>> 0)));
}

/** Parents per block of the prefix-sum index: memory N/128 × 8 bytes, seek scans ≤ 128 counts. */
export const PREFIX_BLOCK = 128;

/**
 * Maps child rows to parent rows for a per-parent table. Parent p owns child rows
 * [start(p), start(p) + count(p)); a prefix sum every PREFIX_BLOCK parents makes `ownerOf(k)`
 * a binary search plus a scan of one block — O(log n) to seek, no per-parent array (100M parents
 * cost 6 MB). Built once per (dataset, seed) in O(parents).
 */
export class PerParentIndex {
  /** prefix[b] = children of parents [0, b × PREFIX_BLOCK). */
  private readonly prefix: Float64Array;
  readonly total: number;

  constructor(
    readonly parents: number,
    readonly countOf: CountOf,
  ) {
    const blocks = Math.ceil(parents / PREFIX_BLOCK);
    this.prefix = new Float64Array(blocks + 1);
    let acc = 0;
    for (let b = 0; b < blocks; b++) {
      this.prefix[b] = acc;
      const end = Math.min(parents, (b + 1) * PREFIX_BLOCK);
      for (let p = b * PREFIX_BLOCK; p < end; p++) acc += countOf(p);
    }
    this.prefix[blocks] = acc;
    this.total = acc;
  }

  /** The parent owning child row k (0 <= k < total) and the first child row of that parent. */
  ownerOf(k: number): { parent: number; start: number } {
    if (!(k >= 0 && k < this.total)) throw new RangeError(`child row ${k} outside [0, ${this.total})`);
    const prefix = this.prefix;
    let lo = 0;
    let hi = prefix.length - 2;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if ((prefix[mid] as number) <= k) lo = mid;
      else hi = mid - 1;
    }
    let start = prefix[lo] as number;
    for (let p = lo * PREFIX_BLOCK; ; p++) {
      const c = this.countOf(p);
      if (k < start + c) return { parent: p, start };
      start += c;
    }
  }
}

/**
 * Sequential reader of an index: consecutive rows cost O(1) (the next row is the same parent or
 * the next non-empty one); any jump falls back to `ownerOf`.
 */
export class OwnerCursor {
  private parent = -1;
  private start = 0;
  private end = 0;

  constructor(private readonly index: PerParentIndex) {}

  parentOf(k: number): number {
    if (k >= this.start && k < this.end) return this.parent;
    if (k === this.end && this.parent >= 0) return this.advance(k);
    const { parent, start } = this.index.ownerOf(k);
    this.parent = parent;
    this.start = start;
    this.end = start + this.index.countOf(parent);
    return parent;
  }

  private advance(k: number): number {
    let p = this.parent;
    let c = 0;
    while (c === 0 && p + 1 < this.index.parents) c = this.index.countOf(++p);
    if (c === 0) throw new RangeError(`child row ${k} is past the last parent's children`);
    this.parent = p;
    this.start = this.end;
    this.end = this.start + c;
    return p;
  }
}
