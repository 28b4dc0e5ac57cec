import { existsSync } from 'node:fs';
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freshDatabase } from '../support/index.js';
import { cli, copySha, fileSha, killCli, startCli, waitFor } from './cli-harness.js';

let db: { url: string; drop: () => Promise<void> };
let pool: pg.Pool;
let work: string;
const ROWS = 120_000;
let reference: string;

beforeAll(async () => {
  db = await freshDatabase(inject('databaseUrl'));
  pool = new pg.Pool({ connectionString: db.url, max: 3 });
  pool.on('error', () => undefined); // idle clients are terminated on purpose below
  work = await mkdtemp(join(tmpdir(), 'rowflow-cli-export-'));
  // Values that exercise CSV quoting: commas, quotes, newlines, NULL vs empty string, unicode.
  await pool.query(`CREATE TABLE items AS
    SELECT g AS id, CASE WHEN g % 10 = 0 THEN NULL WHEN g % 10 = 1 THEN '' ELSE 'n,"' || g || E'"\\nü' END AS name,
           g % 7 AS grp, md5(g::text) AS tag, timestamp '2024-01-01' + g * interval '1 second' AS at
      FROM generate_series(1, ${ROWS}) g`);
  await pool.query('ALTER TABLE items ADD PRIMARY KEY (id)');
  await pool.query('CREATE VIEW recent_items AS SELECT id, tag FROM items WHERE id > 100000');
  reference = await copySha(pool, 'SELECT * FROM items ORDER BY id');
});

afterAll(async () => {
  await pool?.end();
  await db?.drop();
  if (work) await rm(work, { recursive: true, force: true });
});

const base = (out: string, ...extra: string[]) => ['export', '--table', 'items', '--out', out, '--database-url', db.url, '--export-dir', join(work, 'state'), ...extra];

describe('rowflow export (real CLI subprocess, real Postgres)', () => {
  it('writes exactly the bytes of one plain COPY … ORDER BY key, with a header; verify --export passes', async () => {
    const out = join(work, 'plain.csv');
    const res = await cli([...base(out), '--json']);
    expect(res.code, res.stderr).toBe(0);
    const result = JSON.parse(res.stdout);
    expect(result).toMatchObject({ state: 'completed', rows: ROWS, sha256: reference });
    expect(await fileSha(out)).toBe(reference);
    const v = await cli(['verify', '--export', result.id, '--export-dir', join(work, 'state'), '--json']);
    expect(v.code, v.stderr).toBe(0);
    expect(JSON.parse(v.stdout).ok).toBe(true);
    // A changed byte in the file is found, located to its chunk.
    const bytes = await readFile(out);
    bytes[bytes.length - 5] = bytes[bytes.length - 5]! ^ 1;
    await writeFile(out, bytes);
    const bad = await cli(['verify', '--export', result.id, '--export-dir', join(work, 'state'), '--json']);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout)).toMatchObject({ ok: false, firstMismatch: { reason: 'sha256 differs' } });
  });

  it('parallel workers (numeric split) give the same bytes as one worker', async () => {
    const out = join(work, 'w4.csv');
    const res = await cli([...base(out), '--workers', '4', '--chunk-rows', '7000', '--json']);
    expect(res.code, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ parts: 4, sha256: reference });
    expect(await fileSha(out)).toBe(reference);
  });

  it('a text order key split by quantiles over 3 workers equals one worker and ORDER BY that key', async () => {
    const one = join(work, 'tag1.csv');
    const three = join(work, 'tag3.csv');
    expect((await cli(base(one, '--order-by', 'tag'))).code).toBe(0);
    const r3 = await cli([...base(three, '--order-by', 'tag', '--workers', '3', '--json')]);
    expect(r3.code, r3.stderr).toBe(0);
    expect(JSON.parse(r3.stdout).parts).toBe(3);
    expect(await fileSha(three)).toBe(await fileSha(one));
    expect(await fileSha(one)).toBe(await copySha(pool, 'SELECT * FROM items ORDER BY tag'));
  });

  it('exports a view and applies a JSON filter (same rows as the equivalent SQL)', async () => {
    const out = join(work, 'view.csv');
    const where = JSON.stringify({ and: [{ col: 'id', op: '<=', value: 100_500 }, { not: { col: 'tag', op: 'like', value: 'a%' } }] });
    const res = await cli(['export', '--table', 'recent_items', '--order-by', 'id', '--where', where, '--out', out, '--database-url', db.url, '--export-dir', join(work, 'state'), '--json']);
    expect(res.code, res.stderr).toBe(0);
    expect(await fileSha(out)).toBe(await copySha(pool, `SELECT * FROM recent_items WHERE id <= 100500 AND NOT (tag LIKE 'a%') ORDER BY id`));
  });

  it.each([
    [{ col: 'id; DROP TABLE items', op: '=', value: 1 }, 'where.col'],
    [{ col: 'id', op: '= 1 OR 1=1 --', value: 1 }, 'where.op'],
    [{ col: 'id', op: '=', value: { sql: '1 OR 1=1' } }, 'where.value'],
    [{ or: [{ col: 'id', op: '=', value: 1 }, { col: 'name', op: 'in', value: ['x', null] }] }, 'where.or[1].value[1]'],
    [{ col: 'id', op: '=', value: "1' OR '1'='1" }, 'where'],
    [{ col: 'id', op: '=', value: 1, raw: 'true' }, 'where.raw'],
    [{ and: [{ col: 'id', op: '>', value: 1 }], sql: 'x' }, 'where.sql'],
  ])('refuses filter %j with exit 2 naming %s; the table is untouched', async (filter, field) => {
    const res = await cli([...base(join(work, 'never.csv'), '--where', JSON.stringify(filter), '--json')]);
    expect(res.code, res.stderr).toBe(2);
    expect(JSON.parse(res.stdout)).toMatchObject({ statusCode: 400, field });
    expect((await pool.query('SELECT count(*)::int AS n FROM items')).rows[0].n).toBe(ROWS);
  });

  it('a quote-laden value is data, never SQL: it matches nothing and drops nothing', async () => {
    const out = join(work, 'quote.csv');
    const where = JSON.stringify({ col: 'tag', op: '=', value: "x' OR '1'='1'; DROP TABLE items; --" });
    const res = await cli([...base(out, '--where', where, '--json')]);
    expect(res.code, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout).rows).toBe(0);
    expect((await pool.query('SELECT count(*)::int AS n FROM items')).rows[0].n).toBe(ROWS);
  });

  it.each([
    [['--table', 'pg_authid'], 'table'],
    [['--table', 'items', '--order-by', 'nope'], 'orderBy'],
    [['--table', 'items', '--workers', '0'], 'workers'],
    [['--table', 'items', '--chunk-rows', '2.5'], 'chunkRows'],
    [['--table', 'items', '--where', '{not json'], 'where'],
  ])('bad arguments %j → exit 2 naming %s', async (args, field) => {
    const res = await cli(['export', ...args, '--out', join(work, 'x.csv'), '--database-url', db.url, '--export-dir', join(work, 'state'), '--json']);
    expect(res.code, res.stderr).toBe(2);
    expect(JSON.parse(res.stdout)).toMatchObject({ statusCode: 400, field });
  });
});

