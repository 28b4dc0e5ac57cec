import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { CsvRecordFilter } from './job-verify.js';

/** Runs `chunks` through a filter dropping records `drop`; the bytes that come out. */
async function filtered(chunks: string[], drop: number[]): Promise<string> {
  const out: Buffer[] = [];
  for await (const c of Readable.from(chunks.map((s) => Buffer.from(s))).pipe(new CsvRecordFilter(new Set(drop)))) out.push(c as Buffer);
  return Buffer.concat(out).toString();
}

describe('CsvRecordFilter', () => {
  const csv = ['1,a\n', '2,"b\nwith newline"\n', '3,"c ""quoted"""\n', '4,d\n'];

  it('drops exactly the records asked for; quoted newlines and doubled quotes stay inside their record', async () => {
    expect(await filtered([csv.join('')], [])).toBe(csv.join(''));
    expect(await filtered([csv.join('')], [1])).toBe(csv[0]! + csv[2]! + csv[3]!);
    expect(await filtered([csv.join('')], [0, 2])).toBe(csv[1]! + csv[3]!);
    expect(await filtered([csv.join('')], [3])).toBe(csv[0]! + csv[1]! + csv[2]!);
  });

  it('gives the same bytes however the input is cut into chunks (records split across chunks)', async () => {
    const all = csv.join('');
    const expected = csv[0]! + csv[3]!;
    for (let cut = 1; cut < all.length; cut++) {
      expect(await filtered([all.slice(0, cut), all.slice(cut)], [1, 2]), `cut at ${cut}`).toBe(expected);
    }
    expect(await filtered([...all], [1, 2])).toBe(expected); // one byte per chunk
  });
});
