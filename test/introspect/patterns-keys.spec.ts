import { describe, expect, it } from 'vitest';
import { expectClean, patternDatabase } from './patterns.js';

/**
 * Keys as real schemas declare them: uniqueness through unique indexes (partial, expression,
 * multi-column), composite keys with text members, foreign keys to a key that is itself a
 * foreign key or unique only through an index, uuid and smallint keys, cycles, short keys.
 * Each: introspect → append into the real DDL → nothing rejected, no constraint violated.
 */
const db = patternDatabase();

describe('patterns: keys', () => {
  it('unique indexes: partial (WHERE deleted_at IS NULL), expression (lower(email)), multi-column', async () => {
    const run = await db.roundTrip(
      'p_uidx',
      `CREATE TABLE accounts (id bigint PRIMARY KEY, name text NOT NULL);
       CREATE TABLE users (id bigint PRIMARY KEY, account_id bigint NOT NULL REFERENCES accounts (id), email varchar NOT NULL,
                           username varchar NOT NULL, slug varchar, deleted_at timestamp);
       CREATE UNIQUE INDEX index_users_on_lower_email ON users (lower(email));
       CREATE UNIQUE INDEX index_users_on_account_username ON users (account_id, username);
       CREATE UNIQUE INDEX index_users_on_slug_live ON users (slug) WHERE deleted_at IS NULL;`,
    );
    expectClean(run);
    // The partial and expression indexes are said, quoting their predicate / expression.
    expect(run.warnings.join('\n')).toMatch(/lower\(/);
    expect(run.warnings.join('\n')).toMatch(/deleted_at IS NULL/);
  });

  it('uuid and smallint foreign keys load in append (typed from the parent key)', async () => {
    const run = await db.roundTrip(
      'p_fktypes',
      `CREATE TABLE orgs (id uuid PRIMARY KEY, name text);
       CREATE TABLE kinds (id smallint PRIMARY KEY, label text NOT NULL);
       CREATE TABLE projects (id uuid PRIMARY KEY, org_id uuid NOT NULL REFERENCES orgs (id), kind_id smallint REFERENCES kinds (id));`,
      { rows: 200 },
    );
    expectClean(run);
  });

  it('a foreign key to a primary key that is itself a foreign key (one-to-one, shared key)', async () => {
    const run = await db.roundTrip(
      'p_sharedkey',
      `CREATE TABLE people (id bigint PRIMARY KEY, name text NOT NULL);
       CREATE TABLE employees (person_id bigint PRIMARY KEY REFERENCES people (id), salary integer);
       CREATE TABLE payslips (id bigint PRIMARY KEY, employee_id bigint NOT NULL REFERENCES employees (person_id), amount integer);`,
    );
    expectClean(run);
  });

  it('a foreign key to a column unique only through a unique index', async () => {
    const run = await db.roundTrip(
      'p_fk_uidx',
      `CREATE TABLE currencies (id bigint PRIMARY KEY, iso varchar(3) NOT NULL);
       CREATE UNIQUE INDEX currencies_iso ON currencies (iso);
       CREATE TABLE prices (id bigint PRIMARY KEY, currency_iso varchar(3) NOT NULL, amount numeric(10,2));
       ALTER TABLE prices ADD CONSTRAINT prices_currency_fk FOREIGN KEY (currency_iso) REFERENCES currencies (iso);`,
      { rows: 100 },
    );
    expectClean(run);
  });

  it('a char(2) unique key: rows are capped at what the key can hold, not refused', async () => {
    const run = await db.roundTrip(
      'p_char2',
      `CREATE TABLE countries (code char(2) PRIMARY KEY, name text NOT NULL);
       CREATE TABLE cities (id bigint PRIMARY KEY, country_code char(2) NOT NULL REFERENCES countries (code));`,
      { rows: 5000 },
    );
    expectClean(run);
  });
});
