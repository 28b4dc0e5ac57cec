import { pipeline } from 'node:stream/promises';
import type { DatasetSpec } from '@rowflow/contracts';
import { createDatasetRowStream } from '@rowflow/generator';
import { datasetPgType, resolveDataset, validateDatasetSpec } from '@rowflow/schema';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freshDatabase } from '../support/index.js';

/**
 * Realism across columns and tables, checked by PostgreSQL on loaded rows: children are never
 * created before the parent rows they reference, and phones carry the calling code of their
 * row's country.
 */

let db: { url: string; drop: () => Promise<void> };
let pool: pg.Pool;

beforeAll(async () => {
  db = await freshDatabase(inject('databaseUrl'));
  pool = new pg.Pool({ connectionString: db.url, max: 2, options: '-c TimeZone=UTC' });
});
afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

/** Creates every table of the dataset (under `prefix`), with its foreign keys, and COPYs the generated rows in. */
async function load(dataset: DatasetSpec, seed: number, prefix: string): Promise<void> {
  for (const t of dataset.tables) {
    const cols = t.columns.map((c) => {
      const ref = c.type === 'foreignKey' && c.references ? ` REFERENCES ${prefix}${c.references.table} (${c.references.column ?? 'id'})` : '';
      return `${c.name} ${datasetPgType(dataset, c)}${c.primaryKey ? ' PRIMARY KEY' : ''}${ref}`;
    });
    await pool.query(`CREATE TABLE ${prefix}${t.name} (${cols.join(', ')})`);
    const client = await pool.connect();
    try {
      const source = createDatasetRowStream({ dataset, table: t.name, seed, format: 'csv', header: false });
      await pipeline(source, client.query(copyFrom(`COPY ${prefix}${t.name} (${t.columns.map((c) => c.name).join(', ')}) FROM STDIN (FORMAT csv)`)));
    } finally {
      client.release();
    }
  }
}

async function count(sql: string): Promise<number> {
  return Number((await pool.query<{ n: string }>(sql)).rows[0]?.n);
}

/** A chain users → orders → items with instants of every kind, a date child and an `after` pair. */
const chain = validateDatasetSpec({
  name: 'chain',
  tables: [
    {
      name: 'users',
      rows: 3000,
      columns: [
        { name: 'id', type: 'serial', primaryKey: true },
        { name: 'created_at', type: 'timestamptz', from: '2020-01-01T00:00:00Z', to: '2025-12-31T23:59:59Z' },
      ],
    },
    {
      name: 'orders',
      perParent: { table: 'users', distribution: 'poisson', mean: 4 },
      columns: [
        { name: 'id', type: 'serial', primaryKey: true },
        { name: 'user_id', type: 'foreignKey', references: { table: 'users' } },
        { name: 'created_at', type: 'timestamp', from: '2020-01-01T00:00:00Z', to: '2025-12-31T23:59:59Z' },
        { name: 'updated_at', type: 'timestamp', from: '2020-01-01T00:00:00Z', to: '2025-12-31T23:59:59Z', after: { column: 'created_at', orEqual: true } },
        { name: 'shipped_at', type: 'timestamptz', from: '2020-01-01T00:00:00Z', to: '2025-12-31T23:59:59Z', nullRatio: 0.3 },
      ],
    },
    {
      name: 'items',
      rows: 20_000,
      columns: [
        { name: 'id', type: 'serial', primaryKey: true },
        { name: 'order_id', type: 'foreignKey', references: { table: 'orders' }, distribution: 'zipf' },
        { name: 'created_on', type: 'date', from: '2020-01-01', to: '2025-12-31' },
      ],
    },
  ],
});

describe('child instants never precede the parent row they reference (loaded into PostgreSQL)', () => {
  it('a users → orders → items chain: every child instant ≥ its parent created_at, checked by a join', async () => {
    await load(chain, 7, 'c_');
    expect(await count('SELECT count(*) AS n FROM c_orders')).toBeGreaterThan(10_000);
    expect(await count('SELECT count(*) AS n FROM c_orders o JOIN c_users u ON u.id = o.user_id WHERE o.created_at < u.created_at')).toBe(0);
    expect(await count('SELECT count(*) AS n FROM c_orders o JOIN c_users u ON u.id = o.user_id WHERE o.shipped_at < u.created_at')).toBe(0);
    expect(await count('SELECT count(*) AS n FROM c_orders o JOIN c_users u ON u.id = o.user_id WHERE o.updated_at < u.created_at OR o.updated_at < o.created_at')).toBe(0);
    expect(await count('SELECT count(*) AS n FROM c_items i JOIN c_orders o ON o.id = i.order_id WHERE i.created_on < o.created_at')).toBe(0);
    // Not a trivial pass: children are spread over the range, not pinned to their parent's instant.
    expect(await count('SELECT count(*) AS n FROM c_orders o JOIN c_users u ON u.id = o.user_id WHERE o.created_at > u.created_at')).toBeGreaterThan(10_000);
    expect(await count('SELECT count(*) AS n FROM c_orders WHERE shipped_at IS NULL')).toBeGreaterThan(0);
  });

  it('the catalog shop dataset: orders are placed after the user was created; phones carry the country calling code', async () => {
    const shop = resolveDataset('shop', 'dataset');
    await load(shop, 42, 's_');
    expect(await count('SELECT count(*) AS n FROM s_orders o JOIN s_users u ON u.id = o.user_id WHERE o.ordered_at < u.created_at')).toBe(0);
    expect(await count('SELECT count(*) AS n FROM s_orders')).toBeGreaterThan(2000);
    const codes: [string, string][] = [
      ['United States of America', '1'], ['India', '91'], ['United Kingdom', '44'], ['Germany', '49'], ['France', '33'], ['Canada', '1'],
      ['Brazil', '55'], ['Japan', '81'], ['China', '86'], ['Mexico', '52'], ['Spain', '34'], ['Italy', '39'], ['Australia', '61'],
      ['Netherlands', '31'], ['Poland', '48'], ['South Korea', '82'], ['Argentina', '54'], ['Sweden', '46'], ['Ireland', '353'],
      ['Switzerland', '41'], ['New Zealand', '64'], ['South Africa', '27'], ['Nigeria', '234'], ['Egypt', '20'], ['Kenya', '254'],
      ['Turkey', '90'], ['Singapore', '65'],
    ];
    const values = codes.map(([name, code]) => `('${name}', '${code}')`).join(', ');
    const phones = await count('SELECT count(phone) AS n FROM s_users');
    const matching = await count(`SELECT count(*) AS n FROM s_users u JOIN (VALUES ${values}) AS c (country, code) ON c.country = u.country WHERE u.phone LIKE '+' || c.code || ' %'`);
    expect(phones).toBeGreaterThan(800);
    expect(matching).toBe(phones);
  });
});
