import { type ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { SEED_HEADER } from '@rowflow/contracts';
import { freePort } from '@rowflow/devdb';
import { createRowStream, generatorStats } from '@rowflow/generator';
import { configureApp } from '@rowflow/platform-nest';
import { findTable } from '@rowflow/schema';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppModule } from '../../apps/generator/src/app.module.js';
import { loadGeneratorConfig } from '../../apps/generator/src/config/generator-config.js';
import { textParser } from '../support/raw-http.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let app: INestApplication;
let base: string;

beforeAll(async () => {
  const ref = await Test.createTestingModule({ imports: [AppModule.register(loadGeneratorConfig({ MAX_ROWS: '20000000' }))] }).compile();
  app = ref.createNestApplication({ logger: false });
  configureApp(app, { title: 't', description: 't' });
  await app.listen(0, '127.0.0.1');
  base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
});
afterAll(() => app?.close());

async function libBytes(table: string, rows: number, seed: number, format: 'csv' | 'ndjson', offset = 0): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of createRowStream({ spec: findTable(table), rows, seed, format, offset })) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

describe('GET /api/generator/tables', () => {
  it('lists the catalog with columns', async () => {
    const res = await request(app.getHttpServer()).get('/api/generator/tables').expect(200);
    expect(res.body.map((t: { name: string }) => t.name)).toEqual(['users', 'orders', 'products', 'events', 'clickstream', 'pgbench_accounts']);
    expect(res.body[0].columns[0]).toMatchObject({ name: 'id', type: 'serial' });
  });
});

