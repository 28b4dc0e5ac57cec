import { findTable } from '@rowflow/schema';
import { describe, expect, it } from 'vitest';
import { unscaledDecimal } from './encode-parquet.js';
import { createRowStream } from './row-stream.js';

describe('unscaledDecimal', () => {
  it('keeps every digit (no float on the way)', () => {
    expect(unscaledDecimal('12.3', 2)).toBe(1230n);
    expect(unscaledDecimal('-0.05', 2)).toBe(-5n);
    expect(unscaledDecimal('123456789012345678901.123', 3)).toBe(123456789012345678901123n);
    expect(unscaledDecimal('7', 0)).toBe(7n);
  });
});

describe('Parquet row stream', () => {
  it('pushes the first row group before the later rows are generated', async () => {
    const stream = createRowStream({ spec: findTable('users'), seed: 1, rows: 100_000, format: 'parquet' });
    const first = await new Promise<Buffer>((ok, fail) => {
      stream.once('data', ok);
      stream.once('error', fail);
    });
    expect(first.subarray(0, 4).toString()).toBe('PAR1');
    expect(stream.counts.rows).toBeLessThanOrEqual(16_384);
    stream.destroy();
  });

  it('of zero rows is still a valid file (header and footer)', async () => {
    const chunks: Buffer[] = [];
    for await (const c of createRowStream({ spec: findTable('users'), seed: 1, rows: 0, format: 'parquet' })) chunks.push(c as Buffer);
    const bytes = Buffer.concat(chunks);
    expect(bytes.subarray(0, 4).toString()).toBe('PAR1');
    expect(bytes.subarray(-4).toString()).toBe('PAR1');
  });
});
