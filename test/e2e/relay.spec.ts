/**
 * Relay e2e against the REAL generator (its AppModule in-process on a random port) and the real
 * orchestrator AppModule: preview and download are byte-for-byte the generator's output, errors
 * carry the generator's own messages, disconnects stop the generator, slow readers pause it.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { Socket } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { configureApp } from '@rowflow/platform-nest';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { AppModule as GeneratorModule } from '../../apps/generator/src/app.module.js';
import { loadGeneratorConfig } from '../../apps/generator/src/config/generator-config.js';
import { AppModule } from '../../apps/orchestrator/src/app.module.js';
import { loadOrchestratorConfig } from '../../apps/orchestrator/src/config/orchestrator-config.js';
import { GeneratorClient } from '../../apps/orchestrator/src/generator-client/generator-client.js';
import { RELAY_OPTIONS } from '../../apps/orchestrator/src/relay/relay-options.js';
import { RelayService } from '../../apps/orchestrator/src/relay/relay.service.js';
import { freshDatabase } from '../setup/helpers.js';
import { parseSse, type SseMessage } from '../setup/sse.js';

interface Got {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

function fetchRaw(url: string, init: { method?: string; json?: unknown; headers?: Record<string, string> } = {}): Promise<Got> {
  return new Promise((ok, fail) => {
    const body = init.json === undefined ? undefined : JSON.stringify(init.json);
    const headers = { ...(body ? { 'content-type': 'application/json' } : {}), ...init.headers };
    // agent: false — no idle keep-alive sockets of ours on the generator to confuse the leak count.
    const req = http.request(url, { agent: false, method: init.method ?? 'GET', headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => ok({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) }));
      res.on('error', fail);
    });
    req.on('error', fail);
    req.end(body);
  });
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const ndjsonRows = (b: Buffer) => b.toString('utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as unknown);
const dataRows = (msgs: SseMessage[]) => msgs.filter((m) => m.event === 'data').flatMap((m) => (JSON.parse(m.data!) as { rows: unknown[] }).rows);

/** Polls `cond` until it holds or a deadline generous for a busy machine passes (caller asserts). */
async function until(cond: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}

const schema = {
  name: 'my widgets!',
  columns: [
    { name: 'id', type: 'serial', primaryKey: true },
    { name: 'label', type: 'text', mode: 'word' },
    { name: 'qty', type: 'int', min: 1, max: 9 },
  ],
};

