/**
 * Exports ride out what jobs ride out. One chunk's connection is terminated attempt after attempt
 * (each attempt waits on a table lock, so none slips through) — more often than the 12 retries
 * exports used to allow — and the export still completes with the bytes of one plain COPY:
 * failures are retried for the jobs' retry window (JOB_RETRY_WINDOW, here short), and an export
 * that gave up on a transient failure is continued by the sweep.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { copySha, waitFor } from '../cli/cli-harness.js';
import { bootOrchestrator, freshDatabase, postJson } from '../support/index.js';

const ROWS = 20_000;
/** More than the old budget of 12 retries. */
const KILLS = 16;

let db: { url: string; drop: () => Promise<void> };
let pool: pg.Pool;
let orch: { app: INestApplication; url: string };
let exportDir: string;
let reference: string;

beforeAll(async () => {
  db = await freshDatabase(inject('databaseUrl'));
  pool = new pg.Pool({ connectionString: db.url, max: 4 });
  exportDir = await mkdtemp(join(tmpdir(), 'rowflow-faults-exports-'));
  await pool.query(`CREATE TABLE accounts AS SELECT g AS id, 'acct ' || g AS label FROM generate_series(1, ${ROWS}) g`);
  await pool.query('ALTER TABLE accounts ADD PRIMARY KEY (id)');
  reference = await copySha(pool, 'SELECT * FROM accounts ORDER BY id');
  orch = await bootOrchestrator(db.url, 'http://127.0.0.1:9', { EXPORT_DIR: exportDir, JOB_ROW_SOURCE: 'local', JOB_RETRY_WINDOW: '2s' });
  expect((await fetch(`${orch.url}/api/exports`)).status).toBe(200); // answers once migrations ran
});

afterAll(async () => {
  await orch?.app.close();
  await pool?.end();
  await db?.drop();
  if (exportDir) await rm(exportDir, { recursive: true, force: true });
});

/** Terminates the export's chunk backend once it shows up; false when the export ended for good first. */
async function killNextChunk(id: string): Promise<boolean> {
  return waitFor(async () => {
    const st = (await pool.query<{ state: string; failed_transient: boolean }>('SELECT state, failed_transient FROM rowflow.exports WHERE id = $1', [id])).rows[0]!;
    if (st.state === 'completed' || (st.state === 'failed' && !st.failed_transient)) return false;
    const killed = await pool.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'COPY (SELECT%'`,
    );
    return killed.rowCount ? true : undefined;
  }, 'an export chunk to terminate', 90_000);
}

describe('an export whose connections keep dying', () => {
  it('completes with the bytes of one plain COPY', { timeout: 300_000 }, async () => {
    const res = await postJson(`${orch.url}/api/exports`, { table: 'accounts', chunkRows: 50 });
    expect(res.status).toBe(202);
    const id = res.body.id as string;
    await waitFor(async () => ((await (await fetch(`${orch.url}/api/exports/${id}`)).json()).rows > 0 ? true : undefined), 'first rows');
    const holder = await pool.connect();
    let kills = 0;
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE accounts IN ACCESS EXCLUSIVE MODE');
      while (kills < KILLS && (await killNextChunk(id))) kills++;
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined);
      holder.release();
    }
    expect(kills).toBe(KILLS); // it never gave up for good in between
    const done = await waitFor(async () => {
      const s = await (await fetch(`${orch.url}/api/exports/${id}`)).json();
      return s.state === 'completed' || (s.state === 'failed' && !(await pool.query('SELECT failed_transient FROM rowflow.exports WHERE id = $1', [id])).rows[0].failed_transient) ? s : undefined;
    }, 'the export to end', 120_000);
    expect(done).toMatchObject({ state: 'completed', sha256: reference });
    const file = await fetch(`${orch.url}/api/exports/${id}/file`);
    expect(createHash('sha256').update(Buffer.from(await file.arrayBuffer())).digest('hex')).toBe(reference);
  });
});
