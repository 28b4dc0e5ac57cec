/**
 * The bad-input catalogue: every endpoint of both built apps (real processes, real HTTP, real
 * Postgres) gets malformed, misspelt, duplicated, oversized or mistyped input. Each case must
 * answer the expected 4xx with `{statusCode, error, message, field}` naming the field, leak no
 * internal address, SQL or stack, leave both servers healthy, and change nothing in the database.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { dbSnapshot, freshDatabase, type Proc, rawRequest, type RawRequest, spawnApp, stop } from '../support/index.js';

interface Case {
  name: string;
  app: 'gen' | 'orch';
  method?: string;
  /** Path with query; `:job` is replaced by the id of a completed job. */
  path: string;
  /** A JSON value (sent as application/json) or, with `raw`, the exact body text. */
  body?: unknown;
  raw?: string | Buffer;
  type?: string;
  status: number;
  /** The field the error must name; undefined: the status alone (404 of an unknown job). */
  field?: string | RegExp;
}

const G = '/api/generator/stream';
const R = '/api/orchestrator';
const J = '/api/jobs';
const SCHEMA = { name: 'people', columns: [{ name: 'id', type: 'serial' }, { name: 'email', type: 'email' }] };
/** Small, so bodies near it are quick to build; both apps get the same value. */
const BODY_LIMIT = 64 * 1024;
const HUGE = JSON.stringify({ table: 'users', rows: 5, pad: 'x'.repeat(2 * BODY_LIMIT) });
const UUID = '00000000-0000-4000-8000-000000000000';
/** Bytes 0xFF 0xFE are never UTF-8; decoded leniently they became U+FFFD in a created table's name. */
const INVALID_UTF8_TARGET = Buffer.concat([Buffer.from('{"table":"users","rows":5,"targetTable":"bad'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
const INVALID_UTF8_ENUM = Buffer.concat([Buffer.from('{"schema":{"name":"u8","columns":[{"name":"e","type":"enum","values":["a'), Buffer.from([0xc3]), Buffer.from('"]}]},"rows":2,"seed":1}')]);

const generatorGet = (fmt: 'csv' | 'ndjson'): Case[] => [
  { name: `${fmt}: no parameters`, app: 'gen', path: `${G}/${fmt}`, status: 400, field: 'rows' },
  { name: `${fmt}: rows=abc`, app: 'gen', path: `${G}/${fmt}?table=users&rows=abc`, status: 400, field: 'rows' },
  { name: `${fmt}: rows=1e3`, app: 'gen', path: `${G}/${fmt}?table=users&rows=1e3`, status: 400, field: 'rows' },
  { name: `${fmt}: rows=5.0`, app: 'gen', path: `${G}/${fmt}?table=users&rows=5.0`, status: 400, field: 'rows' },
  { name: `${fmt}: rows=" 5"`, app: 'gen', path: `${G}/${fmt}?table=users&rows=%205`, status: 400, field: 'rows' },
  { name: `${fmt}: rows=0`, app: 'gen', path: `${G}/${fmt}?table=users&rows=0`, status: 400, field: 'rows' },
  { name: `${fmt}: rows over MAX_ROWS`, app: 'gen', path: `${G}/${fmt}?table=users&rows=100000001`, status: 400, field: 'rows' },
  { name: `${fmt}: misspelt sed=1`, app: 'gen', path: `${G}/${fmt}?table=users&rows=5&sed=1`, status: 400, field: 'sed' },
  { name: `${fmt}: table given twice`, app: 'gen', path: `${G}/${fmt}?table=users&table=orders&rows=5`, status: 400, field: 'table' },
  { name: `${fmt}: rows given twice`, app: 'gen', path: `${G}/${fmt}?table=users&rows=2&rows=3`, status: 400, field: 'rows' },
  { name: `${fmt}: unknown table`, app: 'gen', path: `${G}/${fmt}?table=nope&rows=5`, status: 400, field: 'table' },
  { name: `${fmt}: offset=-1`, app: 'gen', path: `${G}/${fmt}?table=users&rows=5&offset=-1`, status: 400, field: 'offset' },
  { name: `${fmt}: seed=-3`, app: 'gen', path: `${G}/${fmt}?table=users&rows=5&seed=-3`, status: 400, field: 'seed' },
  { name: `${fmt}: schema on a GET`, app: 'gen', path: `${G}/${fmt}?rows=5&schema=${encodeURIComponent(JSON.stringify(SCHEMA))}`, status: 400, field: 'schema' },
];

const generatorPost = (fmt: 'csv' | 'ndjson'): Case[] => [
  { name: `POST ${fmt}: rows as a string`, app: 'gen', method: 'POST', path: `${G}/${fmt}`, body: { table: 'users', rows: '5' }, status: 400, field: 'rows' },
  { name: `POST ${fmt}: misspelt nullratio`, app: 'gen', method: 'POST', path: `${G}/${fmt}`, body: { schema: SCHEMA, rows: 5, nullratio: 0.1 }, status: 400, field: 'nullratio' },
  { name: `POST ${fmt}: malformed JSON`, app: 'gen', method: 'POST', path: `${G}/${fmt}`, raw: '{"rows":', status: 400, field: 'body' },
  { name: `POST ${fmt}: a lone surrogate escape in an enum value`, app: 'gen', method: 'POST', path: `${G}/${fmt}`, raw: '{"schema":{"name":"s","columns":[{"name":"e","type":"enum","values":["a\\udc00"]}]},"rows":1,"seed":1}', status: 400, field: 'body' },
  { name: `POST ${fmt}: invalid UTF-8 in an enum value`, app: 'gen', method: 'POST', path: `${G}/${fmt}`, raw: INVALID_UTF8_ENUM, status: 400, field: 'body' },
  { name: `POST ${fmt}: an array`, app: 'gen', method: 'POST', path: `${G}/${fmt}`, body: [1, 2], status: 400, field: 'body' },
  { name: `POST ${fmt}: text/plain`, app: 'gen', method: 'POST', path: `${G}/${fmt}`, raw: JSON.stringify({ table: 'users', rows: 5 }), type: 'text/plain', status: 415, field: 'content-type' },
  { name: `POST ${fmt}: body over BODY_LIMIT`, app: 'gen', method: 'POST', path: `${G}/${fmt}`, raw: HUGE, status: 413, field: 'body' },
  { name: `POST ${fmt}: bad column type`, app: 'gen', method: 'POST', path: `${G}/${fmt}`, body: { schema: { name: 'x', columns: [{ name: 'a', type: 'nonsense' }] }, rows: 5 }, status: 400, field: /^schema/ },
  { name: `POST ${fmt}: table and schema`, app: 'gen', method: 'POST', path: `${G}/${fmt}`, body: { table: 'users', schema: SCHEMA, rows: 5 }, status: 400, field: 'schema' },
  { name: `POST ${fmt}: header as a string`, app: 'gen', method: 'POST', path: `${G}/${fmt}`, body: { table: 'users', rows: 5, header: 'true' }, status: 400, field: 'header' },
  { name: `POST ${fmt}: a query key next to the body`, app: 'gen', method: 'POST', path: `${G}/${fmt}?rows=7`, body: { table: 'users', rows: 5 }, status: 400, field: 'rows' },
];

const generatorCases: Case[] = [
  ...generatorGet('csv'),
  ...generatorGet('ndjson'),
  { name: 'csv: header=yes', app: 'gen', path: `${G}/csv?table=users&rows=5&header=yes`, status: 400, field: 'header' },
  { name: 'ndjson: misspelt chunksize', app: 'gen', path: `${G}/ndjson?table=users&rows=5&chunksize=10`, status: 400, field: 'chunksize' },
  ...generatorPost('csv'),
  ...generatorPost('ndjson'),
  { name: 'tables: unknown query key', app: 'gen', path: '/api/generator/tables?table=users', status: 400, field: 'table' },
  { name: 'POST csv: a form', app: 'gen', method: 'POST', path: `${G}/csv`, raw: 'table=users&rows=5', type: 'application/x-www-form-urlencoded', status: 415, field: 'content-type' },
  { name: 'POST csv: seed 1.5', app: 'gen', method: 'POST', path: `${G}/csv`, body: { table: 'users', rows: 5, seed: 1.5 }, status: 400, field: 'seed' },
];

const relayCases: Case[] = [
  { name: 'preview: no parameters', app: 'orch', path: `${R}/stream`, status: 400, field: 'rows' },
  { name: 'preview: rows=1e3', app: 'orch', path: `${R}/stream?table=users&rows=1e3`, status: 400, field: 'rows' },
  { name: 'preview: table given twice', app: 'orch', path: `${R}/stream?table=users&table=orders&rows=5`, status: 400, field: 'table' },
  { name: 'preview: misspelt sed', app: 'orch', path: `${R}/stream?table=users&rows=5&sed=1`, status: 400, field: 'sed' },
  { name: 'preview: over PREVIEW_MAX_ROWS', app: 'orch', path: `${R}/stream?table=users&rows=1000001`, status: 400, field: 'rows' },
  { name: 'preview: schema not JSON', app: 'orch', path: `${R}/stream?rows=5&schema=%7Bnope`, status: 400, field: 'schema' },
  { name: 'preview: table and schema', app: 'orch', path: `${R}/stream?table=users&rows=5&schema=${encodeURIComponent(JSON.stringify(SCHEMA))}`, status: 400, field: 'schema' },
  { name: 'preview: unknown table', app: 'orch', path: `${R}/stream?table=nope&rows=5`, status: 400, field: 'table' },
  { name: 'relay tables: unknown query key', app: 'orch', path: `${R}/tables?name=users`, status: 400, field: 'name' },
  { name: 'POST preview: rows as a string', app: 'orch', method: 'POST', path: `${R}/stream`, body: { table: 'users', rows: '5' }, status: 400, field: 'rows' },
  { name: 'POST preview: malformed JSON', app: 'orch', method: 'POST', path: `${R}/stream`, raw: '{"schema": {', status: 400, field: 'body' },
  { name: 'POST preview: text/plain', app: 'orch', method: 'POST', path: `${R}/stream`, raw: '{}', type: 'text/plain', status: 415, field: 'content-type' },
  { name: 'POST preview: misspelt shema', app: 'orch', method: 'POST', path: `${R}/stream`, body: { shema: SCHEMA, rows: 5 }, status: 400, field: 'shema' },
  { name: 'POST preview: an array', app: 'orch', method: 'POST', path: `${R}/stream`, body: [SCHEMA], status: 400, field: 'body' },
  { name: 'POST preview: body over BODY_LIMIT', app: 'orch', method: 'POST', path: `${R}/stream`, raw: HUGE, status: 413, field: 'body' },
  { name: 'download: rows=5.0', app: 'orch', path: `${R}/download/csv?table=users&rows=5.0`, status: 400, field: 'rows' },
  { name: 'download: seed given twice', app: 'orch', path: `${R}/download/csv?table=users&rows=5&seed=1&seed=2`, status: 400, field: 'seed' },
  { name: 'download: seed=abc', app: 'orch', path: `${R}/download/csv?table=users&rows=5&seed=abc`, status: 400, field: 'seed' },
  { name: 'download: header=maybe', app: 'orch', path: `${R}/download/csv?table=users&rows=5&header=maybe`, status: 400, field: 'header' },
  { name: 'download: unknown format key', app: 'orch', path: `${R}/download/csv?table=users&rows=5&format=csv`, status: 400, field: 'format' },
  { name: 'POST download: no table', app: 'orch', method: 'POST', path: `${R}/download/csv`, body: { rows: 5 }, status: 400, field: 'table' },
  { name: 'POST download: a query key next to the body', app: 'orch', method: 'POST', path: `${R}/download/csv?seed=3`, body: { table: 'users', rows: 5 }, status: 400, field: 'seed' },
  { name: 'POST preview: a query key next to the body', app: 'orch', method: 'POST', path: `${R}/stream?table=orders`, body: { table: 'users', rows: 5 }, status: 400, field: 'table' },
  { name: 'POST dataset rows: a query key next to the body', app: 'gen', method: 'POST', path: '/api/generator/datasets/rows?seed=1', body: { dataset: 'shop' }, status: 400, field: 'seed' },
  { name: 'POST download: offset as a string', app: 'orch', method: 'POST', path: `${R}/download/csv`, body: { table: 'users', rows: 5, offset: '3' }, status: 400, field: 'offset' },
  { name: 'POST download: malformed JSON', app: 'orch', method: 'POST', path: `${R}/download/csv`, raw: 'nope', status: 400, field: 'body' },
];

const jobCases: Case[] = [
  { name: 'job: empty object', app: 'orch', method: 'POST', path: J, body: {}, status: 400, field: 'table' },
  { name: 'job: rows as a string', app: 'orch', method: 'POST', path: J, body: { table: 'users', rows: '5' }, status: 400, field: 'rows' },
  { name: 'job: misspelt chunksize', app: 'orch', method: 'POST', path: J, body: { table: 'users', rows: 5, chunksize: 100 }, status: 400, field: 'chunksize' },
  { name: 'job: mode drop', app: 'orch', method: 'POST', path: J, body: { table: 'users', rows: 5, mode: 'drop' }, status: 400, field: 'mode' },
  { name: 'job: partitions 0', app: 'orch', method: 'POST', path: J, body: { table: 'users', rows: 5, partitions: 0 }, status: 400, field: 'partitions' },
  { name: 'job: empty targetTable', app: 'orch', method: 'POST', path: J, body: { table: 'users', rows: 5, targetTable: '' }, status: 400, field: 'targetTable' },
  { name: 'job: malformed JSON', app: 'orch', method: 'POST', path: J, raw: '{"table": "users", "rows": 5', status: 400, field: 'body' },
  { name: 'job: a lone surrogate escape in targetTable', app: 'orch', method: 'POST', path: J, raw: '{"table":"users","rows":5,"targetTable":"sur\\ud800x"}', status: 400, field: 'body' },
  { name: 'job: invalid UTF-8 in targetTable', app: 'orch', method: 'POST', path: J, raw: INVALID_UTF8_TARGET, status: 400, field: 'body' },
  { name: 'job: text/plain', app: 'orch', method: 'POST', path: J, raw: JSON.stringify({ table: 'users', rows: 5 }), type: 'text/plain', status: 415, field: 'content-type' },
  // Job bodies may carry a whole dataset spec: DATASET_BODY_LIMIT applies, so this one is read and its extra key named.
  { name: 'job: body over BODY_LIMIT (under DATASET_BODY_LIMIT)', app: 'orch', method: 'POST', path: J, raw: HUGE, status: 400, field: 'pad' },
  { name: 'job: an array', app: 'orch', method: 'POST', path: J, body: [{ table: 'users', rows: 5 }], status: 400, field: 'body' },
  { name: 'job: JSON null', app: 'orch', method: 'POST', path: J, raw: 'null', status: 400, field: 'body' },
  { name: 'job: table and schema', app: 'orch', method: 'POST', path: J, body: { table: 'users', schema: SCHEMA, rows: 5 }, status: 400, field: 'table' },
  { name: 'job: unknown table', app: 'orch', method: 'POST', path: J, body: { table: 'nope', rows: 5 }, status: 400, field: 'table' },
  { name: 'job: chunkSize "big"', app: 'orch', method: 'POST', path: J, body: { table: 'users', rows: 5, chunkSize: 'big' }, status: 400, field: 'chunkSize' },
  { name: 'job: skipLimit -1', app: 'orch', method: 'POST', path: J, body: { table: 'users', rows: 5, skipLimit: -1 }, status: 400, field: 'skipLimit' },
  { name: 'job: seed -1', app: 'orch', method: 'POST', path: J, body: { table: 'users', rows: 5, seed: -1 }, status: 400, field: 'seed' },
  { name: 'job: rows over MAX_ROWS', app: 'orch', method: 'POST', path: J, body: { table: 'users', rows: 100_000_001 }, status: 400, field: 'rows' },
  { name: 'job: bad column type', app: 'orch', method: 'POST', path: J, body: { schema: { name: 'x', columns: [{ name: 'a', type: 'nonsense' }] }, rows: 5 }, status: 400, field: /^schema/ },
  { name: 'cancel: id not a uuid', app: 'orch', method: 'POST', path: `${J}/not-a-uuid/cancel`, status: 404 },
  { name: 'resume: unknown uuid', app: 'orch', method: 'POST', path: `${J}/${UUID}/resume`, status: 404 },
  { name: 'get: id not a uuid', app: 'orch', path: `${J}/not-a-uuid`, status: 404 },
  { name: 'get: SQL in the id', app: 'orch', path: `${J}/${encodeURIComponent("' OR 1=1 --")}`, status: 404 },
  { name: 'events: unknown uuid', app: 'orch', path: `${J}/${UUID}/events`, status: 404 },
  { name: 'dead letters: unknown uuid', app: 'orch', path: `${J}/${UUID}/dead-letters`, status: 404 },
  { name: 'list: unknown query key', app: 'orch', path: `${J}?state=running`, status: 400, field: 'state' },
  { name: 'get: unknown query key', app: 'orch', path: `${J}/:job?verbose=1`, status: 400, field: 'verbose' },
  { name: 'events: unknown query key', app: 'orch', path: `${J}/:job/events?since=3`, status: 400, field: 'since' },
  { name: 'cancel: unknown body key', app: 'orch', method: 'POST', path: `${J}/:job/cancel`, body: { force: true }, status: 400, field: 'force' },
  { name: 'resume: text/plain body', app: 'orch', method: 'POST', path: `${J}/:job/resume`, raw: '{}', type: 'text/plain', status: 415, field: 'content-type' },
  { name: 'resume: malformed JSON', app: 'orch', method: 'POST', path: `${J}/:job/resume`, raw: '{', status: 400, field: 'body' },
  { name: 'job: a system column name (ctid)', app: 'orch', method: 'POST', path: J, body: { schema: { name: 'sys_t', columns: [{ name: 'ctid', type: 'int' }] }, rows: 5 }, status: 400, field: 'schema.columns[0].name' },
  { name: 'job: a system column name in a dataset table (xmin)', app: 'orch', method: 'POST', path: J, body: { dataset: { name: 'd', tables: [{ name: 'sys_d', rows: 5, columns: [{ name: 'id', type: 'serial' }, { name: 'xmin', type: 'int' }] }] } }, status: 400, field: 'dataset.tables[0].columns[1].name' },
  { name: 'job: more rows than a unique column can produce', app: 'orch', method: 'POST', path: J, body: { schema: { name: 'cap_t', columns: [{ name: 'id', type: 'int', unique: true, min: 1, max: 5 }] }, rows: 10 }, status: 400, field: 'rows' },
  { name: 'job: a dataset table with more rows than its unique column can produce', app: 'orch', method: 'POST', path: J, body: { dataset: { name: 'd', tables: [{ name: 'cap_d', rows: 10, columns: [{ name: 'id', type: 'int', unique: true, min: 1, max: 5 }] }] } }, status: 400, field: 'dataset.tables[0]' },
  { name: 'job: a query key on the POST', app: 'orch', method: 'POST', path: `${J}?rows=7`, body: { table: 'users', rows: 5 }, status: 400, field: 'rows' },
  { name: 'job manifest: unknown query key', app: 'orch', path: `${J}/:job/manifest?format=v1`, status: 400, field: 'format' },
  { name: 'job verify: unknown query key', app: 'orch', path: `${J}/:job/verify?deep=1`, status: 400, field: 'deep' },
];

const X = '/api/exports';
const exportCases: Case[] = [
  { name: 'export: a query key on the POST', app: 'orch', method: 'POST', path: `${X}?table=users`, body: { table: 'users' }, status: 400, field: 'table' },
  { name: 'export list: unknown query key', app: 'orch', path: `${X}?state=running`, status: 400, field: 'state' },
  { name: 'export get: unknown query key', app: 'orch', path: `${X}/${UUID}?verbose=1`, status: 400, field: 'verbose' },
  { name: 'export file: unknown query key', app: 'orch', path: `${X}/${UUID}/file?gzip=1`, status: 400, field: 'gzip' },
  { name: 'export manifest: unknown query key', app: 'orch', path: `${X}/${UUID}/manifest?x=1`, status: 400, field: 'x' },
  { name: 'export verify: unknown query key', app: 'orch', path: `${X}/${UUID}/verify?x=1`, status: 400, field: 'x' },
  { name: 'export events: unknown query key', app: 'orch', path: `${X}/${UUID}/events?since=3`, status: 400, field: 'since' },
  { name: 'export cancel: unknown body key', app: 'orch', method: 'POST', path: `${X}/${UUID}/cancel`, body: { force: true }, status: 400, field: 'force' },
  { name: 'export resume: unknown body key', app: 'orch', method: 'POST', path: `${X}/${UUID}/resume`, body: { from: 0 }, status: 400, field: 'from' },
  { name: 'introspect: a query key on the POST', app: 'orch', method: 'POST', path: '/api/introspect?schema=rowflow', body: {}, status: 400, field: 'schema' },
];

const CASES: Case[] = [...generatorCases, ...relayCases, ...jobCases, ...exportCases];

let db: { url: string; drop: () => Promise<void> };
let pool: pg.Pool;
let gen: Proc | undefined;
let orch: Proc | undefined;
let completedJob = '';

beforeAll(async () => {
  db = await freshDatabase(inject('databaseUrl'));
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
  pool.on('error', () => undefined); // the final DROP DATABASE … WITH (FORCE) may cut a closing client
  gen = await spawnApp('generator', { BODY_LIMIT: String(BODY_LIMIT) });
  orch = await spawnApp('orchestrator', { DATABASE_URL: db.url, GENERATOR_URL: gen.url, BODY_LIMIT: String(BODY_LIMIT) });
  completedJob = await runSmallJob(orch.url);
});

afterAll(async () => {
  await stop(orch);
  await stop(gen);
  await pool?.end();
  await db?.drop();
});

async function runSmallJob(base: string): Promise<string> {
  const created = await rawRequest(`${base}${J}`, jsonRequest({ table: 'users', rows: 10, seed: 1 }));
  expect(created.status).toBe(202);
  const deadline = Date.now() + 60_000;
  for (;;) {
    const job = (await rawRequest(`${base}${J}/${created.json.id}`)).json;
    if (job.state === 'completed') return job.id as string;
    if (Date.now() > deadline) throw new Error(`job did not complete: ${JSON.stringify(job)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function jsonRequest(body: unknown): RawRequest {
  return { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

function requestOf(c: Case): RawRequest {
  const text = c.raw ?? (c.body === undefined ? undefined : JSON.stringify(c.body));
  const headers: Record<string, string> = { accept: 'application/json' };
  if (text !== undefined) headers['content-type'] = c.type ?? 'application/json';
  return { method: c.method ?? 'GET', headers, body: text };
}

async function healthy(p: Proc | undefined): Promise<boolean> {
  return (await rawRequest(`${p!.url}/health`)).status === 200;
}

/** Nothing internal in an error body: no service address, no SQL, no stack frame. */
function assertNothingLeaks(text: string): void {
  expect(text).not.toContain(new URL(gen!.url).host);
  expect(text).not.toMatch(/\bat .+:\d+:\d+\)?/);
  expect(text).not.toMatch(/\b(SELECT|INSERT|UPDATE|CREATE TABLE|COPY)\b/);
}

describe('bad-input catalogue', () => {
  it('has at least 60 cases across every endpoint', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(60);
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const before = await dbSnapshot(pool);
    const base = c.app === 'gen' ? gen!.url : orch!.url;
    const res = await rawRequest(`${base}${c.path.replace(':job', completedJob)}`, requestOf(c));
    expect(res.status, res.text).toBe(c.status);
    expect(res.json, res.text).toMatchObject({ statusCode: c.status, error: expect.any(String), message: expect.any(String) });
    if (typeof c.field === 'string') expect(res.json.field, res.text).toBe(c.field);
    else if (c.field) expect(res.json.field, res.text).toMatch(c.field);
    if (typeof c.field === 'string' && /^[a-z]+$/i.test(c.field)) expect(res.json.message).toContain(c.field);
    assertNothingLeaks(res.text);
    expect(await healthy(gen)).toBe(true);
    expect(await healthy(orch)).toBe(true);
    expect(await dbSnapshot(pool)).toEqual(before);
  });

  it('a misspelt key gets a suggestion', async () => {
    const res = await rawRequest(`${orch!.url}${J}`, jsonRequest({ table: 'users', rows: 5, chunksize: 100 }));
    expect(res.json.message).toContain('did you mean "chunkSize"?');
  });

  it('a huge bad value is not echoed back whole: the message is capped and says how much was cut', async () => {
    const name = 'x'.repeat(50_000); // under BODY_LIMIT
    const res = await rawRequest(`${orch!.url}${J}`, jsonRequest({ table: name, rows: 5 }));
    expect(res.status).toBe(400);
    expect(res.json.field).toBe('table');
    expect(res.json.message.length).toBeLessThan(2100);
    expect(res.json.message).toMatch(/^table: .*… \(\d+ more characters\)$/);
  });

  it('the completed job was not touched by the refused cancel/resume', async () => {
    const job = (await rawRequest(`${orch!.url}${J}/${completedJob}`)).json;
    expect(job).toMatchObject({ state: 'completed', rowsWritten: 10 });
  });
});

/** A body of exactly `size` bytes: a custom schema whose enum values fill the space. */
function bodyOfSize(size: number, extra: Record<string, unknown>): string {
  const values = Array.from({ length: Math.floor(size / 40) }, (_, i) => `v${i}_${'x'.repeat(30)}`);
  const make = (n: number) => JSON.stringify({ schema: { name: 'wide', columns: [{ name: 'id', type: 'serial' }, { name: 'label', type: 'enum', values: values.slice(0, n) }] }, ...extra });
  let n = values.length;
  while (Buffer.byteLength(make(n)) > size) n--;
  const body = JSON.parse(make(n));
  const label = body.schema.columns[1];
  label.values.push('p'.repeat(size - Buffer.byteLength(make(n)) - 3)); // `,"…"` adds three bytes
  return JSON.stringify(body);
}

describe('one body limit for both apps', () => {
  it('a body of exactly BODY_LIMIT bytes is accepted by the orchestrator and by the generator behind it', async () => {
    const preview = bodyOfSize(BODY_LIMIT, { rows: 3, seed: 5 });
    expect(Buffer.byteLength(preview)).toBe(BODY_LIMIT);
    const sse = await rawRequest(`${orch!.url}${R}/stream`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: preview });
    expect(sse.status, sse.text).toBe(200);
    expect(sse.text).toContain('event: complete');

    const job = bodyOfSize(BODY_LIMIT, { rows: 10, seed: 9 });
    const created = await rawRequest(`${orch!.url}${J}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: job });
    expect(created.status, created.text).toBe(202);
    const deadline = Date.now() + 60_000;
    let state = '';
    while (!['completed', 'failed'].includes(state) && Date.now() < deadline) {
      state = (await rawRequest(`${orch!.url}${J}/${created.json.id}`)).json.state;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(state).toBe('completed');
    expect((await pool.query('SELECT count(*)::int AS n FROM wide')).rows[0].n).toBe(10);
  });

  it('one byte more is a 413 from the orchestrator itself, before anything reaches the generator or the database', async () => {
    const before = await dbSnapshot(pool);
    const res = await rawRequest(`${orch!.url}${R}/stream`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: bodyOfSize(BODY_LIMIT + 1, { rows: 10, seed: 5 }) });
    expect(res.status).toBe(413);
    expect(res.json.field).toBe('body');
    expect(await dbSnapshot(pool)).toEqual(before);
  });
});
