import type { INestApplication } from '@nestjs/common';
import { JobRepository, migrate, parseJobRequest } from '@rowflow/jobs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ManifestsService } from '../../apps/orchestrator/src/manifests/manifests.service.js';
import { bootOrchestrator, freshDatabase } from '../support/index.js';

/**
 * GET /api/jobs/:id/verify regenerates and COPYs every row of the job: when the client goes
 * away, that work stops too instead of running to the end for nobody.
 */
let db: { url: string; drop: () => Promise<void> };
let pool: pg.Pool;
let orch: { app: INestApplication; url: string };

beforeAll(async () => {
  db = await freshDatabase(inject('databaseUrl'));
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
  await migrate(pool);
  orch = await bootOrchestrator(db.url, 'http://127.0.0.1:9', { JOB_ROW_SOURCE: 'local', JOB_WORKERS: 'false' });
});

afterAll(async () => {
  await orch?.app.close();
  await pool?.end();
  await db?.drop();
});

/** A completed job of `rows` rows whose target is empty: verify still generates and COPYs them all. */
async function completedJob(rows: number): Promise<string> {
  const id = await new JobRepository(pool).create(parseJobRequest({ table: 'pgbench_accounts', rows, seed: 1, targetTable: 'big' }, { maxRows: 10_000_000 }));
  await pool.query(`UPDATE rowflow.job_partitions SET state = 'completed', next_row = to_row WHERE job_id = $1`, [id]);
  await pool.query(`UPDATE rowflow.jobs SET state = 'completed', phase = 'done', finished_at = now() WHERE id = $1`, [id]);
  return id;
}

describe('job verify and a client that disconnects', () => {
  it('the verify stops (rejects) once the request is gone', async () => {
    const id = await completedJob(2_000_000);
    const service = orch.app.get(ManifestsService);
    let running: Promise<unknown> | undefined;
    const verify = service.verify.bind(service);
    service.verify = ((...args: Parameters<typeof verify>) => (running = verify(...args))) as typeof verify;
    const client = new AbortController();
    const req = fetch(`${orch.url}/api/jobs/${id}/verify`, { signal: client.signal }).catch((e: unknown) => e);
    // Disconnect once the verify is COPYing generated rows.
    for (;;) {
      const r = await pool.query(`SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND query LIKE 'COPY rowflow_verify%'`);
      if (r.rowCount) break;
    }
    client.abort();
    await req;
    expect(running).toBeDefined();
    await expect(running).rejects.toThrow();
  });
});
