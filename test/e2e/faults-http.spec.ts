/**
 * HTTP answers when the database is in trouble, with real processes (build first) and a
 * PostgreSQL server of this file's own: a request on a locked table is a 409 instead of a request
 * that hangs for as long as the lock lasts (and a burst of them leaves /health and the job API
 * served); a statement_timeout and a database that is down are 503 with Retry-After and the house
 * error body, never a bare 500; an unwritable EXPORT_DIR is a 503 without the server's path and
 * records no export; the jobs and manifests endpoints, with the job tables locked, are 409s too.
 * Outcomes only: no durations are asserted (a request that never answers fails at NO_ANSWER).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Proc, restartablePostgres, type RestartablePostgres, spawnApp, stop } from '../support/index.js';

let server: RestartablePostgres;
let pool: pg.Pool;
let gen: Proc;
let orch: Proc;
let dir: string;
const procs: Proc[] = [];

/** A request that never answers fails the test at this deadline instead of hanging it. */
const NO_ANSWER = AbortSignal.timeout.bind(AbortSignal, 60_000);

async function post(base: string, path: string, body: unknown): Promise<{ status: number; headers: Headers; body: any }> {
  const res = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: NO_ANSWER() });
  return { status: res.status, headers: res.headers, body: await res.json().catch(() => undefined) };
}

async function get(base: string, path: string): Promise<{ status: number; headers: Headers; body: any }> {
  const res = await fetch(`${base}${path}`, { signal: NO_ANSWER() });
  return { status: res.status, headers: res.headers, body: await res.json().catch(() => undefined) };
}

async function exportRows(): Promise<number> {
  return (await pool.query(`SELECT count(*)::int AS n FROM rowflow.exports`)).rows[0].n;
}

beforeAll(async () => {
  server = await restartablePostgres();
  pool = new pg.Pool({ connectionString: server.url, max: 4 });
  pool.on('error', () => undefined);
  dir = await mkdtemp(join(tmpdir(), 'rowflow-faults-http-'));
  // EXPORT_DIR below a regular file: mkdir fails (ENOTDIR) whoever runs the test, root included.
  await writeFile(join(dir, 'not-a-dir'), '');
  gen = await spawnApp('generator', {});
  procs.push(gen);
  orch = await spawnApp('orchestrator', { DATABASE_URL: server.url, GENERATOR_URL: gen.url, EXPORT_DIR: join(dir, 'not-a-dir', 'exports') });
  procs.push(orch);
  await pool.query(`CREATE TABLE public.locked (id int PRIMARY KEY, v text)`);
  await pool.query(`INSERT INTO public.locked SELECT g, 'v' || g FROM generate_series(1, 100) g`);
  for (;;) {
    // Both stores migrated and ready.
    if ((await get(orch.url, '/api/exports')).status === 200 && (await get(orch.url, '/api/jobs')).status === 200) break;
    await new Promise((r) => setTimeout(r, 100));
  }
});

afterAll(async () => {
  for (const p of procs) await stop(p);
  await pool?.end();
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('a table locked by another transaction', () => {
  it('POST /api/exports is a 409 naming the lock; a burst of them leaves /health and GET /api/jobs served', { timeout: 180_000 }, async () => {
    const holder = await pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE public.locked IN ACCESS EXCLUSIVE MODE');
      const one = await post(orch.url, '/api/exports', { table: 'locked' });
      expect(one.status).toBe(409);
      expect(one.body).toMatchObject({ statusCode: 409, error: 'Conflict' });
      expect(one.body.message).toMatch(/locked by another transaction/);
      // More requests than the request pool has connections, all waiting on the same lock.
      const burst = Promise.all(Array.from({ length: 12 }, () => post(orch.url, '/api/exports', { table: 'locked' })));
      expect((await get(orch.url, '/health')).status).toBe(200);
      expect((await get(orch.url, '/api/jobs')).status).toBe(200);
      for (const res of await burst) {
        // 409 (lock not granted in time) or 503 (no request connection free in time): never a hang.
        expect([409, 503]).toContain(res.status);
        expect(res.body.message).toMatch(/locked by another transaction|no connection came free/);
      }
      expect(await exportRows()).toBe(0);
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined);
      holder.release();
    }
  });
});

