/**
 * Access control on the built apps (real processes, real HTTP, real Postgres): the bearer token
 * on state-changing requests (and on reads when asked), the Host allowlist, CORS off by default,
 * and cross-origin / non-JSON requests that must never change a job.
 */
import { freePort } from '@rowflow/devdb';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { dbSnapshot, freshDatabase, parseSse, type Proc, rawRequest, type RawRequest, spawnApp, stop } from '../support/index.js';

const TOKEN = 'test-token-0123456789';
const APP_ORIGIN = 'http://app.example';
const dbs: Array<{ url: string; drop: () => Promise<void> }> = [];
const procs: Proc[] = [];
let poolA: pg.Pool;
let poolB: pg.Pool;
let gen: Proc;
let open: Proc; // orchestrator without a token (defaults)
let locked: Proc; // orchestrator with a token and CORS_ORIGINS
let genReads: Proc; // generator protecting reads
let orchReads: Proc; // orchestrator protecting reads
let deadGen: Proc; // orchestrator whose generator is not running
let deadGenUrl = '';

async function spawn(name: 'generator' | 'orchestrator', env: NodeJS.ProcessEnv): Promise<Proc> {
  const p = await spawnApp(name, env);
  procs.push(p);
  return p;
}

async function database(): Promise<string> {
  const db = await freshDatabase(inject('databaseUrl'));
  dbs.push(db);
  return db.url;
}

beforeAll(async () => {
  const [a, b, c] = [await database(), await database(), await database()];
  poolA = new pg.Pool({ connectionString: a, max: 2 });
  poolB = new pg.Pool({ connectionString: b, max: 2 });
  // the final DROP DATABASE … WITH (FORCE) may cut a closing client
  for (const p of [poolA, poolB]) p.on('error', () => undefined);
  gen = await spawn('generator', {});
  locked = await spawn('orchestrator', { DATABASE_URL: a, GENERATOR_URL: gen.url, ROWFLOW_API_TOKEN: TOKEN, CORS_ORIGINS: APP_ORIGIN });
  open = await spawn('orchestrator', { DATABASE_URL: b, GENERATOR_URL: gen.url, MAX_ROWS: '100000000' });
  genReads = await spawn('generator', { ROWFLOW_API_TOKEN: TOKEN, ROWFLOW_PROTECT_READS: 'true' });
  orchReads = await spawn('orchestrator', { DATABASE_URL: c, GENERATOR_URL: genReads.url, ROWFLOW_API_TOKEN: TOKEN, ROWFLOW_PROTECT_READS: 'true' });
  deadGenUrl = `http://127.0.0.1:${await freePort()}`;
  deadGen = await spawn('orchestrator', { DATABASE_URL: c, GENERATOR_URL: deadGenUrl, JOB_WORKERS: 'false' });
}, 180_000);

afterAll(async () => {
  await Promise.all(procs.map((p) => stop(p)));
  await poolA?.end();
  await poolB?.end();
  for (const db of dbs) await db.drop();
});

const JOB = { table: 'users', rows: 20, seed: 7 };

