import type { INestApplication } from '@nestjs/common';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadOrchestratorConfig } from '../../apps/orchestrator/src/config/orchestrator-config.js';
import { bootGenerator, bootOrchestrator, freshDatabase, postJson, waitForState } from '../support/index.js';

/**
 * Write scope against a real orchestrator and a real Postgres: every refused target leaves the
 * catalog (relation names, schemas, relfilenodes), the rows of every involved table and the job
 * table exactly as they were.
 */

let db: { url: string; drop: () => Promise<void> };
let pool: pg.Pool;
let gen: { app: INestApplication; url: string };
let orch: { app: INestApplication; url: string };

/** Matches the columns of `customers` exactly (id, name): only the FK check can refuse it. */
const CUSTOMERS_SPEC = { name: 'customers', columns: [{ name: 'id', type: 'serial', primaryKey: true }, { name: 'name', type: 'fullName' }] };

const FIXTURES = [
  `CREATE TABLE customers (id bigint PRIMARY KEY, name text)`,
  `INSERT INTO customers SELECT g, 'customer ' || g FROM generate_series(1, 1000) g`,
  `CREATE TABLE customer_orders (id int PRIMARY KEY, customer_id bigint REFERENCES customers (id))`,
  `INSERT INTO customer_orders SELECT g, g FROM generate_series(1, 50) g`,
  `CREATE TABLE misfit (id integer, email integer, first_name boolean, required_note text NOT NULL)`,
  `INSERT INTO misfit VALUES (1, 1, true, 'keep me')`,
  `CREATE VIEW customer_view AS SELECT * FROM customers`,
  `CREATE MATERIALIZED VIEW customer_mv AS SELECT * FROM customers`,
  `CREATE SEQUENCE some_seq`,
  `CREATE INDEX customers_name_idx ON customers (name)`,
  `CREATE TYPE some_type AS (a int, b text)`,
];

beforeAll(async () => {
  db = await freshDatabase(inject('databaseUrl'));
  pool = new pg.Pool({ connectionString: db.url, max: 4 });
  // The forced DROP DATABASE at the end terminates idle clients: that is expected, not a crash.
  pool.on('error', () => undefined);
  for (const sql of FIXTURES) await pool.query(sql);
  gen = await bootGenerator();
  orch = await bootOrchestrator(db.url, gen.url, { MAX_ROWS: '1000000' });
  // Jobs API answers once migrations ran; the snapshot below must include rowflow's tables.
  expect((await fetch(`${orch.url}/api/jobs`)).status).toBe(200);
});

afterAll(async () => {
  await orch?.app.close();
  await gen?.app.close();
  await pool?.end();
  await db?.drop();
});

async function rows<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
  return (await pool.query(sql, params)).rows as T[];
}

/** Everything a refused job must not change. pg-boss's own schema is left out: it polls. */
async function snapshot(): Promise<unknown> {
  const catalog = await rows(
    `SELECT c.oid::int, c.relname, c.relnamespace::regnamespace::text AS ns, c.relfilenode::int
     FROM pg_class c WHERE c.relnamespace::regnamespace::text NOT IN ('pgboss') ORDER BY c.oid`,
  );
  const counts = await rows(
    `SELECT (SELECT count(*) FROM customers)::int AS customers, (SELECT md5(string_agg(c::text, '|' ORDER BY id)) FROM customers c) AS customers_md5,
            (SELECT count(*) FROM customer_orders)::int AS orders, (SELECT count(*) FROM misfit)::int AS misfit,
            (SELECT count(*) FROM rowflow.jobs)::int AS jobs, (SELECT count(*) FROM rowflow.created_tables)::int AS created,
            (SELECT count(*) FROM pg_authid)::int AS authid, (SELECT count(*) FROM pg_description)::int AS descriptions`,
  );
  return { catalog, counts };
}

const DESCRIPTION_SCHEMA = {
  name: 'pg_description',
  columns: [
    { name: 'objoid', type: 'int', min: 1, max: 1 },
    { name: 'classoid', type: 'int', min: 1, max: 1 },
    { name: 'objsubid', type: 'int', min: 0, max: 0 },
    { name: 'description', type: 'text' },
  ],
};
const AUTHID_SCHEMA = { name: 'evil', columns: [{ name: 'rolname', type: 'username' }, { name: 'rolsuper', type: 'boolean', weights: [1, 0] }] };

