import { findDataset } from '@rowflow/schema';
import { describe, expect, it } from 'vitest';
import { datasetView, foreignKeyText } from './dataset-view.js';

describe('datasetView', () => {
  it('describes sizes, keys and foreign keys of a catalog dataset', () => {
    const v = datasetView(findDataset('shop'));
    expect(v.tables.map((t) => [t.name, t.size])).toEqual([
      ['users', '1,000 rows'],
      ['products', '200 rows'],
      ['orders', 'Poisson, mean 3 per users row'],
      ['order_items', '1–5 per orders row'],
    ]);
    expect(v.tables[0]?.keys).toBe('PK id');
    expect(v.foreignKeys.map(foreignKeyText)).toEqual(['orders.user_id → users.id', 'order_items.order_id → orders.id', 'order_items.product_id → products.id']);
    expect(datasetView(findDataset('org')).foreignKeys.map(foreignKeyText)).toContain('employees.manager_id → employees.id (earlier row, nullable)');
  });

  it('refuses an invalid spec with the field named', () => {
    expect(() => datasetView({ name: 'd', tables: [] })).toThrow(/^dataset\.tables: /);
  });
});
