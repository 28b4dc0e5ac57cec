import type { DatasetSpec } from '@rowflow/contracts';
import { describe, expect, it } from 'vitest';
import { applyProfile } from './apply-profile.js';
import { compareFidelity } from './fidelity.js';
import type { ColumnStats, TableStats } from './stats-model.js';

const dataset: DatasetSpec = {
  name: 'shop',
  tables: [
    {
      name: 'orders',
      rows: 10,
      columns: [
        { name: 'id', type: 'serial', primaryKey: true },
        { name: 'country', type: 'country' },
        { name: 'shipped', type: 'date', nullRatio: 0.1 },
        { name: 'price', type: 'decimal', precision: 8, scale: 2 },
      ],
    },
  ],
};

const stat = (name: string, extra: Partial<ColumnStats>): ColumnStats => ({ name, nullFrac: 0, nDistinct: -1, avgWidth: 8, ...extra });

/** 830 orders over two years: 24 countries, dates whose per-row share would outgrow the calendar. */
const source: TableStats[] = [
  {
    name: 'orders',
    reltuples: 830,
    analyzed: true,
    columns: [
      stat('id', {}),
      stat('country', { nDistinct: -24 / 830 - 0.1, mostCommonValues: ['USA'], mostCommonFreqs: [0.1] }),
      stat('shipped', { nDistinct: -0.47, histogram: ['1996-07-10', '1997-06-01', '1998-05-06'] }),
      stat('price', { nDistinct: 300, mostCommonValues: ['0.99', '1.99'], mostCommonFreqs: [0.4, 0.2], histogram: ['2.00', '5.00', '80.00'] }),
    ],
  },
];

describe('profile → spec', () => {
  const { dataset: shaped } = applyProfile(dataset, source, { scale: 10 });
  const cols = shaped.tables[0]!.columns;
  const col = (name: string) => cols.find((c) => c.name === name)!;

  it('a small repeated set stays a count when scaled; a large one stays a per-row share', () => {
    // 107 distinct values of 830 rows (more than 100): a per-row share.
    expect(col('country').profile?.distinct).toBeLessThan(0);
    const small = applyProfile(dataset, [{ ...source[0]!, columns: [stat('country', { nDistinct: -24 / 830 })] }], { scale: 10 }).dataset;
    expect(small.tables[0]!.columns.find((c) => c.name === 'country')!.profile?.distinct).toBe(24);
  });

  it('dates scaled past one value per day keep the number of days in their range', () => {
    // 0.47 × 8300 rows = 3901 distinct dates, but 1996-07-10..1998-05-06 has 666 days.
    expect(col('shipped').profile?.distinct).toBe(666);
    const unscaled = applyProfile(dataset, source, { scale: 1 }).dataset.tables[0]!.columns.find((c) => c.name === 'shipped')!;
    expect(unscaled.profile?.distinct).toBeCloseTo(-0.47, 3);
  });

  it('numbers keep their common values with the histogram of the rest', () => {
    expect(col('price').profile).toMatchObject({ values: ['0.99', '1.99'], weights: [0.4, 0.2], histogram: ['2.00', '5.00', '80.00'] });
  });
});

