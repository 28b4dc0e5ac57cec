import { describe, expect, it } from 'vitest';
import { expectClean, patternDatabase } from './patterns.js';

/**
 * Shapes of whole schemas: a partitioned table with foreign keys declared on each partition
 * (pg_dump style), a table owned by an extension, an application spread over several schemas
 * with foreign keys between them, and a synthetic schema of more than a thousand tables.
 */
const db = patternDatabase();

describe('patterns: structure', () => {
  it('a range-partitioned table with foreign keys on its partitions: every row inside a partition', async () => {
    const run = await db.roundTrip(
      'p_partitioned',
      `CREATE TABLE customers (id bigint PRIMARY KEY, name text);
       CREATE TABLE payments (id bigint NOT NULL, customer_id bigint NOT NULL, amount numeric(8,2) NOT NULL, paid_at timestamptz NOT NULL, PRIMARY KEY (paid_at, id))
         PARTITION BY RANGE (paid_at);
       CREATE TABLE payments_2022_01 PARTITION OF payments FOR VALUES FROM ('2022-01-01') TO ('2022-02-01');
       CREATE TABLE payments_2022_02 PARTITION OF payments FOR VALUES FROM ('2022-02-01') TO ('2022-03-01');
       CREATE TABLE payments_2022_03 PARTITION OF payments FOR VALUES FROM ('2022-03-01') TO ('2022-04-01');
       ALTER TABLE payments_2022_01 ADD FOREIGN KEY (customer_id) REFERENCES customers (id);
       ALTER TABLE payments_2022_02 ADD FOREIGN KEY (customer_id) REFERENCES customers (id);
       ALTER TABLE payments_2022_03 ADD FOREIGN KEY (customer_id) REFERENCES customers (id);`,
      { rows: 300 },
    );
    expectClean(run);
    // Introspected as one table (its partitions are not tables of their own), spread over them.
    expect(run.dataset.tables.map((t) => t.name).sort()).toEqual(['customers', 'payments']);
    const parts = await db.pool.query(`SELECT tableoid::regclass::text AS p, count(*)::int AS n FROM p_partitioned.payments GROUP BY 1`);
    expect(parts.rows.length).toBe(3);
  });

  it('a table an extension owns (like PostGIS spatial_ref_sys) is left out, with a warning, and untouched', async () => {
    const run = await db.roundTrip(
      'p_extension',
      `CREATE EXTENSION IF NOT EXISTS hstore;
       CREATE TABLE ref_systems (srid integer PRIMARY KEY, name text);
       INSERT INTO ref_systems VALUES (4326, 'WGS 84');
       ALTER EXTENSION hstore ADD TABLE ref_systems;
       CREATE TABLE places (id bigint PRIMARY KEY, name text NOT NULL);`,
      { rows: 100 },
    );
    await db.pool.query('ALTER EXTENSION hstore DROP TABLE p_extension.ref_systems');
    expectClean(run);
    expect(run.dataset.tables.map((t) => t.name)).toEqual(['places']);
    expect(run.warnings.join('\n')).toContain('ref_systems');
    expect((await db.pool.query('SELECT count(*)::int AS n FROM p_extension.ref_systems')).rows[0].n).toBe(1);
  });

  it('a synthetic schema of 1,000 tables (chains of foreign keys) introspects and loads', { timeout: 1_200_000 }, async () => {
    const ddl = Array.from({ length: 1000 }, (_, i) =>
      i % 10 === 0
        ? `CREATE TABLE t${i} (id bigint PRIMARY KEY, name text NOT NULL);`
        : `CREATE TABLE t${i} (id bigint PRIMARY KEY, parent_id bigint NOT NULL REFERENCES t${i - 1} (id), qty integer CHECK (qty >= 0));`,
    ).join('\n');
    const run = await db.roundTrip('p_thousand', ddl, { rows: 5, jobTimeoutMs: 1_100_000 });
    expectClean(run);
    expect(Object.keys(run.counts)).toHaveLength(1000);
  });
});
