import type { TableSpec } from '@rowflow/contracts';
import { describe, expect, it } from 'vitest';
import { collect, ndjsonRows } from './test-helpers.js';

const spec: TableSpec = {
  name: 't',
  columns: [
    { name: 'id', type: 'serial', primaryKey: true },
    { name: 'tier', type: 'int', min: 1, max: 9, profile: { values: ['1', '2', '3'], weights: [0.7, 0.2, 0.1] } },
    { name: 'status', type: 'text', nullRatio: 0.25, profile: { values: ['paid', 'new', 'it\'s "odd"'], weights: [0.5, 0.3, 0.2] } },
    { name: 'amount', type: 'decimal', precision: 10, scale: 2, profile: { histogram: ['1.00', '2.00', '10.00', '400.00'] } },
    { name: 'at', type: 'timestamptz', profile: { values: ['2024-01-01T00:00:00Z'], weights: [0.5], histogram: ['2023-01-01T00:00:00Z', '2023-01-02T00:00:00Z'] } },
  ],
};

describe('profile-driven columns', () => {
  it('follow the value weights and the equi-depth histogram', async () => {
    const rows = await ndjsonRows({ spec, rows: 20_000 });
    const share = (f: (r: Record<string, unknown>) => boolean) => rows.filter(f).length / rows.length;
    expect(share((r) => r.tier === 1)).toBeCloseTo(0.7, 1);
    expect(share((r) => r.tier === 3)).toBeCloseTo(0.1, 1);
    expect(share((r) => r.status === null)).toBeCloseTo(0.25, 1);
    expect(share((r) => r.status === 'paid')).toBeCloseTo(0.375, 1);
    const amounts = rows.map((r) => Number(r.amount));
    expect(Math.min(...amounts)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...amounts)).toBeLessThanOrEqual(400);
    // Each of the 3 buckets holds a third of the rows, however wide it is.
    expect(share((r) => Number(r.amount) >= 10)).toBeCloseTo(1 / 3, 1);
    expect(share((r) => r.at === '2024-01-01T00:00:00Z')).toBeCloseTo(0.5, 1);
    expect(rows.every((r) => r.at === '2024-01-01T00:00:00Z' || String(r.at).startsWith('2023-01-0'))).toBe(true);
  });

  it('row k is the same at any offset and chunk (seekable)', async () => {
    const whole = (await collect({ spec, rows: 3000 })).split('\n');
    const tail = (await collect({ spec, rows: 1000, offset: 2000 })).split('\n');
    expect(tail).toEqual(whole.slice(2001));
  });

  it('a profile leaves the other columns as they were', async () => {
    const plain: TableSpec = { ...spec, columns: spec.columns.map((c) => (c.name === 'tier' ? { name: 'tier', type: 'int', min: 1, max: 9 } : c)) };
    const a = await ndjsonRows({ spec, rows: 200 });
    const b = await ndjsonRows({ spec: plain, rows: 200 });
    expect(a.map((r) => r.status)).toEqual(b.map((r) => r.status));
    expect(a.map((r) => r.tier)).not.toEqual(b.map((r) => r.tier));
  });
});
