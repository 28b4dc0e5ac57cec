import type { PerParentSpec } from '@rowflow/contracts';
import { describe, expect, it } from 'vitest';
import { OwnerCursor, PerParentIndex, perParentCounts } from './per-parent-counts.js';

const N = 50_000;

function counts(spec: Omit<PerParentSpec, 'table'>, seed = 17): number[] {
  const countOf = perParentCounts({ table: 'p', ...spec }, seed, 'child');
  return Array.from({ length: N }, (_, p) => countOf(p));
}

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

function variance(xs: number[]): number {
  const m = mean(xs);
  return xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1);
}

/** Observed frequency of each value vs expected probabilities, within 5 binomial standard deviations. */
function expectFrequencies(xs: number[], probs: Map<number, number>): void {
  const seen = new Map<number, number>();
  for (const x of xs) seen.set(x, (seen.get(x) ?? 0) + 1);
  for (const v of seen.keys()) expect(probs.has(v), `value ${v} is in the support`).toBe(true);
  for (const [v, p] of probs) {
    const sd = Math.sqrt(N * p * (1 - p));
    expect(Math.abs((seen.get(v) ?? 0) - N * p), `count of ${v}: expected ${N * p} ± ${5 * sd}`).toBeLessThanOrEqual(5 * sd + 1);
  }
}

/** Mean within 5 standard errors, variance within 5 standard errors of the sample variance. */
function expectMoments(xs: number[], mu: number, sigma2: number, mu4: number): void {
  expect(Math.abs(mean(xs) - mu)).toBeLessThanOrEqual(5 * Math.sqrt(sigma2 / N));
  expect(Math.abs(variance(xs) - sigma2)).toBeLessThanOrEqual(5 * Math.sqrt((mu4 - sigma2 ** 2) / N));
}

describe('per-parent count distributions (fixed seeds: deterministic, tolerances from the distribution)', () => {
  it('fixed gives exactly count to every parent', () => {
    expect(new Set(counts({ distribution: 'fixed', count: 3 }))).toEqual(new Set([3]));
  });

  it('uniform min..max: every count equally likely', () => {
    const xs = counts({ distribution: 'uniform', min: 0, max: 5 });
    expectFrequencies(xs, new Map([0, 1, 2, 3, 4, 5].map((v) => [v, 1 / 6])));
  });

  it.each([3, 0.5, 75])('poisson mean %s: P(k), mean and variance', (lambda) => {
    const xs = counts({ distribution: 'poisson', mean: lambda });
    // Central moments of Poisson(λ): variance λ, fourth λ(1 + 3λ).
    expectMoments(xs, lambda, lambda, lambda * (1 + 3 * lambda));
    const probs = new Map<number, number>();
    let p = Math.exp(-lambda);
    for (let k = 0; k < lambda * 3 + 20; k++) {
      probs.set(k, p);
      p *= lambda / (k + 1);
    }
    const top = Math.max(...xs);
    for (let k = 0; k <= top; k++) if (!probs.has(k)) probs.set(k, 0);
    expectFrequencies(xs, probs);
  });

  it('poisson max caps counts', () => {
    expect(Math.max(...counts({ distribution: 'poisson', mean: 4, max: 5 }))).toBe(5);
  });

  it('zipf min..max, exponent s: P(c) ∝ 1/(c - min + 1)^s', () => {
    for (const [min, max, s] of [[1, 10, 1], [0, 8, 1.5]] as const) {
      const xs = counts({ distribution: 'zipf', min, max, s });
      const w = Array.from({ length: max - min + 1 }, (_, i) => 1 / (i + 1) ** s);
      const total = w.reduce((a, b) => a + b, 0);
      expectFrequencies(xs, new Map(w.map((x, i) => [min + i, x / total])));
    }
  });

  it('is a pure function of (seed, child table, parent): other seeds differ, same seed repeats', () => {
    const a = counts({ distribution: 'poisson', mean: 2 }, 1);
    expect(counts({ distribution: 'poisson', mean: 2 }, 1)).toEqual(a);
    expect(counts({ distribution: 'poisson', mean: 2 }, 2)).not.toEqual(a);
  });
});

describe('PerParentIndex', () => {
  const countOf = perParentCounts({ table: 'p', distribution: 'poisson', mean: 1.2 }, 5, 'c');
  const parents = 10_000;
  const index = new PerParentIndex(parents, countOf);
  const owners: number[] = [];
  for (let p = 0; p < parents; p++) for (let i = countOf(p); i > 0; i--) owners.push(p);

  it('total is the sum of the counts; ownerOf agrees with a brute-force expansion at every row', () => {
    expect(index.total).toBe(owners.length);
    for (let k = 0; k < owners.length; k++) expect(index.ownerOf(k).parent).toBe(owners[k]);
    expect(() => index.ownerOf(owners.length)).toThrow(RangeError);
  });

  it('a cursor reads sequentially and after jumps (zero-count parents skipped)', () => {
    const cursor = new OwnerCursor(index);
    for (let k = 0; k < owners.length; k++) expect(cursor.parentOf(k)).toBe(owners[k]);
    for (const k of [5000, 17, 17, 18, owners.length - 1, 0]) expect(cursor.parentOf(k)).toBe(owners[k]);
  });
});
