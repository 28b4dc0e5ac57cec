import { describe, expect, it } from 'vitest';
import { OrderedRanks, rankCorrelation } from './profile-order.js';

function pearson(xs: number[], ys: number[]): number {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += ((xs[i] as number) - mx) * ((ys[i] as number) - my);
    sxx += ((xs[i] as number) - mx) ** 2;
    syy += ((ys[i] as number) - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

describe('OrderedRanks', () => {
  it.each([undefined, 1, 0.9, 0.5, 0.1, 0, -0.7, -1])('correlation %s: a bijection of the rows whose correlation with k is the one asked', (c) => {
    for (const rows of [1, 2, 7, 1000, 4099]) {
      const ranks = new OrderedRanks(rows, 42, c);
      const seen = new Set<number>();
      const out: number[] = [];
      for (let k = 0; k < rows; k++) {
        const r = ranks.rank(k);
        expect(r >= 0 && r < rows && Number.isInteger(r)).toBe(true);
        seen.add(r);
        out.push(r);
      }
      expect(seen.size).toBe(rows);
      if (rows >= 1000) expect(pearson(out.map((_, k) => k), out)).toBeCloseTo(c ?? 0, 1);
    }
  });

  it('without a correlation, the plain keyed permutation profiles used before (same outputs)', () => {
    const a = new OrderedRanks(500, 7);
    const b = new OrderedRanks(500, 7, 0);
    for (let k = 0; k < 500; k++) expect(a.rank(k)).toBe(b.rank(k));
  });

  it('rankCorrelation removes the share ties add: 3 equal values read 1/3 in random order', () => {
    expect(rankCorrelation(undefined, [])).toBeUndefined();
    expect(rankCorrelation(0.3, [1 / 3, 1 / 3, 1 / 3])).toBe(0);
    expect(rankCorrelation(1, [1 / 3, 1 / 3, 1 / 3])).toBeCloseTo(1);
    expect(rankCorrelation(-0.5, [])).toBe(-0.5);
    expect(rankCorrelation(0.5, [0.5, 0.5])).toBe(0);
  });
});