function post(body: unknown, headers: Record<string, string> = {}): RawRequest {
  return { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

async function waitState(base: string, id: string, states: string[], headers: Record<string, string> = {}): Promise<any> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const job = (await rawRequest(`${base}/api/jobs/${id}`, { headers })).json;
    if (states.includes(job.state)) return job;
    if (Date.now() > deadline) throw new Error(`job ${id} still ${job.state}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('bearer token on state-changing requests', () => {
  it('POST /api/jobs without a token is 401 {statusCode, error, message} and creates nothing', async () => {
    const before = await dbSnapshot(poolA);
    const res = await rawRequest(`${locked.url}/api/jobs`, post(JOB));
    expect(res.status).toBe(401);
    expect(res.json).toEqual({ statusCode: 401, error: 'Unauthorized', message: expect.stringContaining('Bearer') });
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(await dbSnapshot(poolA)).toEqual(before);
  });

  it.each([['a wrong token', bearer('test-token-0123456780')], ['a prefix of the token', bearer(TOKEN.slice(0, -1))], ['another scheme', { authorization: `Basic ${TOKEN}` }]])(
    '%s is 401',
    async (_name, headers) => {
      const before = await dbSnapshot(poolA);
      expect((await rawRequest(`${locked.url}/api/jobs`, post(JOB, headers))).status).toBe(401);
      expect(await dbSnapshot(poolA)).toEqual(before);
    },
  );

  it('the right token starts the job, and cancel/resume need it too', async () => {
    const created = await rawRequest(`${locked.url}/api/jobs`, post(JOB, bearer(TOKEN)));
    expect(created.status).toBe(202);
    const id = created.json.id as string;
    expect((await rawRequest(`${locked.url}/api/jobs/${id}/cancel`, { method: 'POST' })).status).toBe(401);
    expect((await rawRequest(`${locked.url}/api/jobs/${id}/resume`, { method: 'POST' })).status).toBe(401);
    const done = await waitState(locked.url, id, ['completed']);
    expect(done.rowsWritten).toBe(20);
  });

  it('reads stay open without ROWFLOW_PROTECT_READS: GET jobs, preview GET and POST, download', async () => {
    expect((await rawRequest(`${locked.url}/api/jobs`)).status).toBe(200);
    const sse = await rawRequest(`${locked.url}/api/orchestrator/stream?table=users&rows=3&seed=1`);
    expect(sse.status).toBe(200);
    expect(parseSse(sse.text).some((m) => m.event === 'complete')).toBe(true);
    const custom = await rawRequest(`${locked.url}/api/orchestrator/stream`, post({ table: 'users', rows: 3, seed: 1 }));
    expect(custom.status).toBe(200);
    const csv = await rawRequest(`${locked.url}/api/orchestrator/download/csv`, post({ table: 'users', rows: 3, seed: 1 }));
    expect(csv.status).toBe(200);
    expect(csv.text.split('\n').length).toBeGreaterThanOrEqual(4);
  });

  it('a new non-GET route is protected without being listed (safe by default)', async () => {
    const res = await rawRequest(`${locked.url}/api/exports`, post({ table: 'users' }));
    expect(res.status).toBe(401);
  });
});

describe('ROWFLOW_PROTECT_READS', () => {
  it('reads need the token; /health stays open', async () => {
    expect((await rawRequest(`${orchReads.url}/api/jobs`)).status).toBe(401);
    expect((await rawRequest(`${orchReads.url}/api/jobs`, { headers: bearer(TOKEN) })).status).toBe(200);
    expect((await rawRequest(`${orchReads.url}/api/orchestrator/stream?table=users&rows=3`)).status).toBe(401);
    expect((await rawRequest(`${orchReads.url}/health`)).status).toBe(200);
    expect((await rawRequest(`${genReads.url}/api/generator/stream/csv?table=users&rows=3`)).status).toBe(401);
    expect((await rawRequest(`${genReads.url}/api/generator/stream/csv`, post({ table: 'users', rows: 3 }))).status).toBe(401);
    expect((await rawRequest(`${genReads.url}/health`)).status).toBe(200);
  });

  it('the orchestrator passes its token to a generator that protects reads', async () => {
    const sse = await rawRequest(`${orchReads.url}/api/orchestrator/stream?table=users&rows=5&seed=3`, { headers: bearer(TOKEN) });
    expect(sse.status).toBe(200);
    const complete = parseSse(sse.text).find((m) => m.event === 'complete');
    expect(JSON.parse(complete!.data!)).toMatchObject({ total: 5, seed: 3 });
  });

  it('POST /api/session gives a read-only cookie an EventSource can use', async () => {
    expect((await rawRequest(`${orchReads.url}/api/session`, { method: 'POST' })).status).toBe(401);
    const session = await rawRequest(`${orchReads.url}/api/session`, { method: 'POST', headers: bearer(TOKEN) });
    expect(session.status).toBe(204);
    const cookie = String(session.headers['set-cookie']).split(';')[0]!;
    expect(String(session.headers['set-cookie'])).toMatch(/HttpOnly/);
    expect(String(session.headers['set-cookie'])).toMatch(/SameSite=Strict/);
    const sse = await rawRequest(`${orchReads.url}/api/orchestrator/stream?table=users&rows=2&seed=1`, { headers: { cookie } });
    expect(sse.status).toBe(200);
    expect((await rawRequest(`${orchReads.url}/api/jobs`, post(JOB, { cookie }))).status).toBe(401);
    expect((await rawRequest(`${orchReads.url}/api/jobs`, { headers: { cookie: `${cookie.slice(0, -2)}xx` } })).status).toBe(401);
  });
});

describe('Host allowlist (DNS rebinding)', () => {
  it.each([
    ['orchestrator', '/api/jobs'],
    ['orchestrator', '/health'],
    ['generator', '/api/generator/stream/csv?table=users&rows=1'],
    ['generator', '/api/generator/tables'],
  ])('%s refuses Host: attacker.example on %s with 421', async (app, path) => {
    const base = app === 'generator' ? gen.url : open.url;
    const res = await rawRequest(`${base}${path}`, { headers: { host: 'attacker.example' } });
    expect(res.status).toBe(421);
    expect(res.json).toMatchObject({ statusCode: 421, field: 'host' });
  });

  it('a rebinding page cannot start a job either', async () => {
    const before = await dbSnapshot(poolB);
    const res = await rawRequest(`${open.url}/api/jobs`, post(JOB, { host: `attacker.example:${new URL(open.url).port}` }));
    expect(res.status).toBe(421);
    expect(await dbSnapshot(poolB)).toEqual(before);
  });

  it.each(['localhost', '127.0.0.1', '[::1]'])('answers Host %s with any port', async (host) => {
    expect((await rawRequest(`${open.url}/health`, { headers: { host: `${host}:1234` } })).status).toBe(200);
  });
});

describe('cross-origin requests', () => {
  let running = '';

  beforeAll(async () => {
    const created = await rawRequest(`${open.url}/api/jobs`, post({ table: 'pgbench_accounts', rows: 20_000_000, seed: 1, targetTable: 'long_job' }));
    expect(created.status).toBe(202);
    running = created.json.id;
    await waitState(open.url, running, ['running']);
  });

  afterAll(async () => {
    await rawRequest(`${open.url}/api/jobs/${running}/cancel`, { method: 'POST' });
  });

  it.each([
    ['a cross-origin text/plain POST', { origin: 'http://evil.example', 'content-type': 'text/plain' }, 403],
    ['a cross-origin JSON POST', { origin: 'http://evil.example', 'content-type': 'application/json' }, 403],
    ['a sandboxed page (Origin: null)', { origin: 'null', 'content-type': 'text/plain' }, 403],
    ['a text/plain POST without Origin', { 'content-type': 'text/plain' }, 415],
    ['a form POST', { 'content-type': 'application/x-www-form-urlencoded' }, 415],
  ])('%s cannot cancel a running job', async (_name, headers, status) => {
    const res = await rawRequest(`${open.url}/api/jobs/${running}/cancel`, { method: 'POST', headers, body: '{}' });
    expect(res.status).toBe(status);
    const job = (await rawRequest(`${open.url}/api/jobs/${running}`)).json;
    expect(job.state).toBe('running');
  });

  it('the same cancel from the server\'s own origin works', async () => {
    const origin = open.url;
    const res = await rawRequest(`${open.url}/api/jobs/${running}/cancel`, { method: 'POST', headers: { origin, 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(202);
    expect((await waitState(open.url, running, ['cancelled'])).state).toBe('cancelled');
  });

  it('CORS is off by default: no Access-Control header, preflight not answered', async () => {
    const res = await rawRequest(`${open.url}/api/jobs`, { headers: { origin: APP_ORIGIN } });
    expect(res.status).toBe(200);
    expect(Object.keys(res.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
    const pre = await rawRequest(`${open.url}/api/jobs`, { method: 'OPTIONS', headers: { origin: APP_ORIGIN, 'access-control-request-method': 'POST' } });
    expect(pre.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('CORS_ORIGINS allows exactly the listed origin', async () => {
    const res = await rawRequest(`${locked.url}/api/jobs`, { headers: { origin: APP_ORIGIN } });
    expect(res.headers['access-control-allow-origin']).toBe(APP_ORIGIN);
    const pre = await rawRequest(`${locked.url}/api/jobs`, { method: 'OPTIONS', headers: { origin: APP_ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' } });
    expect(pre.status).toBe(204);
    expect(String(pre.headers['access-control-allow-headers'])).toMatch(/Authorization/);
    const other = await rawRequest(`${locked.url}/api/jobs`, { headers: { origin: 'http://other.example' } });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    const allowed = await rawRequest(`${locked.url}/api/jobs`, post({ ...JOB, targetTable: 'from_app' }, { origin: APP_ORIGIN, ...bearer(TOKEN) }));
    expect(allowed.status).toBe(202);
  });
});

describe('error bodies keep internal addresses to themselves', () => {
  it('generator down: the 503 download body and the SSE error name no address', async () => {
    const hidden = new URL(deadGenUrl).host;
    const csv = await rawRequest(`${deadGen.url}/api/orchestrator/download/csv?table=users&rows=5`);
    expect(csv.status).toBe(503);
    expect(csv.json).toMatchObject({ statusCode: 503, message: expect.stringContaining('generator unavailable') });
    expect(csv.text).not.toContain(hidden);
    const sse = await rawRequest(`${deadGen.url}/api/orchestrator/stream?table=users&rows=5`);
    expect(sse.text).toContain('generator unavailable');
    expect(sse.text).not.toContain(hidden);
  });
});
