import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readAll, RowCutter, scanRows } from './chunk-source.js';

const ROWS = ['1,plain\n', '2,"quoted, comma"\n', '3,"two\nlines"\n', '4,"say ""hi""\n"\n', '5,\n', '6,""\n'];

describe('scanRows', () => {
  it('counts rows on newlines outside quoted fields, carrying the quote state', () => {
    const buf = Buffer.from(ROWS.join(''));
    expect(scanRows(buf, 100, false).rows).toBe(ROWS.length);
    const three = scanRows(buf, 3, false);
    expect(buf.subarray(0, three.end).toString()).toBe(ROWS.slice(0, 3).join(''));
    // Split inside the quoted newline of row 3: the state carries over.
    const cut = ROWS.slice(0, 2).join('').length + 5;
    const a = scanRows(buf.subarray(0, cut), 100, false);
    expect(a).toMatchObject({ rows: 2, inQuote: true });
    expect(scanRows(buf.subarray(cut), 100, a.inQuote).rows).toBe(ROWS.length - 2);
  });
});

describe('RowCutter', () => {
  it('cuts one stream into exact row counts whatever the buffer boundaries', async () => {
    const text = Array.from({ length: 50 }, (_, i) => ROWS[i % ROWS.length]!.replace(/^\d+/, String(i))).join('');
    for (const size of [1, 3, 7, 64, 10_000]) {
      const pieces: Buffer[] = [];
      for (let i = 0; i < text.length; i += size) pieces.push(Buffer.from(text.slice(i, i + size)));
      const cutter = new RowCutter(Readable.from(pieces), 0);
      const out: string[] = [];
      for (const n of [10, 1, 20, 19]) out.push(await readAll(cutter.take(n)));
      expect(out.join(''), `buffers of ${size}`).toBe(text);
      expect(out.map((o) => scanRows(Buffer.from(o), 1000, false).rows)).toEqual([10, 1, 20, 19]);
      expect(cutter.position).toBe(50);
    }
  });

  it('a stream that ends early fails the chunk (never a short commit)', async () => {
    const cutter = new RowCutter(Readable.from([Buffer.from('1,a\n2,b\n')]), 0);
    await expect(readAll(cutter.take(3))).rejects.toThrow(/short/);
    expect(cutter.broken).toBe(true);
  });
});
