import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { kill9, loadReference, loadSpecReference, parseSse, postJson, stop, tableMd5, useWorkerStack, waitForState } from '../support/index.js';


/**
 * The deferred-constraint phase, made observable without timing: jobs are created by an
 * API-only orchestrator (no workers), then the test takes a ROW EXCLUSIVE lock on the target —
 * compatible with the load's COPY, but not with CREATE INDEX — and only then starts a worker
 * process. The phase can therefore not finish until the test releases the lock.
 */
const stack = useWorkerStack({ env: { MAX_ROWS: '1000000' }, poolMax: 6, workerEnv: { WORKER_CONCURRENCY: '2', MAX_ROWS: '1000000' } });

/** Holds ROW EXCLUSIVE on a table until released: loads proceed, index builds wait. */
async function lockTable(table: string): Promise<{ release: () => Promise<void> }> {
  const c = await stack.pool.connect();
  await c.query('BEGIN');
  await c.query(`LOCK TABLE public."${table}" IN ROW EXCLUSIVE MODE`);
  return {
    release: async () => {
      await c.query('COMMIT');
      c.release();
    },
  };
}

/** An SSE stream whose events can be looked at while it runs; `done` resolves when it ends. */
function liveSse(url: string): { events: Array<{ event: string; id: string; data: any }>; done: Promise<Array<{ event: string; id: string; data: any }>> } {
  const events: Array<{ event: string; id: string; data: any }> = [];
  const done = new Promise<typeof events>((resolve, reject) => {
    const req = http.get(url, { headers: { accept: 'text/event-stream' } }, (res) => {
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        buf += d;
        for (let i = buf.indexOf('\n\n'); i >= 0; i = buf.indexOf('\n\n')) {
          const frame = parseSse(buf.slice(0, i + 2))[0];
          buf = buf.slice(i + 2);
          if (frame?.data) events.push({ event: frame.event ?? 'message', id: frame.id ?? '', data: JSON.parse(frame.data) });
        }
      });
      res.on('end', () => resolve(events));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
  done.catch(() => undefined); // awaited by the test; a failure before that must not be unhandled
  return { events, done };
}

async function constraintsOf(table: string): Promise<Array<{ conname: string; contype: string; convalidated: boolean }>> {
  const res = await stack.pool.query(`SELECT conname, contype, convalidated FROM pg_constraint WHERE conrelid = to_regclass($1) AND contype IN ('p', 'u', 'f') ORDER BY conname`, [`public."${table}"`]);
  return res.rows;
}

async function status(id: string): Promise<any> {
  return (await fetch(`${stack.orch.url}/api/jobs/${id}`)).json();
}

async function waitFor(what: string, cond: () => Promise<boolean>, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** True while some backend waits for a lock on the table (the index build is mid-step). */
async function someoneWaitsOn(table: string): Promise<boolean> {
  const res = await stack.pool.query(`SELECT count(*)::int AS n FROM pg_locks WHERE relation = to_regclass($1) AND NOT granted`, [`public."${table}"`]);
  return res.rows[0].n > 0;
}

describe('deferred constraints (create mode)', () => {
  it('loads without keys, shows phase "building indexes", then has PRIMARY KEY and UNIQUE constraints', async () => {
    const res = await postJson(`${stack.orch.url}/api/jobs`, { table: 'users', rows: 20_000, seed: 11, partitions: 2, chunkSize: 2500, targetTable: 'users_c' });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ state: 'queued', phase: 'loading', tables: [{ name: 'users', targetTable: 'users_c', rowsTotal: 20_000, phase: 'loading' }] });
    expect(await constraintsOf('users_c')).toEqual([]); // created with columns + NOT NULL only
    const notNull = await stack.pool.query(`SELECT attname FROM pg_attribute WHERE attrelid = 'public.users_c'::regclass AND attnum > 0 AND attnotnull ORDER BY attnum`);
    // Every column without a nullRatio never generates NULL, so it is NOT NULL from the start.
    expect(notNull.rows.map((r) => r.attname)).toEqual(['id', 'first_name', 'last_name', 'email', 'username', 'street_address', 'city', 'country', 'birth_date', 'is_active', 'created_at']);
    const lock = await lockTable('users_c');
    // A watcher from before the load: it must be told about the phase, not only about rows.
    const watcher = liveSse(`${stack.orch.url}/api/jobs/${res.body.id}/events`);
    let seen: any;
    try {
      await waitFor('the watcher to get its first event', async () => watcher.events.length > 0);
      await stack.startWorker();
      await waitFor('phase building indexes', async () => (seen = await status(res.body.id)).phase === 'building indexes');
      await waitFor('the watcher to see the phase', async () => watcher.events.some((e) => e.data.phase === 'building indexes'));
      expect(seen).toMatchObject({ state: 'running', rowsWritten: 20_000, tables: [{ state: 'running', phase: 'building indexes', rowsWritten: 20_000 }] });
      expect(await constraintsOf('users_c')).toEqual([]);
    } finally {
      await lock.release();
    }
    const done = await waitForState(stack.orch.url, res.body.id, ['completed', 'failed']);
    expect(done).toMatchObject({ state: 'completed', phase: 'done', error: null, tables: [{ state: 'completed', phase: 'done', rowsWritten: 20_000 }] });
    const got = await watcher.done;
    expect(got.find((e) => e.data.phase === 'building indexes')).toMatchObject({ event: 'progress', id: '20000', data: { state: 'running', rowsWritten: 20_000 } });
    expect(got.at(-1)).toMatchObject({ event: 'completed', data: { phase: 'done' } });
    expect(await constraintsOf('users_c')).toEqual([
      { conname: 'users_c_email_key', contype: 'u', convalidated: true },
      { conname: 'users_c_pkey', contype: 'p', convalidated: true },
      { conname: 'users_c_username_key', contype: 'u', convalidated: true },
    ]);
    const ref = await loadReference(stack.pool, stack.gen.url, 'users_c', 'users', 20_000, 11);
    expect(await tableMd5(stack.pool, 'users_c', 'id')).toEqual(await tableMd5(stack.pool, ref, 'id'));
  });

  it('kill -9 of the worker while it builds an index: a restarted worker completes the job, same md5', async () => {
    const res = await postJson(`${stack.orch.url}/api/jobs`, { table: 'pgbench_accounts', rows: 50_000, seed: 4, chunkSize: 5000, targetTable: 'acc_kill' });
    expect(res.status).toBe(202);
    const lock = await lockTable('acc_kill');
    let released = false;
    try {
      const first = await stack.startWorker();
      await waitFor('the index build to wait on the lock', async () => (await status(res.body.id)).phase === 'building indexes' && (await someoneWaitsOn('acc_kill')));
      await kill9(first);
      await lock.release();
      released = true;
    } finally {
      if (!released) await lock.release();
    }
    await stack.startWorker();
    const done = await waitForState(stack.orch.url, res.body.id, ['completed', 'failed'], 120_000);
    expect(done).toMatchObject({ state: 'completed', phase: 'done', rowsWritten: 50_000 });
    expect(await constraintsOf('acc_kill')).toEqual([{ conname: 'acc_kill_pkey', contype: 'p', convalidated: true }]);
    const states = await stack.pool.query(`SELECT state FROM rowflow.job_constraints WHERE job_id = $1`, [res.body.id]);
    expect(states.rows).toEqual([{ state: 'done' }]);
    const ref = await loadReference(stack.pool, stack.gen.url, 'acc_kill', 'pgbench_accounts', 50_000, 4);
    expect(await tableMd5(stack.pool, 'acc_kill', 'aid')).toEqual(await tableMd5(stack.pool, ref, 'aid'));
  });

  it('a graceful stop cancels the index build in progress; the next worker builds it', async () => {
    const res = await postJson(`${stack.orch.url}/api/jobs`, { table: 'pgbench_accounts', rows: 20_000, seed: 5, targetTable: 'acc_stop' });
    const lock = await lockTable('acc_stop');
    try {
      const first = await stack.startWorker();
      await waitFor('the index build to wait on the lock', async () => (await status(res.body.id)).phase === 'building indexes' && (await someoneWaitsOn('acc_stop')));
      await stop(first); // SIGTERM: the build is cancelled, not waited for
      await waitFor('the cancelled build to leave the lock queue', async () => !(await someoneWaitsOn('acc_stop')));
      expect(await constraintsOf('acc_stop')).toEqual([]);
    } finally {
      await lock.release();
    }
    await stack.startWorker();
    const done = await waitForState(stack.orch.url, res.body.id, ['completed', 'failed'], 120_000);
    expect(done).toMatchObject({ state: 'completed', phase: 'done' });
    expect(await constraintsOf('acc_stop')).toEqual([{ conname: 'acc_stop_pkey', contype: 'p', convalidated: true }]);
  });

  it('append into an existing table defers nothing: the table keeps its own key throughout', async () => {
    await stack.pool.query(`CREATE TABLE acc_app (aid integer PRIMARY KEY, bid integer, abalance integer, filler char(84))`);
    const res = await postJson(`${stack.orch.url}/api/jobs`, { table: 'pgbench_accounts', rows: 5000, seed: 2, targetTable: 'acc_app', mode: 'append' });
    await stack.startWorker();
    const done = await waitForState(stack.orch.url, res.body.id, ['completed', 'failed']);
    expect(done).toMatchObject({ state: 'completed', phase: 'done', rowsWritten: 5000 });
    expect((await stack.pool.query(`SELECT count(*)::int AS n FROM rowflow.job_constraints WHERE job_id = $1`, [res.body.id])).rows[0].n).toBe(0);
    expect(await constraintsOf('acc_app')).toEqual([{ conname: 'acc_app_pkey', contype: 'p', convalidated: true }]);
  });
});

describe('resume generates from the spec stored with the job', () => {
  it('rows follow the stored spec even when it no longer matches the catalog', async () => {
    const res = await postJson(`${stack.orch.url}/api/jobs`, { table: 'pgbench_accounts', rows: 3000, seed: 8, targetTable: 'acc_stored' });
    // Stand-in for a catalog that changed after the job was created: the job's stored spec now
    // differs from the catalog's pgbench_accounts (abalance 0 → 5..9).
    await stack.pool.query(
      `UPDATE rowflow.job_tables SET schema = jsonb_set(schema, '{columns,2}', '{"name": "abalance", "type": "int", "min": 5, "max": 9}') WHERE job_id = $1`,
      [res.body.id],
    );
    const stored = (await stack.pool.query(`SELECT schema FROM rowflow.job_tables WHERE job_id = $1`, [res.body.id])).rows[0].schema;
    await stack.startWorker();
    expect(await waitForState(stack.orch.url, res.body.id, ['completed', 'failed'])).toMatchObject({ state: 'completed', rowsWritten: 3000 });
    const fromStored = await loadSpecReference(stack.pool, stack.gen.url, 'acc_stored', { schema: stored }, 3000, 8);
    const fromCatalog = await loadReference(stack.pool, stack.gen.url, 'acc_stored', 'pgbench_accounts', 3000, 8);
    const got = await tableMd5(stack.pool, 'acc_stored', 'aid');
    expect(got).toEqual(await tableMd5(stack.pool, fromStored, 'aid'));
    expect(got).not.toEqual(await tableMd5(stack.pool, fromCatalog, 'aid'));
    const bal = await stack.pool.query(`SELECT min(abalance) AS lo, max(abalance) AS hi FROM acc_stored`);
    expect(bal.rows[0]).toEqual({ lo: 5, hi: 9 });
  });
});
