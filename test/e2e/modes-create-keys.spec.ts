import { describe, expect, it } from 'vitest';
import { postJson, useLocalOrchestrator, waitForState } from '../support/index.js';

/**
 * `create` builds what the spec declares — composite PRIMARY KEYs and composite unique keys, in
 * the after-load constraint phase — and makes every column that never generates NULL NOT NULL.
 */
const t = useLocalOrchestrator();

const TEAMS = {
  name: 'teams',
  tables: [
    { name: 'people', rows: 30, columns: [{ name: 'id', type: 'serial', primaryKey: true }, { name: 'nick', type: 'username', unique: true }, { name: 'note', type: 'text', nullRatio: 0.5 }] },
    { name: 'groups', rows: 5, columns: [{ name: 'id', type: 'uuid', primaryKey: true }, { name: 'title', type: 'text' }] },
    {
      name: 'memberships',
      rows: 100,
      compositeKey: { columns: ['person_id', 'group_id'], primaryKey: true },
      columns: [
        { name: 'person_id', type: 'foreignKey', references: { table: 'people' } },
        { name: 'group_id', type: 'foreignKey', references: { table: 'groups' } },
        { name: 'since', type: 'date' },
      ],
    },
    {
      name: 'seats',
      rows: 40,
      compositeKey: { columns: ['row_no', 'seat_no'] },
      columns: [
        { name: 'id', type: 'serial', primaryKey: true },
        { name: 'row_no', type: 'int', min: 1, max: 10 },
        { name: 'seat_no', type: 'int', min: 1, max: 10 },
      ],
    },
  ],
};

async function constraints(table: string): Promise<Array<{ type: string; columns: string[] }>> {
  const res = await t.pool.query(
    `SELECT k.contype AS type, array_agg(a.attname::text ORDER BY array_position(k.conkey, a.attnum)) AS columns
     FROM pg_constraint k JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = ANY (k.conkey)
     WHERE k.conrelid = $1::regclass AND k.contype IN ('p', 'u', 'f') GROUP BY k.oid, k.contype ORDER BY k.contype, 2`,
    [table],
  );
  return res.rows;
}

describe('create builds composite keys and NOT NULL', () => {
  it('builds the composite primary key, composite unique key and foreign keys after the load', async () => {
    const res = await postJson(`${t.api.url}/api/jobs`, { dataset: TEAMS, seed: 4 });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const job = await waitForState(t.api.url, res.body.id, ['completed', 'failed']);
    expect(job.state, job.error).toBe('completed');
    expect(await constraints('memberships')).toEqual([
      { type: 'f', columns: ['group_id'] },
      { type: 'f', columns: ['person_id'] },
      { type: 'p', columns: ['person_id', 'group_id'] },
    ]);
    expect(await constraints('seats')).toEqual([
      { type: 'p', columns: ['id'] },
      { type: 'u', columns: ['row_no', 'seat_no'] },
    ]);
  });

  it('makes columns without nullRatio NOT NULL, and leaves nullable ones nullable', async () => {
    const res = await t.pool.query(`SELECT attrelid::regclass::text AS t, attname, attnotnull FROM pg_attribute WHERE attrelid IN ('people'::regclass, 'memberships'::regclass) AND attnum > 0 ORDER BY attrelid, attnum`);
    expect(res.rows.map((r) => `${r.t}.${r.attname}:${r.attnotnull}`)).toEqual([
      'people.id:true',
      'people.nick:true',
      'people.note:false',
      'memberships.person_id:true',
      'memberships.group_id:true',
      'memberships.since:true',
    ]);
  });
});
