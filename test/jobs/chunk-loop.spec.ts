import { randomUUID } from 'node:crypto';
import { ChunkWriter, ConstraintBuilder, ConstraintRepository, copySql, JobRepository, migrate, parseJobRequest, PartitionRunner, type PartitionWork } from '@rowflow/jobs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freshDatabase } from '../setup/helpers.js';
import { TEST_SPEC, TestSource, testRow } from './test-source.js';

let db: { url: string; drop: () => Promise<void> };
let pool: pg.Pool;
let repo: JobRepository;

beforeAll(async () => {
  db = await freshDatabase(inject('databaseUrl'));
  pool = new pg.Pool({ connectionString: db.url, max: 12 });
  pool.on('error', () => undefined);
  // Three processes starting at once must not trip over each other's migrations.
  const pools = [0, 1, 2].map(() => new pg.Pool({ connectionString: db.url, max: 1 }));
  await Promise.all(pools.map((p) => migrate(p)));
  await Promise.all(pools.map((p) => p.end()));
  repo = new JobRepository(pool);
});

afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

async function newJob(body: Record<string, unknown>): Promise<string> {
  return repo.create(parseJobRequest({ schema: TEST_SPEC, targetTable: `t_${randomUUID().slice(0, 8)}`, ...body }, { maxRows: 10_000_000 }));
}

async function partitions(jobId: string): Promise<number[]> {
  return (await repo.unfinishedPartitions(jobId)).map((p) => p.partitionId);
}

function runner(source: TestSource, owner: string = randomUUID(), extra: Record<string, unknown> = {}): PartitionRunner {
  return new PartitionRunner(pool, repo, () => source, { owner, backoffBaseMs: 20, backoffCapMs: 200, ...extra });
}

const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** Runs every open partition, then (as the orchestrator does) the job's deferred-constraint phase. */
async function runAll(jobId: string, source: TestSource, owner?: string): Promise<string[]> {
  const ids = await partitions(jobId);
  const out = await Promise.all(ids.map((id) => runner(source, owner).run(id, new AbortController().signal)));
  await buildConstraints(jobId);
  return out;
}

async function buildConstraints(jobId: string): Promise<void> {
  const builder = new ConstraintBuilder(pool, new ConstraintRepository(pool), { owner: randomUUID(), leaseSeconds: 10, concurrency: 2, log: quiet });
  await builder.run(jobId, new AbortController().signal);
}

/** Ordered md5 of the whole table, as text: equal iff same rows with same values. */
async function tableMd5(table: string): Promise<{ n: number; md5: string }> {
  const res = await pool.query(`SELECT count(*)::int AS n, md5(string_agg(t::text, '|' ORDER BY id)) AS md5 FROM "${table}" t`);
  return res.rows[0];
}

/** The reference: all rows loaded by one plain COPY in one go. */
async function referenceMd5(rows: number, poison = new Set<number>()): Promise<{ n: number; md5: string }> {
  const table = `ref_${randomUUID().slice(0, 8)}`;
  await pool.query(`CREATE TABLE "${table}" (id bigint PRIMARY KEY, n int, label text, note text)`);
  const values: string[] = [];
  for (let i = 0; i < rows; i++) if (!poison.has(i)) values.push(testRow(i));
  const { from } = await import('pg-copy-streams');
  const { pipeline } = await import('node:stream/promises');
  const { Readable } = await import('node:stream');
  const c = await pool.connect();
  try {
    await pipeline(Readable.from([values.join('')]), c.query(from(`COPY "${table}" FROM STDIN (FORMAT csv)`)));
  } finally {
    c.release();
  }
  return tableMd5(table);
}

