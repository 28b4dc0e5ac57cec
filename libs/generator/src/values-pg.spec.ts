import type { ColumnSpec, TableSpec } from '@rowflow/contracts';
import { parsePattern, validateTableSpec } from '@rowflow/schema';
import { describe, expect, it } from 'vitest';
import { Rng } from './hash.js';
import { collect, ndjsonRows, parseCsv } from './test-helpers.js';
import { arrayElementLiteral } from './values-array.js';
import { toUnits } from './values-numeric.js';
import { generateFromPattern } from './values-pattern.js';
import { formatInterval } from './values-pg.js';

/** One column of each new type (validated, as a job would get it). */
const NEW_TYPES: ColumnSpec[] = [
  { name: 'b', type: 'bytes' },
  { name: 't', type: 'time', from: '08:00:00', to: '18:00:00' },
  { name: 'tz', type: 'time', timezone: true, nullRatio: 0.2 },
  { name: 'i', type: 'interval', min: -7200, max: 5 * 86_400 },
  { name: 'm6', type: 'macaddr' },
  { name: 'm8', type: 'macaddr', bytes: 8 },
  { name: 'n', type: 'cidr' },
  { name: 'c', type: 'money', min: -5, max: 1e6 },
  { name: 'ai', type: 'array', element: { type: 'int', min: -9, max: 9, nullRatio: 0.1 } },
  { name: 'at', type: 'array', element: { type: 'enum', values: ['a b', 'say "hi"', 'back\\slash', '', 'NULL', '{x}', 'ok'] }, minLength: 1, maxLength: 5 },
  { name: 'a2', type: 'array', element: { type: 'uuid' }, dimensions: 2, minLength: 1, maxLength: 3 },
  { name: 'r4', type: 'range', subtype: 'int4range', min: 1, max: 100 },
  { name: 'rn', type: 'range', subtype: 'numrange' },
  { name: 'rd', type: 'range', subtype: 'daterange', min: '2024-01-01', max: '2024-03-01' },
  { name: 'rz', type: 'range', subtype: 'tstzrange' },
  { name: 'h', type: 'hstore' },
  { name: 'g', type: 'geometry', geometryType: 'MultiPolygon' },
  { name: 'p', type: 'pattern', pattern: '^[A-Z]{2}-\\d{3,5}(-(x|yz))?$' },
  { name: 'd', type: 'decimal', precision: 20, scale: 15, min: -9999, max: 9999 },
] as ColumnSpec[];

const spec: TableSpec = validateTableSpec({ name: 'new_types', columns: NEW_TYPES });

