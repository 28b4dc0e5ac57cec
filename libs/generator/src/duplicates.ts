import type { CompiledColumn } from './column.js';
import { cellSeed, streamKey, TWO32 } from './hash.js';
import { RowContext } from './row-context.js';

/** A duplicate re-emits a row 1..MAX_DUPLICATE_DISTANCE rows earlier (shortly after, as a retry would). */
export const MAX_DUPLICATE_DISTANCE = 100;

/**
 * Which earlier row each row copies. Row k is a duplicate with probability `ratio` (its own
 * hash stream, so the choice is a pure function of (seed, table, k)); it then copies row k − d,
 * d in [1, MAX_DUPLICATE_DISTANCE], or is an original when k − d < 0. A duplicate of a
 * duplicate copies the same original, so a copy always repeats values that were emitted.
 * Following the chain costs 1/(1 − ratio) ≤ 2 steps on average (ratio ≤ 0.5): still O(1) seeking.
 */
export class DuplicateMap {
  private readonly pickKey: number;
  private readonly distKey: number;
  private readonly threshold: number;

  constructor(seed: number, table: string, ratio: number) {
    this.pickKey = streamKey(seed, table, '\u0000duplicate');
    this.distKey = streamKey(seed, table, '\u0000duplicate-distance');
    this.threshold = ratio * TWO32;
  }

  /** The earlier row that row k copies directly, or -1 when row k is an original. */
  copies(k: number): number {
    const lo = k >>> 0;
    const hi = Math.floor(k / TWO32) >>> 0;
    if (cellSeed(this.pickKey, lo, hi) >= this.threshold) return -1;
    const j = k - 1 - (cellSeed(this.distKey, lo, hi) % MAX_DUPLICATE_DISTANCE);
    return j >= 0 ? j : -1;
  }

  /** The original row whose values row k carries (k itself for an original). */
  source(k: number): number {
    let j = k;
    for (let next = this.copies(j); next >= 0; next = this.copies(j)) j = next;
    return j;
  }
}

/** Columns that evaluate at the source row of each row (one shared context per table). */
export function withDuplicates(columns: CompiledColumn[], seed: number, table: string, ratio: number): CompiledColumn[] {
  const map = new DuplicateMap(seed, table, ratio);
  const ctx = new RowContext(seed, table);
  let at = -1;
  const position = (k: number): RowContext => {
    if (k !== at) {
      at = k;
      ctx.setRow(map.source(k));
    }
    return ctx;
  };
  return columns.map((c) => {
    const inner = c.value;
    return { ...c, value: (row) => inner(position(row.k)) };
  });
}
