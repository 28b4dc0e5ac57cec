import type pg from 'pg';

/**
 * The source in schema `src` (`ddl`, then `fill`, which ends with ANALYZE) and an empty copy of
 * its tables in `gen` for the generated rows, unqualified DDL run under each search_path.
 */
export async function sourceAndCopy(pool: pg.Pool, ddl: string, fill: string): Promise<void> {
  for (const schema of ['src', 'gen']) await pool.query(`CREATE SCHEMA ${schema}`);
  const c = await pool.connect();
  try {
    await c.query('SET search_path = src');
    await c.query(ddl);
    await c.query(fill);
    await c.query('SET search_path = gen');
    await c.query(ddl);
    await c.query('RESET search_path');
  } finally {
    c.release();
  }
}

/** A source filled by plain SQL (not by Rowflow) with skewed categories, NULLs and per-parent counts. */
export const DDL = `
CREATE TABLE customers (
  id serial PRIMARY KEY,
  email text NOT NULL,
  country text NOT NULL,
  tier smallint NOT NULL,
  age int,
  signup_date date NOT NULL,
  balance numeric(10, 2)
);
CREATE TABLE orders (
  id bigserial PRIMARY KEY,
  customer_id int NOT NULL REFERENCES customers (id),
  status text NOT NULL,
  amount numeric(10, 2) NOT NULL,
  created_at timestamptz NOT NULL
);`;

export const FILL = `
SELECT setseed(0.42);
INSERT INTO customers (email, country, tier, age, signup_date, balance)
SELECT 'person' || g || '@example.org',
  (ARRAY['DE','DE','DE','DE','DE','DE','FR','FR','FR','IT'])[1 + floor(random() * 10)::int],
  CASE WHEN random() < 0.7 THEN 1 WHEN random() < 0.67 THEN 2 ELSE 3 END,
  CASE WHEN random() < 0.2 THEN NULL ELSE 18 + floor(random() * random() * 60)::int END,
  date '2020-01-01' + (random() * random() * 1500)::int,
  CASE WHEN random() < 0.3 THEN NULL ELSE round((random() ^ 3 * 10000)::numeric, 2) END
FROM generate_series(1, 3000) g;
INSERT INTO orders (customer_id, status, amount, created_at)
SELECT 1 + (g % 3000),
  (ARRAY['paid','paid','paid','paid','shipped','shipped','cancelled','new'])[1 + floor(random() * 8)::int],
  round(exp(random() * 6)::numeric, 2),
  timestamptz '2023-01-01 00:00:00+00' + random() ^ 2 * interval '700 days'
FROM generate_series(1, 15000) g;
ANALYZE customers;
ANALYZE orders;
-- Made after ANALYZE and empty: never analysed, so its statistics are missing.
CREATE TABLE audit_log (id serial PRIMARY KEY, note text);`;

