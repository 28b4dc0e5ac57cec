import { describe, it } from 'vitest';
import { expectClean, patternDatabase } from './patterns.js';

/**
 * CHECK constraints in the forms real schemas write them, one table each. Each: introspect →
 * append into the real DDL → nothing rejected, no constraint violated.
 */
const db = patternDatabase();

const CHECKS: Array<[string, string]> = [
  ['x >= 0 OR x IS NULL (Rails)', `CREATE TABLE t (id bigint PRIMARY KEY, x integer, CONSTRAINT x_nonneg CHECK (x >= 0 OR x IS NULL));`],
  ['x > 0 and a range between', `CREATE TABLE t (id bigint PRIMARY KEY, qty integer NOT NULL CHECK (qty > 0), pct numeric(5,2) CHECK (pct BETWEEN 0 AND 100));`],
];

describe('patterns: CHECK forms', () => {
  it.each(CHECKS.map(([what, ddl], i) => [what, ddl, i] as const))('%s', async (_what, ddl, i) => {
    expectClean(await db.roundTrip(`p_check_${i}`, ddl, { rows: 300 }));
  });
});
