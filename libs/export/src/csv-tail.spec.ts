import { describe, expect, it } from 'vitest';
import { CsvTail } from './csv-tail.js';

const csv = '1,"a,b",x\n2,"say ""hi""\nthere",y\n"3,5","",\n4,,"last, ""one"""\n';

describe('CsvTail', () => {
  it.each([0, 1, 2])('counts records and keeps the last value of column %i, whatever the buffer splits', (k) => {
    const expected = ['4', '', 'last, "one"'][k];
    const bytes = Buffer.from(csv);
    for (let cut = 0; cut <= bytes.length; cut++) {
      for (const step of [1, 3, 7]) {
        const t = new CsvTail(k);
        t.feed(bytes.subarray(0, cut));
        for (let i = cut; i < bytes.length; i += step) t.feed(bytes.subarray(i, Math.min(bytes.length, i + step)));
        expect(t.rows).toBe(4);
        expect(t.lastKey()).toBe(expected);
      }
    }
  });

  it('a quoted key with commas, quotes and unicode comes back as its text', () => {
    const t = new CsvTail(0);
    t.feed(Buffer.from('"ü,""q""",1\n'));
    expect(t.lastKey()).toBe('ü,"q"');
    expect(new CsvTail(0).lastKey()).toBeNull();
  });
});
