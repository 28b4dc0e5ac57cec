import { pipeline } from 'node:stream/promises';
import type { TableSpec } from '@rowflow/contracts';
import { createRowStream } from '@rowflow/generator';
import { catalog, COLUMN_TYPES, pgType, quoteIdent } from '@rowflow/schema';
import { from as copyFrom } from 'pg-copy-streams';
import { describe, expect, it } from 'vitest';
import { useDatabaseClient } from '../support/test-database.js';

/** One column of every type (but PostGIS geometry: not on the test server), with NULLs, tricky text and an identifier that needs quoting. */
const allTypes: TableSpec = {
  name: 'All "types", quoted',
  columns: [
    ...COLUMN_TYPES.filter((type) => type !== 'geometry').map((type) => ({
      name: `c_${type}`,
      type,
      ...(type === 'enum' ? { values: ['a,b', 'say "hi"', 'two\nlines', '', '\\.'] } : {}),
      ...(type === 'foreignKey' ? { references: { table: 'users', column: 'id', rows: 1000 }, distribution: 'zipf' as const } : {}),
      ...(type === 'serial' ? {} : { nullRatio: 0.1 }),
      ...(type === 'array' ? { element: { type: 'text' as const } } : {}),
      ...(type === 'range' ? { subtype: 'numrange' as const } : {}),
      ...(type === 'pattern' ? { pattern: '^[a-z]{2}, "[0-9]+"$' } : {}),
    })),
    { name: 'Weird "Name", x', type: 'int', min: -5, max: 5, distribution: 'normal' },
    { name: 'u_int', type: 'int', min: 1, max: 50_000, unique: true },
    { name: 'u_big', type: 'bigint', min: -1e15, max: 1e15, unique: true },
    { name: 'u_uuid', type: 'uuid', unique: true },
    { name: 'u_email', type: 'email', unique: true },
    { name: 'u_user', type: 'username', unique: true },
    { name: 'neg_dec', type: 'decimal', precision: 6, scale: 4, min: -12.5, max: 12.5 },
    { name: 'ev_time', type: 'timestamp', mode: 'sequence', from: '2024-02-28T23:59:00', stepMs: 997 },
    { name: 'old_date', type: 'date', from: '0900-01-01', to: '1600-12-31' },
  ],
} as TableSpec;

const db = useDatabaseClient(async (client) => {
  await client.query('CREATE EXTENSION hstore');
});

async function load(spec: TableSpec, rows: number, seed = 42, offset = 0): Promise<void> {
  const cols = spec.columns.map((c) => `${quoteIdent(c.name)} ${pgType(c)}`).join(', ');
  await db.client.query(`DROP TABLE IF EXISTS ${quoteIdent(spec.name)}`);
  await db.client.query(`CREATE TABLE ${quoteIdent(spec.name)} (${cols})`);
  const names = spec.columns.map((c) => quoteIdent(c.name)).join(', ');
  const source = createRowStream({ spec, seed, rows, offset, format: 'csv', header: false });
  const copy = db.client.query(copyFrom(`COPY ${quoteIdent(spec.name)} (${names}) FROM STDIN (FORMAT csv)`));
  await pipeline(source, copy);
}

async function scalar(sql: string): Promise<unknown> {
  return Object.values((await db.client.query(sql)).rows[0] as object)[0];
}

describe('every CSV row loads into PostgreSQL via COPY into pgType columns', () => {
  it.each(catalog.map((t) => t.name))('%s', async (name) => {
    const spec = catalog.find((t) => t.name === name)!;
    const rows = name === 'products' ? 10_000 : 30_000;
    await load(spec, rows);
    expect(Number(await scalar(`SELECT count(*) FROM ${quoteIdent(name)}`))).toBe(rows);
    for (const c of spec.columns.filter((col) => col.unique || col.primaryKey)) {
      expect(Number(await scalar(`SELECT count(DISTINCT ${quoteIdent(c.name)}) FROM ${quoteIdent(name)}`))).toBe(rows);
    }
  });

  it('pgbench_accounts has pgbench values: bid = (aid-1)/100000+1, abalance 0, 84-char blank filler', async () => {
    await load(catalog.find((t) => t.name === 'pgbench_accounts')!, 1000, 1, 199_500);
    const bad = await scalar(`SELECT count(*) FROM pgbench_accounts WHERE bid <> (aid - 1) / 100000 + 1 OR abalance <> 0 OR octet_length(filler) <> 84 OR trim(filler) <> ''`);
    expect(Number(bad)).toBe(0);
    expect(await scalar('SELECT min(aid) FROM pgbench_accounts')).toBe(199_501);
  });

  it('a schema with every column type, NULLs, tricky text and quoted identifiers loads and matches NDJSON', async () => {
    await load(allTypes, 50_000, 7);
    const t = quoteIdent(allTypes.name);
    expect(Number(await scalar(`SELECT count(*) FROM ${t}`))).toBe(50_000);
    for (const c of ['u_int', 'u_big', 'u_uuid', 'u_email', 'u_user', 'c_serial']) {
      expect(Number(await scalar(`SELECT count(DISTINCT ${quoteIdent(c)}) FROM ${t}`))).toBe(50_000);
    }
    expect(Number(await scalar(`SELECT count(*) FROM ${t} WHERE "c_foreignKey" NOT BETWEEN 1 AND 1000`))).toBe(0);
    const nulls = Number(await scalar(`SELECT count(*) FROM ${t} WHERE c_text IS NULL`)) / 50_000;
    expect(nulls).toBeGreaterThan(0.08);
    expect(nulls).toBeLessThan(0.12);
    // Values PostgreSQL read equal what NDJSON says (tricky enum text, empty string vs NULL).
    const chunks: Buffer[] = [];
    for await (const c of createRowStream({ spec: allTypes, seed: 7, rows: 300, format: 'ndjson' })) chunks.push(c as Buffer);
    const json = Buffer.concat(chunks).toString().trimEnd().split('\n').map((l) => JSON.parse(l));
    const fromPg = (await db.client.query(`SELECT c_enum, c_decimal::text AS d, c_uuid::text AS u FROM ${t} ORDER BY c_serial LIMIT 300`)).rows;
    fromPg.forEach((r, i) => {
      expect(r.c_enum).toBe(json[i].c_enum);
      expect(r.d).toBe(json[i].c_decimal);
      expect(r.u).toBe(json[i].c_uuid);
    });
    expect(Number(await scalar(`SELECT count(*) FROM ${t} WHERE c_enum = ''`))).toBeGreaterThan(0);
  });
});