describe('relay against the real generator', () => {
  let gen: INestApplication;
  let orch: INestApplication;
  let genUrl: string;
  let base: string;
  /** The generator's view: responses still open, bytes written to its sockets. */
  const upstream = { open: 0, sockets: new Set<Socket>() };
  const generatorBytes = () => [...upstream.sockets].reduce((n, s) => n + s.bytesWritten, 0);

  let db: Awaited<ReturnType<typeof freshDatabase>>;

  beforeAll(async () => {
    // Own database: the orchestrator's jobs module migrates at start-up; keep other files out of it.
    db = await freshDatabase(inject('databaseUrl'));
    const gref = await Test.createTestingModule({ imports: [GeneratorModule.register(loadGeneratorConfig({ LOG_LEVEL: 'silent' }))] }).compile();
    gen = gref.createNestApplication({ logger: false });
    configureApp(gen, { title: 'g', description: 'g' });
    const server = gen.getHttpServer() as http.Server;
    server.on('connection', (s: Socket) => upstream.sockets.add(s));
    server.on('request', (_req: http.IncomingMessage, res: http.ServerResponse) => {
      upstream.open++;
      res.on('close', () => upstream.open--);
    });
    await gen.listen(0, '127.0.0.1');
    genUrl = (await gen.getUrl()).replace('[::1]', '127.0.0.1');
    const config = loadOrchestratorConfig({ DATABASE_URL: db.url, GENERATOR_URL: genUrl, JOB_WORKERS: 'false', PREVIEW_MAX_ROWS: '1000000' });
    const oref = await Test.createTestingModule({ imports: [AppModule.register(config)] })
      .overrideProvider(RELAY_OPTIONS)
      .useValue({ heartbeatMs: 200, batchSize: 100, upstreamIdleMs: 10_000 })
      .compile();
    orch = oref.createNestApplication({ logger: false });
    configureApp(orch, { title: 'o', description: 'o' });
    await orch.listen(0, '127.0.0.1');
    base = await orch.getUrl();
  });
  afterAll(async () => {
    await orch?.close();
    await gen?.close();
    await db?.drop();
  });

  it('previews exactly the generator NDJSON, in ≤100-row data events with progress ids, then complete', async () => {
    const direct = await fetchRaw(`${genUrl}/api/generator/stream/ndjson?table=users&rows=250&seed=42`);
    const res = await fetchRaw(`${base}/api/orchestrator/stream?table=users&rows=250&seed=42`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(res.headers['x-rowflow-seed']).toBe('42');
    const msgs = parseSse(res.body.toString('utf8'));
    const data = msgs.filter((m) => m.event === 'data');
    expect(data.map((m) => m.id)).toEqual(['100', '200', '250']);
    expect(data.map((m) => JSON.parse(m.data!))).toMatchObject([
      { progress: 100, total: 250 },
      { progress: 200, total: 250 },
      { progress: 250, total: 250 },
    ]);
    expect(dataRows(msgs)).toEqual(ndjsonRows(direct.body));
    const complete = msgs.at(-1)!;
    expect(complete.event).toBe('complete');
    expect(JSON.parse(complete.data!)).toMatchObject({ total: 250, seed: 42, elapsedMs: expect.any(Number) });
    // A completed preview reads the generator's body to its end: the next one reuses the socket.
    const connections = upstream.sockets.size;
    const again = await fetchRaw(`${base}/api/orchestrator/stream?table=users&rows=250&seed=42`);
    expect(dataRows(parseSse(again.body.toString('utf8')))).toEqual(dataRows(msgs));
    expect(upstream.sockets.size).toBe(connections);
  });

  it('resumes an EventSource reconnect at Last-Event-ID (pinned seed), and says 204 once complete', async () => {
    const direct = ndjsonRows((await fetchRaw(`${genUrl}/api/generator/stream/ndjson?table=users&rows=250&seed=42`)).body);
    const url = `${base}/api/orchestrator/stream?table=users&rows=250&seed=42`;
    const resumed = await fetchRaw(url, { headers: { 'Last-Event-ID': '100' } });
    const msgs = parseSse(resumed.body.toString('utf8'));
    expect(msgs.filter((m) => m.event === 'data').map((m) => m.id)).toEqual(['200', '250']);
    expect(dataRows(msgs)).toEqual(direct.slice(100));
    expect(JSON.parse(msgs.at(-1)!.data!)).toMatchObject({ total: 250, seed: 42 });
    expect((await fetchRaw(url, { headers: { 'Last-Event-ID': '250' } })).status).toBe(204);
    // Without a pinned seed the rows after 100 are not knowable: start over.
    const unpinned = parseSse((await fetchRaw(`${base}/api/orchestrator/stream?table=users&rows=150`, { headers: { 'Last-Event-ID': '100' } })).body.toString());
    expect(unpinned.filter((m) => m.event === 'data').map((m) => m.id)).toEqual(['100', '150']);
  });

  it('reports the seed the generator picked, and that seed reproduces the rows', async () => {
    const first = parseSse((await fetchRaw(`${base}/api/orchestrator/stream?table=orders&rows=30`)).body.toString());
    const { seed } = JSON.parse(first.at(-1)!.data!) as { seed: number };
    expect(seed).toBeGreaterThan(0);
    const again = parseSse((await fetchRaw(`${base}/api/orchestrator/stream?table=orders&rows=30&seed=${seed}`)).body.toString());
    expect(dataRows(again)).toEqual(dataRows(first));
  });

  it('previews a custom schema by POST body and by a JSON query param, same as the generator', async () => {
    const direct = await fetchRaw(`${genUrl}/api/generator/stream/ndjson`, { method: 'POST', json: { schema, rows: 120, seed: 5 } });
    expect(direct.status).toBe(200);
    const posted = await fetchRaw(`${base}/api/orchestrator/stream`, { method: 'POST', json: { schema, rows: 120, seed: 5 } });
    expect(posted.status).toBe(200);
    expect(dataRows(parseSse(posted.body.toString()))).toEqual(ndjsonRows(direct.body));
    const q = encodeURIComponent(JSON.stringify(schema));
    const viaQuery = await fetchRaw(`${base}/api/orchestrator/stream?rows=120&seed=5&schema=${q}`);
    expect(dataRows(parseSse(viaQuery.body.toString()))).toEqual(ndjsonRows(direct.body));
  });

  it('serves the same catalog as the generator at /api/orchestrator/tables', async () => {
    const direct = await fetchRaw(`${genUrl}/api/generator/tables`);
    const res = await fetchRaw(`${base}/api/orchestrator/tables`);
    expect(res.status).toBe(200);
    const tables = JSON.parse(res.body.toString('utf8')) as { name: string; columns: unknown[] }[];
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['users', 'orders', 'products', 'events', 'pgbench_accounts']));
    expect(tables.every((t) => t.columns.length > 0)).toBe(true);
    expect(res.body.toString('utf8')).toBe(direct.body.toString('utf8'));
  });

  it('downloads CSV byte-identical to the generator (sha256), as a named attachment', async () => {
    const direct = await fetchRaw(`${genUrl}/api/generator/stream/csv?table=users&rows=20000&seed=9`);
    const res = await fetchRaw(`${base}/api/orchestrator/download/csv?table=users&rows=20000&seed=9`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toBe('attachment; filename="users-9.csv"');
    expect(res.headers['x-rowflow-seed']).toBe('9');
    expect(res.body.length).toBeGreaterThan(1_000_000);
    expect(sha(res.body)).toBe(sha(direct.body));
    // A completed download hands its generator socket back to the keep-alive pool.
    await until(() => orch.get(GeneratorClient).sockets().active === 0 && orch.get(GeneratorClient).sockets().idle >= 1);
    const pool = orch.get(GeneratorClient).sockets();
    expect(pool.active).toBe(0);
    expect(pool.idle).toBeGreaterThanOrEqual(1);

    const custom = await fetchRaw(`${base}/api/orchestrator/download/csv`, { method: 'POST', json: { schema, rows: 500, seed: 3 } });
    const customDirect = await fetchRaw(`${genUrl}/api/generator/stream/csv`, { method: 'POST', json: { schema, rows: 500, seed: 3 } });
    expect(custom.headers['content-disposition']).toBe('attachment; filename="my_widgets_-3.csv"');
    expect(sha(custom.body)).toBe(sha(customDirect.body));
  });

  it('rejects bad input with the generator’s own 400 messages, before any upstream call', async () => {
    const cases = ['rows=abc&table=users', 'rows=0&table=users', 'rows=10&table=nope', 'rows=10&table=users&seed=-4', 'rows=10&table=users&offset=x'];
    for (const q of cases) {
      const g = await request(gen.getHttpServer()).get(`/api/generator/stream/csv?${q}`);
      const before = upstream.open;
      const o = await request(orch.getHttpServer()).get(`/api/orchestrator/download/csv?${q}`);
      expect(o.status, q).toBe(400);
      expect(g.status, q).toBe(400);
      expect(o.body.message).toBe(g.body.message);
      expect(o.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(upstream.open).toBe(before);
    }
    const tooMany = await request(orch.getHttpServer()).get('/api/orchestrator/stream?table=users&rows=1000001');
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.message).toMatch(/^rows: must be <= PREVIEW_MAX_ROWS \(1000000\)/);
    const badSchema = await request(orch.getHttpServer())
      .post('/api/orchestrator/stream')
      .send({ schema: { name: 't', columns: [] }, rows: 5 });
    expect(badSchema.status).toBe(400);
    expect(badSchema.body.message).toMatch(/^schema\.columns: /);
  });

  it('a disconnect stops the generator; 50 preview + 20 download cycles leak no sockets or handles', { timeout: 300_000 }, async () => {
    const client = orch.get(GeneratorClient);
    const relay = orch.get(RelayService);
    const handles = () => (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles().length;
    const before = handles();
    const cycle = (path: string) =>
      new Promise<void>((ok, fail) => {
        const req = http.get(`${base}${path}`, (res) => res.once('data', () => (req.destroy(), ok())));
        req.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' ? ok() : fail(e)));
      });
    for (let i = 0; i < 70; i++) {
      await cycle(i < 50 ? `/api/orchestrator/stream?table=users&rows=1000000&seed=${i + 1}` : `/api/orchestrator/download/csv?table=users&rows=10000000&seed=${i}`);
      // The generator's stream is far too long to end by itself: only the disconnect closes it,
      // so waiting on the outcome (with a busy machine's deadline) loses no strength.
      await until(() => upstream.open === 0);
      expect(upstream.open, `cycle ${i}: generator still streaming`).toBe(0);
    }
    await until(() => client.sockets().active === 0 && relay.active === 0);
    expect(client.sockets().active).toBe(0);
    expect(relay.active).toBe(0);
    const live = [...upstream.sockets].filter((s) => !s.destroyed).length;
    expect(live).toBeLessThanOrEqual(client.sockets().idle);
    expect(handles() - before).toBeLessThanOrEqual(3);
  });

  it('a paused SSE client pauses the generator: its output plateaus far below the stream size', { timeout: 180_000 }, async () => {
    const bytes0 = generatorBytes();
    const req = http.get(`${base}/api/orchestrator/stream?table=users&rows=1000000&seed=77`);
    try {
      const res = await new Promise<http.IncomingMessage>((ok) => req.once('response', ok));
      await new Promise((ok) => res.once('data', ok));
      res.pause();
      let last = -1;
      let quiet = 0;
      for (let i = 0; i < 600 && quiet < 8; i++) {
        await new Promise((r) => setTimeout(r, 100));
        const now = generatorBytes();
        quiet = now === last ? quiet + 1 : 0;
        last = now;
      }
      expect(quiet, 'generator output never stopped growing').toBe(8);
      // 1M users rows are ~250 MB of NDJSON; paused, the generator stopped after socket buffers' worth.
      expect(last - bytes0).toBeLessThan(40 * 1024 * 1024);
      const relayed = last - bytes0;
      process.stderr.write(`paused client: generator plateaued after ${(relayed / 1e6).toFixed(1)} MB\n`);
      res.resume();
      await until(() => generatorBytes() - bytes0 > relayed + 1_000_000);
      expect(generatorBytes() - bytes0).toBeGreaterThan(relayed + 1_000_000);
    } finally {
      req.destroy();
    }
    await until(() => upstream.open === 0);
    expect(upstream.open).toBe(0);
  });

  it('documents the relay endpoints and their query params in OpenAPI', async () => {
    const doc = (await request(orch.getHttpServer()).get('/api/docs/json').expect(200)).body;
    const params = (doc.paths['/api/orchestrator/stream'].get.parameters as { name: string }[]).map((p) => p.name);
    expect(params).toEqual(expect.arrayContaining(['table', 'rows', 'seed', 'schema']));
    expect(doc.paths['/api/orchestrator/download/csv'].post).toBeDefined();
  });
});
