import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { text } from 'node:stream/consumers';
import { NotFoundError, ValidationError } from '@rowflow/contracts';
import { freePort } from '@rowflow/devdb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GeneratorClient, GeneratorError, GeneratorUnavailableError } from './generator-client.js';

/** A tiny real HTTP server standing in for the generator's edge cases (failure injection). */
function fakeGenerator(): http.Server {
  return http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const rows = url.searchParams.get('rows');
    if (rows === 'bad') {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ statusCode: 400, error: 'Bad Request', message: 'rows: must be an integer', field: 'rows' }));
    } else if (rows === '404') {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'no such route' }));
    } else if (rows === '500') {
      res.writeHead(500).end('boom');
    } else if (rows === 'silent') {
      // accept, never answer
    } else if (rows === 'forever') {
      res.writeHead(200, { 'x-rowflow-seed': '9' });
      const t = setInterval(() => res.write('{"a":1}\n'), 5);
      res.on('close', () => clearInterval(t));
    } else if (req.method === 'POST') {
      void text(req).then((body) => res.writeHead(200, { 'x-rowflow-seed': '5' }).end(body));
    } else {
      res.writeHead(200, { 'x-rowflow-seed': '77' }).end(`${url.pathname}?${url.searchParams.toString()}`);
    }
  });
}

describe('GeneratorClient', () => {
  const server = fakeGenerator();
  let client: GeneratorClient;
  let connections = 0;
  beforeAll(async () => {
    // A busy machine may leave a gap between calls longer than Node's 5 s default: the
    // keep-alive test is about our client reusing the socket, not about the server's timer.
    server.keepAliveTimeout = 120_000;
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    server.on('connection', () => connections++);
    client = new GeneratorClient({ GENERATOR_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
  });
  afterAll(async () => {
    client.onApplicationShutdown();
    server.closeAllConnections();
    await new Promise((ok) => server.close(ok));
  });

  it('GETs the stream with the query and returns the seed header', async () => {
    const s = await client.open('csv', { table: 'users', rows: 10, seed: 3, offset: 5, header: false }, new AbortController().signal);
    expect(s.seed).toBe(77);
    expect(await text(s.body)).toBe('/api/generator/stream/csv?table=users&rows=10&seed=3&offset=5&header=false');
  });

  it('POSTs a custom schema as JSON', async () => {
    const schema = { name: 't', columns: [{ name: 'id', type: 'serial' as const }] };
    const s = await client.open('ndjson', { schema, rows: 2 }, new AbortController().signal);
    expect(JSON.parse(await text(s.body))).toEqual({ schema, rows: 2 });
    expect(s.seed).toBe(5);
  });

  it('maps a generator 400 to a ValidationError naming the field, message not doubled', async () => {
    const err = await client.open('ndjson', { table: 'users', rows: 'bad' as never }, new AbortController().signal).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).field).toBe('rows');
    expect((err as ValidationError).message).toBe('rows: must be an integer');
  });

  it('maps 404 and 5xx', async () => {
    const signal = new AbortController().signal;
    await expect(client.open('csv', { rows: '404' as never }, signal)).rejects.toBeInstanceOf(NotFoundError);
    const err = await client.open('csv', { rows: '500' as never }, signal).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GeneratorError);
    expect((err as GeneratorError).getStatus()).toBe(502);
    expect((err as GeneratorError).message).toContain('boom');
  });

  it('reuses one keep-alive socket across sequential calls', async () => {
    const before = connections;
    for (let i = 0; i < 10; i++) {
      const s = await client.open('csv', { table: 'users', rows: i + 1 }, new AbortController().signal);
      await text(s.body);
    }
    expect(connections - before).toBeLessThanOrEqual(1);
    expect(client.sockets().active).toBe(0);
  });

  it('abort after the headers destroys the socket (nothing left in use)', async () => {
    for (let i = 0; i < 20; i++) {
      const ac = new AbortController();
      const s = await client.open('ndjson', { rows: 'forever' as never }, ac.signal);
      const failed = new Promise((ok) => s.body.once('error', ok));
      ac.abort();
      expect(await failed).toBeInstanceOf(Error);
    }
    await eventually(() => client.sockets().active === 0);
    expect(client.sockets().active).toBe(0);
    await expect(client.open('csv', { rows: 1 }, AbortSignal.abort())).rejects.toThrow(/abort/i);
  });

  it('gives up on a generator that never answers (GeneratorUnavailableError) and frees the socket', async () => {
    client.headersTimeoutMs = 150;
    try {
      const err = await client.open('csv', { rows: 'silent' as never }, new AbortController().signal).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(GeneratorUnavailableError);
      expect((err as Error).message).toContain('no response within 150 ms');
      await eventually(() => client.sockets().active === 0);
      expect(client.sockets().active).toBe(0);
    } finally {
      client.headersTimeoutMs = 30_000;
    }
  });

  it('reports an unreachable generator as GeneratorUnavailableError (503)', async () => {
    const dead = new GeneratorClient({ GENERATOR_URL: `http://127.0.0.1:${await freePort()}` });
    try {
      const err = await dead.open('csv', { table: 'users', rows: 1 }, new AbortController().signal).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(GeneratorUnavailableError);
      expect((err as GeneratorUnavailableError).getStatus()).toBe(503);
      expect((err as Error).message).toMatch(/ECONNREFUSED/);
    } finally {
      dead.onApplicationShutdown();
    }
  });
});

/** Polls `cond` until it holds or a deadline generous for a busy machine passes (caller asserts). */
async function eventually(cond: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
}
