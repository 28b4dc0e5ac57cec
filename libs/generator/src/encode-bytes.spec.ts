import type { ColumnSpec, ColumnType, TableSpec } from '@rowflow/contracts';
import { validateTableSpec } from '@rowflow/schema';
import { describe, expect, it } from 'vitest';
import { byteWriterOf, type Cell, type CellKind, type CompiledColumn, setByteWriter } from './column.js';
import { compileTable } from './compile.js';
import { csvEncoder, csvHeader, ndjsonEncoder, type RowEncoder } from './encode.js';
import { ByteSink, type ByteRowEncoder, csvByteEncoder, ndjsonByteEncoder } from './encode-bytes.js';
import { RowContext } from './row-context.js';
import { collect } from './test-helpers.js';

/**
 * The byte encoders must write exactly the UTF-8 of what the string encoders build: the string
 * encoders stay as the reference (and the path of SQL and partitioned streams).
 */

/** Small seeded PRNG (mulberry32) so a failing case can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One column of every type (with the variants whose writers differ: unique, sequence, NULLs). */
const EVERY_TYPE: Record<ColumnType, ColumnSpec[]> = {
  serial: [{ name: 'id', type: 'serial', primaryKey: true }],
  int: [{ name: 'i', type: 'int', min: -50, max: 50, nullRatio: 0.1 }],
  bigint: [{ name: 'big', type: 'bigint', min: -(2 ** 52), max: 2 ** 52 }],
  decimal: [{ name: 'dec', type: 'decimal', precision: 12, scale: 4, min: -1000, max: 1000 }],
  boolean: [{ name: 'flag', type: 'boolean', nullRatio: 0.3 }],
  uuid: [{ name: 'u', type: 'uuid' }],
  text: [
    { name: 'words', type: 'text', mode: 'sentence', nullRatio: 0.2 },
    { name: 'para', type: 'text', mode: 'paragraph' },
    { name: 'zip', type: 'text', mode: 'postalCode', countryColumn: 'cc', nullRatio: 0.1 },
    { name: 'zip_own', type: 'text', mode: 'postalCode' },
    { name: 'state', type: 'text', mode: 'state', countryColumn: 'cc' },
  ],
  enum: [
    { name: 'e', type: 'enum', values: ['a,b', 'say "hi"', 'line\nbreak', 'cr\rx', '', '\\.', 'été', '中文', '😀', 'back\\slash', 'tab\tx', 'NULL', 'plain'] },
    // A country column of codes and names: location columns below follow it (phones and postcodes have byte writers).
    { name: 'cc', type: 'enum', values: ['US', 'GB', 'DE', 'Japan', 'BRA', 'Česko', 'nowhere'], nullRatio: 0.1 },
  ],
  date: [{ name: 'd', type: 'date', nullRatio: 0.2 }],
  timestamp: [{ name: 'ts', type: 'timestamp', from: '1969-12-30T00:00:00Z', to: '2031-01-01T00:00:00Z' }],
  timestamptz: [
    { name: 'tstz', type: 'timestamptz', nullRatio: 0.25 },
    { name: 'tstz_seq', type: 'timestamptz', mode: 'sequence', stepMs: 1234 },
  ],
  firstName: [{ name: 'fn', type: 'firstName' }],
  lastName: [{ name: 'ln', type: 'lastName' }],
  fullName: [{ name: 'full', type: 'fullName' }],
  email: [
    { name: 'email', type: 'email', unique: true },
    { name: 'email_any', type: 'email', nullRatio: 0.5 },
  ],
  username: [
    { name: 'user', type: 'username', unique: true },
    { name: 'user_any', type: 'username' },
  ],
  phone: [
    { name: 'phone', type: 'phone', nullRatio: 0.1 },
    { name: 'phone_cc', type: 'phone', countryColumn: 'cc' },
  ],
  streetAddress: [
    { name: 'street', type: 'streetAddress' },
    { name: 'street_cc', type: 'streetAddress', countryColumn: 'cc' },
  ],
  city: [
    { name: 'city', type: 'city' },
    { name: 'city_cc', type: 'city', countryColumn: 'cc' },
  ],
  country: [{ name: 'country', type: 'country' }],
  company: [{ name: 'company', type: 'company', nullRatio: 0.2 }],
  jobTitle: [{ name: 'job', type: 'jobTitle', nullRatio: 0.2 }],
  url: [{ name: 'url', type: 'url' }],
  ip: [{ name: 'ip', type: 'ip' }],
  json: [{ name: 'doc', type: 'json' }],
  vector: [{ name: 'vec', type: 'vector', dimensions: 5 }],
  char: [
    { name: 'code', type: 'char', length: 3 },
    { name: 'blank', type: 'char', length: 84, mode: 'blank' },
  ],
  foreignKey: [{ name: 'fk', type: 'foreignKey', references: { table: 'parents', column: 'id', rows: 500 }, distribution: 'zipf' }],
  bytes: [{ name: 'b', type: 'bytes', nullRatio: 0.1 }],
  time: [{ name: 't', type: 'time', timezone: true }],
  interval: [{ name: 'iv', type: 'interval', min: -3 * 86_400, max: 40 * 86_400 }],
  macaddr: [{ name: 'mac', type: 'macaddr' }],
  cidr: [{ name: 'net', type: 'cidr' }],
  money: [{ name: 'm', type: 'money', min: -100, max: 1e9 }],
  array: [{ name: 'arr', type: 'array', element: { type: 'enum', values: ['a b', 'say "hi"', 'back\\slash', '', 'x,y'] }, maxLength: 4 }],
  range: [
    { name: 'r', type: 'range', subtype: 'tstzrange' },
    { name: 'r_int', type: 'range', subtype: 'int4range', min: -100, max: 100 },
  ],
  hstore: [{ name: 'h', type: 'hstore' }],
  geometry: [{ name: 'g', type: 'geometry', geometryType: 'Polygon' }],
  pattern: [{ name: 'p', type: 'pattern', pattern: '^[A-Z]{2}-\\d{4}(/(x|yz))?$' }],
};