describe('refused targets: 4xx naming targetTable, nothing changed', () => {
  it.each([
    ['pg_authid (append)', { schema: AUTHID_SCHEMA, rows: 1, targetTable: 'pg_authid', mode: 'append' }, /pg_/],
    ['pg_description (default target = schema name)', { schema: DESCRIPTION_SCHEMA, rows: 1, mode: 'append' }, /pg_/],
    ['pg_class (create)', { table: 'users', rows: 1, targetTable: 'pg_class' }, /pg_/],
    ['rowflow.jobs', { table: 'users', rows: 1, targetTable: 'rowflow.jobs', mode: 'append' }, /dot/],
    ['information_schema.x', { table: 'users', rows: 1, targetTable: 'information_schema.x', mode: 'truncate' }, /dot/],
    ['"public.x"', { table: 'users', rows: 1, targetTable: '"public.x"' }, /dot/],
    ['a"."b', { table: 'users', rows: 1, targetTable: 'a"."b', mode: 'replace' }, /dot/],
    ['jobs (only public is searched: no such table there)', { table: 'users', rows: 1, targetTable: 'jobs', mode: 'truncate' }, /"public"."jobs" does not exist/],
    ['a view (append)', { schema: CUSTOMERS_SPEC, rows: 1, targetTable: 'customer_view', mode: 'append' }, /is a view/],
    ['a view (create)', { table: 'users', rows: 1, targetTable: 'customer_view' }, /is a view/],
    ['a materialized view (truncate)', { schema: CUSTOMERS_SPEC, rows: 1, targetTable: 'customer_mv', mode: 'truncate' }, /is a materialized view/],
    ['an index (truncate)', { schema: CUSTOMERS_SPEC, rows: 1, targetTable: 'customers_name_idx', mode: 'truncate' }, /is an? index/],
    ['a sequence (replace)', { table: 'users', rows: 1, targetTable: 'some_seq', mode: 'replace' }, /is a sequence/],
    ['a composite type (create)', { table: 'users', rows: 1, targetTable: 'some_type' }, /is a composite type/],
    ['an FK-referenced table (truncate)', { schema: CUSTOMERS_SPEC, rows: 10, targetTable: 'customers', mode: 'truncate' }, /referenced by foreign keys from "?public"?\.customer_orders/],
    ['a table Rowflow did not create (replace)', { schema: CUSTOMERS_SPEC, rows: 10, targetTable: 'customers', mode: 'replace' }, /not created by Rowflow/],
    ['a table whose columns do not fit (truncate)', { table: 'users', rows: 10, targetTable: 'misfit', mode: 'truncate' }, /^(?=.*targetTable\.columns\.email: email values \(text\) do not load into integer)(?=.*targetTable\.columns\.first_name: firstName values \(text\) do not load into boolean)(?=.*targetTable\.columns\.required_note: is NOT NULL)/],
  ])('%s', async (_name, body, message) => {
    const before = await snapshot();
    const res = await postJson(`${orch.url}/api/jobs`, body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ statusCode: 400, field: 'targetTable' });
    expect(res.body.message).toMatch(message);
    expect(await snapshot()).toEqual(before);
  });

  it('reports every mismatching column, field by field', async () => {
    const res = await postJson(`${orch.url}/api/jobs`, { table: 'users', rows: 10, targetTable: 'misfit', mode: 'append' });
    expect(res.status).toBe(400);
    const fields = [...res.body.message.matchAll(/(targetTable\.columns\.[a-z_]+): /g)].map((m) => m[1]);
    // id is a serial in 1..10: fits integer. email text → integer, first_name text → boolean,
    // the other users columns are missing, required_note is NOT NULL without a default.
    expect(fields).toContain('targetTable.columns.email');
    expect(fields).toContain('targetTable.columns.first_name');
    expect(fields).toContain('targetTable.columns.city');
    expect(fields).toContain('targetTable.columns.required_note');
    expect(fields).not.toContain('targetTable.columns.id');
  });

  it('create over an existing table is a 409 and changes nothing', async () => {
    const before = await snapshot();
    const res = await postJson(`${orch.url}/api/jobs`, { schema: CUSTOMERS_SPEC, rows: 10 });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ statusCode: 409, error: 'Conflict', field: 'targetTable' });
    expect(res.body.message).toMatch(/"public"."customers" already exists/);
    expect(await snapshot()).toEqual(before);
  });
});

