import type { DatasetSpec } from '@rowflow/contracts';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../test-helpers.js';
import { createDatasetRowStream } from './dataset-stream.js';

/** A dataset shaped by a statistics profile: a small table where sampling noise would show. */
const dataset: DatasetSpec = {
  name: 'shop',
  tables: [
    { name: 'rep', rows: 8, columns: [{ name: 'id', type: 'serial', primaryKey: true }] },
    { name: 'list', rows: 18, columns: [{ name: 'id', type: 'serial', primaryKey: true }] },
    {
      name: 'staff',
      rows: 9,
      columns: [
        { name: 'id', type: 'serial', primaryKey: true },
        // Two managers for everybody.
        { name: 'boss_id', type: 'foreignKey', references: { table: 'staff', column: 'id' }, profile: { distinct: -2 / 9 } },
      ],
    },
    {
      name: 'entry',
      rows: 600,
      compositeKey: { columns: ['list_id', 'customer_id'] },
      columns: [
        // 14 of the 18 lists hold every entry.
        { name: 'list_id', type: 'foreignKey', references: { table: 'list', column: 'id' }, profile: { distinct: -14 / 600 } },
        { name: 'customer_id', type: 'foreignKey', references: { table: 'customer', column: 'id' } },
      ],
    },
    {
      name: 'customer',
      rows: 77,
      columns: [
        { name: 'id', type: 'serial', primaryKey: true },
        // 3 of the 8 reps serve every customer (n_distinct as a per-row share: -3/77).
        { name: 'rep_id', type: 'foreignKey', references: { table: 'rep', column: 'id' }, profile: { distinct: -3 / 77 } },
        { name: 'tier', type: 'text', profile: { values: ['gold', 'silver', 'bronze'], weights: [0.5, 0.3, 0.2], distinct: 3 } },
        { name: 'spend', type: 'int', min: 0, max: 1000, profile: { histogram: ['0', '10', '20', '30', '1000'] } },
        // A name-based generator whose values the source repeats: 11 distinct over 77 rows.
        { name: 'city', type: 'city', profile: { distinct: -11 / 77 } },
        // Mostly NULL, with 12 distinct numbers among the 15 that are not.
        { name: 'fax', type: 'phone', nullRatio: 0.8, profile: { distinct: 12 } },
      ],
    },
  ],
};

async function text(table: string, opts: { offset?: number; rows?: number } = {}): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of createDatasetRowStream({ format: 'csv', dataset, table, seed: 7, ...opts })) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function rows(table: string): Promise<Record<string, string | null>[]> {
  const [header, ...body] = parseCsv(await text(table));
  return body.map((r) => Object.fromEntries((header ?? []).map((h, i) => [h as string, r[i] ?? null])));
}

describe('dataset columns shaped by a profile', () => {
  it('a foreign key references exactly as many parents as its distinct count says, all real', async () => {
    const customers = await rows('customer');
    const reps = new Set(customers.map((c) => c.rep_id));
    expect(reps.size).toBe(3);
    for (const r of reps) expect(Number(r)).toBeGreaterThanOrEqual(1);
    for (const r of reps) expect(Number(r)).toBeLessThanOrEqual(8);
  });

  it('a composite key member and a self-reference keep the profiled parent counts', async () => {
    const entries = await rows('entry');
    expect(new Set(entries.map((e) => e.list_id)).size).toBe(14);
    expect(new Set(entries.map((e) => `${e.list_id}/${e.customer_id}`)).size).toBe(600);
    const bosses = new Set((await rows('staff')).map((s) => s.boss_id).filter((b) => b !== null));
    expect(bosses.size).toBe(2);
  });

  it('value weights and histogram buckets get their share of the rows to within one row', async () => {
    const customers = await rows('customer');
    const count = (f: (c: Record<string, string | null>) => boolean) => customers.filter(f).length;
    expect(Math.abs(count((c) => c.tier === 'gold') - 0.5 * 77)).toBeLessThanOrEqual(1);
    expect(Math.abs(count((c) => c.tier === 'silver') - 0.3 * 77)).toBeLessThanOrEqual(1);
    // Each of the 4 buckets holds a quarter of the rows, the wide last one too (a bound may land on either side).
    for (const [lo, hi] of [[0, 10], [10, 20], [20, 30], [30, 1000]] as const) {
      expect(Math.abs(count((c) => Number(c.spend) >= lo && Number(c.spend) < hi) - 77 / 4)).toBeLessThanOrEqual(2);
    }
  });

  it('values left to the column generator repeat like the source: no more distinct values than its count', async () => {
    const cities = new Set((await rows('customer')).map((c) => c.city));
    expect(cities.size).toBeLessThanOrEqual(11);
    expect(cities.size).toBeGreaterThanOrEqual(8);
  });

  it('NULLs take their exact share, and the distinct count holds among the rows left', async () => {
    const fax = (await rows('customer')).map((c) => c.fax);
    expect(fax.filter((f) => f === null)).toHaveLength(77 - 15);
    const distinct = new Set(fax.filter((f) => f !== null)).size;
    expect(distinct).toBeGreaterThanOrEqual(11);
    expect(distinct).toBeLessThanOrEqual(12);
  });

  it('row k is the same at any offset (seekable)', async () => {
    const whole = (await text('customer')).split('\n');
    const slice = (await text('customer', { offset: 40, rows: 20 })).split('\n');
    // The whole table starts with its header line.
    expect(slice.slice(0, 20)).toEqual(whole.slice(41, 61));
  });
});
