import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { copySha, waitFor } from '../cli/cli-harness.js';
import { kill9, parseSse, postJson, readSse, spawnApp, stop, type Proc, useExportServer, waitForState } from '../support/index.js';

const ROWS = 60_000;
let reference: string;

const server = useExportServer({
  poolMax: 3,
  dirPrefix: 'rowflow-exports-',
  env: { SSE_HEARTBEAT_MS: '50' },
  prepare: async (pool) => {
    await pool.query(`CREATE TABLE accounts AS
      SELECT g AS id, 'acct "' || g || E'",\\n' AS label, g % 5 AS kind, CASE WHEN g % 9 = 0 THEN NULL ELSE g * 1.5 END AS balance
        FROM generate_series(1, ${ROWS}) g`);
    await pool.query('ALTER TABLE accounts ADD PRIMARY KEY (id)');
    await pool.query('CREATE INDEX accounts_kind_idx ON accounts (kind)');
    // Rows of the target schema's tables stored in another schema: an inheritance child, a partition.
    await pool.query('CREATE SCHEMA elsewhere');
    await pool.query(`CREATE TABLE inherited_t (id integer PRIMARY KEY, v text)`);
    await pool.query(`CREATE TABLE elsewhere.child_t () INHERITS (public.inherited_t)`);
    await pool.query(`INSERT INTO elsewhere.child_t VALUES (1, 'stored in elsewhere')`);
    await pool.query(`CREATE TABLE parted_t (id integer, v text) PARTITION BY RANGE (id)`);
    await pool.query(`CREATE TABLE parted_t_low PARTITION OF parted_t FOR VALUES FROM (0) TO (10)`);
    await pool.query(`CREATE TABLE elsewhere.parted_t_high PARTITION OF public.parted_t FOR VALUES FROM (10) TO (20)`);
    reference = await copySha(pool, 'SELECT * FROM accounts ORDER BY id');
  },
});

async function waitExport(base: string, id: string, states = ['completed', 'failed', 'cancelled'], timeoutMs = 90_000): Promise<any> {
  return waitFor(async () => {
    const s = await (await fetch(`${base}/api/exports/${id}`)).json();
    return states.includes(s.state) ? s : undefined;
  }, `export ${id} in ${states.join('|')}`, timeoutMs);
}

async function download(base: string, id: string): Promise<{ sha: string; res: Response }> {
  const res = await fetch(`${base}/api/exports/${id}/file`);
  const hash = createHash('sha256').update(Buffer.from(await res.arrayBuffer()));
  return { sha: hash.digest('hex'), res };
}

const exportCount = async () => (await server.pool.query('SELECT count(*)::int AS n FROM rowflow.exports')).rows[0].n as number;