const SPEC: TableSpec = validateTableSpec({ name: 'every_type', columns: Object.values(EVERY_TYPE).flat() });

/** The reference: the string encoder's rows [offset, offset + rows), with the CSV header at offset 0. */
function reference(spec: TableSpec, seed: number, format: 'csv' | 'ndjson', offset: number, rows: number): string {
  const columns = compileTable(spec, seed);
  const encode = format === 'csv' ? csvEncoder(columns) : ndjsonEncoder(columns);
  const row = new RowContext(seed, spec.name);
  let out = format === 'csv' && offset === 0 ? csvHeader(columns) : '';
  for (let k = offset; k < offset + rows; k++) {
    row.setRow(k);
    out += encode(row);
  }
  return out;
}

describe('byte encoder = string encoder, every column type', () => {
  it('covers every column type', () => {
    expect(new Set(SPEC.columns.map((c) => c.type)).size).toBe(Object.keys(EVERY_TYPE).length);
  });

  it('phones, postcodes and states keep their byte writers, following a country column or not', () => {
    const columns = compileTable(SPEC, 1);
    for (const name of ['phone', 'phone_cc', 'zip', 'zip_own', 'state']) expect(byteWriterOf(columns.find((c) => c.name === name)!), name).toBeDefined();
  });

  const r = prng(2026);
  const cases = Array.from({ length: 12 }, (_, i) => ({
    seed: 1 + Math.floor(r() * 2 ** 40),
    format: i % 2 === 0 ? ('csv' as const) : ('ndjson' as const),
    offset: [0, 1, 65_535, 65_536, 4_294_967_295, 5_000_000_000][i % 6]!,
    rows: 1 + Math.floor(r() * 600),
    chunkBytes: [1, 7, 300, 4096, 65_536][Math.floor(r() * 5)]!,
  }));
  it.each(cases)('seed $seed $format offset $offset rows $rows chunkBytes $chunkBytes', async ({ seed, format, offset, rows, chunkBytes }) => {
    const got = await collect({ spec: SPEC, seed, format, offset, rows, chunkBytes });
    expect(got).toBe(reference(SPEC, seed, format, offset, rows));
  });

  it('a dataset-style key offset and a header mid-stream give the same bytes', async () => {
    const spec = validateTableSpec({ ...SPEC, keyOffset: 1000 });
    const got = await collect({ spec, seed: 9, format: 'csv', offset: 10, rows: 200, header: true });
    expect(got).toBe(csvHeader(compileTable(spec, 9)) + reference(spec, 9, 'csv', 10, 200));
  });
});

