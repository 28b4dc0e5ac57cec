/**
 * Relay mechanics under injected faults. The orchestrator is the real AppModule on a real port;
 * the "generator" is a small real HTTP server that misbehaves on purpose (slow, lines split
 * mid-value, failing mid-stream, unreachable), selected by `seed` since that is all the relay
 * forwards. The happy paths against the real generator live in relay.spec.ts.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { freePort } from '@rowflow/devdb';
import { configureApp } from '@rowflow/platform-nest';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { AppModule } from '../../apps/orchestrator/src/app.module.js';
import { loadOrchestratorConfig } from '../../apps/orchestrator/src/config/orchestrator-config.js';
import { GeneratorClient } from '../../apps/orchestrator/src/generator-client/generator-client.js';
import { RELAY_OPTIONS } from '../../apps/orchestrator/src/relay/relay-options.js';
import { freshDatabase } from '../setup/helpers.js';
import { parseSse } from '../setup/sse.js';

/** GET with a raw client; resolves with status, headers and the whole body text. */
function get(url: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((ok, fail) => {
    http
      .get(url, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => ok({ status: res.statusCode ?? 0, headers: res.headers, body }));
        res.on('error', fail);
      })
      .on('error', fail);
  });
}

const row = (i: number) => `{"id":${i},"name":"naïve €${i}"}\n`;

/** seed selects the fault; counts requests and open responses for "no upstream call" checks. */
function faultyGenerator() {
  const stats = { requests: 0, open: 0, produced: 0 };
  const server = http.createServer((req, res) => {
    stats.requests++;
    stats.open++;
    res.on('close', () => stats.open--);
    const q = new URL(req.url ?? '/', 'http://x').searchParams;
    const rows = Number(q.get('rows'));
    const seed = Number(q.get('seed'));
    if (seed === 500) return void res.writeHead(500).end('{"message":"generator exploded"}');
    res.writeHead(200, { 'content-type': 'application/x-ndjson', 'x-rowflow-seed': String(seed) });
    const text = Buffer.from(Array.from({ length: rows }, (_, i) => row(i + 1)).join(''), 'utf8');
    if (seed === 1) return void dribble(res, text, 7, 2);
    if (seed === 2) return void dribble(res, text.subarray(0, Math.floor(text.length / 2)), 4096, 5, () => res.destroy());
    if (seed === 3) return void res.end(text.subarray(0, text.length - Buffer.byteLength(row(rows)))); // ends cleanly, one row short
    if (seed === 4) return void forever(res);
    if (seed === 5) return void asFastAsAllowed(res, stats);
    if (seed === 6) return void res.write(row(1)); // then hangs, connection open
    res.end(text);
  });
  return { server, stats };
}

/** Writes `buf` in `size`-byte pieces (splitting lines and multi-byte characters) every `ms`. */
function dribble(res: http.ServerResponse, buf: Buffer, size: number, ms: number, last: () => void = () => void res.end()): void {
  let at = 0;
  const t = setInterval(() => {
    if (res.destroyed) return clearInterval(t);
    res.write(buf.subarray(at, at + size));
    at += size;
    if (at >= buf.length) {
      clearInterval(t);
      last();
    }
  }, ms);
}

/** Endless 1 KB rows, written only while the socket accepts them (a well-behaved generator). */
function asFastAsAllowed(res: http.ServerResponse, stats: { produced: number }): void {
  const pad = 'x'.repeat(1000);
  const more = (): void => {
    let ok = true;
    while (ok && !res.destroyed) ok = res.write(`{"id":${++stats.produced},"pad":"${pad}"}\n`);
    if (!res.destroyed) res.once('drain', more);
  };
  more();
}

function forever(res: http.ServerResponse): void {
  let i = 0;
  const t = setInterval(() => res.write(row(++i).repeat(1)), 2);
  res.on('close', () => clearInterval(t));
}

const IDLE_MS = 3000;

