import { pipeline } from 'node:stream/promises';
import type { DatasetSpec, TableSpec } from '@rowflow/contracts';
import { createDatasetRowStream, createRowStream } from '@rowflow/generator';
import { from as copyFrom } from 'pg-copy-streams';
import { describe, expect, it } from 'vitest';
import { useDatabase } from '../support/index.js';

const db = useDatabase(2);

async function copy(table: string, columns: string[], source: NodeJS.ReadableStream): Promise<void> {
  const client = await db.pool.connect();
  try {
    await pipeline(source, client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN (FORMAT csv)`)));
  } finally {
    client.release();
  }
}

const people: TableSpec = {
  name: 'people',
  columns: [
    { name: 'id', type: 'serial', primaryKey: true },
    { name: 'email', type: 'email', unique: true },
    { name: 'login', type: 'username', unique: true },
    { name: 'ref', type: 'uuid', unique: true },
    { name: 'code', type: 'int', unique: true, min: 1, max: 50_000 },
    { name: 'first_name', type: 'firstName' },
  ],
};
const names = people.columns.map((c) => c.name);

describe('append more rows: keyOffset continues keys without conflicts', () => {
  it('a second load with keyOffset = rows already loaded never collides on any unique key', async () => {
    await db.pool.query('CREATE TABLE people (id bigint PRIMARY KEY, email text UNIQUE NOT NULL, login text UNIQUE NOT NULL, ref uuid UNIQUE NOT NULL, code integer UNIQUE NOT NULL, first_name text NOT NULL)');
    await copy('people', names, createRowStream({ spec: people, seed: 3, rows: 5000, format: 'csv', header: false }));
    const existing = Number((await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM people')).rows[0]?.n);
    await copy('people', names, createRowStream({ spec: { ...people, keyOffset: existing }, seed: 3, rows: 5000, format: 'csv', header: false }));
    const r = await db.pool.query<{ n: string; min: string; max: string }>('SELECT count(*) AS n, min(id) AS min, max(id) AS max FROM people');
    expect(r.rows[0]).toEqual({ n: '10000', min: '1', max: '10000' });
  });

  it('after max(id) of a table not made by Rowflow: sequences continue from there', async () => {
    await db.pool.query('CREATE TABLE legacy (id bigint PRIMARY KEY, note text)');
    await db.pool.query("INSERT INTO legacy SELECT g * 7, 'old' FROM generate_series(1, 30) g");
    const max = Number((await db.pool.query<{ m: string }>('SELECT max(id) AS m FROM legacy')).rows[0]?.m);
    const spec: TableSpec = { name: 'legacy', keyOffset: max, columns: [{ name: 'id', type: 'serial', primaryKey: true }, { name: 'note', type: 'text', mode: 'word' }] };
    await copy('legacy', ['id', 'note'], createRowStream({ spec, seed: 1, rows: 100, format: 'csv', header: false }));
    const r = await db.pool.query<{ first: string }>("SELECT min(id) AS first FROM legacy WHERE note <> 'old'");
    expect(r.rows[0]?.first).toBe(String(max + 1));
  });

  it('in a dataset, children of an appended parent reference the new parent rows (FK and composite keys hold)', async () => {
    await db.pool.query('CREATE TABLE teams (id uuid PRIMARY KEY, code bigint UNIQUE NOT NULL)');
    await db.pool.query('CREATE TABLE members (id bigint PRIMARY KEY, team_id uuid NOT NULL REFERENCES teams (id), team_code bigint NOT NULL REFERENCES teams (code), slot int NOT NULL, UNIQUE (team_id, slot))');
    const dataset = (offset: number, memberOffset: number): DatasetSpec => ({
      name: 'club',
      tables: [
        { name: 'teams', rows: 300, keyOffset: offset, columns: [{ name: 'id', type: 'uuid', primaryKey: true }, { name: 'code', type: 'bigint', unique: true, min: 1, max: 1e9 }] },
        {
          name: 'members',
          rows: 2000,
          keyOffset: memberOffset,
          compositeKey: { columns: ['team_id', 'slot'] },
          columns: [
            { name: 'id', type: 'serial', primaryKey: true },
            { name: 'team_id', type: 'foreignKey', references: { table: 'teams' } },
            { name: 'team_code', type: 'foreignKey', references: { table: 'teams', column: 'code' } },
            { name: 'slot', type: 'int', min: 1, max: 30 },
          ],
        },
      ],
    });
    for (const [teams, members] of [[0, 0], [300, 2000]] as const) {
      const spec = dataset(teams, members);
      await copy('teams', ['id', 'code'], createDatasetRowStream({ dataset: spec, table: 'teams', seed: 8, format: 'csv', header: false }));
      await copy('members', ['id', 'team_id', 'team_code', 'slot'], createDatasetRowStream({ dataset: spec, table: 'members', seed: 8, format: 'csv', header: false }));
    }
    const r = await db.pool.query<{ teams: string; members: string }>('SELECT (SELECT count(*) FROM teams) AS teams, (SELECT count(*) FROM members) AS members');
    expect(r.rows[0]).toEqual({ teams: '600', members: '4000' });
  });
});