/** Characters that stress CSV and JSON: separators, quotes, line breaks, escapes, multi-byte, astral, lone surrogates. */
const ALPHABET = ['a', 'Z', '0', ' ', ',', '"', '\n', '\r', '\\', '.', ';', '\t', '\u0001', '\u007f', 'é', 'ß', '中', '😀', '\u2028', "'", '\ud800', '\udfff', '\ufffd'];
const NUMBERS = [0, -0, 1, -1, 7, 10, 99, 100, 123_456_789, -987_654_321, 2 ** 31, 2 ** 53 - 1, -(2 ** 53) + 1, 2 ** 53, 2 ** 60, 1e21, 1.5, -0.25, 1 / 3, 1e-7, NaN, Infinity, -Infinity];

function randomText(r: () => number): string {
  const roll = r();
  if (roll < 0.1) return '';
  if (roll < 0.15) return '\\.';
  const len = roll < 0.9 ? Math.floor(r() * 12) : Math.floor(r() * 200); // past the short-string loop too
  let s = '';
  for (let i = 0; i < len; i++) s += ALPHABET[Math.floor(r() * ALPHABET.length)]!;
  return s;
}

/** A random value of a kind, as that kind's generators return them. */
function randomCell(kind: CellKind, r: () => number): Cell {
  if (r() < 0.1) return null;
  switch (kind) {
    case 'number':
      return r() < 0.5 ? NUMBERS[Math.floor(r() * NUMBERS.length)]! : Math.floor((r() - 0.5) * 2 ** (1 + Math.floor(r() * 53)));
    case 'boolean':
      return r() < 0.5;
    case 'plain': {
      let s = '';
      for (let i = Math.floor(r() * 60); i > 0; i--) s += 'az09-:. TéZ中😀'.charAt(Math.floor(r() * 13));
      return s;
    }
    case 'text':
      return randomText(r);
    case 'json':
      return JSON.stringify({ k: randomText(r), n: Math.floor(r() * 100) });
  }
}

const KINDS: CellKind[] = ['number', 'plain', 'text', 'boolean', 'json'];

/** Runs both encoders over the same pre-drawn cells; returns [byte encoder's text, string encoder's text]. */
function both(rows: number, bytes: ByteRowEncoder, strings: RowEncoder): [string, string] {
  const row = new RowContext(1, 't');
  const sink = new ByteSink();
  sink.open(Buffer.allocUnsafe(16), 0); // tiny on purpose: every row goes through the buffer's growth
  let expected = '';
  for (let k = 0; k < rows; k++) {
    row.setRow(k);
    bytes(row, sink);
    expected += strings(row);
  }
  return [sink.take().toString('utf8'), Buffer.from(expected, 'utf8').toString('utf8')];
}

const isHigh = (c: number): boolean => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number): boolean => c >= 0xdc00 && c <= 0xdfff;

/**
 * A byte writer as the composite columns write: the value's text in pieces (cut anywhere but
 * inside a surrogate pair, which the writer contract forbids), unescaped.
 */
function piecesWriter(value: (row: RowContext) => Cell, r: () => number): (row: RowContext, out: ByteSink) => boolean {
  return (row, out) => {
    const v = value(row);
    if (v === null) return false;
    const s = String(v);
    let from = 0;
    for (let i = 1; i < s.length; i++) {
      if (r() < 0.3 && !(isHigh(s.charCodeAt(i - 1)) && isLow(s.charCodeAt(i)))) {
        out.str(s.slice(from, i));
        from = i;
      }
    }
    out.str(s.slice(from));
    return true;
  };
}

