import type { INestApplication } from '@nestjs/common';
import type { DatasetSpec } from '@rowflow/contracts';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { bootOrchestrator, freshDatabase, postJson, waitForState } from '../support/index.js';

/**
 * Verify of an `append` job whose target rejected some generated rows (CHECK constraints the
 * spec does not know): the table with a key is checked range by range, the one without a key by
 * count + order-independent checksum; both account for the job's dead letters.
 */
let db: { url: string; drop: () => Promise<void> };
let pool: pg.Pool;
let orch: { app: INestApplication; url: string };

const DDL = `
  CREATE TABLE items (id bigint PRIMARY KEY, qty integer CHECK (qty <> 3), note text);
  CREATE TABLE events (kind integer, qty integer CHECK (qty <> 3), note text)`;

const SPEC: DatasetSpec = {
  name: 'dl',
  tables: [
    {
      name: 'items',
      rows: 600,
      columns: [
        { name: 'id', type: 'serial', primaryKey: true },
        { name: 'qty', type: 'int', min: 1, max: 40 },
        // A comma, a quote and a newline inside values: dead rows are cut out of real CSV.
        { name: 'note', type: 'enum', values: ['a,b', 'say "hi"', 'two\nlines', 'plain'] },
      ],
    },
    {
      name: 'events',
      rows: 500,
      columns: [
        { name: 'kind', type: 'int', min: 1, max: 4 },
        { name: 'qty', type: 'int', min: 1, max: 40 },
        { name: 'note', type: 'enum', values: ['a,b', 'say "hi"', 'two\nlines', 'plain'] },
      ],
    },
  ],
};

const getJson = async (path: string): Promise<{ status: number; body: any }> => {
  const res = await fetch(`${orch.url}${path}`);
  return { status: res.status, body: await res.json() };
};

beforeAll(async () => {
  db = await freshDatabase(inject('databaseUrl'));
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
  await pool.query(DDL);
  orch = await bootOrchestrator(db.url, 'http://127.0.0.1:9', { JOB_ROW_SOURCE: 'local' });
});

afterAll(async () => {
  await orch?.app.close();
  await pool?.end();
  await db?.drop();
});

describe('verify after an append job with dead letters', () => {
  let jobId: string;
  let job: any;

  beforeAll(async () => {
    const res = await postJson(`${orch.url}/api/jobs`, { dataset: SPEC, seed: 7, mode: 'append', partitions: 2, skipLimit: 100_000 });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    jobId = res.body.id;
    job = await waitForState(orch.url, jobId, ['completed', 'failed']);
  });

  it('the job completed with rows dead-lettered in both tables', async () => {
    expect(job.state, job.error).toBe('completed');
    expect(job.rowsSkipped).toBeGreaterThan(5);
    const dead = (await getJson(`/api/jobs/${jobId}/dead-letters`)).body;
    expect(dead).toHaveLength(job.rowsSkipped);
  });

  it('verify is ok: each table says how it was checked, how many rows match and how many were dead-lettered', async () => {
    const v = await getJson(`/api/jobs/${jobId}/verify`);
    expect(v.status, JSON.stringify(v.body)).toBe(200);
    expect(v.body.ok).toBe(true);
    const counts = async (t: string) => Number((await pool.query(`SELECT count(*) AS n FROM ${t}`)).rows[0].n);
    const [items, events] = v.body.tables;
    expect(items).toMatchObject({ table: 'items', method: 'ranges', ok: true, rows: await counts('items'), rowsExpected: 600 });
    expect(events).toMatchObject({ table: 'events', method: 'checksum', ok: true, rows: await counts('events'), rowsExpected: 500 });
    for (const t of [items, events]) {
      expect(t.deadLettered).toBeGreaterThan(0);
      expect(t.rows + t.deadLettered).toBe(t.rowsExpected);
    }
    expect(items.deadLettered + events.deadLettered).toBe(job.rowsSkipped);
  });

  it('a keyless table: a row changed, removed or added by hand makes it differ; restored, it matches again', async () => {
    const { ctid, qty } = (await pool.query(`SELECT ctid::text, qty FROM events WHERE qty = 1 LIMIT 1`)).rows[0];
    const moved = (await pool.query(`UPDATE events SET qty = 2 WHERE ctid = $1::tid RETURNING ctid::text`, [ctid])).rows[0].ctid;
    const changed = (await getJson(`/api/jobs/${jobId}/verify`)).body;
    expect(changed.ok).toBe(false);
    expect(changed.tables.map((t: any) => [t.table, t.ok])).toEqual([['items', true], ['events', false]]);
    expect(changed.firstMismatch).toMatchObject({ table: 'events', reason: expect.stringContaining('checksum') });
    await pool.query(`UPDATE events SET qty = $1 WHERE ctid = $2::tid`, [qty, moved]);
    expect((await getJson(`/api/jobs/${jobId}/verify`)).body.ok).toBe(true);
    await pool.query(`INSERT INTO events (kind, qty, note) VALUES (9, 9, 'extra')`);
    // Append mode: rows that were there besides the generated ones do not make it differ …
    expect((await getJson(`/api/jobs/${jobId}/verify`)).body.ok).toBe(true);
    await pool.query(`DELETE FROM events WHERE ctid = (SELECT ctid FROM events WHERE kind <> 9 LIMIT 1)`);
    // … a generated row missing does.
    const removed = (await getJson(`/api/jobs/${jobId}/verify`)).body;
    expect(removed.tables[1]).toMatchObject({ ok: false, firstMismatch: { reason: expect.stringContaining('1 generated row(s) not found') } });
  });
});
