import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { DatasetSpec, TableSpec } from '@rowflow/contracts';
import { createDatasetRowStream, createRowStream } from '@rowflow/generator';
import { pgType, quoteIdent, validateDatasetSpec, validateTableSpec } from '@rowflow/schema';
import { from as copyFrom } from 'pg-copy-streams';
import { describe, expect, it } from 'vitest';
import { useDatabaseClient } from '../support/test-database.js';

const ROWS = 5000;

/** Every new column type, loaded into the real PostgreSQL type (citext by hand: it is an extension's). */
const types: TableSpec = validateTableSpec({
  name: 'pg types',
  columns: [
    { name: 'id', type: 'serial' },
    { name: 'b', type: 'bytes', nullRatio: 0.1 },
    { name: 't', type: 'time' },
    { name: 'tz', type: 'time', timezone: true },
    { name: 'i', type: 'interval', min: -3 * 86_400, max: 40 * 86_400 },
    { name: 'm', type: 'macaddr' },
    { name: 'm8', type: 'macaddr', bytes: 8 },
    { name: 'n', type: 'cidr' },
    { name: 'c', type: 'money', min: -100, max: 1e9 },
    { name: 'a_int', type: 'array', element: { type: 'int', min: -50, max: 50, nullRatio: 0.2 } },
    { name: 'a_text', type: 'array', element: { type: 'enum', values: ['a b', 'say "hi"', 'back\\slash', '', 'NULL', '{x}', 'x,y', 'plain'] }, maxLength: 6 },
    { name: 'a_uuid', type: 'array', element: { type: 'uuid' } },
    { name: 'a_tstz', type: 'array', element: { type: 'timestamptz' } },
    { name: 'a_num', type: 'array', element: { type: 'decimal', precision: 9, scale: 3, min: -5, max: 5 } },
    { name: 'a_2d', type: 'array', element: { type: 'int', min: 0, max: 9 }, dimensions: 2, minLength: 1, maxLength: 3 },
    { name: 'r_int', type: 'range', subtype: 'int4range', min: -100, max: 100 },
    { name: 'r_num', type: 'range', subtype: 'numrange' },
    { name: 'r_date', type: 'range', subtype: 'daterange' },
    { name: 'r_tstz', type: 'range', subtype: 'tstzrange', min: '2024-01-01', max: '2024-02-01' },
    { name: 'h', type: 'hstore' },
    { name: 'ci', type: 'email' },
    { name: 'p', type: 'pattern', pattern: '^[A-Z]{2}-\\d{4}(/(x|yz))?$' },
    { name: 'd15', type: 'decimal', precision: 20, scale: 15, min: -99_999, max: 99_999 },
    { name: 'd30', type: 'decimal', precision: 38, scale: 30, min: -1000, max: 1000 },
    { name: 'opens', type: 'time', from: '06:00:00', to: '22:00:00' },
    { name: 'closes', type: 'time', after: { column: 'opens' } },
    { name: 'starts', type: 'date', nullRatio: 0.2 },
    { name: 'ends', type: 'timestamptz', after: { column: 'starts', orEqual: true } },
    { name: 'low', type: 'decimal', precision: 20, scale: 15, min: 0, max: 10 },
    { name: 'high', type: 'decimal', precision: 20, scale: 15, min: 0, max: 10, after: { column: 'low' } },
    { name: 'by_card', type: 'boolean', nullRatio: 0.5 },
    { name: 'by_cash', type: 'money', nullRatio: 0.5 },
    { name: 'by_voucher', type: 'pattern', pattern: '^V\\d{5}$' },
  ],
  exclusive: [{ columns: ['by_card', 'by_cash', 'by_voucher'], required: true }],
});

/** Columns whose text PostgreSQL prints back exactly as generated. */
const CANONICAL = ['b', 't', 'tz', 'i', 'm', 'm8', 'n', 'a_int', 'a_text', 'a_uuid', 'a_num', 'a_2d', 'r_int', 'r_num', 'r_date', 'r_tstz', 'ci', 'p', 'd15', 'd30'];