describe('relay with a misbehaving generator', () => {
  const { server, stats } = faultyGenerator();
  let app: INestApplication;
  let base: string;

  let db: Awaited<ReturnType<typeof freshDatabase>>;

  beforeAll(async () => {
    // Own database: the orchestrator's jobs module migrates at start-up; keep other files out of it.
    db = await freshDatabase(inject('databaseUrl'));
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const config = loadOrchestratorConfig({
      DATABASE_URL: db.url,
      GENERATOR_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      PREVIEW_MAX_ROWS: '100000',
      JOB_WORKERS: 'false',
      LOG_LEVEL: 'silent',
    });
    const ref = await Test.createTestingModule({ imports: [AppModule.register(config)] })
      .overrideProvider(RELAY_OPTIONS)
      // The idle limit must exceed any stall a busy machine can put between two writes of the
      // dribbling fake (its timer and the relay's share this process): 3 s, not a few hundred ms.
      .useValue({ heartbeatMs: 50, batchSize: 100, upstreamIdleMs: IDLE_MS })
      .compile();
    app = ref.createNestApplication({ logger: false });
    configureApp(app, { title: 't', description: 't' });
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
  });
  afterAll(async () => {
    await app?.close();
    server.closeAllConnections();
    await new Promise((ok) => server.close(ok));
    await db?.drop();
  });

  it('joins lines and characters split across tiny chunks, with heartbeats while slow', async () => {
    const res = await get(`${base}/api/orchestrator/stream?table=users&rows=150&seed=1`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(res.headers['x-accel-buffering']).toBe('no');
    expect(res.headers['cache-control']).toMatch(/no-cache/);
    const msgs = parseSse(res.body);
    const data = msgs.filter((m) => m.event === 'data').map((m) => JSON.parse(m.data!));
    expect(data.map((d) => d.progress)).toEqual([100, 150]);
    expect(msgs.filter((m) => m.event === 'data').map((m) => m.id)).toEqual(['100', '150']);
    expect(data.flatMap((d) => d.rows)).toEqual(Array.from({ length: 150 }, (_, i) => JSON.parse(row(i + 1))));
    expect(msgs.some((m) => m.comment === 'heartbeat')).toBe(true);
    const complete = msgs.at(-1)!;
    expect(complete.event).toBe('complete');
    expect(JSON.parse(complete.data!)).toMatchObject({ total: 150, seed: 1 });
  });

  it('reports a generator dying mid-stream as event: error and ends', async () => {
    const res = await get(`${base}/api/orchestrator/stream?table=users&rows=3000&seed=2`);
    const msgs = parseSse(res.body);
    expect(msgs.filter((m) => m.event === 'data').length).toBeGreaterThan(0);
    expect(msgs.at(-1)!.event).toBe('error');
    expect(JSON.parse(msgs.at(-1)!.data!).message).toMatch(/upstream failed/);
  });

  it('reports a generator that ends short as event: error', async () => {
    const msgs = parseSse((await get(`${base}/api/orchestrator/stream?table=users&rows=200&seed=3`)).body);
    expect(msgs.at(-1)).toMatchObject({ event: 'error' });
    expect(JSON.parse(msgs.at(-1)!.data!).message).toContain('ended after 199 of 200 rows');
  });

  it('gives up on a generator that stalls (sends nothing) with event: error, and closes it', async () => {
    // The outcome is that the stream ends at all (the fake never does) and says why; how fast is
    // the idle limit's business (unit-tested in row-batches.spec.ts), not the wall clock's here.
    const msgs = parseSse((await get(`${base}/api/orchestrator/stream?table=users&rows=10&seed=6`)).body);
    expect(msgs.filter((m) => m.event === 'data')).toEqual([]); // one row < one batch: nothing yet
    expect(msgs.some((m) => m.comment === 'heartbeat')).toBe(true);
    expect(msgs.at(-1)).toMatchObject({ event: 'error', data: expect.stringContaining(`no data from the generator for ${IDLE_MS} ms`) });
    await until(() => stats.open === 0);
    expect(stats.open).toBe(0);
  });

  it('relays a generator 500 as event: error for the preview and 502 JSON for the download', async () => {
    const sse = await get(`${base}/api/orchestrator/stream?table=users&rows=10&seed=500`);
    expect(sse.status).toBe(200);
    expect(parseSse(sse.body)).toEqual([{ event: 'error', data: expect.stringContaining('generator exploded') }]);
    const csv = await get(`${base}/api/orchestrator/download/csv?table=users&rows=10&seed=500`);
    expect(csv.status).toBe(502);
    expect(JSON.parse(csv.body)).toMatchObject({ statusCode: 502, message: expect.stringContaining('generator exploded') });
  });

  it('validates before any upstream call: 400 naming the field, generator never asked', async () => {
    const before = stats.requests;
    const cases: [string, string][] = [
      ['rows=0&table=users', 'rows'],
      ['rows=100001&table=users', 'rows'],
      ['rows=abc&table=users', 'rows'],
      ['rows=10', 'table'],
      ['rows=10&table=nope', 'table'],
      ['rows=10&table=users&seed=-1', 'seed'],
      ['rows=10&schema=%7Bnot', 'schema'],
      [`rows=10&schema=${encodeURIComponent(JSON.stringify({ name: 't', columns: [{ name: 'a', type: 'wat' }] }))}`, 'schema.columns[0].type'],
    ];
    for (const path of ['stream', 'download/csv']) {
      for (const [q, field] of cases) {
        const res = await get(`${base}/api/orchestrator/${path}?${q}`);
        if (path === 'download/csv' && q.startsWith('rows=100001')) {
          expect(res.status).toBe(200); // the preview limit does not apply to downloads
          continue;
        }
        expect(res.status, `${path}?${q}`).toBe(400);
        expect(res.headers['content-type']).toMatch(/json/);
        const body = JSON.parse(res.body);
        expect(body).toMatchObject({ statusCode: 400, error: 'Bad Request', field });
        expect(body.message.startsWith(`${field}: `)).toBe(true);
      }
    }
    expect(stats.requests - before).toBe(1); // only the one valid download above
  });

  it('a paused SSE client pauses the generator: production plateaus far below unbounded', { timeout: 180_000 }, async () => {
    let received = 0;
    const req = http.get(`${base}/api/orchestrator/stream?table=users&rows=100000&seed=5`);
    try {
      const res = await new Promise<http.IncomingMessage>((ok) => req.once('response', ok));
      await new Promise<void>((ok) =>
        res.once('data', (c: Buffer) => {
          received += c.length;
          res.pause(); // stop reading: the client's socket fills, then the orchestrator's
          ok();
        }),
      );
      // Quiet for longer than the idle limit: a paused upstream is ours, not a stall (had the relay
      // dropped it as stalled, production could not restart below).
      const plateau = await settle(() => stats.produced, IDLE_MS + 1000, 60_000);
      // Plateaued: the relay stopped pulling, so the generator stopped producing. What is in
      // flight is bounded by socket/stream buffers (a few MB of 1 KB rows), not by the stream.
      expect(plateau.stable).toBe(true);
      process.stderr.write(`paused client: generator plateaued at ${plateau.value} rows of 1 KB\n`);
      expect(plateau.value * 1000).toBeLessThan(40 * 1024 * 1024); // of a 100 MB stream
      res.on('data', (c: Buffer) => (received += c.length));
      res.resume(); // and it was backpressure, not a stall: reading again restarts production
      await until(() => stats.produced > plateau.value + 1000);
      expect(stats.produced).toBeGreaterThan(plateau.value + 1000);
      expect(received).toBeGreaterThan(0);
    } finally {
      req.destroy();
    }
    await until(() => stats.open === 0);
  });

  it('a client disconnect closes the upstream response; 50 cycles leak nothing', { timeout: 240_000 }, async () => {
    const client = app.get(GeneratorClient);
    const handlesBefore = (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles().length;
    for (let i = 0; i < 50; i++) {
      await new Promise<void>((ok, fail) => {
        const req = http.get(`${base}/api/orchestrator/stream?table=users&rows=5000&seed=4`, (res) => {
          res.once('data', () => {
            req.destroy();
            ok();
          });
        });
        req.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' ? ok() : fail(e)));
      });
      // The fake streams forever and never idles, so only the disconnect can close its response:
      // waiting on the outcome (with a deadline for a busy machine) loses no strength.
      await until(() => stats.open === 0);
      expect(stats.open, `cycle ${i}`).toBe(0);
    }
    await until(() => stats.open === 0 && client.sockets().active === 0);
    expect(stats.open).toBe(0);
    expect(client.sockets().active).toBe(0);
    const handlesAfter = (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles().length;
    expect(handlesAfter - handlesBefore).toBeLessThanOrEqual(2);
  });

  it('an unreachable generator gives event: error (preview) and 503 (download), no crash', async () => {
    const config = loadOrchestratorConfig({
      DATABASE_URL: db.url,
      GENERATOR_URL: `http://127.0.0.1:${await freePort()}`,
      JOB_WORKERS: 'false',
    });
    const ref = await Test.createTestingModule({ imports: [AppModule.register(config)] }).compile();
    const dead = ref.createNestApplication({ logger: false });
    configureApp(dead, { title: 't', description: 't' });
    await dead.listen(0, '127.0.0.1');
    try {
      const url = await dead.getUrl();
      const sse = parseSse((await get(`${url}/api/orchestrator/stream?table=users&rows=10`)).body);
      expect(sse).toEqual([{ event: 'error', data: expect.stringContaining('generator unavailable') }]);
      const csv = await get(`${url}/api/orchestrator/download/csv?table=users&rows=10`);
      expect(csv.status).toBe(503);
      expect(JSON.parse(csv.body).message).toContain('ECONNREFUSED');
    } finally {
      await dead.close();
    }
  });
});

/** Polls `value` until it has not changed for `quietMs` (stable) or `timeoutMs` passed. */
async function settle(value: () => number, quietMs: number, timeoutMs: number): Promise<{ stable: boolean; value: number }> {
  const deadline = Date.now() + timeoutMs;
  let last = value();
  let since = Date.now();
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    const v = value();
    if (v !== last) [last, since] = [v, Date.now()];
    else if (Date.now() - since >= quietMs) return { stable: true, value: v };
  }
  return { stable: false, value: last };
}

/** Polls `cond` until it holds or a deadline generous for a busy machine passes (caller asserts). */
async function until(cond: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}
