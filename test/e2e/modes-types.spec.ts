import { describe, expect, it } from 'vitest';
import { postJson, useLocalOrchestrator, waitForState } from '../support/index.js';

/**
 * One type resolution for every mode: a dataset foreign key takes its parent key's values (and
 * so its type), in the fit check of append/truncate just as in create's DDL. The orchestrator
 * runs in-process with local row generation against a fresh database.
 */
const t = useLocalOrchestrator();

const KEYED = {
  name: 'keyed',
  tables: [
    { name: 'accounts', rows: 50, columns: [{ name: 'id', type: 'uuid', primaryKey: true }, { name: 'label', type: 'text' }] },
    { name: 'regions', rows: 20, columns: [{ name: 'id', type: 'int', mode: 'sequence', min: 1, primaryKey: true }, { name: 'code', type: 'char', length: 2 }] },
    {
      name: 'visits',
      rows: 300,
      columns: [
        { name: 'id', type: 'serial', primaryKey: true },
        { name: 'account_id', type: 'foreignKey', references: { table: 'accounts' } },
        { name: 'region_id', type: 'foreignKey', references: { table: 'regions' } },
      ],
    },
  ],
};

async function ddl(prefix: string): Promise<void> {
  await t.pool.query(`
    CREATE TABLE ${prefix}accounts (id uuid PRIMARY KEY, label text);
    CREATE TABLE ${prefix}regions (id smallint PRIMARY KEY, code char(2));
    CREATE TABLE ${prefix}visits (id bigint PRIMARY KEY, account_id uuid NOT NULL REFERENCES ${prefix}accounts, region_id smallint NOT NULL REFERENCES ${prefix}regions)`);
}

async function orphans(prefix: string): Promise<number> {
  const res = await t.pool.query(`SELECT count(*)::int AS n FROM ${prefix}visits v LEFT JOIN ${prefix}accounts a ON a.id = v.account_id LEFT JOIN ${prefix}regions r ON r.id = v.region_id WHERE a.id IS NULL OR r.id IS NULL`);
  return res.rows[0].n;
}

describe('foreign keys resolve from their parent key in every mode', () => {
  it.each(['append', 'truncate'])('%s loads uuid and smallint foreign keys into the real DDL', async (mode) => {
    const prefix = `${mode}_`;
    await ddl(prefix);
    const res = await postJson(`${t.api.url}/api/jobs`, { dataset: KEYED, mode, seed: 7, targetPrefix: prefix });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const job = await waitForState(t.api.url, res.body.id, ['completed', 'failed']);
    expect(job.state, job.error).toBe('completed');
    expect(job.rowsSkipped).toBe(0);
    expect((await t.pool.query(`SELECT count(*)::int AS n FROM ${prefix}visits`)).rows[0].n).toBe(300);
    expect(await orphans(prefix)).toBe(0);
  });

  it('create types the same foreign keys from the parent key (uuid, integer)', async () => {
    const res = await postJson(`${t.api.url}/api/jobs`, { dataset: KEYED, mode: 'create', seed: 7, targetPrefix: 'created_' });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect((await waitForState(t.api.url, res.body.id, ['completed', 'failed'])).state).toBe('completed');
    const types = await t.pool.query(`SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'created_visits' ORDER BY ordinal_position`);
    expect(types.rows.map((r) => r.data_type)).toEqual(['bigint', 'uuid', 'integer']);
  });

  it('append accepts the types introspection emits: arrays, bytea, time, interval, macaddr, cidr, ranges', async () => {
    await t.pool.query(`CREATE TABLE shapes (id bigint PRIMARY KEY, tags text[], nums integer[], blob bytea, at time, lasts interval, mac macaddr, net cidr, span int4range)`);
    const spec = {
      name: 'shapes',
      columns: [
        { name: 'id', type: 'serial', primaryKey: true },
        { name: 'tags', type: 'array', element: { type: 'text', mode: 'word' } },
        { name: 'nums', type: 'array', element: { type: 'int', min: 0, max: 9 } },
        { name: 'blob', type: 'bytes' },
        { name: 'at', type: 'time' },
        { name: 'lasts', type: 'interval' },
        { name: 'mac', type: 'macaddr' },
        { name: 'net', type: 'cidr' },
        { name: 'span', type: 'range', subtype: 'int4range', min: 0, max: 100 },
      ],
    };
    const res = await postJson(`${t.api.url}/api/jobs`, { schema: spec, rows: 200, mode: 'append', seed: 3, skipLimit: 0 });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const job = await waitForState(t.api.url, res.body.id, ['completed', 'failed']);
    expect(job.state, job.error).toBe('completed');
    expect((await t.pool.query('SELECT count(*)::int AS n FROM shapes WHERE cardinality(nums) >= 0')).rows[0].n).toBe(200);
  });

  it('reports every mismatch of every table at once, and changes nothing', async () => {
    await t.pool.query(`
      CREATE TABLE bad_accounts (id integer PRIMARY KEY, label text, extra text NOT NULL);
      CREATE TABLE bad_regions (id smallint PRIMARY KEY, code char(2));
      CREATE TABLE bad_visits (id bigint PRIMARY KEY, account_id integer, region_id boolean);
      INSERT INTO bad_regions VALUES (1, 'aa')`);
    const res = await postJson(`${t.api.url}/api/jobs`, { dataset: KEYED, mode: 'truncate', seed: 7, targetPrefix: 'bad_' });
    expect(res.status).toBe(400);
    const msg: string = res.body.message;
    expect(msg).toMatch(/^dataset\.tables\[0\]/);
    expect(msg).toMatch(/2 of 3 tables/);
    for (const part of ['"bad_accounts"', 'targetTable.columns.id', 'targetTable.columns.extra', '"bad_visits"', 'targetTable.columns.account_id', 'targetTable.columns.region_id']) expect(msg).toContain(part);
    expect(msg).not.toContain('"bad_regions"');
    // The truncate of the table that fits was rolled back with the refusal.
    expect((await t.pool.query('SELECT count(*)::int AS n FROM bad_regions')).rows[0].n).toBe(1);
  });
});
