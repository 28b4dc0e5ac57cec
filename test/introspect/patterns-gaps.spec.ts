import { describe, expect, it } from 'vitest';
import { createSchema, expectClean, patternDatabase } from './patterns.js';

/**
 * Patterns that once needed the spec edited by hand before an append could load them: an
 * application spread over several schemas with foreign keys between them, NOT NULL columns a
 * BEFORE INSERT trigger fills, composite keys with text members referenced by composite foreign
 * keys, and foreign keys that form a cycle. Each: introspect → append into the real DDL →
 * nothing rejected, no constraint violated.
 */
const db = patternDatabase();

describe('patterns: gaps closed', () => {
  it('several schemas: tables carry their schema, foreign keys across schemas load', async () => {
    await createSchema(db.pool, 'g_person', `CREATE TABLE people (id bigint PRIMARY KEY, name text NOT NULL);`);
    await createSchema(
      db.pool,
      'g_sales',
      `CREATE TABLE customers (id bigint PRIMARY KEY, person_id bigint NOT NULL REFERENCES g_person.people (id), since date);
       CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers (id),
                            sales_rep_id bigint REFERENCES g_person.people (id), total numeric(10,2) NOT NULL CHECK (total >= 0));`,
    );
    const run = await db.roundTrip('g_sales', null, { schemas: ['g_sales', 'g_person'], rows: 150 });
    expectClean(run);
    const byName = new Map(run.dataset.tables.map((t) => [t.name, t]));
    // The first schema is the spec's default (no `schema`); a later one is written on its tables and references.
    expect(byName.get('orders')?.schema).toBeUndefined();
    expect(byName.get('people')?.schema).toBe('g_person');
    const rep = byName.get('orders')?.columns.find((c) => c.name === 'sales_rep_id');
    expect(rep?.references).toMatchObject({ table: 'people', schema: 'g_person' });
    expect(run.warnings.join('\n')).not.toMatch(/does not record/);
    expect(run.counts['g_person.people']).toBe(150);
    expect(run.counts['g_sales.orders']).toBe(150);
  });
});
