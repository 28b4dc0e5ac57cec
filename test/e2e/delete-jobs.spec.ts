import { beforeAll, describe, expect, it } from 'vitest';
import { postJson, useLocalOrchestrator, waitForState } from '../support/index.js';
import { findTable } from '@rowflow/schema';

const t = useLocalOrchestrator({ env: { JOB_ROW_SOURCE: 'local', MAX_ROWS: '5000000' } });

async function del(path: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${t.api.url}${path}`, { method: 'DELETE' });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function job(body: Record<string, unknown>, states = ['completed', 'failed', 'cancelled']): Promise<any> {
  const res = await postJson(`${t.api.url}/api/jobs`, { table: 'users', seed: 4, ...body });
  expect(res.status).toBe(202);
  return waitForState(t.api.url, res.body.id, states);
}

const tableExists = async (name: string) => (await t.pool.query(`SELECT to_regclass($1) IS NOT NULL AS ok`, [`public."${name}"`])).rows[0].ok as boolean;
const count = async (sql: string, params: unknown[] = []) => (await t.pool.query(sql, params)).rows[0].n as number;

describe('resume with a raised dead-letter limit', () => {
  let stopped: any;

  beforeAll(async () => {
    await job({ rows: 60, targetTable: 'limits' });
    // The same seed again: every appended row repeats a primary key and is dead-lettered.
    // keyOffset 0: append would otherwise continue after the keys already there (by design).
    stopped = await job({ table: undefined, schema: { ...findTable('users'), keyOffset: 0 }, rows: 60, targetTable: 'limits', mode: 'append', skipLimit: 10 });
  });

  it('a job past its limit fails; resume {maxDeadLetters} lets it finish, the rejected rows dead-lettered', async () => {
    expect(stopped.state).toBe('failed');
    expect(stopped.error).toContain('skipLimit 10 exceeded');
    const res = await postJson(`${t.api.url}/api/jobs/${stopped.id}/resume`, { maxDeadLetters: 1000 });
    expect(res.status).toBe(202);
    const done = await waitForState(t.api.url, stopped.id, ['completed', 'failed']);
    expect(done).toMatchObject({ state: 'completed', error: null, rowsSkipped: 60, rowsWritten: 0 });
    expect(await count(`SELECT count(*)::int AS n FROM rowflow.dead_letters WHERE job_id = $1`, [stopped.id])).toBe(60);
  });

  it.each([
    [{ maxDeadLetters: -1 }, 'maxDeadLetters'],
    [{ maxDeadLetters: 'lots' }, 'maxDeadLetters'],
    [{ maxDeadletters: 5 }, 'maxDeadletters'],
  ])('resume %j is a 400 naming %s, and changes nothing', async (body, field) => {
    const before = await count(`SELECT skip_limit AS n FROM rowflow.jobs WHERE id = $1`, [stopped.id]);
    const res = await postJson(`${t.api.url}/api/jobs/${stopped.id}/resume`, body);
    expect(res.status).toBe(400);
    expect(res.body.message).toContain(field);
    expect(await count(`SELECT skip_limit AS n FROM rowflow.jobs WHERE id = $1`, [stopped.id])).toBe(before);
  });
});

describe('DELETE /api/jobs/:id', () => {
  it('deletes the job and its dead letters, never its table by default', async () => {
    await job({ rows: 40, targetTable: 'keep_me' });
    // keyOffset 0: the same keys again, so every row is dead-lettered (append would otherwise continue after them).
    const j = await job({ table: undefined, schema: { ...findTable('users'), keyOffset: 0 }, rows: 40, targetTable: 'keep_me', mode: 'append', skipLimit: 1000 });
    expect(await count(`SELECT count(*)::int AS n FROM rowflow.dead_letters WHERE job_id = $1`, [j.id])).toBe(40);
    expect((await del(`/api/jobs/${j.id}`)).status).toBe(204);
    expect((await fetch(`${t.api.url}/api/jobs/${j.id}`)).status).toBe(404);
    expect(await count(`SELECT count(*)::int AS n FROM rowflow.dead_letters WHERE job_id = $1`, [j.id])).toBe(0);
    expect(await count(`SELECT count(*)::int AS n FROM rowflow.job_partitions WHERE job_id = $1`, [j.id])).toBe(0);
    expect(await tableExists('keep_me')).toBe(true);
    expect(await count(`SELECT count(*)::int AS n FROM keep_me`)).toBe(40);
  });

  it('?dropTables=true drops the tables the job created, in the same transaction as the delete', async () => {
    const j = await job({ rows: 300, targetTable: 'drop_me' });
    expect((await del(`/api/jobs/${j.id}?dropTables=true`)).status).toBe(204);
    expect(await tableExists('drop_me')).toBe(false);
    expect(await count(`SELECT count(*)::int AS n FROM rowflow.jobs WHERE id = $1`, [j.id])).toBe(0);
    expect(await count(`SELECT count(*)::int AS n FROM rowflow.created_tables WHERE table_name = 'drop_me'`)).toBe(0);
  });

  it('drops every table of a dataset job (foreign keys between them included)', async () => {
    const res = await postJson(`${t.api.url}/api/jobs`, { dataset: 'shop', seed: 2, targetPrefix: 'del_' });
    expect(res.status).toBe(202);
    const j = await waitForState(t.api.url, res.body.id, ['completed', 'failed']);
    expect(j.state).toBe('completed');
    const names = j.tables.map((t: { targetTable: string }) => t.targetTable);
    expect(names.length).toBeGreaterThan(1);
    expect((await del(`/api/jobs/${j.id}?dropTables=true`)).status).toBe(204);
    for (const n of names) expect(await tableExists(n)).toBe(false);
  });

  it('refuses (409) to drop a table Rowflow did not create; the job and table stay', async () => {
    await t.pool.query(`CREATE TABLE mine (id bigint, first_name text, last_name text, email text, username text, phone text, street_address text, city text, country text, company text, job_title text, birth_date date, is_active boolean, created_at timestamptz)`);
    const j = await job({ rows: 100, targetTable: 'mine', mode: 'append' });
    expect(j.state).toBe('completed');
    const res = await del(`/api/jobs/${j.id}?dropTables=true`);
    expect(res.status).toBe(409);
    expect(res.body.message).toContain('not created by Rowflow');
    expect(await tableExists('mine')).toBe(true);
    expect((await fetch(`${t.api.url}/api/jobs/${j.id}`)).status).toBe(200);
  });

  it('refuses (409) when another table references the job table; nothing is deleted', async () => {
    const j = await job({ rows: 100, targetTable: 'parent_t' });
    await t.pool.query(`CREATE TABLE child_t (parent bigint REFERENCES parent_t (id))`);
    const res = await del(`/api/jobs/${j.id}?dropTables=true`);
    expect(res.status).toBe(409);
    expect(res.body.message).toContain('nothing was deleted');
    expect(await tableExists('parent_t')).toBe(true);
    expect((await fetch(`${t.api.url}/api/jobs/${j.id}`)).status).toBe(200);
  });

  it('409 while the job is queued or running; 204 once cancelled', async () => {
    const res = await postJson(`${t.api.url}/api/jobs`, { table: 'users', rows: 3_000_000, targetTable: 'busy', chunkSize: 1000 });
    expect(res.status).toBe(202);
    const running = await del(`/api/jobs/${res.body.id}`);
    expect(running.status).toBe(409);
    expect(running.body.message).toMatch(/is (queued|running)/);
    await postJson(`${t.api.url}/api/jobs/${res.body.id}/cancel`, {});
    await waitForState(t.api.url, res.body.id, ['cancelled', 'completed']);
    expect((await del(`/api/jobs/${res.body.id}?dropTables=true`)).status).toBe(204);
    expect(await tableExists('busy')).toBe(false);
  });

  it.each([
    ['?dropTables=yes', 'dropTables'],
    ['?drop=true', 'drop'],
    ['?dropTables=true&dropTables=true', 'dropTables'],
  ])('%s is a 400 naming %s', async (query, field) => {
    const j = await job({ rows: 10, targetTable: `bad_q_${field.length}_${query.length}` });
    const res = await del(`/api/jobs/${j.id}${query}`);
    expect(res.status).toBe(400);
    expect(res.body.message).toContain(field);
    expect((await fetch(`${t.api.url}/api/jobs/${j.id}`)).status).toBe(200);
  });

  it('404 for an unknown or malformed id', async () => {
    expect((await del('/api/jobs/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await del('/api/jobs/nope')).status).toBe(404);
  });
});