describe('allowed destructive modes', () => {
  it('truncate into a table that fits: old rows gone, new rows in, extra nullable/default columns filled', async () => {
    await pool.query(`CREATE TABLE fits (aid integer NOT NULL, bid integer, abalance integer, filler char(84), note text, added timestamptz NOT NULL DEFAULT now())`);
    await pool.query(`INSERT INTO fits (aid) SELECT g FROM generate_series(1, 30) g`);
    const res = await postJson(`${orch.url}/api/jobs`, { table: 'pgbench_accounts', rows: 500, seed: 1, chunkSize: 200, targetTable: 'fits', mode: 'truncate' });
    expect(res.status).toBe(202);
    expect((await waitForState(orch.url, res.body.id, ['completed', 'failed'])).state).toBe('completed');
    const [r] = await rows<{ n: number; lo: number; hi: number; notes: number; added: number }>(
      `SELECT count(*)::int AS n, min(aid) AS lo, max(aid) AS hi, count(note)::int AS notes, count(added)::int AS added FROM fits`,
    );
    expect(r).toEqual({ n: 500, lo: 1, hi: 500, notes: 0, added: 500 });
  });

  it('replace: re-creates a table Rowflow created (new oid), refuses one re-made by someone else under its name', async () => {
    const first = await postJson(`${orch.url}/api/jobs`, { table: 'users', rows: 40, seed: 3, targetTable: 'tour_users', mode: 'replace' });
    expect(first.status).toBe(202); // absent: replace creates it
    expect((await waitForState(orch.url, first.body.id, ['completed', 'failed'])).state).toBe('completed');
    const oid1 = (await rows<{ oid: number }>(`SELECT 'public.tour_users'::regclass::oid::int AS oid`))[0]!.oid;
    const second = await postJson(`${orch.url}/api/jobs`, { table: 'users', rows: 25, seed: 4, targetTable: 'tour_users', mode: 'replace' });
    expect(second.status).toBe(202);
    expect((await waitForState(orch.url, second.body.id, ['completed', 'failed'])).state).toBe('completed');
    const oid2 = (await rows<{ oid: number }>(`SELECT 'public.tour_users'::regclass::oid::int AS oid`))[0]!.oid;
    expect(oid2).not.toBe(oid1);
    expect((await rows(`SELECT count(*)::int AS n FROM tour_users`))[0]).toEqual({ n: 25 });
    expect(await rows(`SELECT table_oid::int AS oid, job_id::text FROM rowflow.created_tables WHERE table_name = 'tour_users'`)).toEqual([{ oid: oid2, job_id: second.body.id }]);

    await pool.query(`DROP TABLE tour_users`);
    await pool.query(`CREATE TABLE tour_users (id bigint)`);
    await pool.query(`INSERT INTO tour_users VALUES (1), (2)`);
    const before = await snapshot();
    const third = await postJson(`${orch.url}/api/jobs`, { table: 'users', rows: 5, targetTable: 'tour_users', mode: 'replace' });
    expect(third.status).toBe(400);
    expect(third.body).toMatchObject({ field: 'targetTable' });
    expect(third.body.message).toMatch(/not created by Rowflow/);
    expect(await snapshot()).toEqual(before);
  });

  it('append into enum and domain columns: fits when every value is a label, refused naming the missing one', async () => {
    await pool.query(`CREATE TYPE mood AS ENUM ('calm', 'happy', 'sad')`);
    await pool.query(`CREATE DOMAIN short_code AS varchar(3)`);
    await pool.query(`CREATE TABLE moods (id bigint, m mood, code short_code)`);
    const spec = (values: string[]) => ({
      name: 'moods',
      columns: [{ name: 'id', type: 'serial' }, { name: 'm', type: 'enum', values }, { name: 'code', type: 'enum', values: ['ab', 'xyz'] }],
    });
    const ok = await postJson(`${orch.url}/api/jobs`, { schema: spec(['calm', 'sad']), rows: 200, seed: 1, mode: 'append' });
    expect(ok.status).toBe(202);
    expect((await waitForState(orch.url, ok.body.id, ['completed', 'failed'])).state).toBe('completed');
    expect(await rows(`SELECT count(*)::int AS n FROM moods`)).toEqual([{ n: 200 }]);
    const before = await snapshot();
    const bad = await postJson(`${orch.url}/api/jobs`, { schema: { ...spec(['calm', 'angry']), columns: [...spec(['calm', 'angry']).columns.slice(0, 2), { name: 'code', type: 'enum', values: ['abcd'] }] }, rows: 10, mode: 'truncate' });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/targetTable\.columns\.m: enum mood has no label "angry"/);
    expect(bad.body.message).toMatch(/targetTable\.columns\.code: values up to 4 characters do not fit short_code/);
    expect(await snapshot()).toEqual(before);
    expect(await rows(`SELECT count(*)::int AS n FROM moods`)).toEqual([{ n: 200 }]);
  });

  it('resume refuses a job whose table was replaced or dropped since: its rows would land in an unchecked table', async () => {
    const old = await postJson(`${orch.url}/api/jobs`, { table: 'pgbench_accounts', rows: 30, seed: 1, targetTable: 'resumed_t', mode: 'replace' });
    expect((await waitForState(orch.url, old.body.id, ['completed', 'failed'])).state).toBe('completed');
    // As if it had failed part-way: resumable, and no longer blocking a replace.
    await pool.query(`UPDATE rowflow.jobs SET state = 'failed' WHERE id = $1`, [old.body.id]);
    const newer = await postJson(`${orch.url}/api/jobs`, { table: 'pgbench_accounts', rows: 20, seed: 2, targetTable: 'resumed_t', mode: 'replace' });
    expect(newer.status).toBe(202);
    expect((await waitForState(orch.url, newer.body.id, ['completed', 'failed'])).state).toBe('completed');
    const replaced = await postJson(`${orch.url}/api/jobs/${old.body.id}/resume`, {});
    expect(replaced.status).toBe(409);
    expect(replaced.body.message).toMatch(/"public"."resumed_t" was dropped and re-created since the job started/);
    await pool.query(`UPDATE rowflow.jobs SET state = 'failed' WHERE id = $1`, [newer.body.id]);
    await pool.query(`DROP TABLE resumed_t`);
    const dropped = await postJson(`${orch.url}/api/jobs/${newer.body.id}/resume`, {});
    expect(dropped.status).toBe(409);
    expect(dropped.body.message).toMatch(/no longer exists/);
    expect((await rows(`SELECT state FROM rowflow.jobs WHERE id IN ($1, $2) ORDER BY created_at`, [old.body.id, newer.body.id])).map((r) => r.state)).toEqual(['failed', 'failed']);
  });

  it('replace never cascades: a Rowflow table that a view depends on is refused, and nothing changes', async () => {
    const job = await postJson(`${orch.url}/api/jobs`, { table: 'pgbench_accounts', rows: 50, seed: 1, targetTable: 'viewed_t' });
    expect((await waitForState(orch.url, job.body.id, ['completed', 'failed'])).state).toBe('completed');
    await pool.query(`CREATE VIEW viewed_v AS SELECT aid FROM viewed_t`);
    const before = await snapshot();
    const res = await postJson(`${orch.url}/api/jobs`, { table: 'pgbench_accounts', rows: 10, targetTable: 'viewed_t', mode: 'replace' });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ field: 'targetTable' });
    expect(res.body.message).toMatch(/cannot be dropped: .*viewed_v/);
    expect(await snapshot()).toEqual(before);
    expect(await rows(`SELECT count(*)::int AS n FROM viewed_t`)).toEqual([{ n: 50 }]);
  });

  it('truncate with more rows than a unique column can produce is a 400 before the table is emptied', async () => {
    await pool.query(`CREATE TABLE public.cap_t (id integer)`);
    await pool.query(`INSERT INTO public.cap_t SELECT generate_series(1, 100)`);
    const before = await snapshot();
    const spec = { name: 'cap_t', columns: [{ name: 'id', type: 'int', unique: true, min: 1, max: 5 }] };
    const res = await postJson(`${orch.url}/api/jobs`, { schema: spec, rows: 10, mode: 'truncate' });
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body).toMatchObject({ field: 'rows' });
    expect(res.body.message).toMatch(/can produce uniquely \(5 values\)/);
    expect(await snapshot()).toEqual(before);
    expect(await rows(`SELECT count(*)::int AS n FROM public.cap_t`)).toEqual([{ n: 100 }]);
  });

  it('replace drops only the table it checked: one dropped and re-made by someone else while the job waited is refused, not dropped', async () => {
    const job = await postJson(`${orch.url}/api/jobs`, { table: 'pgbench_accounts', rows: 20, seed: 1, targetTable: 'swapped_t' });
    expect((await waitForState(orch.url, job.body.id, ['completed', 'failed'])).state).toBe('completed');
    const ours = (await rows<{ oid: number }>(`SELECT 'public.swapped_t'::regclass::oid::int AS oid`))[0]!.oid;
    // Another session holds a lock on Rowflow's table, so the replace queues behind it; that
    // session then swaps in a table of its own under the same name.
    const other = new pg.Client({ connectionString: db.url });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query('LOCK TABLE swapped_t IN ACCESS SHARE MODE');
      const replace = postJson(`${orch.url}/api/jobs`, { table: 'pgbench_accounts', rows: 10, targetTable: 'swapped_t', mode: 'replace' });
      for (;;) {
        const waiting = await rows(`SELECT 1 FROM pg_locks WHERE relation = $1 AND NOT granted`, [ours]);
        if (waiting.length) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      await other.query('DROP TABLE swapped_t');
      await other.query(`CREATE TABLE swapped_t (precious text)`);
      await other.query(`INSERT INTO swapped_t VALUES ('not Rowflow''s')`);
      await other.query('COMMIT');
      const res = await replace;
      expect(res.status, JSON.stringify(res.body)).toBe(409);
      expect(res.body).toMatchObject({ field: 'targetTable' });
      expect(res.body.message).toMatch(/was replaced while being checked/);
    } finally {
      await other.end();
    }
    expect(await rows(`SELECT precious FROM swapped_t`)).toEqual([{ precious: "not Rowflow's" }]);
  });

  it('create racing another session that creates the same name is a 409, not a 500, and keeps the other table', async () => {
    const other = new pg.Client({ connectionString: db.url });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query(`CREATE TABLE public.raced_t (mine text)`);
      const before = (await rows<{ n: number }>(`SELECT count(*)::int AS n FROM rowflow.jobs`))[0];
      const create = postJson(`${orch.url}/api/jobs`, { table: 'users', rows: 5, targetTable: 'raced_t' });
      // The job's CREATE TABLE waits for the other session's uncommitted one.
      for (;;) {
        const waiting = await rows(`SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'CREATE TABLE%raced_t%'`);
        if (waiting.length) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      await other.query('COMMIT');
      const res = await create;
      expect(res.status, JSON.stringify(res.body)).toBe(409);
      expect(res.body.message).toMatch(/^targetTable: "public"."raced_t" was created by another session/);
      expect((await rows<{ n: number }>(`SELECT count(*)::int AS n FROM rowflow.jobs`))[0]).toEqual(before);
    } finally {
      await other.end();
    }
    expect(await rows(`SELECT attname FROM pg_attribute WHERE attrelid = 'public.raced_t'::regclass AND attnum > 0`)).toEqual([{ attname: 'mine' }]);
  });

  it('replace and truncate are refused while another job still loads the table', async () => {
    const job = await postJson(`${orch.url}/api/jobs`, { table: 'pgbench_accounts', rows: 100, seed: 1, targetTable: 'busy_t', mode: 'replace' });
    expect((await waitForState(orch.url, job.body.id, ['completed', 'failed'])).state).toBe('completed');
    // Marks it unfinished again (its partitions stay completed, so no worker picks it up).
    await pool.query(`UPDATE rowflow.jobs SET state = 'running' WHERE id = $1`, [job.body.id]);
    try {
      const before = await snapshot();
      for (const mode of ['replace', 'truncate']) {
        const res = await postJson(`${orch.url}/api/jobs`, { table: 'pgbench_accounts', rows: 10, targetTable: 'busy_t', mode });
        expect(res.status).toBe(409);
        expect(res.body.message).toContain(`job ${job.body.id} is still loading`);
      }
      expect(await snapshot()).toEqual(before);
    } finally {
      await pool.query(`UPDATE rowflow.jobs SET state = 'completed' WHERE id = $1`, [job.body.id]);
    }
  });
});

