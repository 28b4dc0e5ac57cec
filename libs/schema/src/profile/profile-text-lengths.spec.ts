import type { DatasetSpec } from '@rowflow/contracts';
import { describe, expect, it } from 'vitest';
import { validateDatasetSpec } from '../dataset/validate-dataset-spec.js';
import { applyProfile } from './apply-profile.js';
import { compareFidelity } from './fidelity.js';
import type { TableStats } from './stats-model.js';

const dataset: DatasetSpec = {
  name: 'notes',
  tables: [
    {
      name: 'tickets',
      rows: 10,
      columns: [
        { name: 'id', type: 'serial', primaryKey: true },
        { name: 'body', type: 'text', mode: 'sentence' },
        { name: 'title', type: 'text', mode: 'productName' },
      ],
    },
  ],
};

const secret = (n: number) => `secret-${'x'.repeat(n)}`;
/** Histogram bounds of free text: literals, of which only the lengths may leave the mapping. */
const bounds = [3, 40, 5, 12, 80, 9, 200, 7, 20, 33].map(secret).sort();
const source: TableStats[] = [
  {
    name: 'tickets',
    reltuples: 5000,
    analyzed: true,
    columns: [
      { name: 'body', nullFrac: 0, nDistinct: -1, avgWidth: 38, histogram: bounds },
      { name: 'title', nullFrac: 0, nDistinct: -1, avgWidth: 20, histogram: bounds },
    ],
  },
];

describe('profiled free text: lengths, never the text', () => {
  for (const copyValues of ['categorical', 'none'] as const) {
    it(`copyValues ${copyValues}: ascending lengths and the average width, no literal`, () => {
      const { dataset: shaped, profile } = applyProfile(dataset, source, { copyValues });
      const body = shaped.tables[0]!.columns.find((c) => c.name === 'body')!;
      const lengths = bounds.map((b) => b.length).sort((a, b) => a - b);
      expect(body.profile?.lengths).toEqual(lengths);
      expect(body.profile?.width).toBe(38);
      expect(JSON.stringify(shaped)).not.toContain('secret-');
      expect(profile.tables[0]!.columns.find((c) => c.name === 'body')?.copied).toBe('shape');
    });
  }

  it('a realistic text generator (a product name) keeps its own lengths', () => {
    const title = applyProfile(dataset, source).dataset.tables[0]!.columns.find((c) => c.name === 'title')!;
    expect(title.profile?.lengths).toBeUndefined();
  });

  it('validation: lengths only on free text, ascending, integers', () => {
    const withLengths = (col: Record<string, unknown>) => ({ name: 'd', tables: [{ name: 't', rows: 1, columns: [{ name: 'c', ...col }] }] });
    expect(() => validateDatasetSpec(withLengths({ type: 'text', mode: 'words', profile: { lengths: [1, 5, 9], width: 6 } }), 'dataset')).not.toThrow();
    expect(() => validateDatasetSpec(withLengths({ type: 'email', profile: { lengths: [1, 5] } }), 'dataset')).toThrow(/lengths/);
    expect(() => validateDatasetSpec(withLengths({ type: 'text', mode: 'word', profile: { lengths: [1, 5] } }), 'dataset')).toThrow(/lengths/);
    expect(() => validateDatasetSpec(withLengths({ type: 'text', profile: { lengths: [5, 1] } }), 'dataset')).toThrow(/ascending/);
    expect(() => validateDatasetSpec(withLengths({ type: 'text', profile: { lengths: [1.5] } }), 'dataset')).toThrow(/integer/);
    expect(() => validateDatasetSpec(withLengths({ type: 'text', profile: { width: 0 } }), 'dataset')).toThrow(/width/);
  });

  it('fidelity compares the average widths: within 1.2× passes, twice as wide fails', () => {
    const { dataset: shaped } = applyProfile(dataset, source);
    const target = (avgWidth: number) => new Map([['tickets', { ...source[0]!, columns: [{ name: 'body', nullFrac: 0, nDistinct: -1, avgWidth }] }]]);
    const near = compareFidelity(shaped, target(42)).columns.find((c) => c.column === 'body')!;
    expect(near.widthRatio).toBeCloseTo(42 / 38, 3);
    expect(near.ok).toBe(true);
    const wide = compareFidelity(shaped, target(76)).columns.find((c) => c.column === 'body')!;
    expect(wide.widthRatio).toBe(2);
    expect(wide.ok).toBe(false);
  });
});
