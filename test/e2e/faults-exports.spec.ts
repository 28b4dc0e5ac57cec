/**
 * Exports ride out what jobs ride out. One chunk's connection is terminated attempt after attempt
 * (each attempt waits on a table lock, so none slips through) — more often than the 12 retries
 * exports used to allow — and the export still completes with the bytes of one plain COPY:
 * failures are retried for the jobs' retry window (JOB_RETRY_WINDOW, here short), and an export
 * that gave up on a transient failure is continued by the sweep.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { copySha, waitFor } from '../cli/cli-harness.js';
import { postJson, useExportServer } from '../support/index.js';

const ROWS = 20_000;
/** More than the old budget of 12 retries. */
const KILLS = 16;

let reference: string;

const server = useExportServer({
  poolMax: 4,
  dirPrefix: 'rowflow-faults-exports-',
  env: { JOB_RETRY_WINDOW: '2s' },
  prepare: async (pool) => {
    await pool.query(`CREATE TABLE accounts AS SELECT g AS id, 'acct ' || g AS label FROM generate_series(1, ${ROWS}) g`);
    await pool.query('ALTER TABLE accounts ADD PRIMARY KEY (id)');
    reference = await copySha(pool, 'SELECT * FROM accounts ORDER BY id');
  },
});

/** Terminates the export's chunk backend once it shows up; false when the export ended for good first. */
async function killNextChunk(id: string): Promise<boolean> {
  return waitFor(async () => {
    const st = (await server.pool.query<{ state: string; failed_transient: boolean }>('SELECT state, failed_transient FROM rowflow.exports WHERE id = $1', [id])).rows[0]!;
    if (st.state === 'completed' || (st.state === 'failed' && !st.failed_transient)) return false;
    const killed = await server.pool.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'COPY (SELECT%'`,
    );
    return killed.rowCount ? true : undefined;
  }, 'an export chunk to terminate', 90_000);
}

describe('an export whose connections keep dying', () => {
  it('completes with the bytes of one plain COPY', { timeout: 300_000 }, async () => {
    const res = await postJson(`${server.orch.url}/api/exports`, { table: 'accounts', chunkRows: 50 });
    expect(res.status).toBe(202);
    const id = res.body.id as string;
    await waitFor(async () => ((await (await fetch(`${server.orch.url}/api/exports/${id}`)).json()).rows > 0 ? true : undefined), 'first rows');
    const holder = await server.pool.connect();
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
      const s = await (await fetch(`${server.orch.url}/api/exports/${id}`)).json();
      return s.state === 'completed' || (s.state === 'failed' && !(await server.pool.query('SELECT failed_transient FROM rowflow.exports WHERE id = $1', [id])).rows[0].failed_transient) ? s : undefined;
    }, 'the export to end', 120_000);
    expect(done).toMatchObject({ state: 'completed', sha256: reference });
    const file = await fetch(`${server.orch.url}/api/exports/${id}/file`);
    expect(createHash('sha256').update(Buffer.from(await file.arrayBuffer())).digest('hex')).toBe(reference);
  });
});
