import { describe, expect, it } from 'vitest';
import { jobTargetLabel, type JobTableStatus } from './jobs.js';

const table = (name: string, targetTable: string): JobTableStatus => ({ name, targetTable, rowsTotal: 1, rowsWritten: 0, state: 'queued', phase: 'loading' });

describe('jobTargetLabel', () => {
  it('a single-table job: its table and target', () => {
    expect(jobTargetLabel({ table: 'users', targetTable: 'u_big', dataset: null, tables: [table('users', 'u_big')] })).toBe('users → u_big');
  });

  it('a dataset job names the dataset and every target table, not only the first', () => {
    const tables = [table('users', 'copy_users'), table('products', 'copy_products'), table('orders', 'copy_orders')];
    expect(jobTargetLabel({ table: 'users', targetTable: 'copy_users', dataset: 'shop', tables })).toBe('dataset shop → copy_users, copy_products, copy_orders');
  });
});
