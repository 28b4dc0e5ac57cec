import { type Options, stringify } from 'csv-stringify/sync';
import { describe, expect, it } from 'vitest';
import type { Cell, CellKind, CompiledColumn } from './column.js';
import { csvEncoder } from './encode.js';
import { RowContext } from './row-context.js';

/**
 * csv-stringify configured for the encoder's semantics (PostgreSQL `COPY … (FORMAT csv)`):
 * NULL → empty unquoted field, "" → `""`, quote only when needed (quote, comma, CR, LF) — plus
 * `\.` alone, which would end COPY's data. The bench compares their speed on the same rows.
 */
const CSV_STRINGIFY_OPTIONS: Options = {
  record_delimiter: 'unix' as const,
  quoted_match: [/^\\\.$/, /\r/],
  cast: {
    boolean: (v: boolean) => String(v),
    string: (v: string) => (v === '' ? { value: '', quoted_empty: true } : v),
  },
};

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

/** Characters that stress CSV: separators, quotes, line breaks, backslash-dot, multi-byte and astral. */
const ALPHABET = ['a', 'Z', '0', ' ', ',', '"', '\n', '\r', '\\', '.', ';', '\t', 'é', 'ß', '中', '😀', '\u2028', "'"];

function randomText(r: () => number): string | null {
  const roll = r();
  if (roll < 0.1) return null;
  if (roll < 0.2) return '';
  if (roll < 0.25) return '\\.';
  let s = '';
  const n = Math.floor(r() * 12);
  for (let i = 0; i < n; i++) s += ALPHABET[Math.floor(r() * ALPHABET.length)]!;
  return s;
}

function randomCell(kind: CellKind, r: () => number): Cell {
  if (r() < 0.1) return null;
  if (kind === 'number') return r() < 0.5 ? Math.floor((r() - 0.5) * 1e9) : (r() - 0.5) * 1e6;
  if (kind === 'boolean') return r() < 0.5;
  return randomText(r);
}

/** Columns whose values come from a table of random cells (row k → cells[k][i]). */
function columnsOver(kinds: CellKind[], cells: Cell[][]): CompiledColumn[] {
  return kinds.map((kind, i) => ({ name: `c${i}`, kind, capacity: Infinity, value: (row: RowContext) => cells[row.k]![i]! }));
}

describe('csvEncoder vs csv-stringify (property: identical bytes on random values)', () => {
  it.each([1, 2, 3, 4, 5])('seed %i: 2000 random rows, text/number/boolean/json columns', (seed) => {
    const r = prng(seed);
    const kinds: CellKind[] = ['text', 'number', 'text', 'boolean', 'json', 'text'];
    const cells = Array.from({ length: 2000 }, () => kinds.map((k) => randomCell(k, r)));
    const encode = csvEncoder(columnsOver(kinds, cells));
    const row = new RowContext(1, 't');
    const mismatches: string[] = [];
    for (let k = 0; k < cells.length; k++) {
      row.setRow(k);
      const [ours, theirs] = [encode(row), stringify([cells[k]!], CSV_STRINGIFY_OPTIONS)];
      if (ours !== theirs) mismatches.push(`row ${k} ${JSON.stringify(cells[k])}: ours ${JSON.stringify(ours)}, csv-stringify ${JSON.stringify(theirs)}`);
    }
    expect(mismatches).toEqual([]);
  });

  it('distinguishes NULL from the empty string, as both do', () => {
    const cells: Cell[][] = [[null, '', 'x']];
    const encode = csvEncoder(columnsOver(['text', 'text', 'text'], cells));
    const row = new RowContext(1, 't');
    row.setRow(0);
    expect(encode(row)).toBe(',"",x\n');
    expect(stringify(cells, CSV_STRINGIFY_OPTIONS)).toBe(',"",x\n');
  });
});
