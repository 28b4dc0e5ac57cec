import { type DatasetSpec, ValidationError } from '@rowflow/contracts';
import { validateDatasetSpec } from '@rowflow/schema';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../test-helpers.js';
import { createDatasetRowStream } from './dataset-stream.js';

async function csv(dataset: DatasetSpec, table: string, seed = 5, offset?: number, rows?: number): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of createDatasetRowStream({ dataset, table, seed, format: 'csv', header: false, offset, rows, chunkBytes: 200 })) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function rows(dataset: DatasetSpec, table: string): Promise<Record<string, string | null>[]> {
  const names = dataset.tables.find((t) => t.name === table)!.columns.map((c) => c.name);
  return parseCsv(await csv(dataset, table)).map((r) => Object.fromEntries(names.map((n, i) => [n, r[i] ?? null])));
}

/** A parent with a text+int composite key and unique (code, region); children reference both composites. */
const dataset = validateDatasetSpec({
  name: 'shop',
  tables: [
    {
      name: 'stores',
      rows: 300,
      columns: [
        { name: 'chain', type: 'text' },
        { name: 'no', type: 'int', min: 1, max: 50 },
        { name: 'code', type: 'char', length: 3 },
        { name: 'region', type: 'enum', values: ['north', 'south', 'east'] },
        { name: 'opened', type: 'date' },
        { name: 'closed', type: 'date', nullRatio: 0.3, after: { column: 'opened' } },
      ],
      compositeKey: { columns: ['chain', 'no'], primaryKey: true },
      uniqueKeys: [{ columns: ['code', 'region'] }],
    },
    {
      name: 'visits',
      rows: 2000,
      columns: [
        { name: 'id', type: 'serial', primaryKey: true },
        { name: 'store_chain', type: 'text' },
        { name: 'store_no', type: 'int', nullRatio: 0.1 },
        { name: 'at_code', type: 'text' },
        { name: 'at_region', type: 'text' },
        { name: 'starts', type: 'time', from: '08:00:00', to: '20:00:00' },
        { name: 'ends', type: 'time', after: { column: 'starts' } },
        { name: 'paid', type: 'money', nullRatio: 0.5 },
        { name: 'voucher', type: 'pattern', pattern: '^V-\\d{6}$', nullRatio: 0.5 },
        { name: 'cash', type: 'boolean', nullRatio: 0.5 },
      ],
      foreignKeys: [
        { columns: ['store_chain', 'store_no'], references: { table: 'stores', columns: ['chain', 'no'] } },
        { columns: ['at_code', 'at_region'], references: { table: 'stores', columns: ['code', 'region'] } },
      ],
      exclusive: [{ columns: ['paid', 'voucher', 'cash'], required: true }],
    },
  ],
});

describe('cross-column options in a dataset', () => {
  it('composite keys and unique keys of text/char/enum members are unique; composite FKs hold real parent tuples', async () => {
    const stores = await rows(dataset, 'stores');
    expect(new Set(stores.map((s) => `${s.chain}|${s.no}`)).size).toBe(300);
    expect(new Set(stores.map((s) => `${s.code}|${s.region}`)).size).toBe(300);
    const keys = new Set(stores.map((s) => `${s.chain}|${s.no}`));
    const codes = new Set(stores.map((s) => `${s.code}|${s.region}`));
    const visits = await rows(dataset, 'visits');
    let nullFks = 0;
    for (const v of visits) {
      if (v.store_chain === null) {
        expect(v.store_no).toBeNull(); // the members are NULL together
        nullFks++;
      } else expect(keys.has(`${v.store_chain}|${v.store_no}`)).toBe(true);
      expect(codes.has(`${v.at_code}|${v.at_region}`)).toBe(true);
    }
    expect(nullFks).toBeGreaterThan(100);
    expect(nullFks).toBeLessThan(300);
  });

  it('after: a later value than its column, or generated as usual when that is NULL; exclusive: exactly one member', async () => {
    const stores = await rows(dataset, 'stores');
    for (const s of stores) if (s.closed !== null) expect(s.closed > s.opened!).toBe(true);
    expect(stores.filter((s) => s.closed === null).length).toBeGreaterThan(50);
    for (const v of await rows(dataset, 'visits')) {
      expect(v.ends! > v.starts!).toBe(true);
      expect([v.paid, v.voucher, v.cash].filter((x) => x !== null)).toHaveLength(1);
    }
  });

  it('rows [k, k+n) at an offset are the bytes of the full run', async () => {
    for (const t of ['stores', 'visits']) {
      const lines = (await csv(dataset, t)).split('\n');
      expect(await csv(dataset, t, 5, 77, 40)).toBe(`${lines.slice(77, 117).join('\n')}\n`);
    }
  });

  it('a foreign key covering the composite key (a shared key) draws distinct parents', async () => {
    const shared = validateDatasetSpec({
      ...dataset,
      tables: [
        dataset.tables[0],
        {
          name: 'store_details',
          rows: 300,
          columns: [{ name: 'c', type: 'text' }, { name: 'n', type: 'int' }, { name: 'note', type: 'text' }],
          compositeKey: { columns: ['c', 'n'], primaryKey: true },
          foreignKeys: [{ columns: ['c', 'n'], references: { table: 'stores', columns: ['chain', 'no'] } }],
        },
      ],
    });
    const details = await rows(shared, 'store_details');
    expect(new Set(details.map((d) => `${d.c}|${d.n}`)).size).toBe(300);
    const keys = new Set((await rows(shared, 'stores')).map((s) => `${s.chain}|${s.no}`));
    for (const d of details) expect(keys.has(`${d.c}|${d.n}`)).toBe(true);
  });
});

