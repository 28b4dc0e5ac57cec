import { describe, expect, it } from 'vitest';
import { compileTable } from './compile.js';
import { Rng } from './hash.js';
import { RowContext } from './row-context.js';
import { drawLength, textOfLength } from './values-text-lengths.js';

describe('text of a drawn length', () => {
  it('is exactly the length asked for, words or sentences, from 0 to 400 characters', () => {
    const r = new Rng();
    for (let length = 0; length <= 400; length++) {
      for (const sentences of [false, true]) {
        r.seed(length * 2 + Number(sentences));
        const text = textOfLength(length, sentences, r);
        expect(text.length, `${length} ${sentences}: "${text}"`).toBe(length);
        expect(text).not.toMatch(/ {2}|^ | $|\.\./);
      }
    }
  });

  it('draws lengths with the quantiles’ distribution', () => {
    const quantiles = [2, 4, 6, 8, 10, 100, 300];
    const r = new Rng();
    const drawn: number[] = [];
    for (let i = 0; i < 60_000; i++) drawn.push(drawLength(quantiles, r.seed(i)));
    drawn.sort((a, b) => a - b);
    // Each of the 6 buckets holds a sixth of the draws: the sixths of the sorted draws sit on the quantiles.
    for (let q = 1; q < 6; q++) expect(Math.abs(drawn[Math.floor((q / 6) * drawn.length)]! - quantiles[q]!)).toBeLessThanOrEqual(2);
  });
});

describe('a text column with profiled lengths', () => {
  const spec = {
    name: 'tickets',
    rows: 4000,
    columns: [{ name: 'body', type: 'text' as const, mode: 'sentence', profile: { lengths: [10, 12, 15, 20, 30, 60, 250], width: 60 } }],
  };

  it('follows the lengths and is the same value for the same row in any order', () => {
    const [col] = compileTable(spec, 9);
    const row = new RowContext(9, 'tickets');
    const values: string[] = [];
    for (let k = 0; k < 4000; k++) {
      row.setRow(k);
      values.push(col!.value(row) as string);
    }
    const mean = values.reduce((a, v) => a + v.length, 0) / values.length;
    // Mean of the 6 uniform buckets: (11 + 13.5 + 17.5 + 25 + 45 + 155) / 6 = 44.5.
    expect(mean).toBeGreaterThan(40);
    expect(mean).toBeLessThan(49);
    expect(Math.min(...values.map((v) => v.length))).toBeGreaterThanOrEqual(10);
    expect(Math.max(...values.map((v) => v.length))).toBeLessThanOrEqual(250);
    const [again] = compileTable(spec, 9);
    for (const k of [3999, 0, 1234, 7]) {
      row.setRow(k);
      expect(again!.value(row)).toBe(values[k]);
    }
  });
});