describe('partitioned tables', () => {
  const COLS = `(aid integer NOT NULL, bid integer, abalance integer, filler char(84)) PARTITION BY RANGE (aid)`;

  it('load when every partition is a table in the target schema (truncate empties them all)', async () => {
    await pool.query(`CREATE TABLE parted ${COLS}`);
    await pool.query(`CREATE TABLE parted_lo PARTITION OF parted FOR VALUES FROM (1) TO (251)`);
    await pool.query(`CREATE TABLE parted_hi PARTITION OF parted FOR VALUES FROM (251) TO (100000)`);
    await pool.query(`INSERT INTO parted (aid) SELECT g FROM generate_series(1, 900) g`);
    const res = await postJson(`${orch.url}/api/jobs`, { table: 'pgbench_accounts', rows: 500, seed: 1, targetTable: 'parted', mode: 'truncate' });
    expect(res.status).toBe(202);
    expect((await waitForState(orch.url, res.body.id, ['completed', 'failed'])).state).toBe('completed');
    expect(await rows(`SELECT (SELECT count(*) FROM parted_lo)::int AS lo, (SELECT count(*) FROM parted_hi)::int AS hi`)).toEqual([{ lo: 250, hi: 250 }]);
  });

  it('are refused when a partition lives in another schema, and nothing changes', async () => {
    await pool.query(`CREATE SCHEMA elsewhere`);
    await pool.query(`CREATE TABLE parted_out ${COLS}`);
    await pool.query(`CREATE TABLE elsewhere.parted_out_1 PARTITION OF parted_out FOR VALUES FROM (1) TO (100000)`);
    await pool.query(`INSERT INTO parted_out (aid) VALUES (1), (2)`);
    for (const mode of ['append', 'truncate']) {
      const before = await snapshot();
      const res = await postJson(`${orch.url}/api/jobs`, { table: 'pgbench_accounts', rows: 10, targetTable: 'parted_out', mode });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ field: 'targetTable' });
      expect(res.body.message).toMatch(/partitions outside the target schema .*elsewhere\.parted_out_1/);
      expect(await snapshot()).toEqual(before);
    }
    expect(await rows(`SELECT count(*)::int AS n FROM elsewhere.parted_out_1`)).toEqual([{ n: 2 }]);
  });
});

