import { describe, expect, it } from 'vitest';
import { expectClean, patternDatabase } from './patterns.js';

/**
 * Patterns the public-schema corpus run hit that once refused the job or lost rows, each in DDL
 * of our own through the same round trip as the corpus: introspect → append into the real DDL →
 * nothing rejected, no constraint violated (independent SQL check).
 */
const db = patternDatabase();

describe('patterns: from the corpus', () => {
  it('real (float4) columns: prices, discounts and weights load as decimals a real holds exactly', async () => {
    const run = await db.roundTrip(
      'p_real',
      `CREATE TABLE products (product_id smallint PRIMARY KEY, unit_price real, weight real NOT NULL, units_in_stock smallint);
       CREATE TABLE order_details (order_id smallint NOT NULL, product_id smallint NOT NULL REFERENCES products,
                                   unit_price real NOT NULL, quantity smallint NOT NULL, discount real NOT NULL,
                                   PRIMARY KEY (order_id, product_id));`,
    );
    expectClean(run);
    const details = run.dataset.tables.find((t) => t.name === 'order_details')!;
    expect(details.columns.find((c) => c.name === 'discount')).toMatchObject({ type: 'decimal', precision: 6 });
    // What was loaded is what was generated: the decimal text survived the real column unrounded.
    const sums = await db.pool.query<{ n: string }>(`SELECT count(*) AS n FROM p_real.order_details WHERE unit_price::numeric <> round(unit_price::numeric, 2)`);
    expect(Number(sums.rows[0]!.n)).toBe(0);
  });

  it('smallint[] arrays take integer elements within smallint; columns of types without a generator (point, box) load as NULL', async () => {
    const run = await db.roundTrip(
      'p_arrays',
      `CREATE TABLE places (id serial PRIMARY KEY, name text NOT NULL, coordinates point, area box,
                            secondary_types smallint[], child_orders smallint[] NOT NULL DEFAULT '{}');`,
    );
    expectClean(run);
    expect(run.warnings).toEqual(expect.arrayContaining([expect.stringMatching(/^places\.coordinates: point: no generator for this type; always NULL$/)]));
    const res = await db.pool.query<{ n: string }>(`SELECT count(*) AS n FROM p_arrays.places WHERE cardinality(secondary_types) > 0 OR cardinality(child_orders) > 0`);
    expect(Number(res.rows[0]!.n)).toBeGreaterThan(0);
  });

  it('a case-folded code list, CHECK (kind IS NULL OR upper(kind) IN (…)): the listed values in that case are generated', async () => {
    const run = await db.roundTrip(
      'p_folded_check',
      `CREATE TABLE person (id serial PRIMARY KEY, persontype char(2) NOT NULL,
                            title varchar(8), CONSTRAINT ck_type CHECK (persontype IS NULL OR upper(persontype) IN ('SC', 'VC', 'IN', 'EM')),
                            CONSTRAINT ck_title CHECK (lower(title) IN ('mr', 'ms', 'dr')));
       CREATE TABLE email (id serial PRIMARY KEY, person_id integer NOT NULL REFERENCES person);`,
    );
    expectClean(run);
    expect(run.counts['p_folded_check.email']).toBe(200);
  });

  it('exactly one parent written with IS NOT NULL, CHECK ((plan_id IS NOT NULL) <> (subscription_id IS NOT NULL))', async () => {
    const run = await db.roundTrip(
      'p_xor_not_null',
      `CREATE TABLE plans (id bigserial PRIMARY KEY, name text NOT NULL);
       CREATE TABLE subscriptions (id bigserial PRIMARY KEY, plan_id bigint NOT NULL REFERENCES plans);
       CREATE TABLE entitlements (id bigserial PRIMARY KEY, plan_id bigint REFERENCES plans, subscription_id bigint REFERENCES subscriptions,
                                  CONSTRAINT one_parent CHECK ((plan_id IS NOT NULL) <> (subscription_id IS NOT NULL)));`,
    );
    expectClean(run);
  });

  it('references to the middle of a shared-key chain (entity → person → employee → salesperson) wait for that table, not only the root', async () => {
    // The values come from the root key, but each constraint names the middle table: loaded before
    // it, every row referencing an employee or salesperson broke its foreign key.
    const run = await db.roundTrip(
      'p_key_chain',
      `CREATE TABLE entity (entity_id serial PRIMARY KEY);
       CREATE TABLE person (entity_id integer PRIMARY KEY REFERENCES entity, name text NOT NULL);
       CREATE TABLE employee (entity_id integer PRIMARY KEY REFERENCES person, hired date NOT NULL);
       CREATE TABLE salesperson (entity_id integer PRIMARY KEY REFERENCES employee, quota numeric(12,2));
       CREATE TABLE document (id serial PRIMARY KEY, owner integer NOT NULL REFERENCES employee, title text NOT NULL);
       CREATE TABLE quota_history (entity_id integer NOT NULL REFERENCES salesperson, quota_date date NOT NULL, PRIMARY KEY (entity_id, quota_date));
       CREATE TABLE store (entity_id integer PRIMARY KEY REFERENCES entity, salesperson_id integer REFERENCES salesperson);`,
    );
    expectClean(run);
    const ref = (table: string, column: string) => run.dataset.tables.find((t) => t.name === table)!.columns.find((c) => c.name === column)!.references;
    expect(ref('document', 'owner')).toMatchObject({ table: 'entity', via: 'employee' });
    expect(ref('quota_history', 'entity_id')).toMatchObject({ table: 'entity', via: 'salesperson' });
    expect(ref('store', 'salesperson_id')).toMatchObject({ table: 'entity', via: 'salesperson' });
    expect(run.counts['p_key_chain.document']).toBe(200);
  });

  it('an ordering that allows either side NULL, CHECK (finished >= begun OR finished IS NULL OR begun IS NULL)', async () => {
    // Names that do not pair as start/end by themselves: only the CHECK orders them.
    const run = await db.roundTrip(
      'p_order_or_nulls',
      `CREATE TABLE routing (id serial PRIMARY KEY, begun timestamp, finished timestamp, cost numeric(10,2),
                             CONSTRAINT ck_finished CHECK (finished >= begun OR finished IS NULL OR begun IS NULL));`,
      { rows: 400 },
    );
    expectClean(run);
    expect(run.warnings.filter((w) => w.includes('ck_finished'))).toEqual([]);
    const both = await db.pool.query<{ n: string }>(`SELECT count(*) AS n FROM p_order_or_nulls.routing WHERE begun IS NOT NULL AND finished IS NOT NULL`);
    expect(Number(both.rows[0]!.n)).toBeGreaterThan(0);
  });

  it('dates bounded by literals and by now() (BETWEEN a date AND now() - interval): read against a fixed instant, so the rows load and stay the same', async () => {
    const ddl = `CREATE TABLE staff (id serial PRIMARY KEY,
        birthdate date NOT NULL CHECK (birthdate BETWEEN '1930-01-01' AND now() - interval '18 years'),
        hiredate date NOT NULL CHECK (hiredate BETWEEN '1996-07-01' AND now() + interval '1 day'),
        retired_on date CHECK (retired_on < '2001-01-01'),
        modifieddate timestamp NOT NULL DEFAULT now() CHECK (modifieddate <= now()));`;
    const run = await db.roundTrip('p_now_checks', ddl, { rows: 300 });
    expectClean(run);
    expect(run.warnings.filter((w) => /not understood|not applied/.test(w))).toEqual([]);
    expect(run.warnings).toEqual(expect.arrayContaining([expect.stringMatching(/^staff staff_birthdate_check: CHECK .* compares birthdate with the load time: read as of 2026-01-01 \(values up to 2007-12-31\)/)]));
    // The column's own guess (2020…2025) lay outside the literal bound: it moved below it.
    const retired = run.dataset.tables[0]!.columns.find((c) => c.name === 'retired_on')!;
    expect(retired.to! < '2001-01-01').toBe(true);
  });

  it('a CHECK of alternative branches, (parent IS NULL AND level = 0) OR (parent IS NOT NULL AND level >= 1): every row follows the branch that keeps the reference', async () => {
    const run = await db.roundTrip(
      'p_branches',
      `CREATE TABLE product (id serial PRIMARY KEY, name text NOT NULL);
       CREATE TABLE bill_of_materials (id serial PRIMARY KEY, assembly_id integer REFERENCES product, component_id integer NOT NULL REFERENCES product,
                                       level smallint NOT NULL, per_assembly numeric(8,2) NOT NULL DEFAULT 1.00,
                                       CONSTRAINT ck_level CHECK ((assembly_id IS NULL AND level = 0 AND per_assembly = 1.00) OR (assembly_id IS NOT NULL AND level >= 1)));`,
      { rows: 300 },
    );
    expectClean(run);
    expect(run.warnings.filter((w) => w.includes('ck_level'))).toEqual([]);
    const set = await db.pool.query<{ n: string }>(`SELECT count(*) AS n FROM p_branches.bill_of_materials WHERE assembly_id IS NOT NULL`);
    expect(Number(set.rows[0]!.n)).toBe(300);
  });

  it('a unique key inside another, (name, email) and (organization_id, name, email): the smaller one is generated unique', async () => {
    // Index names put the wider key first, as pg_dump orders them by name.
    const run = await db.roundTrip(
      'p_nested_keys',
      `CREATE TABLE commit_users (id bigserial PRIMARY KEY, name text, email text, organization_id bigint);
       CREATE UNIQUE INDEX a_org_name_email ON commit_users (organization_id, name, email);
       CREATE UNIQUE INDEX b_name_email ON commit_users (name, email);`,
      { rows: 400 },
    );
    expectClean(run);
    expect(run.counts['p_nested_keys.commit_users']).toBe(400);
    expect(run.dataset.tables[0]!.compositeKey?.columns).toEqual(['name', 'email']);
  });
});