describe('byte encoder = string encoder on random values of every kind', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])('seed %i: CSV and NDJSON, quoting and escaping edge cases', (seed) => {
    const r = prng(seed);
    const rows = 300;
    const kinds = Array.from({ length: 1 + Math.floor(r() * 8) }, () => KINDS[Math.floor(r() * KINDS.length)]!);
    const cells = Array.from({ length: rows }, () => kinds.map((kind) => randomCell(kind, r)));
    const columns: CompiledColumn[] = kinds.map((kind, i) => ({
      name: i === 0 ? 'we"ird,\nname' : `c${i}`,
      kind,
      capacity: Infinity,
      value: (row) => cells[row.k]![i]!,
    }));
    const [csvGot, csvWant] = both(rows, csvByteEncoder(columns), csvEncoder(columns));
    expect(csvGot).toBe(csvWant);
    const [ndGot, ndWant] = both(rows, ndjsonByteEncoder(columns), ndjsonEncoder(columns));
    expect(ndGot).toBe(ndWant);
  });

  it.each([11, 12, 13, 14, 15, 16])('seed %i: text columns with a byte writer (raw pieces, quoted or escaped by the encoder)', (seed) => {
    const r = prng(seed);
    const rows = 400;
    const kinds = Array.from({ length: 1 + Math.floor(r() * 5) }, (_, i) => (i === 0 || r() < 0.6 ? 'text' : KINDS[Math.floor(r() * KINDS.length)]!));
    const cells = Array.from({ length: rows }, () => kinds.map((kind) => randomCell(kind, r)));
    const columns: CompiledColumn[] = kinds.map((kind, i) => {
      const value = (row: RowContext): Cell => cells[row.k]![i]!;
      if (kind === 'text') setByteWriter(value, piecesWriter(value, prng(seed * 100 + i)));
      return { name: `c${i}`, kind, capacity: Infinity, value };
    });
    const [csvGot, csvWant] = both(rows, csvByteEncoder(columns), csvEncoder(columns));
    expect(csvGot).toBe(csvWant);
    const [ndGot, ndWant] = both(rows, ndjsonByteEncoder(columns), ndjsonEncoder(columns));
    expect(ndGot).toBe(ndWant);
  });

  it('a row whose literals exceed the inlined budget (long names, many columns) writes the rest by copy', () => {
    const r = prng(21);
    const rows = 200;
    const kinds = Array.from({ length: 80 }, () => KINDS[Math.floor(r() * KINDS.length)]!);
    const cells = Array.from({ length: rows }, () => kinds.map((kind) => randomCell(kind, r)));
    const columns: CompiledColumn[] = kinds.map((kind, i) => {
      const value = (row: RowContext): Cell => cells[row.k]![i]!;
      if (kind === 'text' || kind === 'plain') setByteWriter(value, piecesWriter(value, prng(2100 + i)));
      return { name: `column_${i}_with_a_name_long_enough_to_need_many_bytes_é`, kind, capacity: Infinity, value };
    });
    const [csvGot, csvWant] = both(rows, csvByteEncoder(columns), csvEncoder(columns));
    expect(csvGot).toBe(csvWant);
    const [ndGot, ndWant] = both(rows, ndjsonByteEncoder(columns), ndjsonEncoder(columns));
    expect(ndGot).toBe(ndWant);
  });

  it('compares bytes, not decoded text: lone surrogates become U+FFFD the same way', () => {
    const columns: CompiledColumn[] = (['plain', 'text'] as const).map((kind, i) => ({ name: `c${i}`, kind, capacity: Infinity, value: () => 'x\ud800y\udfff' }));
    const row = new RowContext(1, 't');
    row.setRow(0);
    for (const [bytes, strings] of [
      [csvByteEncoder(columns), csvEncoder(columns)],
      [ndjsonByteEncoder(columns), ndjsonEncoder(columns)],
    ] as const) {
      const sink = new ByteSink();
      sink.open(Buffer.allocUnsafe(64), 0);
      bytes(row, sink);
      expect(Buffer.compare(sink.take(), Buffer.from(strings(row), 'utf8'))).toBe(0);
    }
  });
});
