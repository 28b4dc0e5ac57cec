import { createHash } from 'node:crypto';
import type { TableSpec } from '@rowflow/contracts';
import { ValidationError } from '@rowflow/contracts';
import { catalog, findTable } from '@rowflow/schema';
import { describe, expect, it } from 'vitest';
import { FeistelPermutation } from './feistel.js';
import { createRowStream, resolveSeed } from './row-stream.js';
import { collect, ndjsonRows, parseCsv } from './test-helpers.js';
import { CITIES_BY_COUNTRY, COUNTRIES } from './dictionaries.js';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

describe('determinism', () => {
  it.each(catalog.map((t) => t.name))('%s: same (spec, seed, rows) gives identical bytes; another seed differs', async (name) => {
    const spec = findTable(name);
    for (const format of ['csv', 'ndjson'] as const) {
      const a = await collect({ spec, rows: 3000, format });
      const b = await collect({ spec, rows: 3000, format, chunkBytes: 1000 });
      expect(sha(a)).toBe(sha(b));
      if (name !== 'pgbench_accounts') expect(sha(await collect({ spec, rows: 3000, format, seed: 43 }))).not.toBe(sha(a));
    }
  });

  it.each(catalog.map((t) => t.name))('%s: [0,k) + [k,N) equals [0,N) for several k, both formats', async (name) => {
    const spec = findTable(name);
    const N = 2500;
    for (const format of ['csv', 'ndjson'] as const) {
      const whole = await collect({ spec, rows: N, format });
      for (const k of [1, 7, 1000, 1777, N - 1]) {
        const head = await collect({ spec, rows: k, format });
        const tail = await collect({ spec, rows: N - k, offset: k, format });
        expect(head + tail).toBe(whole);
      }
    }
  });

  it('a far offset gives the same row as the long way round would (row k depends only on k)', async () => {
    const spec = findTable('users');
    const far = await ndjsonRows({ spec, rows: 3, offset: 5_000_000_000 });
    const again = await ndjsonRows({ spec, rows: 1, offset: 5_000_000_001 });
    expect(far[1]).toEqual(again[0]);
    expect(far[0]!.id).toBe(5_000_000_001);
  });

  it('resolveSeed keeps a given seed and picks a positive one for 0/absent', () => {
    expect(resolveSeed(7)).toBe(7);
    for (const s of [resolveSeed(0), resolveSeed(undefined)]) expect(Number.isSafeInteger(s) && s > 0).toBe(true);
  });
});

describe('column stability', () => {
  it('adding or removing columns does not change the other columns', async () => {
    const users = findTable('users');
    const base = await ndjsonRows({ spec: users, rows: 500 });
    const removed: TableSpec = { ...users, columns: users.columns.filter((c) => !['first_name', 'last_name', 'city', 'phone'].includes(c.name)) };
    const added: TableSpec = { ...users, columns: [{ name: 'extra', type: 'uuid' }, ...users.columns, { name: 'more', type: 'text', mode: 'sentence' }] };
    const rowsRemoved = await ndjsonRows({ spec: removed, rows: 500 });
    const rowsAdded = await ndjsonRows({ spec: added, rows: 500 });
    base.forEach((row, i) => {
      for (const c of removed.columns) expect(rowsRemoved[i]![c.name]).toEqual(row[c.name]);
      for (const c of users.columns) expect(rowsAdded[i]![c.name]).toEqual(row[c.name]);
    });
  });
});

describe('coherence', () => {
  it('email and username come from the row name; city belongs to the country', async () => {
    const rows = await ndjsonRows({ spec: findTable('users'), rows: 2000 });
    const letters = (s: unknown) => String(s).toLowerCase().replace(/[^a-z]/g, '');
    for (const r of rows) {
      expect(String(r.email)).toContain(letters(r.last_name));
      expect(String(r.username).startsWith(letters(r.first_name))).toBe(true);
      const ci = COUNTRIES.indexOf(String(r.country));
      expect(ci).toBeGreaterThanOrEqual(0);
      expect(CITIES_BY_COUNTRY[ci]).toContain(r.city);
    }
  });
});