describe('profile → spec: physical order and parents', () => {
  const shop: DatasetSpec = {
    name: 'music',
    tables: [
      { name: 'genre', rows: 10, columns: [{ name: 'genre_id', type: 'int', min: 1, max: 2147483647, primaryKey: true }] },
      {
        name: 'track',
        rows: 10,
        columns: [
          { name: 'track_id', type: 'int', min: 1, max: 2147483647, primaryKey: true },
          { name: 'genre_id', type: 'foreignKey', references: { table: 'genre', column: 'genre_id' } },
          { name: 'ms', type: 'int', min: 0, max: 1000000 },
        ],
      },
    ],
  };
  const stats: TableStats[] = [
    { name: 'genre', reltuples: 25, analyzed: true, columns: [stat('genre_id', { correlation: 1, histogram: ['1', '13', '25'] })] },
    {
      name: 'track',
      reltuples: 3503,
      analyzed: true,
      columns: [
        stat('track_id', { correlation: 0.2, histogram: ['1', '1700', '3503'] }),
        stat('genre_id', { nDistinct: 25, correlation: 0.3291, mostCommonValues: ['1', '7'], mostCommonFreqs: [0.37, 0.17] }),
        stat('ms', { nDistinct: -0.9, correlation: -0.5, histogram: ['1000', '200000', '900000'] }),
      ],
    },
  ];
  const at = (spec: DatasetSpec, table: string, name: string) => spec.tables.find((t) => t.name === table)!.columns.find((c) => c.name === name)!;

  it('copies correlation for numbers and foreign keys; a counted key stored ascending becomes a sequence', () => {
    const shaped = applyProfile(shop, stats, { scale: 10 }).dataset;
    expect(at(shaped, 'genre', 'genre_id')).toEqual({ name: 'genre_id', type: 'int', mode: 'sequence', min: 1, primaryKey: true });
    // Stored in no particular order: stays random unique numbers.
    expect(at(shaped, 'track', 'track_id')).toMatchObject({ min: 1, max: 2147483647 });
    expect(at(shaped, 'track', 'track_id').mode).toBeUndefined();
    expect(at(shaped, 'track', 'ms').profile?.correlation).toBe(-0.5);
    // The most common parents keep their children when scaled: their share is divided by 10.
    expect(at(shaped, 'track', 'genre_id').profile).toMatchObject({ correlation: 0.329, values: ['1', '7'], weights: [0.037, 0.017] });
  });

  it('copyValues "none": a foreign key keeps its shape (distinct, correlation), not its parents\' keys', () => {
    const shaped = applyProfile(shop, stats, { copyValues: 'none' }).dataset;
    expect(at(shaped, 'track', 'genre_id').profile).toEqual({ distinct: expect.any(Number), correlation: 0.329 });
  });
});

describe('fidelity measures', () => {
  const spec: DatasetSpec = {
    name: 'd',
    tables: [
      {
        name: 't',
        rows: 1000,
        columns: [
          { name: 'id', type: 'serial', primaryKey: true },
          { name: 'price', type: 'int', min: 0, max: 100, profile: { values: ['1', '2'], weights: [0.3, 0.2], histogram: ['3', '50', '100'] } },
        ],
      },
    ],
  };
  const measure = (generated: Partial<ColumnStats>) =>
    compareFidelity(spec, new Map([['t', { name: 't', reltuples: 1000, analyzed: true, columns: [stat('price', { nDistinct: 100, ...generated })] }]])).columns[0]!;

  it('a generated sample that names more common values than the source is not a difference', () => {
    // Same shares for 1 and 2; 3 and 4 are part of the source's unnamed rest.
    const m = measure({ mostCommonValues: ['1', '2', '3', '4'], mostCommonFreqs: [0.3, 0.2, 0.02, 0.02], histogram: ['3', '50', '100'] });
    expect(m.valueDistance).toBeLessThan(0.02);
    const off = measure({ mostCommonValues: ['1', '2'], mostCommonFreqs: [0.1, 0.1], histogram: ['3', '50', '100'] });
    expect(off.valueDistance).toBeGreaterThan(0.1);
  });

  it('histograms are compared with the common values included, so other elected values do not shift them', () => {
    const same = measure({ mostCommonValues: ['1', '2'], mostCommonFreqs: [0.3, 0.2], histogram: ['3', '50', '100'] });
    expect(same.histogramDistance).toBe(0);
    // No common values at all: half the mass moves from 1–2 into the histogram.
    const flat = measure({ histogram: ['3', '50', '100'] });
    expect(flat.histogramDistance).toBeGreaterThan(0.1);
  });
});