describe('POST /api/exports end to end', () => {
  it('202 + Location; SSE progress then completed; the file streams with the bytes of one plain COPY; manifest and verify', async () => {
    const res = await postJson(`${server.orch.url}/api/exports`, { table: 'accounts', chunkRows: 5000 });
    expect(res.status).toBe(202);
    expect(res.headers.get('location')).toBe(`/api/exports/${res.body.id}`);
    const events = await readSse(`${server.orch.url}/api/exports/${res.body.id}/events`);
    expect(events.at(-1)).toMatchObject({ event: 'completed', data: { state: 'completed', rows: ROWS, sha256: reference } });
    const done = await waitExport(server.orch.url, res.body.id);
    expect(done).toMatchObject({ state: 'completed', rows: ROWS, sha256: reference, file: `/api/exports/${res.body.id}/file` });
    const { sha, res: file } = await download(server.orch.url, res.body.id);
    expect(file.headers.get('content-type')).toContain('text/csv');
    expect(file.headers.get('content-disposition')).toContain('accounts.csv');
    expect(sha).toBe(reference);
    const manifest = await (await fetch(`${server.orch.url}/api/exports/${res.body.id}/manifest`)).json();
    expect(manifest.file).toEqual({ name: 'export.csv', rows: ROWS, bytes: done.bytes, sha256: reference });
    expect(manifest.parts[0].chunks.length).toBe(1 + ROWS / 5000); // header + 12 chunks
    expect(await (await fetch(`${server.orch.url}/api/exports/${res.body.id}/verify`)).json()).toMatchObject({ ok: true, sha256: reference });
  });

  it('workers: 3 and a filter give the bytes of the equivalent SQL', async () => {
    const where = { and: [{ col: 'kind', op: 'in', value: [1, 3] }, { col: 'balance', op: 'is not null' }] };
    const res = await postJson(`${server.orch.url}/api/exports`, { table: 'accounts', where, workers: 3, chunkRows: 4000 });
    expect(res.status).toBe(202);
    await waitExport(server.orch.url, res.body.id);
    expect((await download(server.orch.url, res.body.id)).sha).toBe(await copySha(server.pool, 'SELECT * FROM accounts WHERE kind IN (1, 3) AND balance IS NOT NULL ORDER BY id'));
  });

  it.each([
    [{ tabel: 'accounts' }, 400, 'tabel'],
    [{ table: 'accounts', chunkrows: 10 }, 400, 'chunkrows'],
    [{ table: 'accounts', workers: 99 }, 400, 'workers'],
    [{ table: 'accounts', format: 'xlsx' }, 400, 'format'],
    [{ table: 'accounts', orderBy: 'nope' }, 400, 'orderBy'],
    [{ table: 'accounts', where: { col: 'id) OR (1=1', op: '=', value: 1 } }, 400, 'where.col'],
    [{ table: 'accounts', where: { col: 'id', op: 'OR 1=1; --', value: 1 } }, 400, 'where.op'],
    [{ table: 'accounts', where: "id > 0; DROP TABLE accounts" }, 400, 'where'],
    [{ table: 'accounts', where: { col: 'id', op: '=', value: "0' OR 'x'='x" } }, 400, 'where'],
    [{ table: 'accounts', where: { and: [] } }, 400, 'where.and'],
    [{ table: 'accounts_kind_idx' }, 400, 'table'],
    [{ table: 'pg_authid' }, 400, 'table'],
    [{ table: 'pg_catalog.pg_authid' }, 400, 'table'],
    [{ table: '../../etc/passwd' }, 400, 'table'],
    [{ table: 'inherited_t' }, 400, 'table'],
    [{ table: 'parted_t', orderBy: 'id' }, 400, 'table'],
    [{ table: 'accounts', where: { col: 'id', op: '>', value: 1 }, extra: true }, 400, 'extra'],
  ])('%j → %i naming %s; no export created, no file written', async (body, status, field) => {
    const before = await exportCount();
    const dirsBefore = (await readdir(server.exportDir)).length;
    const res = await postJson(`${server.orch.url}/api/exports`, body);
    expect(res.status).toBe(status);
    if (field) expect(res.body).toMatchObject({ statusCode: 400, field });
    expect(await exportCount()).toBe(before);
    expect((await readdir(server.exportDir)).length).toBe(dirsBefore);
    expect((await server.pool.query('SELECT count(*)::int AS n FROM accounts')).rows[0].n).toBe(ROWS);
  });

  it('unknown ids are 404; the file of an unfinished export is 409', async () => {
    expect((await fetch(`${server.orch.url}/api/exports/00000000-0000-0000-0000-000000000000`)).status).toBe(404);
    expect((await fetch(`${server.orch.url}/api/exports/..%2F..%2Fetc/file`)).status).toBe(404);
  });

  it('cancel stops it; resume continues from the checkpoints to the same bytes', async () => {
    const res = await postJson(`${server.orch.url}/api/exports`, { table: 'accounts', chunkRows: 100 });
    await waitFor(async () => ((await (await fetch(`${server.orch.url}/api/exports/${res.body.id}`)).json()).rows > 0 ? true : undefined), 'first rows');
    const cancelled = await postJson(`${server.orch.url}/api/exports/${res.body.id}/cancel`, {});
    expect(cancelled.status).toBe(202);
    expect(cancelled.body.state).toBe('cancelled');
    expect((await fetch(`${server.orch.url}/api/exports/${res.body.id}/file`)).status).toBe(409);
    expect((await postJson(`${server.orch.url}/api/exports/${res.body.id}/resume`, {})).status).toBe(202);
    const done = await waitExport(server.orch.url, res.body.id);
    expect(done).toMatchObject({ state: 'completed', sha256: reference });
    expect((await download(server.orch.url, res.body.id)).sha).toBe(reference);
  });

  it('serves the OpenAPI JSON at /api/docs-json too, with the export endpoints', async () => {
    const doc = await (await fetch(`${server.orch.url}/api/docs-json`)).json();
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/exports', '/api/exports/{id}/file', '/api/jobs/{id}/verify']));
  });
});

describe('export events: one shared feed, the SSE writer', () => {
  it('20 watchers all end on completed with growing ids and heartbeats; Last-Event-ID after the end; unknown id → JSON 404', async () => {
    const res = await postJson(`${server.orch.url}/api/exports`, { table: 'accounts', chunkRows: 1000 });
    expect(res.status).toBe(202);
    const watch = async (headers: Record<string, string> = {}) => {
      const r = await fetch(`${server.orch.url}/api/exports/${res.body.id}/events`, { headers });
      return { status: r.status, type: r.headers.get('content-type'), messages: parseSse(await r.text()) };
    };
    const watchers = await Promise.all(Array.from({ length: 20 }, () => watch()));
    for (const w of watchers) {
      expect(w.status).toBe(200);
      expect(w.type).toContain('text/event-stream');
      const events = w.messages.filter((m) => m.event);
      expect(events.at(-1)).toMatchObject({ event: 'completed', id: String(ROWS) });
      expect(JSON.parse(events.at(-1)!.data!)).toMatchObject({ id: res.body.id, state: 'completed', rows: ROWS, sha256: reference });
      const ids = events.map((m) => Number(m.id));
      expect(ids).toEqual([...ids].sort((a, b) => a - b)); // ids only grow
    }
    // SSE_HEARTBEAT_MS=50 and the export ran for more than one interval: the writer's comments.
    expect(watchers.some((w) => w.messages.some((m) => m.comment === 'heartbeat'))).toBe(true);
    const late = await watch({ 'last-event-id': String(ROWS) });
    expect(late.messages.filter((m) => m.event).map((m) => [m.event, m.id])).toEqual([['completed', String(ROWS)]]);
    const missing = await fetch(`${server.orch.url}/api/exports/00000000-0000-4000-8000-000000000000/events`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ statusCode: 404 });
  });
});