describe('libs/jobs chunk loop against real Postgres', () => {
  it('creates the target with quoted identifiers and loads exactly rowsTotal rows in partitions', async () => {
    const id = await newJob({ rows: 23_456, partitions: 3, chunkSize: 1000 });
    expect(await runAll(id, new TestSource())).toEqual(['done', 'done', 'done']);
    const job = await repo.get(id);
    expect(job).toMatchObject({ state: 'completed', rowsWritten: 23_456, rowsSkipped: 0, rowsTotal: 23_456 });
    expect(job.chunksCommitted).toBe(8 + 8 + 8); // 7818, 7819, 7819 rows
    expect(job.partitions.map((p) => p.nextRow)).toEqual(job.partitions.map((p) => p.toRow));
    expect(await tableMd5(job.targetTable)).toEqual(await referenceMd5(23_456));
  });

  it('refuses to create over an existing table and leaves no job row', async () => {
    await pool.query('CREATE TABLE "Weird ""name"" x" (a int)');
    const before = (await repo.list()).length;
    await expect(newJob({ rows: 10, targetTable: 'Weird "name" x' })).rejects.toThrow(/already exists/);
    await expect(newJob({ rows: 10, targetTable: 'missing_t', mode: 'append' })).rejects.toThrow(/targetTable/);
    expect((await repo.list()).length).toBe(before);
  });

  it('fences a chunk: two writers at the same checkpoint, exactly one commits', async () => {
    const id = await newJob({ rows: 5000, chunkSize: 5000 });
    const [pid] = await partitions(id);
    // The first claim starts the job and reports its row total (the job_start log's rows); a re-claim does not.
    expect(await repo.claim(pid!, 'a', 60)).toMatchObject({ kind: 'claimed', jobStarted: true, jobRows: 5000 });
    expect(await repo.claim(pid!, 'a', 60)).toMatchObject({ kind: 'claimed', jobStarted: false });
    const writer = new ChunkWriter(pool);
    const job = await repo.get(id);
    const ctx = { partitionId: pid!, jobId: id, index: 0, copySql: copySql({ schema: 'public', table: job.targetTable }, TEST_SPEC), skipLimit: 0, source: new TestSource(), leaseSeconds: 60 };
    const signal = new AbortController().signal;
    const results = await Promise.all([0, 1, 2].map(() => writer.write(ctx, 0, 5000, { retries: 0, chunkSize: 5000 }, signal)));
    expect(results.map((r) => r.kind).sort()).toEqual(['committed', 'lost', 'lost']);
    expect((await tableMd5(job.targetTable)).n).toBe(5000);
  });

  it('two runners racing on every partition (no lease) still give an exact table', async () => {
    const id = await newJob({ rows: 30_000, partitions: 2, chunkSize: 2000 });
    const ids = await partitions(id);
    const source = new TestSource();
    const runs = ids.flatMap((pid) => [0, 1].map(() => runner(source, randomUUID(), { leaseSeconds: 0 }).run(pid, new AbortController().signal)));
    const outcomes = await Promise.all(runs);
    expect(outcomes.filter((o) => o === 'done').length).toBeGreaterThanOrEqual(2);
    await buildConstraints(id);
    const job = await repo.get(id);
    expect(job).toMatchObject({ state: 'completed', rowsWritten: 30_000 });
    expect(await tableMd5(job.targetTable)).toEqual(await referenceMd5(30_000));
  });

  it('bisects data errors: good rows commit, bad rows become dead letters with SQLSTATE', async () => {
    // Existing rows in a table with its primary key: ids 101..105 (rows 100..104) → unique
    // violations when appended (create mode would build the key only after the load).
    const target = `t_${randomUUID().slice(0, 8)}`;
    await pool.query(`CREATE TABLE "${target}" (id bigint PRIMARY KEY, n int, label text, note text)`);
    await pool.query(`INSERT INTO "${target}" SELECT g, 0, 'pre', NULL FROM generate_series(101, 105) g`);
    // keyOffset 0: append would otherwise continue after the keys already there (by design).
    const id = await newJob({ schema: { ...TEST_SPEC, keyOffset: 0 }, rows: 12_000, chunkSize: 5000, skipLimit: 20, targetTable: target, mode: 'append' });
    const poison = new Set([7, 4999, 5000, 11_999]);
    expect(await runAll(id, new TestSource(poison))).toEqual(['done']);
    const job = await repo.get(id);
    expect(job).toMatchObject({ state: 'completed', rowsWritten: 12_000 - 9, rowsSkipped: 9 });
    const dead = await repo.deadLetters(id);
    expect(dead.map((d) => d.rowNumber)).toEqual([7, 100, 101, 102, 103, 104, 4999, 5000, 11_999]);
    expect(dead.find((d) => d.rowNumber === 7)).toMatchObject({ sqlstate: '22P02', row: testRow(7, poison).trim() });
    expect(dead.find((d) => d.rowNumber === 100)).toMatchObject({ sqlstate: '23505' });
    expect(dead[1]!.message).toMatch(/duplicate key/);
    expect((await tableMd5(job.targetTable)).n).toBe(12_000 - 4);
  });

  it('fails the job with a clear error past skipLimit, and commits nothing of the failing chunk', async () => {
    const id = await newJob({ rows: 6000, chunkSize: 3000, skipLimit: 2 });
    const poison = new Set([10, 3001, 3002, 3003]);
    expect(await runAll(id, new TestSource(poison))).toEqual(['failed']);
    const job = await repo.get(id);
    expect(job.state).toBe('failed');
    expect(job.error).toMatch(/skipLimit 2 exceeded.*SQLSTATE 22P02/);
    expect(job).toMatchObject({ rowsWritten: 2999, rowsSkipped: 1 });
    expect((await tableMd5(job.targetTable)).n).toBe(2999);
    // The failing chunk is rolled back, but the rows it had rejected when the budget ran out (3001,
    // 3002) stay listed: they are why the job failed. 3003 was never tried.
    expect((await repo.deadLetters(id)).map((d) => d.rowNumber)).toEqual([10, 3001, 3002]);
  });

  it('fails fast on a missing target table (42P01), without retries', async () => {
    const id = await newJob({ rows: 5000 });
    const job0 = await repo.get(id);
    await pool.query(`DROP TABLE "${job0.targetTable}"`);
    const source = new TestSource();
    expect(await runAll(id, source)).toEqual(['failed']);
    const job = await repo.get(id);
    expect(job.error).toMatch(/does not exist/);
    expect(source.calls.length).toBe(1);
  });

  it('survives its connections being killed mid-chunk (retry with backoff) and stays exact', async () => {
    const id = await newJob({ rows: 20_000, chunkSize: 2500, partitions: 2 });
    let kills = 0;
    const admin = new pg.Client(db.url);
    await admin.connect();
    try {
      const source = new TestSource(new Set(), async (from) => {
        if ((from === 5000 || from === 15_000) && kills < 4) {
          kills++;
          // Terminate every other backend of this database: the chunk's own connection included.
          await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
        }
      });
      expect(await runAll(id, source)).toEqual(['done', 'done']);
    } finally {
      await admin.end();
    }
    const job = await repo.get(id);
    expect(job).toMatchObject({ state: 'completed', rowsWritten: 20_000 });
    expect(job.retries).toBeGreaterThanOrEqual(2);
    expect(await tableMd5(job.targetTable)).toEqual(await referenceMd5(20_000));
  });

  it('a claim whose connection the server terminates is retried; the partition loads exactly', async () => {
    const id = await newJob({ rows: 3000, chunkSize: 1000 });
    const [pid] = await partitions(id);
    const admin = new pg.Client(db.url);
    await admin.connect();
    try {
      // A table the claim reads held exclusively, so the claim's statement waits; its backend is then terminated mid-claim.
      await admin.query('BEGIN');
      await admin.query('LOCK TABLE rowflow.job_tables IN ACCESS EXCLUSIVE MODE');
      const running = runner(new TestSource()).run(pid!, new AbortController().signal);
      running.catch(() => undefined); // awaited below
      let claimPid: number | undefined;
      while (claimPid === undefined) {
        const r = await pool.query(`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'UPDATE rowflow.job_partitions p SET state = ''running''%'`);
        claimPid = r.rows[0]?.pid;
        if (claimPid === undefined) await new Promise((r) => setImmediate(r));
      }
      await pool.query('SELECT pg_terminate_backend($1)', [claimPid]);
      await admin.query('COMMIT');
      expect(await running).toBe('done');
    } finally {
      await admin.end();
    }
    await buildConstraints(id);
    const job = await repo.get(id);
    expect(job).toMatchObject({ state: 'completed', rowsWritten: 3000 });
    expect(await tableMd5(job.targetTable)).toEqual(await referenceMd5(3000));
  });

  it('cancel stops within one chunk, keeps committed chunks; resume continues to an exact table', async () => {
    const id = await newJob({ rows: 40_000, chunkSize: 1000 });
    let cancelling: Promise<unknown> | undefined;
    // Cancel is issued as rows 5000.. are opened ahead (the chunk at 4000 starting). A chunk in
    // flight when the cancel commits may still commit (the cancel waits for its row lock); no
    // chunk starts after it.
    const source = new TestSource(new Set(), (from) => {
      if (from === 5000 && !cancelling) {
        cancelling = repo.cancel(id);
        cancelling.catch(() => undefined); // awaited (and asserted) below
      }
    });
    expect(await runAll(id, source)).toEqual(['lost']);
    const atCancel = (await cancelling) as { state: string; rowsWritten: number };
    expect(atCancel.state).toBe('cancelled');
    const cancelled = await repo.get(id);
    expect(cancelled.state).toBe('cancelled');
    expect(cancelled.rowsWritten).toBeGreaterThanOrEqual(4000);
    expect(cancelled.rowsWritten).toBeLessThanOrEqual(atCancel.rowsWritten + 1000);
    expect(cancelled.rowsWritten).toBeLessThan(40_000);
    expect((await tableMd5(cancelled.targetTable)).n).toBe(cancelled.rowsWritten);
    await repo.resume(id);
    expect(await runAll(id, new TestSource())).toEqual(['done']);
    const job = await repo.get(id);
    expect(job).toMatchObject({ state: 'completed', rowsWritten: 40_000 });
    expect(await tableMd5(job.targetTable)).toEqual(await referenceMd5(40_000));
  });

  it('auto chunk size adapts within bounds and shows in status; checkpoints stay exact', async () => {
    const id = await newJob({ rows: 60_000, chunkSize: 'auto' });
    const source = new TestSource();
    // A target no commit can miss, even on a starved machine: the sizer must grow (×2 per step)
    // and stop at max. Whether it grows depends on the target, not on this machine's speed.
    const r = runner(source, randomUUID(), { auto: { min: 1000, max: 40_000, targetMs: 600_000, memoryBudgetBytes: 64 * 1024 * 1024 } });
    const [pid] = await partitions(id);
    expect(await r.run(pid!, new AbortController().signal)).toBe('done');
    const job = await repo.get(id);
    expect(job.chunkSize).toBe('auto');
    expect(source.calls[0]!.count).toBe(5000);
    expect(source.calls.some((c) => c.count > 5000)).toBe(true);
    expect(Math.max(...source.calls.map((c) => c.count))).toBeLessThanOrEqual(40_000);
    expect(job.partitions[0]!.chunkSize).toBeGreaterThan(5000);
    expect(await tableMd5(job.targetTable)).toEqual(await referenceMd5(60_000));
  });

  it('a stopped runner hands its lease back; another owner resumes from next_row', async () => {
    const id = await newJob({ rows: 20_000, chunkSize: 1000 });
    const [pid] = await partitions(id);
    const ac = new AbortController();
    const source = new TestSource(new Set(), (from) => {
      if (from === 3000) ac.abort();
    });
    expect(await runner(source).run(pid!, ac.signal)).toBe('stopped');
    const mid = await repo.get(id);
    // Aborted as the chunk at 2000 started (3000.. being opened ahead): it rolled back or committed.
    const resumeAt = mid.partitions[0]!.nextRow;
    expect([2000, 3000]).toContain(resumeAt);
    expect((await tableMd5(mid.targetTable)).n).toBe(resumeAt);
    expect(await repo.orphanedPartitions()).toContainEqual({ jobId: id, partitionId: pid });
    const second = new TestSource();
    expect(await runner(second).run(pid!, new AbortController().signal)).toBe('done');
    expect(Math.min(...second.calls.map((c) => c.from))).toBe(resumeAt);
    expect(await tableMd5(mid.targetTable)).toEqual(await referenceMd5(20_000));
  });

  it('skipLimit holds job-wide across concurrent partitions (the budget is spent under a lock)', async () => {
    const id = await newJob({ rows: 8000, partitions: 4, chunkSize: 2000, skipLimit: 5 });
    // Three bad rows in every partition's first chunk: 12 in all, more than the 5 allowed.
    const poison = new Set([10, 11, 12, 2010, 2011, 2012, 4010, 4011, 4012, 6010, 6011, 6012]);
    const outcomes = await runAll(id, new TestSource(poison));
    expect(outcomes).toContain('failed');
    const job = await repo.get(id);
    expect(job.state).toBe('failed');
    expect(job.error).toMatch(/skipLimit 5 exceeded/);
    expect(job.rowsSkipped).toBeLessThanOrEqual(5);
    // Committed skips, plus the rejected rows of the chunk(s) that ran out of budget.
    expect((await repo.deadLetters(id)).length).toBeGreaterThan(job.rowsSkipped);
  });

  it('transient source failures are retried (counted, shown while waiting) until the window ends', async () => {
    const id = await newJob({ rows: 6000, chunkSize: 2000 });
    let failures = 0;
    let seenWaiting: unknown;
    const flaky = new TestSource(new Set(), async (from) => {
      if (from === 2000 && failures < 3) {
        failures++;
        if (failures === 3) seenWaiting = (await repo.get(id)).lastError;
        throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
      }
    });
    expect(await runAll(id, flaky)).toEqual(['done']);
    const job = await repo.get(id);
    expect(job).toMatchObject({ state: 'completed', rowsWritten: 6000, retries: 3, lastError: null, nextAttemptAt: null });
    expect(seenWaiting).toMatch(/ECONNREFUSED/);
    expect(await tableMd5(job.targetTable)).toEqual(await referenceMd5(6000));

    const doomed = await newJob({ rows: 3000, chunkSize: 1000 });
    const down = new TestSource(new Set(), () => {
      throw Object.assign(new Error('write EPIPE'), { code: 'EPIPE', syscall: 'write' });
    });
    const [pid] = await partitions(doomed);
    expect(await runner(down, randomUUID(), { retryWindowMs: 300 }).run(pid!, new AbortController().signal)).toBe('failed');
    expect((await repo.get(doomed)).error).toMatch(/gave up after \d+ retries.*EPIPE/);
  });

  it('a job whose finisher died after the last commit is finished by the sweep hook', async () => {
    const id = await newJob({ rows: 3000, chunkSize: 1000 });
    expect(await runAll(id, new TestSource())).toEqual(['done']);
    // As if the finisher died before ending the load (its keys were built already: nothing pending).
    await pool.query(`UPDATE rowflow.jobs SET state = 'running', phase = 'loading', finished_at = NULL WHERE id = $1`, [id]);
    expect(await repo.jobsAwaitingFinish()).toContain(id);
    await runner(new TestSource()).finishJob(id, new AbortController().signal);
    expect((await repo.get(id)).state).toBe('completed');
    expect(await repo.jobsAwaitingFinish()).not.toContain(id);
  });

  it('unlogged: loads into an UNLOGGED table, SET LOGGED at the end unless "keep"', async () => {
    const persistence = async (t: string) => (await pool.query(`SELECT relpersistence FROM pg_class WHERE oid = to_regclass($1)`, [`"${t}"`])).rows[0].relpersistence;
    for (const [unlogged, after] of [[true, 'p'], ['keep', 'u']] as const) {
      const id = await newJob({ rows: 5000, chunkSize: 1000, unlogged });
      const table = (await repo.get(id)).targetTable;
      expect(await persistence(table)).toBe('u');
      expect(await runAll(id, new TestSource())).toEqual(['done']);
      expect((await repo.get(id)).state).toBe('completed');
      expect(await persistence(table)).toBe(after);
      expect(await tableMd5(table)).toEqual(await referenceMd5(5000));
    }
    expect(() => parseJobRequest({ schema: TEST_SPEC, rows: 5, mode: 'append', unlogged: true }, { maxRows: 10 })).toThrow(/unlogged/);
  });
});

