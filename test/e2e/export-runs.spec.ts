import { getEventListeners } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ExportsService } from '../../apps/orchestrator/src/exports/exports.service.js';
import { waitFor } from '../cli/cli-harness.js';
import { bootOrchestrator, freshDatabase, postJson } from '../support/index.js';

/** What a finished export run leaves behind in the server process: nothing. */
let db: { url: string; drop: () => Promise<void> };
let pool: pg.Pool;
let orch: { app: INestApplication; url: string };
let exportDir: string;

beforeAll(async () => {
  db = await freshDatabase(inject('databaseUrl'));
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
  exportDir = await mkdtemp(join(tmpdir(), 'rowflow-export-runs-'));
  await pool.query('CREATE TABLE small AS SELECT g AS id FROM generate_series(1, 100) g');
  await pool.query('ALTER TABLE small ADD PRIMARY KEY (id)');
  orch = await bootOrchestrator(db.url, 'http://127.0.0.1:9', { EXPORT_DIR: exportDir, JOB_ROW_SOURCE: 'local' });
});

afterAll(async () => {
  await orch?.app.close();
  await pool?.end();
  await db?.drop();
  if (exportDir) await rm(exportDir, { recursive: true, force: true });
});

describe('export runs in the server', () => {
  it('a finished run no longer listens on the shutdown signal (listeners would pile up with every export)', async () => {
    // The export lifecycle's shutdown signal, which every run listens on while it runs.
    const lifecycle = (orch.app.get(ExportsService) as unknown as { orchestrator: { signal: AbortSignal; running: Map<string, unknown> } }).orchestrator;
    const stopping = lifecycle.signal;
    for (let i = 0; i < 3; i++) {
      const res = await postJson(`${orch.url}/api/exports`, { table: 'small' });
      expect(res.status).toBe(202);
      await waitFor(async () => {
        const s = await (await fetch(`${orch.url}/api/exports/${res.body.id}`)).json();
        return s.state === 'completed' ? s : undefined;
      }, `export ${res.body.id} completed`);
    }
    await waitFor(async () => (lifecycle.running.size === 0 ? true : undefined), 'no export run in flight');
    expect(getEventListeners(stopping, 'abort')).toHaveLength(0);
  });
});