describe('the job tables locked by another transaction', () => {
  // The jobs and manifests endpoints use the request pool too: each answers 409 with Retry-After
  // once its lock_timeout passes, instead of holding a connection for as long as the lock lasts.
  it('the jobs and manifests endpoints answer 409 with Retry-After; nothing is created', { timeout: 180_000 }, async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    const holder = await pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE rowflow.jobs IN ACCESS EXCLUSIVE MODE');
      const answers = [
        ['GET /api/jobs', await get(orch.url, '/api/jobs')],
        ['GET /api/jobs/:id', await get(orch.url, `/api/jobs/${unknown}`)],
        ['GET /api/jobs/:id/manifest', await get(orch.url, `/api/jobs/${unknown}/manifest`)],
        ['GET /api/jobs/:id/verify', await get(orch.url, `/api/jobs/${unknown}/verify`)],
        ['POST /api/jobs', await post(orch.url, '/api/jobs', { table: 'users', rows: 10, targetTable: 'never_made' })],
      ] as const;
      for (const [what, res] of answers) {
        expect(res.status, what).toBe(409);
        expect(res.headers.get('retry-after'), what).toMatch(/^\d+$/);
        expect(res.body, what).toMatchObject({ statusCode: 409, error: 'Conflict' });
        expect(res.body.message, what).toMatch(/locked by another transaction/);
      }
      expect((await get(orch.url, '/health')).status).toBe(200);
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined);
      holder.release();
    }
    // Once the lock is gone the same calls are served again, and the refused create left nothing.
    expect((await get(orch.url, '/api/jobs')).status).toBe(200);
    expect((await get(orch.url, `/api/jobs/${unknown}`)).status).toBe(404);
    expect((await pool.query(`SELECT count(*)::int AS n FROM rowflow.jobs`)).rows[0].n).toBe(0);
    expect((await pool.query(`SELECT to_regclass('public.never_made') AS t`)).rows[0].t).toBeNull();
  });
});

describe('the stored manifests locked by another transaction', () => {
  it('a manifest request answers 409 instead of taking the lock wait for "no manifest stored"', { timeout: 180_000 }, async () => {
    const unknown = '00000000-0000-4000-8000-000000000001';
    const holder = await pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE rowflow.job_manifests IN ACCESS EXCLUSIVE MODE');
      const res = await get(orch.url, `/api/jobs/${unknown}/manifest`);
      expect(res.status).toBe(409);
      expect(res.body.message).toMatch(/locked by another transaction/);
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined);
      holder.release();
    }
    expect((await get(orch.url, `/api/jobs/${unknown}/manifest`)).status).toBe(404);
  });
});

describe('an unwritable EXPORT_DIR', () => {
  it('is a 503 without the server path, and no export is recorded', { timeout: 180_000 }, async () => {
    const res = await post(orch.url, '/api/exports', { table: 'locked' });
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ statusCode: 503, error: 'Service Unavailable' });
    expect(res.body.message).toContain('EXPORT_DIR');
    expect(res.body.message).not.toContain(dir);
    expect(res.body.message).not.toContain('not-a-dir');
    expect(await exportRows()).toBe(0);
  });
});

describe('a statement_timeout on the role', () => {
  it('is a 503 with Retry-After, not a bare 500', { timeout: 180_000 }, async () => {
    await pool.query(`CREATE ROLE impatient LOGIN SUPERUSER`);
    await pool.query(`ALTER ROLE impatient SET statement_timeout = '1s'`);
    const url = new URL(server.url);
    url.username = 'impatient';
    const other = await spawnApp('orchestrator', { DATABASE_URL: url.toString(), GENERATOR_URL: gen.url, JOB_WORKERS: 'false' });
    procs.push(other);
    const holder = await pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE public.locked IN ACCESS EXCLUSIVE MODE');
      // The statement_timeout (1 s) ends the wait for the lock before the request's lock_timeout does.
      const res = await post(other.url, '/api/exports', { table: 'locked' });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(res.body).toMatchObject({ statusCode: 503, error: 'Service Unavailable' });
      expect(res.body.message).toMatch(/statement_timeout/);
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined);
      holder.release();
    }
  });
});

describe('the database down', () => {
  // Last: the server does not come back.
  it('GET /api/exports and /api/jobs are 503 with Retry-After, and no address in the message', { timeout: 180_000 }, async () => {
    await pool.end();
    pool = new pg.Pool({ connectionString: server.url, max: 1 }); // for afterAll's end()
    await server.stop();
    for (const path of ['/api/exports', '/api/jobs']) {
      const res = await get(orch.url, path);
      expect(res.status, path).toBe(503);
      expect(res.headers.get('retry-after'), path).toMatch(/^\d+$/);
      expect(res.body).toMatchObject({ statusCode: 503, error: 'Service Unavailable' });
      expect(res.body.message).not.toMatch(/127\.0\.0\.1|\d+\.\d+\.\d+\.\d+:\d+/);
    }
  });
});