describe('uniqueness and ranges by construction', () => {
  it('200k users: id, email, username unique', async () => {
    const text = await collect({ spec: findTable('users'), rows: 200_000, header: false });
    const rows = parseCsv(text);
    expect(rows.length).toBe(200_000);
    for (const col of [0, 3, 4]) expect(new Set(rows.map((r) => r[col])).size).toBe(200_000);
  });

  it('200k orders: order_ref uuids unique and v4; user_id within 1..100000', async () => {
    const rows = parseCsv(await collect({ spec: findTable('orders'), rows: 200_000, header: false }));
    const refs = rows.map((r) => r[2]!);
    expect(new Set(refs).size).toBe(200_000);
    for (const u of refs.slice(0, 5000)) expect(u).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    for (const r of rows) {
      const fk = Number(r[1]);
      expect(fk >= 1 && fk <= 100_000 && Number.isInteger(fk)).toBe(true);
    }
  });

  it('a unique int over exactly `rows` values is a permutation of the range; one more row is a 400', async () => {
    const spec: TableSpec = { name: 't', columns: [{ name: 'n', type: 'int', min: 10, max: 1009, unique: true }] };
    const values = parseCsv(await collect({ spec, rows: 1000, header: false })).map((r) => Number(r[0]));
    expect(new Set(values).size).toBe(1000);
    expect(Math.min(...values)).toBe(10);
    expect(Math.max(...values)).toBe(1009);
    expect(() => createRowStream({ spec, seed: 1, rows: 1001, format: 'csv' })).toThrow(ValidationError);
  });

  it('rows beyond 2^53 are refused before any byte (offset field)', () => {
    expect(() => createRowStream({ spec: findTable('users'), seed: 1, offset: Number.MAX_SAFE_INTEGER - 5, rows: 10, format: 'csv' })).toThrow(/offset/);
  });

  it('Feistel permutation is a bijection for awkward sizes', () => {
    for (const n of [1, 2, 3, 1000, 1025, 65536]) {
      const p = new FeistelPermutation(n, 12345);
      const seen = new Set<number>();
      for (let i = 0; i < n; i++) seen.add(p.apply(i));
      expect(seen.size).toBe(n);
      expect([...seen].every((v) => v >= 0 && v < n)).toBe(true);
    }
  });

  it('unique uuids stay unique across far-apart row blocks', async () => {
    const spec: TableSpec = { name: 't', columns: [{ name: 'u', type: 'uuid', unique: true }, { name: 'e', type: 'email', unique: true }] };
    const seen = new Set<string>();
    for (const offset of [0, 65_536 * 3, 2 ** 32 - 100, 2 ** 40]) {
      for (const r of parseCsv(await collect({ spec, rows: 5000, offset, header: false }))) {
        seen.add(r[0]!);
        seen.add(r[1]!);
      }
    }
    expect(seen.size).toBe(4 * 5000 * 2);
  });
});

describe('CSV encoding', () => {
  const tricky = ['plain', 'with,comma', 'with "quotes"', 'multi\nline', 'cr\r\nlf', '', '\\.', ' spaced ', 'ünïcødé'];
  const spec: TableSpec = {
    name: 'tricky',
    columns: [
      { name: 'id', type: 'serial' },
      { name: 'v', type: 'enum', values: tricky },
      { name: 'maybe', type: 'enum', values: ['x'], nullRatio: 0.3 },
    ],
  };

  it('round-trips commas, quotes, newlines, empty strings and NULLs (RFC 4180)', async () => {
    const csvRows = parseCsv(await collect({ spec, rows: 3000 }));
    const json = await ndjsonRows({ spec, rows: 3000 });
    expect(csvRows[0]).toEqual(['id', 'v', 'maybe']);
    expect(csvRows.length - 1).toBe(json.length);
    json.forEach((row, i) => {
      expect(csvRows[i + 1]).toEqual([String(row.id), row.v, row.maybe]);
    });
    expect(new Set(json.map((r) => r.v))).toEqual(new Set(tricky));
    const nulls = json.filter((r) => r.maybe === null).length / json.length;
    expect(nulls).toBeGreaterThan(0.25);
    expect(nulls).toBeLessThan(0.35);
  });

  it('writes decimals with exactly `scale` digits and vectors in pgvector format', async () => {
    const rows = parseCsv(await collect({ spec: findTable('products'), rows: 2000, header: false }));
    for (const r of rows) {
      expect(r[5]).toMatch(/^\d+\.\d{2}$/);
      if (r[7] !== null) expect(r[7]).toMatch(/^\d+\.\d{3}$/);
      expect(r[9]).toMatch(/^\[(-?\d+(\.\d+)?,){15}-?\d+(\.\d+)?\]$/);
      expect(() => JSON.parse(r[8]!)).not.toThrow();
    }
  });

  it('header defaults to true at offset 0 and false elsewhere', async () => {
    const spec = findTable('pgbench_accounts');
    expect((await collect({ spec, rows: 1 })).startsWith('aid,bid,abalance,filler\n')).toBe(true);
    expect(await collect({ spec, rows: 1, offset: 100_000 })).toBe('100001,2,0,""\n');
    expect(await collect({ spec, rows: 1, offset: 5, header: true })).toBe('aid,bid,abalance,filler\n6,1,0,""\n');
  });
});
