import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { copySha, waitFor } from '../cli/cli-harness.js';
import { bootOrchestrator, freshDatabase, postJson } from '../support/index.js';

/**
 * Two server processes on one database sharing EXPORT_DIR: an export running in one is cancelled
 * and resumed through the other. The process that resumes must not start writing the export's
 * files while the first one still does (it stops at its next progress report).
 */
let db: { url: string; drop: () => Promise<void> };
let pool: pg.Pool;
let a: { app: INestApplication; url: string };
let b: { app: INestApplication; url: string };
let dir: string;
let reference: string;

beforeAll(async () => {
  db = await freshDatabase(inject('databaseUrl'));
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
  await pool.query(`CREATE TABLE accounts AS SELECT g AS id, repeat('x', 100) AS label FROM generate_series(1, 300000) g`);
  await pool.query('ALTER TABLE accounts ADD PRIMARY KEY (id)');
  reference = await copySha(pool, 'SELECT * FROM accounts ORDER BY id');
  dir = await mkdtemp(join(tmpdir(), 'rowflow-shared-exports-'));
  a = await bootOrchestrator(db.url, 'http://127.0.0.1:9', { EXPORT_DIR: dir, JOB_ROW_SOURCE: 'local' });
  b = await bootOrchestrator(db.url, 'http://127.0.0.1:9', { EXPORT_DIR: dir, JOB_ROW_SOURCE: 'local' });
});

afterAll(async () => {
  await a?.app.close();
  await b?.app.close();
  await pool?.end();
  await db?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const status = async (base: string, id: string): Promise<any> => (await fetch(`${base}/api/exports/${id}`)).json();

describe('cancel and resume through another process sharing EXPORT_DIR', () => {
  it('the resumed export completes with the bytes of one plain COPY', async () => {
    for (let round = 0; round < 3; round++) {
      const res = await postJson(`${a.url}/api/exports`, { table: 'accounts', chunkRows: 2000, workers: 2 });
      expect(res.status).toBe(202);
      await waitFor(async () => ((await status(a.url, res.body.id)).chunks >= 5 ? true : undefined), 'a few chunks written by the first process');
      expect((await postJson(`${b.url}/api/exports/${res.body.id}/cancel`, {})).status).toBe(202);
      expect((await postJson(`${b.url}/api/exports/${res.body.id}/resume`, {})).status).toBe(202);
      const end = await waitFor(async () => {
        const s = await status(b.url, res.body.id);
        return s.state === 'completed' || s.state === 'failed' ? s : undefined;
      }, 'the resumed export to end', 90_000);
      expect({ round, state: end.state, error: end.error, sha256: end.sha256 }).toEqual({ round, state: 'completed', error: null, sha256: reference });
    }
  });
});
