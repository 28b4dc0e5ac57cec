import type { DatasetSpec } from '@rowflow/contracts';
import { findDataset, validateDatasetSpec } from '@rowflow/schema';
import { describe, expect, it } from 'vitest';
import { collectDataset as text, datasetRows as table } from '../test-helpers.js';
import { createDatasetRowStream } from './dataset-stream.js';
import { datasetRowCounts, datasetTableRows } from './dataset-plan.js';

/** Asserts every non-null child FK value is a generated parent key; returns the null count. */
async function checkIntegrity(dataset: DatasetSpec, seed: number): Promise<number> {
  const v = validateDatasetSpec(dataset);
  const data = new Map<string, Record<string, string | null>[]>();
  for (const t of v.tables) data.set(t.name, await table(v, t.name, seed));
  let nulls = 0;
  for (const t of v.tables) {
    for (const c of t.columns) {
      if (c.type !== 'foreignKey' || !c.references) continue;
      const ref = c.references;
      const keys = new Set((data.get(ref.table) ?? []).map((r) => r[ref.column ?? '']));
      expect(keys.size, `${ref.table}.${ref.column} keys are unique`).toBe(data.get(ref.table)?.length);
      for (const [i, row] of (data.get(t.name) ?? []).entries()) {
        const value = row[c.name] ?? null;
        if (value === null) nulls++;
        else expect(keys.has(value), `${t.name}[${i}].${c.name}=${value} exists in ${ref.table}.${ref.column}`).toBe(true);
      }
    }
  }
  return nulls;
}

const keyTypes: DatasetSpec = {
  name: 'keys',
  tables: [
    {
      name: 'parent',
      rows: 3000,
      columns: [
        { name: 'id', type: 'serial', primaryKey: true, min: 1000 },
        { name: 'seq', type: 'int', mode: 'sequence', min: 5, unique: true },
        { name: 'code', type: 'int', unique: true, min: 1, max: 5000 },
        { name: 'big', type: 'bigint', unique: true },
        { name: 'ref', type: 'uuid', unique: true },
        { name: 'email', type: 'email', unique: true },
        { name: 'login', type: 'username', unique: true },
      ],
    },
    {
      name: 'child',
      rows: 4000,
      columns: [
        { name: 'id', type: 'serial', primaryKey: true },
        { name: 'p_id', type: 'foreignKey', references: { table: 'parent' } },
        { name: 'p_seq', type: 'foreignKey', references: { table: 'parent', column: 'seq' } },
        { name: 'p_code', type: 'foreignKey', references: { table: 'parent', column: 'code' }, distribution: 'zipf' },
        { name: 'p_big', type: 'foreignKey', references: { table: 'parent', column: 'big' }, distribution: 'normal' },
        { name: 'p_ref', type: 'foreignKey', references: { table: 'parent', column: 'ref' }, nullRatio: 0.25 },
        { name: 'p_email', type: 'foreignKey', references: { table: 'parent', column: 'email' } },
        { name: 'p_login', type: 'foreignKey', references: { table: 'parent', column: 'login' } },
        { name: 'up', type: 'foreignKey', references: { table: 'child', column: 'id' } },
      ],
    },
  ],
};

describe('dataset foreign keys', () => {
  it('every FK value of every key type is a generated parent key (catalog datasets and all key types)', async () => {
    expect(await checkIntegrity(findDataset('shop'), 7)).toBe(0);
    expect(await checkIntegrity(findDataset('org'), 7)).toBeGreaterThan(0); // nullable project_id, root managers
    const nulls = await checkIntegrity(keyTypes, 11);
    expect(nulls).toBeGreaterThan(4000 * 0.2); // p_ref at 25 %, plus the self-reference's row 0
    expect(nulls).toBeLessThan(4000 * 0.3);
  });

  it('a self-reference points at an earlier row; row 0 is NULL', async () => {
    const rows = await table(validateDatasetSpec(keyTypes), 'child', 3);
    expect(rows[0]?.up).toBeNull();
    for (const r of rows.slice(1)) expect(Number(r.up)).toBeLessThan(Number(r.id));
  });

  it('per-parent children are contiguous per parent and counts add up to the derived rows', async () => {
    const shop = findDataset('shop');
    const counts = datasetRowCounts(shop, 5);
    const orders = await table(shop, 'orders', 5);
    expect(orders.length).toBe(counts.orders);
    const users = orders.map((o) => Number(o.user_id));
    for (let i = 1; i < users.length; i++) expect(users[i]).toBeGreaterThanOrEqual(users[i - 1] as number);
    expect(datasetTableRows(shop, 'order_items', 5)).toBe((await table(shop, 'order_items', 5)).length);
  });
});