export type { PartitionWork };

describe('the constraint phase builds only on the tables the job loaded', () => {
  it('a table dropped and re-made under the same name between load and keys fails the job, and the stranger gets no keys', async () => {
    const id = await newJob({ rows: 3000, chunkSize: 1000 });
    const ids = await partitions(id);
    expect(await Promise.all(ids.map((p) => runner(new TestSource()).run(p, new AbortController().signal)))).toEqual(['done']);
    const { targetTable } = await repo.get(id);
    expect((await repo.get(id)).phase).toBe('building indexes');
    // Someone else's table under the job's name, with a row that would violate nothing.
    await pool.query(`DROP TABLE "${targetTable}"`);
    await pool.query(`CREATE TABLE "${targetTable}" (id bigint, precious text)`);
    await pool.query(`INSERT INTO "${targetTable}" VALUES (1, 'keep me')`);
    await buildConstraints(id);
    const job = await repo.get(id);
    expect(job.state).toBe('failed');
    expect(job.error).toMatch(/was dropped and re-created since the job loaded it/);
    const cons = await pool.query(`SELECT count(*)::int AS n FROM pg_constraint WHERE conrelid = to_regclass($1)`, [`"${targetTable}"`]);
    expect(cons.rows[0]).toEqual({ n: 0 });
    expect((await pool.query(`SELECT precious FROM "${targetTable}"`)).rows).toEqual([{ precious: 'keep me' }]);
  });

  it('a table dropped between load and keys fails the job, saying it no longer exists', async () => {
    const id = await newJob({ rows: 2000, chunkSize: 1000 });
    const ids = await partitions(id);
    expect(await Promise.all(ids.map((p) => runner(new TestSource()).run(p, new AbortController().signal)))).toEqual(['done']);
    const { targetTable } = await repo.get(id);
    await pool.query(`DROP TABLE "${targetTable}"`);
    await buildConstraints(id);
    const job = await repo.get(id);
    expect(job.state).toBe('failed');
    expect(job.error).toMatch(/no longer exists; its constraints were not built/);
  });
});
