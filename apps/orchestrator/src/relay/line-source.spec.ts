import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { lines$ } from './line-source.js';

describe('lines$', () => {
  it('joins lines and multi-byte characters split across chunks', async () => {
    const src = new PassThrough();
    const got: string[] = [];
    const done = new Promise<void>((ok, fail) => lines$(src).subscribe({ next: (l) => got.push(l), complete: ok, error: fail }));
    const bytes = Buffer.from('{"a":"€uro"}\n{"b":2}\r\n\n{"c":"ü"}', 'utf8');
    // One byte per chunk: every line and the 3-byte € and 2-byte ü are split.
    for (const b of bytes) src.write(Buffer.from([b]));
    src.end();
    await done;
    expect(got).toEqual(['{"a":"€uro"}', '{"b":2}', '{"c":"ü"}']);
  });

  it('emits nothing while the source is paused', async () => {
    const src = new PassThrough();
    const got: string[] = [];
    const sub = lines$(src).subscribe((l) => got.push(l));
    src.write('{"a":1}\n');
    await new Promise((r) => setImmediate(r));
    src.pause();
    src.write('{"a":2}\n');
    await new Promise((r) => setTimeout(r, 20));
    expect(got).toEqual(['{"a":1}']);
    src.resume();
    await new Promise((r) => setImmediate(r));
    expect(got).toEqual(['{"a":1}', '{"a":2}']);
    sub.unsubscribe();
  });

  it('errors when the source closes without ending, and unsubscribe destroys it', async () => {
    const src = new PassThrough();
    const err = new Promise((ok) => lines$(src).subscribe({ error: ok }));
    src.destroy();
    expect(String(await err)).toMatch(/closed before the stream ended/);

    const other = new PassThrough();
    lines$(other).subscribe().unsubscribe();
    expect(other.destroyed).toBe(true);
  });
});