describe('TARGET_SCHEMA', () => {
  it('puts tables in the configured schema, and never looks at public', async () => {
    await pool.query(`CREATE SCHEMA other`);
    const other = await bootOrchestrator(db.url, gen.url, { TARGET_SCHEMA: 'other', JOB_WORKERS: 'true' });
    try {
      // "customers" exists in public (and is FK-referenced there): irrelevant to schema other.
      const res = await postJson(`${other.url}/api/jobs`, { schema: CUSTOMERS_SPEC, rows: 77, seed: 5, unlogged: 'keep' });
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({ targetSchema: 'other', targetTable: 'customers' });
      expect((await waitForState(other.url, res.body.id, ['completed', 'failed'])).state).toBe('completed');
      expect((await rows(`SELECT count(*)::int AS n FROM other.customers`))[0]).toEqual({ n: 77 });
      expect((await rows(`SELECT count(*)::int AS n FROM public.customers`))[0]).toEqual({ n: 1000 });
      // Even ALTER TABLE … SET UNLOGGED went to other.customers, not the public table of that name.
      expect(await rows(`SELECT relnamespace::regnamespace::text AS ns, relpersistence FROM pg_class WHERE relname = 'customers' ORDER BY 1`)).toEqual([
        { ns: 'other', relpersistence: 'u' },
        { ns: 'public', relpersistence: 'p' },
      ]);
      expect((await rows(`SELECT target_schema FROM rowflow.jobs WHERE id = $1`, [res.body.id]))[0]).toEqual({ target_schema: 'other' });
      const missing = await postJson(`${other.url}/api/jobs`, { schema: CUSTOMERS_SPEC, rows: 1, targetTable: 'misfit', mode: 'append' });
      expect(missing.status).toBe(400);
      expect(missing.body.message).toMatch(/"other"."misfit" does not exist/);
    } finally {
      await other.app.close();
    }
  });

  it.each(['pg_catalog', 'information_schema', 'pg_toast', 'pg_temp_3', 'rowflow', 'PG_CATALOG', 'pgboss'])('TARGET_SCHEMA=%s is refused at boot', (schema) => {
    expect(() => loadOrchestratorConfig({ DATABASE_URL: 'postgres://x@localhost/db', TARGET_SCHEMA: schema })).toThrow(/TARGET_SCHEMA/);
  });
});
