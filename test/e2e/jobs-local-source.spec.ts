/**
 * JOB_ROW_SOURCE=local generates job rows inside the orchestrator. Determinism means the table
 * must be byte-for-byte what the generator service would have produced: checked against a plain
 * COPY of the generator's own CSV, with the orchestrator pointed at no generator at all.
 */
import type { INestApplication } from '@nestjs/common';
import { freePort } from '@rowflow/devdb';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freshDatabase } from '../setup/helpers.js';
import { bootGenerator, bootOrchestrator, loadReference, postJson, tableMd5, waitForState } from '../jobs/stack.js';

let db: { url: string; drop: () => Promise<void> };
let pool: pg.Pool;
let gen: { app: INestApplication; url: string };
let orch: { app: INestApplication; url: string };

beforeAll(async () => {
  db = await freshDatabase(inject('databaseUrl'));
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
  gen = await bootGenerator(); // only for the reference CSV
  const nowhere = `http://127.0.0.1:${await freePort()}`;
  orch = await bootOrchestrator(db.url, nowhere, { JOB_ROW_SOURCE: 'local', WORKER_CONCURRENCY: '2' });
});

afterAll(async () => {
  await orch?.app.close();
  await gen?.app.close();
  await pool?.end();
  await db?.drop();
});

describe('JOB_ROW_SOURCE=local', () => {
  it('writes exactly the rows the generator service would, without reaching it', async () => {
    const res = await postJson(`${orch.url}/api/jobs`, { table: 'users', rows: 9_999, seed: 21, partitions: 2, chunkSize: 1500, targetTable: 'users_local' });
    expect(res.status).toBe(202);
    const job = await waitForState(orch.url, res.body.id, ['completed', 'failed']);
    expect(job).toMatchObject({ state: 'completed', rowsWritten: 9_999, rowsSkipped: 0 });
    const ref = await loadReference(pool, gen.url, 'users_local', 'users', 9_999, 21);
    const got = await tableMd5(pool, 'users_local', 'id');
    expect(got.n).toBe(9_999);
    expect(got).toEqual(await tableMd5(pool, ref, 'id'));
  });
});
