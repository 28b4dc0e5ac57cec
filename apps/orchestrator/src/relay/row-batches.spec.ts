import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { RowBatch } from './ndjson-batcher.js';
import { rowBatches$ } from './row-batches.js';

const tick = () => new Promise((r) => setImmediate(r));

describe('rowBatches$', () => {
  it('emits nothing while the source is paused, and resumes with it', async () => {
    const src = new PassThrough();
    const got: RowBatch[] = [];
    const sub = rowBatches$(src, 1, 100).subscribe((b) => got.push(b));
    src.write('{"a":1}\n');
    await tick();
    src.pause();
    src.write('{"a":2}\n');
    // A flowing stream would have delivered it within a tick; give it several, not wall time.
    for (let i = 0; i < 10; i++) await tick();
    expect(got.map((b) => b.json.toString())).toEqual(['{"a":1}']);
    src.resume();
    await tick();
    expect(got.map((b) => b.json.toString())).toEqual(['{"a":1}', '{"a":2}']);
    sub.unsubscribe();
    expect(src.destroyed).toBe(true);
  });

  it('completes after limit rows and destroys (aborts) the source', async () => {
    const src = new PassThrough();
    const done = new Promise<number>((ok) => {
      let n = 0;
      rowBatches$(src, 2, 3).subscribe({ next: (b) => (n += b.count), complete: () => ok(n) });
    });
    src.write('{"a":1}\n{"a":2}\n{"a":3}\n{"a":4}\n');
    expect(await done).toBe(3);
    expect(src.destroyed).toBe(true);
  });

  it('after exactly limit rows, completes at the end of the body without destroying it (its socket stays reusable)', async () => {
    const src = new PassThrough({ autoDestroy: false }); // destroyed then means: destroyed by the relay
    const events: string[] = [];
    const done = new Promise<void>((ok) => {
      rowBatches$(src, 2, 3).subscribe({ next: (b) => events.push(`rows ${b.count}`), complete: () => (events.push('complete'), ok()) });
    });
    src.write('{"a":1}\n{"a":2}\n{"a":3}\n');
    await tick();
    expect(events).toEqual(['rows 2', 'rows 1']);
    src.end();
    await done;
    expect(events).toEqual(['rows 2', 'rows 1', 'complete']);
    expect(src.readableEnded).toBe(true);
    expect(src.destroyed).toBe(false);
  });

  it('completes (not fails) when the body breaks off after the last expected row', async () => {
    const src = new PassThrough();
    const outcome = new Promise<string>((ok) => rowBatches$(src, 2, 2).subscribe({ complete: () => ok('complete'), error: (e: unknown) => ok(String(e)) }));
    src.write('{"a":1}\n{"a":2}\n');
    await tick();
    src.destroy();
    expect(await outcome).toBe('complete');
  });

  it('errors when the source closes without ending (generator died)', async () => {
    const src = new PassThrough();
    const err = new Promise((ok) => rowBatches$(src, 2, 10).subscribe({ error: ok }));
    src.write('{"a":1}\n{"a"');
    await tick();
    src.destroy();
    expect(String(await err)).toMatch(/closed before the stream ended/);
  });

  it('errors on an upstream idle for idleMs, but never while we keep it paused', async () => {
    const stalled = new PassThrough();
    const t0 = Date.now();
    const err = await new Promise((ok) => rowBatches$(stalled, 2, 10, 100).subscribe({ error: ok }));
    expect(String(err)).toMatch(/no data from the generator for 100 ms/);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(90);
    expect(stalled.destroyed).toBe(true);

    const paused = new PassThrough();
    let failed = false;
    const sub = rowBatches$(paused, 2, 10, 100).subscribe({ error: () => (failed = true) });
    paused.pause();
    await new Promise((r) => setTimeout(r, 300));
    expect(failed).toBe(false);
    sub.unsubscribe();
  });
});