const db = useDatabaseClient(async (client) => {
  await client.query(`SET TimeZone = 'UTC'`);
  await client.query('CREATE EXTENSION hstore');
  await client.query('CREATE EXTENSION citext');
});

async function copy(table: string, columns: string[], source: Readable): Promise<void> {
  const names = columns.map(quoteIdent).join(', ');
  await pipeline(source, db.client.query(copyFrom(`COPY ${quoteIdent(table)} (${names}) FROM STDIN (FORMAT csv)`)));
}

async function ndjson(source: Readable): Promise<Record<string, unknown>[]> {
  const chunks: Buffer[] = [];
  for await (const c of source) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString().trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
}

async function count(sql: string): Promise<number> {
  return Number((await db.client.query<{ n: string }>(sql)).rows[0]?.n);
}

describe('new column types load into their PostgreSQL types', () => {
  it('every CSV row loads (with CHECKs for after and exclusive) and PostgreSQL parsed what NDJSON says', async () => {
    const cols = types.columns.map((c) => `${quoteIdent(c.name)} ${c.name === 'ci' ? 'citext' : pgType(c)}`);
    await db.client.query(
      `CREATE TABLE "pg types" (${cols.join(', ')}, CHECK (closes > opens), CHECK (ends >= starts), CHECK (high > low), CHECK (num_nonnulls(by_card, by_cash, by_voucher) = 1))`,
    );
    const names = types.columns.map((c) => c.name);
    await copy('pg types', names, createRowStream({ spec: types, seed: 11, rows: ROWS, format: 'csv', header: false }));
    expect(await count('SELECT count(*) AS n FROM "pg types"')).toBe(ROWS);

    const json = await ndjson(createRowStream({ spec: types, seed: 11, rows: ROWS, format: 'ndjson' }));
    const select = CANONICAL.map((c) => `${quoteIdent(c)}::text AS ${quoteIdent(c)}`).join(', ');
    const stored = (await db.client.query<Record<string, string | null>>(`SELECT ${select}, c::numeric::text AS c FROM "pg types" ORDER BY id`)).rows;
    const mismatches: string[] = [];
    stored.forEach((row, k) => {
      for (const c of [...CANONICAL, 'c']) if (row[c] !== (json[k]![c] ?? null)) mismatches.push(`row ${k} ${c}: ${row[c]} vs ${String(json[k]![c])}`);
    });
    expect(mismatches.slice(0, 5)).toEqual([]);
    // Values PostgreSQL re-reads from our literals equal the stored ones (hstore order, timestamptz arrays).
    const same = await db.client.query<{ n: string }>(
      `SELECT count(*) AS n FROM "pg types" t JOIN unnest($1::bigint[], $2::text[], $3::text[]) AS u(id, h, a) ON t.id = u.id WHERE t.h = u.h::hstore AND t.a_tstz = u.a::timestamptz[]`,
      [json.map((r) => r.id), json.map((r) => r.h), json.map((r) => r.a_tstz)],
    );
    expect(Number(same.rows[0]?.n)).toBe(ROWS);
  });

  it('the values cover their domains: NULL elements, empty and 2-D arrays, negative intervals, 15+ fraction digits', async () => {
    expect(await count(`SELECT count(*) AS n FROM "pg types" WHERE array_position(a_int, NULL) IS NOT NULL`)).toBeGreaterThan(100);
    expect(await count(`SELECT count(*) AS n FROM "pg types" WHERE cardinality(a_uuid) = 0`)).toBeGreaterThan(100);
    expect(await count(`SELECT count(*) AS n FROM "pg types" WHERE array_ndims(a_2d) = 2`)).toBe(ROWS);
    expect(await count(`SELECT count(*) AS n FROM "pg types" WHERE i < interval '0'`)).toBeGreaterThan(50);
    expect(await count(`SELECT count(DISTINCT d30) AS n FROM "pg types"`)).toBe(ROWS);
    expect(await count(`SELECT count(*) AS n FROM "pg types" WHERE 'say "hi"' = ANY (a_text) AND '' = ANY (a_text)`)).toBeGreaterThan(10);
    expect(await count(`SELECT count(*) AS n FROM "pg types" WHERE isempty(r_int) OR isempty(r_tstz) OR NOT p ~ '^[A-Z]{2}-\\d{4}(/(x|yz))?$'`)).toBe(0);
  });
});