describe('generators of the new column types', () => {
  it('write values in PostgreSQL input syntax', async () => {
    const rows = await ndjsonRows({ spec, rows: 400, seed: 3 });
    const formats: Record<string, RegExp> = {
      b: /^\\x([0-9a-f]{2}){4,32}$/,
      t: /^(0[89]|1[0-7]):[0-5]\d:[0-5]\d$|^18:00:00$/,
      tz: /^\d\d:\d\d:\d\d\+00$|^null$/,
      i: /^-?(\d+ days? -?)?\d\d:\d\d:\d\d$/,
      m6: /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/,
      m8: /^[0-9a-f]{2}(:[0-9a-f]{2}){7}$/,
      n: /^\d+\.\d+\.\d+\.\d+\/(8|16|24)$/,
      c: /^-?\d+\.\d\d$/,
      ai: /^\{((-?\d|NULL)(,(-?\d|NULL))*)?\}$/,
      a2: /^\{(\{[0-9a-f-]{36}(,[0-9a-f-]{36})*\})(,\{[0-9a-f-]{36}(,[0-9a-f-]{36})*\})*\}$/,
      r4: /^\[\d+,\d+\)$/,
      rn: /^\[\d+\.\d\d,\d+\.\d\d\)$/,
      rd: /^\[2024-0[12]-\d\d,2024-0[123]-\d\d\)$/,
      rz: /^\["\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\+00","\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\+00"\)$/,
      h: /^"\w+"=>"\w+"(, "\w+"=>"\w+")*$/,
      g: /^SRID=4326;MULTIPOLYGON\(\(\(.*\)\)\)$/,
      p: /^[A-Z]{2}-\d{3,5}(-(x|yz))?$/,
      d: /^-?\d{1,4}\.\d{15}$/,
    };
    for (const row of rows) {
      for (const [name, re] of Object.entries(formats)) expect(String(row[name]), name).toMatch(re);
      expect(row.tz === null || typeof row.tz === 'string').toBe(true);
    }
    expect(rows.filter((r) => r.tz === null).length).toBeGreaterThan(40);
    // Ranges are never empty and stay inside their bounds.
    for (const row of rows) {
      const [lo, hi] = String(row.r4).slice(1, -1).split(',').map(Number);
      expect(lo).toBeLessThan(hi!);
      expect(lo).toBeGreaterThanOrEqual(1);
      expect(hi).toBeLessThanOrEqual(100);
      expect(Math.abs(Number(row.d))).toBeLessThanOrEqual(9999);
    }
    // The wide decimal really uses its 15 fraction digits (not a float's 2^53 grid).
    expect(new Set(rows.map((r) => String(r.d).slice(-6))).size).toBeGreaterThan(350);
  });

  it('rows [k, k+n) at an offset are the same bytes as in the full run, each type, both formats', async () => {
    for (const col of spec.columns) {
      const one: TableSpec = { name: 'new_types', columns: [col] };
      for (const format of ['csv', 'ndjson'] as const) {
        const whole = await collect({ spec: one, rows: 300, format, header: false });
        const lines = whole.split('\n');
        const part = await collect({ spec: one, rows: 50, offset: 123, format, header: false, chunkBytes: 100 });
        // CSV lines of these types never contain a newline, so lines index rows.
        expect(part, `${col.name} ${format}`).toBe(`${lines.slice(123, 173).join('\n')}\n`);
      }
    }
  });

  it('CSV quotes array literals holding quotes and commas; the literal itself escapes elements', async () => {
    const csv = parseCsv(await collect({ spec: { name: 't', columns: [spec.columns.find((c) => c.name === 'at')!] }, rows: 200, header: false }));
    const seen = new Set(csv.flatMap(([v]) => (v ?? '').slice(1, -1).match(/"(?:[^"\\]|\\.)*"|[^,]+/g) ?? []));
    expect(seen).toEqual(new Set(['"a b"', '"say \\"hi\\""', '"back\\\\slash"', '""', '"NULL"', '"{x}"', 'ok']));
  });

  it('array element literals follow array_in: NULL bare, specials quoted and escaped', () => {
    expect([null, 1, true, 'x', '', 'null', 'a,b', 'a"b', 'a\\b', ' x', '{1}'].map(arrayElementLiteral)).toEqual(['NULL', '1', 'true', 'x', '""', '"null"', '"a,b"', '"a\\"b"', '"a\\\\b"', '" x"', '"{1}"']);
  });

  it.each(['^[a-z0-9_]{3,8}$', '^\\w+@(example|test)\\.(com|org)$', '^[^a-z]{4}$', '^(?:ab|c)*x?$', '^\\d{2}\\.\\d{2}\\.[0-9]{4}$', '^...-[A-F0-9]+$'])(
    'pattern %s: every drawn string matches the expression',
    (source) => {
      const tree = parsePattern(source);
      const re = new RegExp(source);
      const r = new Rng().seed(7);
      for (let i = 0; i < 500; i++) expect(generateFromPattern(tree, r)).toMatch(re);
    },
  );

  it('interval text is PostgreSQL’s own', () => {
    expect([0, 59, 86_400, 90_061, -3600, -90_061].map(formatInterval)).toEqual(['00:00:00', '00:00:59', '1 day 00:00:00', '1 day 01:01:01', '-01:00:00', '-1 day -01:01:01']);
  });

  it('toUnits converts a bound exactly, rounding up or down', () => {
    expect(toUnits(0.1, 15, true)).toBe(100000000000000n);
    expect(toUnits(-1.2345, 2, true)).toBe(-123n);
    expect(toUnits(-1.2345, 2, false)).toBe(-124n);
    expect(toUnits(1e22, 2, false)).toBe(10n ** 24n);
  });
});
