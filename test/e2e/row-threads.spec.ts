/**
 * The row thread pool that jobs generate on: real worker threads running the built generator
 * (dist), compared byte for byte with the same streams generated on this thread.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { classifyError } from '../../libs/pg/dist/index.js';
import { createDatasetRowStream, createRowStream, RowThreadError, RowThreadPool, type RowThreadRequest } from '../../libs/generator/dist/index.js';
import { findDataset, findTable } from '../../libs/schema/dist/index.js';

const pool = new RowThreadPool(2);
afterAll(() => pool.close());

async function digest(s: Readable, slow = false): Promise<{ sha: string; bytes: number }> {
  const h = createHash('sha256');
  let bytes = 0;
  for await (const chunk of s) {
    h.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
    // A slow reader: the thread must pause and resume without losing or reordering bytes.
    if (slow) await new Promise((r) => setImmediate(r));
  }
  return { sha: h.digest('hex'), bytes };
}

function onThisThread(req: RowThreadRequest): Readable {
  const base = { seed: req.seed, offset: req.offset, rows: req.rows, format: req.format, header: req.header };
  return req.kind === 'table' ? createRowStream({ ...base, spec: req.spec }) : createDatasetRowStream({ ...base, dataset: req.dataset, table: req.table });
}

const table = (name: string, offset: number, rows: number, format: 'csv' | 'ndjson' = 'csv', header = false): RowThreadRequest => ({
  kind: 'table',
  spec: findTable(name),
  seed: 42,
  offset,
  rows,
  format,
  header,
});

describe('RowThreadPool', () => {
  it.each([
    ['users csv from 0 with header', table('users', 0, 20_000, 'csv', true)],
    ['users ndjson from 12,345', table('users', 12_345, 20_000, 'ndjson')],
    ['pgbench_accounts csv from 999,999', table('pgbench_accounts', 999_999, 300_000)],
    ['a dataset child table', { kind: 'dataset', dataset: findDataset('shop'), table: 'orders', seed: 7, offset: 3, rows: 2000, format: 'csv', header: false } as RowThreadRequest],
  ])('%s: the same bytes as generating on this thread', async (_name, req) => {
    const here = await digest(onThisThread(req));
    expect(here.bytes).toBeGreaterThan(0);
    expect(await digest(pool.stream(req), true)).toEqual(here);
  });

  it('serves many streams at once over its threads, each exact', async () => {
    const reqs = Array.from({ length: 6 }, (_, i) => table('orders', i * 7000, 7000));
    const got = await Promise.all(reqs.map((r) => digest(pool.stream(r))));
    const want = await Promise.all(reqs.map((r) => digest(onThisThread(r))));
    expect(got).toEqual(want);
  });

  it('an abort stops the stream with the abort reason; the pool goes on serving', async () => {
    const ac = new AbortController();
    const s = pool.stream(table('users', 0, 5_000_000), ac.signal);
    let bytes = 0;
    const ended = new Promise<unknown>((resolve) => {
      s.on('data', (c: Buffer) => {
        bytes += c.length;
        if (bytes > 1_000_000) ac.abort(new Error('stop here'));
      });
      s.on('error', resolve);
      s.on('end', () => resolve(null));
    });
    expect(await ended).toMatchObject({ message: 'stop here' });
    expect(s.destroyed).toBe(true);
    const req = table('products', 0, 3000);
    expect(await digest(pool.stream(req))).toEqual(await digest(onThisThread(req)));
  });

  it('a thread that dies fails its open streams with a transient error (the chunk is retried, not the job failed)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rowflow-thread-'));
    const crashing = join(dir, 'crash.mjs');
    await writeFile(crashing, "import { parentPort } from 'node:worker_threads';\nparentPort.postMessage({ type: 'ready' });\nparentPort.on('message', () => process.exit(3));\n");
    const doomed = new RowThreadPool(1, pathToFileURL(crashing));
    try {
      const err = await digest(doomed.stream(table('users', 0, 1000))).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(RowThreadError);
      expect((err as Error).message).toContain('exited (code 3)');
      expect(classifyError(err)).toBe('transient');
    } finally {
      await doomed.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('warm starts every thread at once and runs the request on each to its end', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rowflow-thread-'));
    const log = join(dir, 'opened.log');
    const script = join(dir, 'counting.mjs');
    // Notes which thread each stream opened on, then ends it at once.
    const source = [
      "import { appendFileSync } from 'node:fs';",
      "import { parentPort, threadId } from 'node:worker_threads';",
      "parentPort.postMessage({ type: 'ready' });",
      `parentPort.on('message', (m) => { if (m.type === 'open') { appendFileSync(${JSON.stringify(log)}, threadId + '\\n'); parentPort.postMessage({ type: 'end', id: m.id }); } });`,
    ].join('\n');
    await writeFile(script, source);
    const counted = new RowThreadPool(3, pathToFileURL(script));
    try {
      await counted.warm(table('pgbench_accounts', 0, 1000));
      const threads = (await readFile(log, 'utf8')).trim().split('\n');
      expect(new Set(threads).size).toBe(3);
      expect(threads).toHaveLength(3);
    } finally {
      await counted.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('warm on the real threads leaves them serving exact streams; on threads that cannot start it rejects', async () => {
    const warmed = new RowThreadPool(2);
    const broken = new RowThreadPool(1, pathToFileURL(join(tmpdir(), 'rowflow-no-such-worker.mjs')));
    try {
      await warmed.warm(table('pgbench_accounts', 0, 1000));
      const req = table('users', 500, 3000);
      expect(await digest(warmed.stream(req))).toEqual(await digest(onThisThread(req)));
      await expect(broken.warm(table('users', 0, 10))).rejects.toThrow('could not start');
    } finally {
      await Promise.all([warmed.close(), broken.close()]);
    }
  });

  it('a thread whose script cannot load fails the stream as a fatal error (no retrying forever)', async () => {
    const broken = new RowThreadPool(1, pathToFileURL(join(tmpdir(), 'rowflow-no-such-worker.mjs')));
    try {
      const err = await digest(broken.stream(table('users', 0, 10))).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).not.toBeInstanceOf(RowThreadError);
      expect((err as Error).message).toContain('could not start');
      expect(classifyError(err)).toBe('fatal');
    } finally {
      await broken.close();
    }
  });
});
