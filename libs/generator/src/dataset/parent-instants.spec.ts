import { parseIsoInstant, validateDatasetSpec } from '@rowflow/schema';
import { describe, expect, it } from 'vitest';
import { collectDataset as text, datasetRows as table } from '../test-helpers.js';

const ts = { type: 'timestamptz', from: '2020-01-01T00:00:00Z', to: '2025-12-31T23:59:59Z' } as const;

const shop = validateDatasetSpec({
  name: 'shop2',
  tables: [
    { name: 'users', rows: 400, columns: [{ name: 'id', type: 'serial', primaryKey: true }, { name: 'created_at', ...ts }] },
    {
      name: 'orders',
      perParent: { table: 'users', distribution: 'uniform', min: 0, max: 6 },
      columns: [
        { name: 'id', type: 'serial', primaryKey: true },
        { name: 'user_id', type: 'foreignKey', references: { table: 'users' } },
        { name: 'coupon_user', type: 'foreignKey', references: { table: 'users' }, nullRatio: 0.5 },
        { name: 'placed_at', ...ts },
        { name: 'birth_date', type: 'date', from: '1950-01-01', to: '2000-01-01' },
      ],
    },
  ],
});

describe('child instants after the parent rows they reference', () => {
  it('every child instant is at or after each referenced parent row creation (all foreign keys, NULLs skipped); birth dates untouched', async () => {
    const users = await table(shop, 'users', 5);
    const orders = await table(shop, 'orders', 5);
    const created = (id: string | null) => parseIsoInstant(users[Number(id) - 1]!.created_at!);
    expect(orders.length).toBeGreaterThan(800);
    let coupons = 0;
    for (const o of orders) {
      const at = parseIsoInstant(o.placed_at!);
      expect(at).toBeGreaterThanOrEqual(created(o.user_id!));
      if (o.coupon_user !== null) {
        coupons++;
        expect(at).toBeGreaterThanOrEqual(created(o.coupon_user));
      }
      expect(o.birth_date! < '2000-01-02').toBe(true);
    }
    expect(coupons).toBeGreaterThan(100);
  });

  it('same bytes at any offset, chunk size and partition count', async () => {
    for (const format of ['csv', 'ndjson'] as const) {
      const whole = await text({ dataset: shop, table: 'orders', seed: 9, format, header: false });
      expect(await text({ dataset: shop, table: 'orders', seed: 9, format, header: false, chunkBytes: 500 })).toBe(whole);
      const parts = await Promise.all([0, 1, 2].map((index) => text({ dataset: shop, table: 'orders', seed: 9, format, header: false, partition: { by: 'user_id', count: 3, index } })));
      const lines = (s: string) => s.split('\n').filter((l) => l.length > 0);
      expect(parts.flatMap(lines).sort()).toEqual(lines(whole).sort());
      const n = whole.split('\n').length - 1;
      for (const k of [1, 333, n - 1]) {
        const head = await text({ dataset: shop, table: 'orders', seed: 9, format, rows: k, header: false });
        const tail = await text({ dataset: shop, table: 'orders', seed: 9, format, offset: k, header: false });
        expect(head + tail).toBe(whole);
      }
    }
  });

  it('a cycle of foreign keys and a self-reference are left as they are (a parent would need its child)', async () => {
    const cyclic = validateDatasetSpec({
      name: 'cyc',
      tables: [
        { name: 'a', rows: 50, columns: [{ name: 'id', type: 'serial', primaryKey: true }, { name: 'b_id', type: 'foreignKey', references: { table: 'b' } }, { name: 'created_at', ...ts }] },
        { name: 'b', rows: 50, columns: [{ name: 'id', type: 'serial', primaryKey: true }, { name: 'a_id', type: 'foreignKey', references: { table: 'a' } }, { name: 'created_at', ...ts }] },
        { name: 'c', rows: 50, columns: [{ name: 'id', type: 'serial', primaryKey: true }, { name: 'up', type: 'foreignKey', references: { table: 'c' } }, { name: 'created_at', ...ts }] },
      ],
    });
    const plain = validateDatasetSpec({
      name: 'plain',
      tables: cyclic.tables.map((t) => ({ ...t, columns: t.columns.filter((c) => c.type !== 'foreignKey') })),
    });
    for (const name of ['a', 'b', 'c']) {
      const got = (await table(cyclic, name, 3)).map((r) => r.created_at);
      expect(got).toEqual((await table(plain, name, 3)).map((r) => r.created_at));
    }
  });
});
