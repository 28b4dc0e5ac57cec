import type { ColumnSpec } from '@rowflow/contracts';

/**
 * How many children each referenced parent gets, laid out in parent order: slot j (0 <= j <
 * count) is the j-th referenced parent and owns the non-NULL ranks [start(j), start(j + 1)).
 * The source's most common parents (`heavy`: slot → share of non-NULL rows) get their share;
 * every other slot an even part of the rest — PostgreSQL lists a parent as common only when it is
 * notably more common than average, so the rest are about even (59 customers with 7 invoices
 * each). Exact counts, so each of `count` slots is used when there are rows enough. `start` is
 * closed-form over the ≤ 100 heavy slots: a rank finds its slot by binary search, with no
 * per-parent memory and no earlier row.
 */
export class ParentSlots {
  private readonly heavySlots: number[];
  /** heavyBefore[i] = rows of heavySlots[0 … i). */
  private readonly heavyBefore: number[];
  /** Rows of each slot that is not heavy. */
  private readonly light: number;

  constructor(
    readonly count: number,
    readonly rows: number,
    heavy: ReadonlyMap<number, number> = new Map(),
  ) {
    const entries = [...heavy].filter(([slot, share]) => slot >= 0 && slot < count && share > 0).sort((a, b) => a[0] - b[0]);
    const shareSum = entries.reduce((a, [, share]) => a + share, 0);
    const lightSlots = count - entries.length;
    // Shares over 1, or every slot heavy: the shares are all there is.
    const scale = shareSum > 1 || lightSlots === 0 ? 1 / shareSum : 1;
    this.heavySlots = entries.map(([slot]) => slot);
    this.heavyBefore = [0];
    for (const [, share] of entries) this.heavyBefore.push((this.heavyBefore.at(-1) as number) + share * scale * rows);
    const heavyRows = this.heavyBefore.at(-1) as number;
    this.light = lightSlots > 0 ? Math.max(0, rows - heavyRows) / lightSlots : 0;
  }

  /** Each referenced parent's share of the rows (heavy ones first, then every light one). */
  *shares(): Generator<number> {
    if (this.rows <= 0) return;
    for (let i = 1; i < this.heavyBefore.length; i++) yield ((this.heavyBefore[i] as number) - (this.heavyBefore[i - 1] as number)) / this.rows;
    for (let j = this.heavySlots.length; j < this.count; j++) yield this.light / this.rows;
  }

  /** First rank of slot j (j = count gives `rows`). */
  start(j: number): number {
    const i = this.heavyCountBelow(j);
    return Math.round((j - i) * this.light + (this.heavyBefore[i] as number));
  }

  /** The slot owning non-NULL rank r (0 <= r < rows): the last slot starting at or before r. */
  slotOf(r: number): number {
    let lo = 0;
    let hi = this.count - 1;
    while (lo < hi) {
      const mid = lo + Math.ceil((hi - lo) / 2);
      if (this.start(mid) <= r) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  private heavyCountBelow(j: number): number {
    const hs = this.heavySlots;
    let lo = 0;
    let hi = hs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((hs[mid] as number) < j) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/**
 * Parent row of a literal parent key, when the key is counted (a sequence or serial: value =
 * first + row) — the only keys whose row is known without generating the parent. Else null.
 */
export function countedKeyRow(key: ColumnSpec, keyOffset: number, literal: string): number | null {
  const counted = key.type === 'serial' || (key.type === 'int' && key.mode === 'sequence');
  const v = Number(literal);
  if (!counted || !Number.isInteger(v)) return null;
  return v - ((key.min ?? 1) + keyOffset);
}

/**
 * Slots of the source's most common parents (literal keys with their shares of non-NULL rows):
 * parent row p of `parents` is slot ceil(p·count/parents) when the referenced parents include it
 * (slot j is parent floor(j·parents/count)); a key not referenced in that layout, or whose row is
 * unknown, gives its share to no slot (the rest is spread evenly).
 */
export function heavySlots(values: readonly string[], weights: readonly number[], rowOf: (literal: string) => number | null, count: number, parents: number): Map<number, number> {
  const out = new Map<number, number>();
  values.forEach((v, i) => {
    const p = rowOf(v);
    if (p === null || p < 0 || p >= parents) return;
    const j = Math.ceil((p * count) / parents);
    if (j >= count || Math.floor((j * parents) / count) !== p) return;
    out.set(j, (out.get(j) ?? 0) + (weights[i] ?? 0));
  });
  return out;
}
