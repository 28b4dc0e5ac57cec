import { beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../cli/cli-harness.js';
import { postJson, useLocalOrchestrator, waitForState } from '../support/index.js';

/**
 * Dead letters name their table and the constraint that rejected them — over the API and the
 * CLI — and a job that fails on its skip limit still lists the rows of the chunk that failed.
 * Needs `npm run build:server` (the CLI runs as a subprocess).
 */
const t = useLocalOrchestrator();

beforeAll(async () => {
  // qty 1..5 is generated; the CHECK rejects every row with qty 3 (about a fifth of them).
  await t.pool.query(`
    CREATE TABLE parents (id bigint PRIMARY KEY);
    CREATE TABLE kids (id bigint PRIMARY KEY, parent_id bigint NOT NULL REFERENCES parents, qty integer CONSTRAINT kids_qty_not_three CHECK (qty <> 3));
    CREATE TABLE strict_kids (id bigint PRIMARY KEY, qty integer CONSTRAINT strict_qty_not_three CHECK (qty <> 3));
    CREATE TABLE guarded (id bigint PRIMARY KEY, qty integer);
    CREATE FUNCTION guarded_no_four() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.qty = 4 THEN RAISE EXCEPTION 'qty 4 is not allowed here'; END IF; RETURN NEW; END $$;
    CREATE TRIGGER guarded_no_four BEFORE INSERT ON guarded FOR EACH ROW EXECUTE FUNCTION guarded_no_four()`);
});

const FAMILY = {
  name: 'family',
  tables: [
    { name: 'parents', rows: 10, columns: [{ name: 'id', type: 'serial', primaryKey: true }] },
    {
      name: 'kids',
      rows: 200,
      columns: [
        { name: 'id', type: 'serial', primaryKey: true },
        { name: 'parent_id', type: 'foreignKey', references: { table: 'parents' } },
        { name: 'qty', type: 'int', min: 1, max: 5 },
      ],
    },
  ],
};

describe('dead letters carry table and constraint', () => {
  it('lists each rejected row with its table and constraint in the API and the CLI', async () => {
    const res = await postJson(`${t.api.url}/api/jobs`, { dataset: FAMILY, mode: 'append', seed: 3, skipLimit: 1000 });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const job = await waitForState(t.api.url, res.body.id, ['completed', 'failed']);
    expect(job.state, job.error).toBe('completed');
    const letters = await (await fetch(`${t.api.url}/api/jobs/${job.id}/dead-letters`)).json();
    const rejected = (await t.pool.query(`SELECT 200 - count(*)::int AS n FROM kids`)).rows[0].n;
    expect(rejected).toBeGreaterThan(0);
    expect(letters).toHaveLength(rejected);
    for (const d of letters) {
      expect(d).toMatchObject({ table: 'kids', schema: 'public', sqlstate: '23514', constraint: 'kids_qty_not_three' });
      expect(d.row.split(',')[2]).toBe('3');
      expect(typeof d.message).toBe('string');
    }
    const out = await cli(['jobs', 'dead-letters', job.id, '--database-url', t.db.url]);
    expect(out.code, out.stderr).toBe(0);
    const lines = out.stdout.trim().split('\n');
    expect(lines).toHaveLength(rejected);
    expect(lines[0]).toMatch(/^public\.kids row \d+: 23514 kids_qty_not_three — /);
    const json = await cli(['jobs', 'dead-letters', job.id, '--database-url', t.db.url, '--json']);
    expect(JSON.parse(json.stdout)).toEqual(letters);
  });

  it('keeps the rejected rows of the chunk that exceeded the skip limit', async () => {
    const spec = { name: 'strict_kids', columns: [{ name: 'id', type: 'serial', primaryKey: true }, { name: 'qty', type: 'int', min: 1, max: 5 }] };
    const res = await postJson(`${t.api.url}/api/jobs`, { schema: spec, rows: 100, mode: 'append', seed: 3, skipLimit: 2, chunkSize: 100 });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const job = await waitForState(t.api.url, res.body.id, ['completed', 'failed']);
    expect(job.state).toBe('failed');
    expect(job.error).toMatch(/skipLimit 2 exceeded/);
    expect((await t.pool.query('SELECT count(*)::int AS n FROM strict_kids')).rows[0].n).toBe(0);
    const letters = await (await fetch(`${t.api.url}/api/jobs/${job.id}/dead-letters`)).json();
    expect(letters.length).toBeGreaterThan(2);
    for (const d of letters) expect(d).toMatchObject({ table: 'strict_kids', sqlstate: '23514', constraint: 'strict_qty_not_three' });
  });

  it('sets aside the rows the table\'s own trigger refuses with RAISE EXCEPTION, and loads the rest', async () => {
    const spec = { name: 'guarded', columns: [{ name: 'id', type: 'serial', primaryKey: true }, { name: 'qty', type: 'int', min: 1, max: 5 }] };
    const res = await postJson(`${t.api.url}/api/jobs`, { schema: spec, rows: 120, mode: 'append', seed: 5, skipLimit: 1000, chunkSize: 40 });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const job = await waitForState(t.api.url, res.body.id, ['completed', 'failed']);
    expect(job.state, job.error).toBe('completed');
    const { rows } = await t.pool.query('SELECT count(*)::int AS n, count(*) FILTER (WHERE qty = 4)::int AS fours FROM guarded');
    expect(rows[0].fours).toBe(0);
    const letters = await (await fetch(`${t.api.url}/api/jobs/${job.id}/dead-letters`)).json();
    expect(letters.length).toBeGreaterThan(0);
    expect(rows[0].n + letters.length).toBe(120);
    for (const d of letters) {
      expect(d).toMatchObject({ table: 'guarded', sqlstate: 'P0001' });
      expect(d.row.split(',')[1]).toBe('4');
      expect(d.message).toMatch(/qty 4 is not allowed here/);
    }
  });
});
