import { beforeAll, describe, expect, it } from 'vitest';
import { expectClean, patternDatabase } from './patterns.js';

/**
 * Column types and column kinds real schemas use: money-style numeric(p,15), arrays, bytea,
 * time, interval, macaddr/inet/cidr, domains and enums, generated columns (stored, and VIRTUAL
 * on PostgreSQL 18). Each: introspect → append into the real
 * DDL → nothing rejected, no constraint violated.
 */
const db = patternDatabase();
let serverVersion: number;

beforeAll(async () => {
  serverVersion = Number((await db.pool.query('SHOW server_version_num')).rows[0].server_version_num);
});

describe('patterns: types', () => {
  it('numeric(p,15) and numeric(p,s) at any scale (narrowed with a warning, never refused)', async () => {
    const run = await db.roundTrip(
      'p_numeric',
      `CREATE TABLE ledger (id bigint PRIMARY KEY, amount numeric(30,15) NOT NULL, rate numeric(20,15), fee numeric(6,5), total numeric(12,2));`,
    );
    expectClean(run);
  });

  it('arrays, bytea, time, timetz, interval, macaddr, inet, cidr in append', async () => {
    const run = await db.roundTrip(
      'p_types',
      `CREATE TABLE devices (id bigint PRIMARY KEY, tags text[] NOT NULL DEFAULT '{}', codes integer[], names varchar[],
                             blob bytea, opens time NOT NULL, opens_tz timetz, uptime interval, mac macaddr, mac8 macaddr8,
                             ip inet, net cidr, ips inet[]);`,
    );
    expectClean(run);
  });

  it('domains and enums', async () => {
    const run = await db.roundTrip(
      'p_domains',
      `CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
       CREATE DOMAIN positive_int AS integer CHECK (VALUE > 0);
       CREATE DOMAIN us_zip AS text CHECK (VALUE ~ '^[0-9]{5}$');
       CREATE TABLE people (id bigint PRIMARY KEY, mood mood NOT NULL, age positive_int, zip us_zip);`,
    );
    expectClean(run);
  });

  it('generated columns (stored, and VIRTUAL on PostgreSQL 18) are left out and computed by the database', async () => {
    const virtual = serverVersion >= 180000 ? ', area_v bigint GENERATED ALWAYS AS (w::bigint * h) VIRTUAL' : '';
    const run = await db.roundTrip('p_generated', `CREATE TABLE boxes (id bigint PRIMARY KEY, w integer NOT NULL, h integer NOT NULL, area bigint GENERATED ALWAYS AS (w::bigint * h) STORED${virtual});`);
    expectClean(run);
    const names = run.dataset.tables[0]!.columns.map((c) => c.name);
    expect(names).not.toContain('area');
    expect(names).not.toContain('area_v');
  });

});
