/**
 * Strict input at the edges the fault probe found open: a key given twice in a JSON body (last
 * one used to win silently), query parameters on endpoints that take none, a Host header with a
 * URL authority's `@`, and an unknown LOG_LEVEL in the CLI. Each is refused naming what was
 * wrong, and nothing is created.
 */
import { describe, expect, it } from 'vitest';
import { cli } from '../cli/cli-harness.js';
import { rawRequest, useStack } from '../support/index.js';

const stack = useStack({ env: { JOB_WORKERS: 'false' } });

describe('a JSON key given twice', () => {
  it('is a 400 naming the key, and no job is created', async () => {
    const res = await rawRequest(`${stack.orch.url}/api/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"table":"users","rows":-1,"rows":10,"targetTable":"dup_rows"}',
    });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ statusCode: 400, field: 'rows' });
    expect(res.json.message).toContain('rows');
    const jobs = await stack.pool.query(`SELECT count(*)::int AS n FROM rowflow.jobs`).catch(() => ({ rows: [{ n: 0 }] }));
    expect(jobs.rows[0].n).toBe(0);
    expect((await stack.pool.query(`SELECT to_regclass('public.dup_rows') AS t`)).rows[0].t).toBeNull();
  });

  it('names a nested key by its path', async () => {
    const body = '{"schema":{"name":"p","columns":[{"name":"id","type":"serial","type":"uuid"}]},"rows":5}';
    const res = await rawRequest(`${stack.gen.url}/api/generator/stream/csv`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(res.status).toBe(400);
    expect(res.json.field).toBe('schema.columns[0].type');
  });
});

describe('query parameters where none are taken', () => {
  it.each(['/api/generator/datasets?x=1', '/api/generator/spec-schema?x=1'])('%s is a 400 naming x', async (path) => {
    const res = await rawRequest(`${stack.gen.url}${path}`);
    expect(res.status).toBe(400);
    expect(res.json.field).toBe('x');
  });
});

describe('Host header', () => {
  it.each(['localhost:4200@evil.example', 'localhost@evil.example', 'localhost:x'])('%s is refused', async (host) => {
    const res = await rawRequest(`${stack.orch.url}/health`, { headers: { host } });
    expect(res.status).toBe(421);
  });

  it('localhost:4200 still passes', async () => {
    const res = await rawRequest(`${stack.orch.url}/health`, { headers: { host: 'localhost:4200' } });
    expect(res.status).toBe(200);
  });
});

describe('CLI environment', () => {
  it('LOG_LEVEL=loud is bad usage naming LOG_LEVEL, before any work', async () => {
    const res = await cli(['generate', '--table', 'users', '--rows', '3', '--seed', '1'], { LOG_LEVEL: 'loud' });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('LOG_LEVEL');
    expect(res.stdout).toBe('');
  });
});
