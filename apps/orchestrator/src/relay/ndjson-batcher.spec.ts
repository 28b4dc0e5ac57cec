import { describe, expect, it } from 'vitest';
import { NdjsonBatcher, type RowBatch } from './ndjson-batcher.js';

const rows = Array.from({ length: 23 }, (_, i) => ({ id: i + 1, name: i % 3 ? `naïve €${i} 𝄞` : 'plain', nested: { a: [i, '\n'] } }));
const ndjson = Buffer.from(rows.map((r) => JSON.stringify(r)).join('\n') + '\n', 'utf8');

/** Feeds `buf` in pieces cut at `cuts`; returns the batches as parsed arrays. */
function run(buf: Buffer, cuts: number[], batchSize = 5, limit?: number): { batches: unknown[][]; counts: number[] } {
  const b = new NdjsonBatcher(batchSize, limit);
  const out: RowBatch[] = [];
  let at = 0;
  for (const cut of [...cuts, buf.length]) {
    out.push(...b.push(Buffer.from(buf.subarray(at, cut)))); // copy: the batcher may edit its chunk
    at = cut;
  }
  out.push(...b.end());
  return { batches: out.map((x) => JSON.parse(`[${x.json.toString('utf8')}]`) as unknown[]), counts: out.map((x) => x.count) };
}

describe('NdjsonBatcher', () => {
  it('batches whole-chunk input into batchSize rows, last batch short', () => {
    const { batches, counts } = run(ndjson, []);
    expect(counts).toEqual([5, 5, 5, 5, 3]);
    expect(batches.flat()).toEqual(rows);
  });

  it('gives the same rows whatever the chunk boundaries (every single cut, and byte-by-byte)', () => {
    for (let cut = 1; cut < ndjson.length; cut++) {
      expect(run(ndjson, [cut]).batches.flat(), `cut at ${cut}`).toEqual(rows);
    }
    const everyByte = Array.from({ length: ndjson.length - 1 }, (_, i) => i + 1);
    const { batches, counts } = run(ndjson, everyByte);
    expect(batches.flat()).toEqual(rows);
    expect(counts).toEqual([5, 5, 5, 5, 3]);
  });

  it('accepts CRLF, blank lines and a last row without newline', () => {
    const text = Buffer.from('{"a":1}\r\n\r\n\n{"a":2}\n{"a":3}');
    for (let cut = 0; cut <= text.length; cut++) {
      expect(run(text, cut ? [cut] : [], 2).batches, `cut at ${cut}`).toEqual([[{ a: 1 }, { a: 2 }], [{ a: 3 }]]);
    }
  });

  it('stops after limit rows and reports done', () => {
    const b = new NdjsonBatcher(5, 7);
    const out = b.push(ndjson);
    expect(b.done).toBe(true);
    expect(out.map((x) => x.count)).toEqual([5, 2]);
    expect(b.push(ndjson)).toEqual([]);
    expect(b.end()).toEqual([]);
  });

  it('throws on a row that is not a JSON object', () => {
    expect(() => new NdjsonBatcher(5).push(Buffer.from('{"a":1}\nnope\n'))).toThrow(/malformed line: nope/);
    const b = new NdjsonBatcher(5);
    b.push(Buffer.from('[1,'));
    expect(() => b.end()).toThrow(/malformed line: \[1,/);
  });
});
