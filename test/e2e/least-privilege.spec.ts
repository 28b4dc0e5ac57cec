import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { bootGenerator, freshDatabase, postJson, type Proc, spawnApp, stop, waitForState } from '../support/index.js';

/**
 * The orchestrator as a real process connected with exactly the grants docs/security.md tells a DBA to
 * give (no superuser): jobs work, what was not granted is refused as a field error, and the
 * start-up warning appears only for a superuser connection.
 */

let db: { url: string; drop: () => Promise<void> };
let admin: pg.Pool;
let gen: { app: INestApplication; url: string };
let role: string;
let appUrl: string;
const started: Proc[] = [];

beforeAll(async () => {
  db = await freshDatabase(inject('databaseUrl'));
  admin = new pg.Pool({ connectionString: db.url, max: 2 });
  role = `rf_${randomBytes(4).toString('hex')}`;
  const dbName = new URL(db.url).pathname.slice(1);
  // The grants of docs/security.md, verbatim in substance.
  await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD 'app-secret'`);
  await admin.query(`GRANT CONNECT, CREATE ON DATABASE "${dbName}" TO ${role}`);
  await admin.query(`GRANT USAGE, CREATE ON SCHEMA public TO ${role}`);
  // A table someone else owns: the role may append, but was not granted TRUNCATE.
  await admin.query(`CREATE TABLE shared_accounts (aid integer, bid integer, abalance integer, filler char(84))`);
  await admin.query(`INSERT INTO shared_accounts (aid) SELECT g FROM generate_series(1, 10) g`);
  await admin.query(`GRANT SELECT, INSERT ON shared_accounts TO ${role}`);
  const u = new URL(db.url);
  u.username = role;
  u.password = 'app-secret';
  appUrl = u.toString();
  gen = await bootGenerator();
});

afterAll(async () => {
  for (const p of started) await stop(p);
  await gen?.app.close();
  await admin?.end();
  await db?.drop();
  const c = new pg.Client(inject('databaseUrl'));
  await c.connect();
  await c.query(`DROP ROLE IF EXISTS ${role}`).finally(() => c.end());
});

async function orchestrator(databaseUrl: string): Promise<Proc> {
  const p = await spawnApp('orchestrator', { DATABASE_URL: databaseUrl, GENERATOR_URL: gen.url, LOG_LEVEL: 'warn' });
  started.push(p);
  // The jobs API answers once start-up (migrations, the role check) has run.
  for (const deadline = Date.now() + 30_000; (await fetch(`${p.url}/api/jobs`)).status !== 200; ) {
    if (Date.now() > deadline) throw new Error(`jobs API not ready:\n${p.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return p;
}

describe('least privilege', () => {
  it('runs jobs with only the documented grants, refuses what was not granted, and does not warn', async () => {
    const orch = await orchestrator(appUrl);
    const made = await postJson(`${orch.url}/api/jobs`, { table: 'users', rows: 300, seed: 2, partitions: 2 });
    expect(made.status).toBe(202);
    expect((await waitForState(orch.url, made.body.id, ['completed', 'failed'])).state).toBe('completed');
    expect((await admin.query(`SELECT count(*)::int AS n, pg_get_userbyid(relowner) AS owner FROM public.users, pg_class WHERE oid = 'public.users'::regclass GROUP BY 2`)).rows).toEqual([{ n: 300, owner: role }]);

    const appended = await postJson(`${orch.url}/api/jobs`, { table: 'pgbench_accounts', rows: 100, seed: 1, targetTable: 'shared_accounts', mode: 'append' });
    expect(appended.status).toBe(202);
    expect((await waitForState(orch.url, appended.body.id, ['completed', 'failed'])).state).toBe('completed');

    const jobsBefore = (await admin.query(`SELECT count(*)::int AS n FROM rowflow.jobs`)).rows[0].n;
    const truncated = await postJson(`${orch.url}/api/jobs`, { table: 'pgbench_accounts', rows: 100, targetTable: 'shared_accounts', mode: 'truncate' });
    expect(truncated.status).toBe(400);
    expect(truncated.body).toMatchObject({ field: 'targetTable' });
    expect(truncated.body.message).toMatch(/permission denied/);
    expect((await admin.query(`SELECT count(*)::int AS n FROM shared_accounts`)).rows[0].n).toBe(110);
    expect((await admin.query(`SELECT count(*)::int AS n FROM rowflow.jobs`)).rows[0].n).toBe(jobsBefore);

    expect(orch.output()).not.toContain('superuser_connection');
  });

  it('warns at start-up when connected as a superuser', async () => {
    const orch = await orchestrator(db.url);
    const deadline = Date.now() + 30_000;
    while (!orch.output().includes('superuser_connection') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(orch.output()).toMatch(/"event":"superuser_connection".*connected to PostgreSQL as superuser/);
  });
});