describe('validation of foreignKeys and uniqueKeys', () => {
  const base = dataset.tables[1]!;
  const withVisits = (patch: object) => ({ name: 'shop', tables: [dataset.tables[0], { ...base, ...patch }] });
  function fieldOf(input: unknown): string {
    try {
      validateDatasetSpec(input);
    } catch (err) {
      expect(err).toBeInstanceOf(ValidationError);
      return (err as ValidationError).message;
    }
    throw new Error('expected a ValidationError');
  }

  it.each([
    ['unknown member', { foreignKeys: [{ columns: ['store_chain', 'nope'], references: { table: 'stores', columns: ['chain', 'no'] } }] }, /^dataset\.tables\[1\]\.foreignKeys\[0\]\.columns\[1\]: unknown column "nope"/],
    ['unknown parent table', { foreignKeys: [{ columns: ['store_chain'], references: { table: 'store', columns: ['chain'] } }] }, /^dataset\.tables\[1\]\.foreignKeys\[0\]\.references\.table: unknown table "store" in dataset "shop"; did you mean "stores"/],
    ['unknown parent column', { foreignKeys: [{ columns: ['store_chain'], references: { table: 'stores', columns: ['chian'] } }] }, /^dataset\.tables\[1\]\.foreignKeys\[0\]\.references\.columns\[0\]: unknown column "chian"/],
    ['count mismatch', { foreignKeys: [{ columns: ['store_chain', 'store_no'], references: { table: 'stores', columns: ['chain'] } }] }, /^dataset\.tables\[1\]\.foreignKeys\[0\]\.references\.columns: names 1 columns for 2 members/],
    ['member in two keys', { foreignKeys: [{ columns: ['store_chain'], references: { table: 'stores', columns: ['chain'] } }], uniqueKeys: [{ columns: ['store_chain', 'at_code'] }] }, /^dataset\.tables\[1\]\.uniqueKeys\[0\]\.columns\[0\]: column "store_chain" is already a member of foreignKeys\[0\]/],
    ['unique key overlapping compositeKey', { compositeKey: { columns: ['store_chain', 'at_code'] }, foreignKeys: [], uniqueKeys: [{ columns: ['at_code', 'at_region'] }] }, /^dataset\.tables\[1\]\.uniqueKeys\[0\]\.columns\[0\]: column "at_code" is already a member of compositeKey/],
    ['unique key member with nulls', { foreignKeys: [], exclusive: [], uniqueKeys: [{ columns: ['at_code', 'paid'] }] }, /^dataset\.tables\[1\]\.uniqueKeys\[0\]\.columns\[1\]: "paid" has a nullRatio/],
    ['unique key of a pattern', { foreignKeys: [], exclusive: [], uniqueKeys: [{ columns: ['at_code', 'starts'] }] }, /^dataset\.tables\[1\]\.uniqueKeys\[0\]\.columns\[1\]: "starts" \(time\) cannot be a key member/],
    ['unknown key', { foreignKeys: [{ columns: ['store_chain'], references: { table: 'stores', columns: ['chain'] }, onDelete: 'cascade' }] }, /^dataset\.tables\[1\]\.foreignKeys\[0\]\.onDelete: unknown key/],
  ])('%s → error naming the field', (_, patch, expected) => {
    expect(fieldOf(withVisits(patch))).toMatch(expected);
  });
});

describe('a composite foreign key inside a longer composite key', () => {
  /** stock (tenant, code, warehouse) whose (tenant, code) references products (tenant, code). */
  const nested = validateDatasetSpec({
    name: 'inventory',
    tables: [
      {
        name: 'products',
        rows: 40,
        columns: [
          { name: 'tenant', type: 'text' },
          { name: 'code', type: 'text' },
        ],
        compositeKey: { columns: ['tenant', 'code'], primaryKey: true },
      },
      {
        name: 'stock',
        rows: 500,
        columns: [
          { name: 'tenant', type: 'text' },
          { name: 'code', type: 'text' },
          { name: 'warehouse', type: 'char', length: 2 },
        ],
        compositeKey: { columns: ['tenant', 'code', 'warehouse'], primaryKey: true },
        foreignKeys: [{ columns: ['tenant', 'code'], references: { table: 'products', columns: ['tenant', 'code'] } }],
      },
    ],
  });

  it('every key tuple is unique and its foreign-key part is a real parent key; chunks agree with the whole', async () => {
    const parents = new Set((await rows(nested, 'products')).map((r) => `${r.tenant}|${r.code}`));
    const stock = await rows(nested, 'stock');
    expect(new Set(stock.map((r) => `${r.tenant}|${r.code}|${r.warehouse}`)).size).toBe(500);
    expect(stock.every((r) => parents.has(`${r.tenant}|${r.code}`))).toBe(true);
    expect(new Set(stock.map((r) => `${r.tenant}|${r.code}`)).size).toBeGreaterThan(1);
    expect((await csv(nested, 'stock', 5, 0, 250)) + (await csv(nested, 'stock', 5, 250, 250))).toBe(await csv(nested, 'stock'));
  });

  it('a foreign key partly inside the composite key is still refused, naming it', () => {
    const t = structuredClone(nested);
    t.tables[1]!.columns.push({ name: 'other', type: 'text' });
    t.tables[1]!.foreignKeys = [{ columns: ['tenant', 'other'], references: { table: 'products', columns: ['tenant', 'code'] } }];
    expect(() => validateDatasetSpec(t)).toThrow(/foreignKeys\[0\]\.columns.*overlaps compositeKey/);
  });
});