describe('dataset tables are seekable and partition-invariant', () => {
  const shop = findDataset('shop');
  it.each(['orders', 'order_items'])('%s: stream(offset, rows) is the slice of the full stream', async (name) => {
    const full = (await text({ dataset: shop, table: name, seed: 9, header: false })).split('\n');
    const total = datasetTableRows(shop, name, 9);
    for (const [offset, rows] of [[0, 1], [1, 2], [777, 100], [total - 5, 5], [Math.floor(total / 2), 1]] as const) {
      const part = await text({ dataset: shop, table: name, seed: 9, offset, rows, header: false });
      expect(part, `offset ${offset}`).toBe(full.slice(offset, offset + rows).join('\n') + '\n');
    }
    const parts: string[] = [];
    for (let p = 0; p < 3; p++) {
      const from = Math.floor((total * p) / 3);
      parts.push(await text({ dataset: shop, table: name, seed: 9, offset: from, rows: Math.floor((total * (p + 1)) / 3) - from, format: 'ndjson' }));
    }
    expect(parts.join('')).toBe(await text({ dataset: shop, table: name, seed: 9, format: 'ndjson' }));
  });

  it('a different seed changes per-parent sizes; the same seed never does', () => {
    expect(datasetTableRows(shop, 'orders', 1)).toBe(datasetTableRows(findDataset('shop'), 'orders', 1));
    expect(datasetTableRows(shop, 'orders', 1)).not.toBe(datasetTableRows(shop, 'orders', 2));
  });

  it('refuses slices past the table', () => {
    const total = datasetTableRows(shop, 'orders', 3);
    expect(() => createDatasetRowStream({ dataset: shop, table: 'orders', seed: 3, offset: total - 1, rows: 2, format: 'csv' })).toThrow(/^rows: /);
    expect(() => createDatasetRowStream({ dataset: shop, table: 'orders', seed: 3, offset: total + 1, format: 'csv' })).toThrow(/^offset: /);
    expect(() => createDatasetRowStream({ dataset: shop, table: 'ordres', seed: 3, format: 'csv' })).toThrow(/did you mean "orders"/);
  });
});

describe('composite keys', () => {
  const joins: DatasetSpec = {
    name: 'joins',
    tables: [
      { name: 'a', rows: 40, columns: [{ name: 'id', type: 'uuid', primaryKey: true }] },
      { name: 'b', rows: 30, columns: [{ name: 'id', type: 'serial', primaryKey: true }] },
      {
        name: 'ab',
        rows: 1150,
        compositeKey: { columns: ['a_id', 'b_id', 'slot'], primaryKey: true },
        columns: [
          { name: 'a_id', type: 'foreignKey', references: { table: 'a' } },
          { name: 'b_id', type: 'foreignKey', references: { table: 'b' } },
          { name: 'slot', type: 'int', min: 1, max: 1 },
          { name: 'note', type: 'text', mode: 'word' },
        ],
      },
    ],
  };

  it('tuples are unique, members are real parent keys, and seeking keeps them', async () => {
    expect(await checkIntegrity(joins, 4)).toBe(0);
    const rows = await table(validateDatasetSpec(joins), 'ab', 4);
    expect(new Set(rows.map((r) => `${r.a_id}|${r.b_id}|${r.slot}`)).size).toBe(1150);
    const full = (await text({ dataset: joins, table: 'ab', seed: 4, header: false })).split('\n');
    expect(await text({ dataset: joins, table: 'ab', seed: 4, offset: 333, rows: 7, header: false })).toBe(full.slice(333, 340).join('\n') + '\n');
  });

  it('refuses more rows than combinations, and invalid members', () => {
    const tooMany = { ...joins, tables: [joins.tables[0]!, joins.tables[1]!, { ...joins.tables[2]!, rows: 1201 }] };
    expect(() => createDatasetRowStream({ dataset: tooMany, table: 'ab', seed: 1, format: 'csv' })).toThrow(/1200 combinations, fewer than its 1201 rows/);
    const ab = joins.tables[2]!;
    const jsonNote = ab.columns.map((c) => (c.name === 'note' ? { name: 'note', type: 'json' as const } : c));
    const bad = { ...joins, tables: [joins.tables[0]!, joins.tables[1]!, { ...ab, columns: jsonNote, compositeKey: { columns: ['a_id', 'note'] } }] };
    expect(() => validateDatasetSpec(bad)).toThrow(/^dataset\.tables\[2\]\.compositeKey\.columns\[1\]: "note" \(json\) cannot be a key member/);
  });
});
