import { describe, expect, it } from 'vitest';
import { appendRows, columnsOf, EMPTY_STORE, rowAt, type Row } from './row-store.js';

const batch = (from: number, n: number): Row[] => Array.from({ length: n }, (_, i) => ({ id: from + i, name: `r${from + i}` }));

describe('row store', () => {
  it('finds every row by index across uneven batches', () => {
    let s = EMPTY_STORE;
    let next = 0;
    for (const n of [100, 1, 37, 100, 0, 62]) {
      s = appendRows(s, batch(next, n), 1_000);
      next += n;
    }
    expect(s.size).toBe(300);
    for (let i = 0; i < 300; i++) expect(rowAt(s, i)).toEqual({ id: i, name: `r${i}` });
    expect(rowAt(s, 300)).toBeUndefined();
    expect(rowAt(s, -1)).toBeUndefined();
    expect(columnsOf(s)).toEqual(['id', 'name']);
  });

  it('keeps at most cap rows and returns the same store when full', () => {
    let s = appendRows(EMPTY_STORE, batch(0, 80), 150);
    s = appendRows(s, batch(80, 100), 150);
    expect(s.size).toBe(150);
    expect(rowAt(s, 149)).toEqual({ id: 149, name: 'r149' });
    expect(appendRows(s, batch(180, 10), 150)).toBe(s);
  });

  it('does not copy rows when appending (100k rows stay cheap)', () => {
    let s = EMPTY_STORE;
    const first = batch(0, 100);
    s = appendRows(s, first, 200_000);
    for (let i = 1; i < 1000; i++) s = appendRows(s, batch(i * 100, 100), 200_000);
    expect(s.size).toBe(100_000);
    expect(s.chunks[0]).toBe(first);
    expect(rowAt(s, 99_999)).toEqual({ id: 99_999, name: 'r99999' });
  });
});
