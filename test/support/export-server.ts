import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import type pg from 'pg';
import { beforeAll, expect } from 'vitest';
import { bootOrchestrator } from '../jobs/stack.js';
import { type TestDatabase, useTestDatabase } from './test-database.js';

export interface ExportServer extends TestDatabase {
  orch: { app: INestApplication; url: string };
  /** The server's EXPORT_DIR: a temp dir of the test file's own, removed in afterAll. */
  exportDir: string;
}

export interface ExportServerOptions {
  /** Connections of the test's own pool. */
  poolMax: number;
  /** Name prefix of the temp EXPORT_DIR, e.g. `rowflow-exports-`. */
  dirPrefix: string;
  /** The orchestrator's environment on top of EXPORT_DIR and JOB_ROW_SOURCE=local. */
  env?: NodeJS.ProcessEnv;
  /** Runs on the test's pool before the server starts: the tables to export, reference hashes. */
  prepare?: (pool: pg.Pool) => Promise<void>;
}

/**
 * A fresh database, a temp EXPORT_DIR and an in-process orchestrator serving exports on them,
 * started in beforeAll and stopped (the dir removed) in afterAll. Rows are generated locally,
 * so no generator service runs: the orchestrator's generator URL is a closed port.
 */
export function useExportServer(opts: ExportServerOptions): ExportServer {
  const t = {} as ExportServer;
  useTestDatabase(t, opts.poolMax, async () => {
    await t.orch?.app.close();
    if (t.exportDir) await rm(t.exportDir, { recursive: true, force: true });
  });
  beforeAll(async () => {
    t.exportDir = await mkdtemp(join(tmpdir(), opts.dirPrefix));
    await opts.prepare?.(t.pool);
    t.orch = await bootOrchestrator(t.db.url, 'http://127.0.0.1:9', { EXPORT_DIR: t.exportDir, JOB_ROW_SOURCE: 'local', ...opts.env });
    expect((await fetch(`${t.orch.url}/api/exports`)).status).toBe(200); // answers once migrations ran
  });
  return t;
}