/** Composite keys of text members, extra unique keys and composite foreign keys, under real constraints. */
const shop: DatasetSpec = validateDatasetSpec({
  name: 'shop',
  tables: [
    {
      name: 'stores',
      rows: 500,
      columns: [
        { name: 'chain', type: 'text' },
        { name: 'no', type: 'int', min: 1, max: 40 },
        { name: 'code', type: 'char', length: 3 },
        { name: 'region', type: 'enum', values: ['north', 'south', 'east', 'west'] },
        { name: 'opened', type: 'date' },
      ],
      compositeKey: { columns: ['chain', 'no'], primaryKey: true },
      uniqueKeys: [{ columns: ['code', 'region'] }],
    },
    {
      name: 'store_details',
      rows: 500,
      columns: [{ name: 'chain', type: 'text' }, { name: 'no', type: 'int' }, { name: 'floor_area', type: 'decimal', precision: 12, scale: 10, min: 0, max: 99 }],
      compositeKey: { columns: ['chain', 'no'], primaryKey: true },
      foreignKeys: [{ columns: ['chain', 'no'], references: { table: 'stores', columns: ['chain', 'no'] } }],
    },
    {
      name: 'visits',
      rows: 4000,
      columns: [
        { name: 'id', type: 'serial', primaryKey: true },
        { name: 'store_chain', type: 'text', nullRatio: 0.1 },
        { name: 'store_no', type: 'int' },
        { name: 'at_code', type: 'text' },
        { name: 'at_region', type: 'text' },
      ],
      foreignKeys: [
        { columns: ['store_chain', 'store_no'], references: { table: 'stores', columns: ['chain', 'no'] } },
        { columns: ['at_code', 'at_region'], references: { table: 'stores', columns: ['code', 'region'] } },
      ],
    },
  ],
});

describe('composite keys and foreign keys by construction', () => {
  it('loads under PRIMARY KEY / UNIQUE / FOREIGN KEY constraints over several columns, one-to-one included', async () => {
    await db.client.query(`CREATE TABLE stores (chain text, no integer, code char(3), region text, opened date, PRIMARY KEY (chain, no), UNIQUE (code, region))`);
    await db.client.query(`CREATE TABLE store_details (chain text, no integer, floor_area numeric(12,10), PRIMARY KEY (chain, no), FOREIGN KEY (chain, no) REFERENCES stores)`);
    await db.client.query(
      `CREATE TABLE visits (id bigint PRIMARY KEY, store_chain text, store_no integer, at_code char(3), at_region text,
        FOREIGN KEY (store_chain, store_no) REFERENCES stores (chain, no), FOREIGN KEY (at_code, at_region) REFERENCES stores (code, region))`,
    );
    for (const t of shop.tables) {
      await copy(t.name, t.columns.map((c) => c.name), createDatasetRowStream({ dataset: shop, table: t.name, seed: 3, format: 'csv', header: false }));
    }
    expect(await count('SELECT count(*) AS n FROM visits')).toBe(4000);
    expect(await count('SELECT count(*) AS n FROM store_details')).toBe(500);
    // MATCH SIMPLE lets a partly NULL key through: the members must be NULL together.
    expect(await count('SELECT count(*) AS n FROM visits WHERE (store_chain IS NULL) <> (store_no IS NULL)')).toBe(0);
    expect(await count('SELECT count(*) AS n FROM visits WHERE store_chain IS NULL')).toBeGreaterThan(200);
  });
});
