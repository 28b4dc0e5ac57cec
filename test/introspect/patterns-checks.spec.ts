import { describe, it } from 'vitest';
import { expectClean, patternDatabase } from './patterns.js';

/**
 * CHECK constraints in the forms real schemas write them, one table each. Each: introspect →
 * append into the real DDL → nothing rejected, no constraint violated.
 */
const db = patternDatabase();

const CHECKS: Array<[string, string]> = [
  ['x >= 0 OR x IS NULL (Rails)', `CREATE TABLE t (id bigint PRIMARY KEY, x integer, CONSTRAINT x_nonneg CHECK (x >= 0 OR x IS NULL));`],
  ['IN (…) stored as = ANY (ARRAY[…])', `CREATE TABLE t (id bigint PRIMARY KEY, state text NOT NULL CHECK (state IN ('draft', 'sent', 'paid')), prio integer CHECK (prio IN (1, 2, 3)));`],
  ['exactly one of (num_nonnulls(a, b, c) = 1)', `CREATE TABLE t (id bigint PRIMARY KEY, a integer, b text, c date, CHECK (num_nonnulls(a, b, c) = 1));`],
  [
    'XOR of two parents',
    `CREATE TABLE posts (id bigint PRIMARY KEY); CREATE TABLE pages (id bigint PRIMARY KEY);
     CREATE TABLE t (id bigint PRIMARY KEY, post_id bigint REFERENCES posts (id), page_id bigint REFERENCES pages (id),
                     CHECK ((post_id IS NULL) <> (page_id IS NULL)));`,
  ],
  ['a < b across columns', `CREATE TABLE t (id bigint PRIMARY KEY, starts_at timestamp NOT NULL, ends_at timestamp NOT NULL, lo integer, hi integer, CHECK (starts_at < ends_at), CHECK (lo <= hi));`],
  ['char_length(x) <= n', `CREATE TABLE t (id bigint PRIMARY KEY, title text NOT NULL CHECK (char_length(title) <= 20), note text CHECK (char_length(note) <= 255));`],
  ['anchored regex', `CREATE TABLE t (id bigint PRIMARY KEY, code text NOT NULL CHECK (code ~ '^[A-Z]{2}-[0-9]{4}$'), sku text CHECK (sku ~ '^(AB|CD)[0-9]{3}$'));`],
  ['x > 0 and a range between', `CREATE TABLE t (id bigint PRIMARY KEY, qty integer NOT NULL CHECK (qty > 0), pct numeric(5,2) CHECK (pct BETWEEN 0 AND 100));`],
];

describe('patterns: CHECK forms', () => {
  it.each(CHECKS.map(([what, ddl], i) => [what, ddl, i] as const))('%s', async (_what, ddl, i) => {
    expectClean(await db.roundTrip(`p_check_${i}`, ddl, { rows: 300 }));
  });
});
