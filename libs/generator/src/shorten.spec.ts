import { describe, expect, it } from 'vitest';
import { compileTable } from './compile.js';
import { RowContext } from './row-context.js';
import { shorten } from './shorten.js';

describe('shorten', () => {
  it('keeps values that fit, cuts others at a word boundary or at the limit, never ends on a separator', () => {
    expect(shorten('Lake Elizabeth', 20)).toBe('Lake Elizabeth');
    expect(shorten('Port Elizabeth Harbour', 16)).toBe('Port Elizabeth');
    expect(shorten('Lake Elizabeth', 10)).toBe('Lake Eliza'); // the boundary would keep less than half
    expect(shorten('Lake Elizabeth', 5)).toBe('Lake');
    expect(shorten('john.smith@example.com', 11)).toBe('john.smith');
    expect(shorten('Bartholomew', 6)).toBe('Bartho');
  });

  it('counts characters as PostgreSQL does (code points), never splitting a surrogate pair', () => {
    const v = 'ab😀😀😀cd';
    expect(shorten(v, 7)).toBe(v);
    expect(Array.from(shorten(v, 4))).toHaveLength(4);
    expect(shorten(v, 4)).toBe('ab😀😀');
  });
});

describe('maxLength on realistic text columns', () => {
  const columns = ['firstName', 'fullName', 'email', 'phone', 'streetAddress', 'city', 'country', 'company', 'jobTitle', 'url'] as const;
  const spec = (max?: number) => ({ name: 't', columns: columns.map((type) => ({ name: type, type, ...(max === undefined ? {} : { maxLength: max }) })) });

  it('every value fits, and is the full value shortened (a function of the full value alone)', () => {
    const full = compileTable(spec(), 7);
    const short = compileTable(spec(8), 7);
    const row = new RowContext(7, 't');
    let cut = 0;
    for (let k = 0; k < 500; k++) {
      row.setRow(k);
      columns.forEach((_, i) => {
        const a = full[i]!.value(row) as string;
        const b = short[i]!.value(row) as string;
        expect(Array.from(b).length).toBeLessThanOrEqual(8);
        expect(b).toBe(shorten(a, 8));
        if (a !== b) cut++;
      });
    }
    expect(cut).toBeGreaterThan(0);
  });
});