/** Chunks committed so far in a part's checkpoint file (0 when it does not exist yet). */
async function checkpointed(dir: string, part = 0): Promise<number> {
  const text = await readFile(join(dir, `part-${part}.json`), 'utf8').catch(() => '');
  return text ? (JSON.parse(text).chunks as unknown[]).length : 0;
}

async function exportDirOf(state: string): Promise<string> {
  const { readdir } = await import('node:fs/promises');
  return waitFor(async () => {
    const names = (await readdir(state).catch(() => [] as string[])).filter((n) => n.startsWith('cli-'));
    return names.length === 1 ? join(state, names[0]!) : undefined;
  }, 'the export work directory');
}

describe('kill -9 and rerun: byte-identical to an uninterrupted export', () => {
  it.each([
    [1, [2, 30, 120]],
    [3, [5, 60]],
  ])('workers=%i, killed after %j checkpoints, then a torn tail: final sha256 equals the uninterrupted run', async (workers, points) => {
    const state = join(work, `kill-${workers}`);
    const out = join(work, `kill-${workers}.csv`);
    const args = ['export', '--table', 'items', '--out', out, '--database-url', db.url, '--export-dir', state, '--chunk-rows', '300', '--workers', String(workers), '--json'];
    for (const n of points) {
      const p = startCli(args);
      const dir = await exportDirOf(state);
      await waitFor(async () => ((await checkpointed(dir)) >= n ? true : undefined), `${n} checkpoints`);
      const res = await killCli(p);
      expect(res.signal).toBe('SIGKILL');
      expect(existsSync(out), 'killed before it finished').toBe(false);
      // Simulate a write torn by the crash: garbage after the last checkpointed byte.
      await appendFile(join(dir, 'part-0.csv'), 'torn,partial,row');
    }
    const final = await cli(args);
    expect(final.code, final.stderr).toBe(0);
    expect(JSON.parse(final.stdout)).toMatchObject({ rows: ROWS, sha256: reference });
    expect(await fileSha(out)).toBe(reference);
    // A rerun after completion is a no-op that reports the same file.
    const again = await cli(args);
    expect(JSON.parse(again.stdout).sha256).toBe(reference);
  });

  it('its Postgres sessions terminated three times mid-export: it re-opens sessions and finishes with the same bytes', async () => {
    const state = join(work, 'terminate');
    const out = join(work, 'terminate.csv');
    const p = startCli(['export', '--table', 'items', '--out', out, '--database-url', db.url, '--export-dir', state, '--chunk-rows', '300', '--json']);
    const dir = await exportDirOf(state);
    const killer = new pg.Client(db.url);
    await killer.connect();
    try {
      for (const n of [5, 40, 120]) {
        await waitFor(async () => ((await checkpointed(dir)) >= n ? true : undefined), `${n} checkpoints`);
        await killer.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'`);
      }
    } finally {
      await killer.end();
    }
    const res = await p.done;
    expect(res.code, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ rows: ROWS, sha256: reference });
  });

  it('Ctrl-C stops at a checkpoint with exit 130; the rerun continues to the same bytes', async () => {
    const state = join(work, 'sigint');
    const out = join(work, 'sigint.csv');
    const args = ['export', '--table', 'items', '--out', out, '--database-url', db.url, '--export-dir', state, '--chunk-rows', '300'];
    const p = startCli(args);
    const dir = await exportDirOf(state);
    await waitFor(async () => ((await checkpointed(dir)) >= 10 ? true : undefined), '10 checkpoints');
    const res = await killCli(p, 'SIGINT');
    expect(res.code, res.stderr).toBe(130);
    expect(res.stderr).toContain('rerun the same command');
    const done = await checkpointed(dir);
    expect(done).toBeGreaterThanOrEqual(10);
    const final = await cli(args);
    expect(final.code, final.stderr).toBe(0);
    expect(await fileSha(out)).toBe(reference);
  });
});