describe('job manifests and verify', () => {
  it('manifest per range; verify ok; a row changed by hand is found with its range', async () => {
    const res = await postJson(`${server.orch.url}/api/jobs`, { table: 'users', rows: 12_000, seed: 5, partitions: 2, targetTable: 'users_v' });
    expect(res.status).toBe(202);
    await waitForState(server.orch.url, res.body.id, ['completed']);
    // Every completed job gets its manifest written by the background writer, unasked.
    const stored = await waitFor(async () => (await server.pool.query('SELECT manifest FROM rowflow.job_manifests WHERE job_id = $1', [res.body.id])).rows[0]?.manifest, 'the stored manifest');
    const m = await (await fetch(`${server.orch.url}/api/jobs/${res.body.id}/manifest`)).json();
    expect(m).toEqual(stored);
    expect(m).toMatchObject({ kind: 'job', seed: 5, rowsTotal: 12_000, targetTable: 'users_v' });
    expect(m.specHash).toMatch(/^[0-9a-f]{64}$/);
    expect(m.ranges.map((r: any) => [r.fromRow, r.toRow])).toEqual([[0, 1000], [1000, 2000], [2000, 3000], [3000, 4000], [4000, 5000], [5000, 6000], [6000, 7000], [7000, 8000], [8000, 9000], [9000, 10000], [10000, 11000], [11000, 12000]]);
    const ok = await (await fetch(`${server.orch.url}/api/jobs/${res.body.id}/verify`)).json();
    expect(ok).toMatchObject({ ok: true, rowsChecked: 12_000 });
    expect(ok.firstMismatch).toBeUndefined();
    expect(ok.ranges.every((r: any) => r.ok && r.generatorMatchesManifest)).toBe(true);
    await server.pool.query(`UPDATE users_v SET city = 'Nowhere' WHERE id = 7777`); // row index 7776
    const bad = await (await fetch(`${server.orch.url}/api/jobs/${res.body.id}/verify`)).json();
    expect(bad.ok).toBe(false);
    expect(bad.firstMismatch).toMatchObject({ fromRow: 7000, toRow: 8000, ok: false, expectedRows: 1000, actualRows: 1000 });
    expect(bad.ranges.filter((r: any) => !r.ok)).toHaveLength(1);
    await server.pool.query(`DELETE FROM users_v WHERE id = 12`);
    const gone = await (await fetch(`${server.orch.url}/api/jobs/${res.body.id}/verify`)).json();
    expect(gone.firstMismatch).toMatchObject({ fromRow: 0, toRow: 1000, expectedRows: 1000, actualRows: 999 });
  });
});

describe('exports continue by themselves after a crash', () => {
  let proc: Proc | undefined;
  afterAll(async () => stop(proc));

  it('kill -9 of the orchestrator mid-export: a restarted process finishes it from the checkpoints, same sha256', async () => {
    const env = { DATABASE_URL: server.db.url, EXPORT_DIR: server.exportDir, GENERATOR_URL: 'http://127.0.0.1:9' };
    proc = await spawnApp('orchestrator', env);
    const res = await postJson(`${proc.url}/api/exports`, { table: 'accounts', chunkRows: 100 });
    expect(res.status).toBe(202);
    const dir = join(server.exportDir, res.body.id);
    await waitFor(async () => {
      const ck = JSON.parse(await (await import('node:fs/promises')).readFile(join(dir, 'part-0.json'), 'utf8'));
      return ck.chunks.length >= 20 ? true : undefined;
    }, '20 checkpoints');
    await kill9(proc);
    const mid = await server.pool.query('SELECT state FROM rowflow.exports WHERE id = $1', [res.body.id]);
    expect(mid.rows[0].state).toBe('running');
    proc = await spawnApp('orchestrator', env);
    const done = await waitExport(proc.url, res.body.id, ['completed', 'failed'], 120_000);
    expect(done).toMatchObject({ state: 'completed', rows: ROWS, sha256: reference });
    expect((await download(proc.url, res.body.id)).sha).toBe(reference);
  });
});