describe('stream endpoints', () => {
  it('CSV: content type, seed header and the library bytes', async () => {
    const res = await request(app.getHttpServer()).get('/api/generator/stream/csv?table=orders&rows=500&seed=9&offset=20').buffer(true).parse(textParser).expect(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers[SEED_HEADER]).toBe('9');
    expect(res.body).toBe(await libBytes('orders', 500, 9, 'csv', 20));
  });

  it('NDJSON: content type and one object per row', async () => {
    const res = await request(app.getHttpServer()).get('/api/generator/stream/ndjson?table=users&rows=50&seed=3').buffer(true).parse(textParser).expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/x-ndjson/);
    const lines = (res.body as string).trimEnd().split('\n');
    expect(lines.length).toBe(50);
    expect(JSON.parse(lines[0]!).id).toBe(1);
  });

  it('seed=0 or absent picks a seed, returns it, and replaying it reproduces the bytes', async () => {
    for (const q of ['', '&seed=0']) {
      const first = await request(app.getHttpServer()).get(`/api/generator/stream/csv?table=users&rows=200${q}`).buffer(true).parse(textParser).expect(200);
      const seed = first.headers[SEED_HEADER];
      expect(Number(seed)).toBeGreaterThan(0);
      const again = await request(app.getHttpServer()).get(`/api/generator/stream/csv?table=users&rows=200&seed=${seed}`).buffer(true).parse(textParser).expect(200);
      expect(again.body).toBe(first.body);
    }
  });

  it('POST streams a custom schema', async () => {
    const schema = { name: 'people', columns: [{ name: 'id', type: 'serial' }, { name: 'name', type: 'fullName' }, { name: 'score', type: 'decimal', precision: 5, scale: 1 }] };
    const res = await request(app.getHttpServer()).post('/api/generator/stream/csv').send({ schema, rows: 3, seed: 5 }).buffer(true).parse(textParser).expect(200);
    const lines = (res.body as string).trimEnd().split('\n');
    expect(lines[0]).toBe('id,name,score');
    expect(lines.length).toBe(4);
    expect(lines[3]).toMatch(/^3,[A-Za-z' -]+,\d+\.\d$/);
    expect(res.headers[SEED_HEADER]).toBe('5');
  });

  it('documents the stream parameters in OpenAPI', async () => {
    const res = await request(app.getHttpServer()).get('/api/docs/json').expect(200);
    const params = res.body.paths['/api/generator/stream/csv'].get.parameters.map((p: { name: string }) => p.name);
    expect(params).toEqual(expect.arrayContaining(['table', 'rows', 'seed', 'offset', 'header']));
    expect(res.body.paths['/api/generator/stream/ndjson'].post).toBeDefined();
  });
});

describe('bad input → 400 naming the field, nothing streamed', () => {
  const table = (columns: unknown[]) => ({ name: 't', columns });
  it.each([
    ['GET', 'rows=0', 'rows'],
    ['GET', 'rows=-3', 'rows'],
    ['GET', 'rows=1.5', 'rows'],
    ['GET', 'rows=abc', 'rows'],
    ['GET', 'rows=20000001', 'rows'],
    ['GET', 'rows=5&offset=-1', 'offset'],
    ['GET', 'rows=5&seed=-2', 'seed'],
    ['GET', 'rows=5&header=maybe', 'header'],
  ])('%s ?table=users&%s → %s', async (_m, query, field) => {
    for (const format of ['csv', 'ndjson']) {
      const res = await request(app.getHttpServer()).get(`/api/generator/stream/${format}?table=users&${query}`).expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request', field });
      expect(res.body.message.startsWith(`${field}:`)).toBe(true);
    }
  });

  it('unknown or missing table → table', async () => {
    const res = await request(app.getHttpServer()).get('/api/generator/stream/csv?table=nope&rows=5').expect(400);
    expect(res.body.message).toContain('unknown table "nope"; known: users');
    await request(app.getHttpServer()).get('/api/generator/stream/csv?rows=5').expect(400);
  });

  it.each([
    ['unknown column type', table([{ name: 'a', type: 'int' }, { name: 'b', type: 'int' }, { name: 'c', type: 'foo' }]), 'schema.columns[2].type'],
    ['duplicate column names', table([{ name: 'a', type: 'int' }, { name: 'a', type: 'int' }]), 'schema.columns[1].name'],
    ['empty column name', table([{ name: '', type: 'int' }]), 'schema.columns[0].name'],
    ['identifier longer than 63 bytes', table([{ name: 'x'.repeat(64), type: 'int' }]), 'schema.columns[0].name'],
    ['long table name', { name: 'y'.repeat(64), columns: [{ name: 'a', type: 'int' }] }, 'schema.name'],
    ['nullRatio out of range', table([{ name: 'a', type: 'int', nullRatio: 2 }]), 'schema.columns[0].nullRatio'],
    ['min > max', table([{ name: 'a', type: 'int', min: 3, max: 2 }]), 'schema.columns[0].min'],
    ['unique range too small for rows', table([{ name: 'a', type: 'int', min: 1, max: 5, unique: true }]), 'rows'],
  ])('POST %s → %s', async (_label, schema, field) => {
    const res = await request(app.getHttpServer()).post('/api/generator/stream/ndjson').send({ schema, rows: 10 }).expect(400);
    expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request', field });
  });
});

describe('seeking and disconnects', () => {
  it('seeks in O(1): rows at an offset near 2^53 arrive and equal the library rows there', async () => {
    // No implementation that generates (or skips) the rows before the offset could ever answer
    // this: 2^53 rows are centuries of work. So the outcome — the rows arrive, and they are the
    // rows the library gives at that offset — proves the seek without timing anything.
    const rows = 1000;
    const offset = Number.MAX_SAFE_INTEGER - rows;
    const res = await request(app.getHttpServer())
      .get(`/api/generator/stream/csv?table=users&rows=${rows}&seed=1&offset=${offset}`)
      .buffer(true)
      .parse(textParser)
      .expect(200);
    const lines = (res.body as string).trimEnd().split('\n');
    expect(lines.length).toBe(rows); // no header away from offset 0
    expect(lines[0]!.split(',')[0]).toBe(String(offset + 1)); // serial id = row index + 1
    expect(lines.at(-1)!.split(',')[0]).toBe(String(Number.MAX_SAFE_INTEGER));
    expect(res.body).toBe(await libBytes('users', rows, 1, 'csv', offset));
    // And the neighbourhood is consistent: the last 10 rows read from 10 rows earlier are the same.
    const tail = await libBytes('users', 10, 1, 'csv', offset + rows - 10);
    expect(lines.slice(-10).join('\n') + '\n').toBe(tail);
  });

  it('client disconnect stops generation; a paused reader holds it back (backpressure)', { timeout: 180_000 }, async () => {
    // Streams of earlier tests were cut by their clients: they must all wind down.
    expect(await settles(() => generatorStats.activeStreams === 0)).toBe(true);
    const rowsBefore = generatorStats.rowsGenerated;
    const req = http.get(`${base}/api/generator/stream/ndjson?table=users&rows=10000000&seed=1`);
    try {
      const res = await new Promise<http.IncomingMessage>((ok) => req.on('response', ok));
      await new Promise((ok) => res.once('data', ok));
      res.pause();
      // Socket buffers fill up (a few MB on loopback), then generation must wait for the reader.
      let last = -1;
      expect(await settles(() => {
        const now = generatorStats.rowsGenerated;
        const still = now === last;
        last = now;
        return still;
      }, 250)).toBe(true);
      const paused = generatorStats.rowsGenerated;
      await sleep(1000);
      expect(generatorStats.rowsGenerated).toBe(paused);
      expect(paused - rowsBefore).toBeLessThan(100_000); // of 10M requested
      expect(generatorStats.activeStreams).toBe(1);
    } finally {
      req.destroy();
    }
    expect(await settles(() => generatorStats.activeStreams === 0)).toBe(true);
    const after = generatorStats.rowsGenerated;
    await sleep(500);
    expect(generatorStats.rowsGenerated).toBe(after);
  });
});

/** Polls `cond` every `everyMs` for up to 30 s (generous for a busy machine). */
async function settles(cond: () => boolean, everyMs = 50): Promise<boolean> {
  for (let waited = 0; waited < 30_000; waited += everyMs) {
    if (cond()) return true;
    await sleep(everyMs);
  }
  return cond();
}

describe('responsiveness (built generator process)', () => {
  let child: ChildProcess | undefined;
  afterAll(() => {
    child?.kill('SIGKILL');
  });

  it('/health keeps answering while a 10M-row stream is being read (no frozen event loop)', { timeout: 420_000 }, async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, [resolve(ROOT, 'apps/generator/dist/main.js')], { env: { ...process.env, PORT: String(port), LOG_LEVEL: 'warn' }, stdio: 'ignore' });
    await untilAsync(() => fetch(`${url}/health`).then((r) => r.ok, () => false));
    const req = http.get(`${url}/api/generator/stream/csv?table=users&rows=10000000&seed=1`);
    let bytes = 0;
    let ended = false;
    const seen: Array<{ before: number; after: number; ended: boolean }> = [];
    try {
      const res = await new Promise<http.IncomingMessage>((ok) => req.on('response', ok));
      res.on('data', (d: Buffer) => (bytes += d.length));
      res.on('end', () => (ended = true));
      res.on('error', () => undefined);
      // Outcome, not latency: each /health answer must arrive while the stream is still flowing
      // and between two batches of it. A generator that ran the whole stream synchronously would
      // answer only after the last row (ended = true) and the bytes would not move in between.
      for (let i = 0; i < 5; i++) {
        const before = bytes;
        const h = await fetch(`${url}/health`);
        expect(h.status).toBe(200);
        await until(() => bytes > before + 256 * 1024 || ended);
        seen.push({ before, after: bytes, ended });
      }
    } finally {
      req.destroy();
    }
    for (const s of seen) {
      expect(s.ended).toBe(false);
      expect(s.after).toBeGreaterThan(s.before);
    }
  });
});

/** Waits (polling) until `cond` holds; generous deadline for a busy machine. */
async function until(cond: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await sleep(10);
  }
}

/** Like `until` for an async condition (e.g. a health probe); throws at the deadline. */
async function untilAsync(cond: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await sleep(100);
  }
}
