import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../cli/cli-harness.js';
import { bootOrchestrator, postJson } from '../support/index.js';
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
    const run = await db.roundTrip('g_sales', null, { schemas: ['g_sales', 'g_person'], rows: 150, verify: true });
    expectClean(run);
    expect(run.verify?.ok, JSON.stringify(run.verify)).toBe(true);
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

  it('short varchar columns get realistic values shortened to fit, not random strings', async () => {
    const run = await db.roundTrip(
      'g_short',
      `CREATE TABLE contacts (id bigint PRIMARY KEY, first_name varchar(8) NOT NULL, last_name varchar(10) NOT NULL,
                             email varchar(16) NOT NULL, phone varchar(12), city varchar(9), company varchar(14),
                             notes varchar(25) CHECK (char_length(notes) <= 20));`,
      { rows: 300, verify: true },
    );
    expectClean(run);
    expect(run.verify?.ok, JSON.stringify(run.verify)).toBe(true);
    const col = (name: string) => run.dataset.tables[0]!.columns.find((c) => c.name === name);
    expect(col('email')).toMatchObject({ type: 'email', maxLength: 16 });
    expect(col('company')).toMatchObject({ type: 'company', maxLength: 14 });
    expect(col('notes')).toMatchObject({ type: 'text', maxLength: 20 });
    // Realistic: letters and spaces in names, an @ in most emails — what random 12-character strings are not.
    const { rows } = await db.pool.query(
      `SELECT count(*) FILTER (WHERE first_name ~ '^[A-Z][A-Za-z'' -]*$')::int AS names, count(*) FILTER (WHERE email LIKE '%@%')::int AS emails,
              max(char_length(email))::int AS longest FROM g_short.contacts`,
    );
    expect(rows[0].names).toBeGreaterThan(250);
    expect(rows[0].emails).toBeGreaterThan(100);
    expect(rows[0].longest).toBeLessThanOrEqual(16);
  });

  it('a NOT NULL column a BEFORE INSERT trigger fills: omitted, accepted by the fit check with a warning; refused once the trigger is disabled', async () => {
    const run = await db.roundTrip(
      'g_trigger',
      `CREATE TABLE docs (id bigint PRIMARY KEY, title text NOT NULL, body text, search tsvector NOT NULL, slug text NOT NULL);
       CREATE FUNCTION docs_fill() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN
           NEW.search := to_tsvector('simple', coalesce(NEW.title, '') || ' ' || coalesce(NEW.body, ''));
           NEW.slug := 'doc-' || NEW.id;
           RETURN NEW;
         END $$;
       CREATE TRIGGER docs_fill BEFORE INSERT ON docs FOR EACH ROW EXECUTE FUNCTION docs_fill();`,
      { rows: 120, verify: true },
    );
    expectClean(run);
    expect(run.verify?.ok, JSON.stringify(run.verify)).toBe(true);
    const columns = run.dataset.tables[0]!.columns.map((c) => c.name);
    expect(columns).not.toContain('search');
    expect(columns).not.toContain('slug');
    expect(run.job.warnings?.join('\n')).toMatch(/column search .*trigger docs_fill \(BEFORE INSERT\) is expected to fill it/);
    const filled = await db.pool.query(`SELECT count(*)::int AS n FROM g_trigger.docs WHERE search IS NOT NULL AND slug = 'doc-' || id`);
    expect(filled.rows[0].n).toBe(120);

    // Without an enabled trigger nothing fills them: the same dataset is refused, naming the column, and nothing is written.
    await db.pool.query('ALTER TABLE g_trigger.docs DISABLE TRIGGER docs_fill');
    const orch = await bootOrchestrator(db.url, 'http://127.0.0.1:9', { JOB_ROW_SOURCE: 'local', TARGET_SCHEMA: 'g_trigger' });
    try {
      const refused = await postJson(`${orch.url}/api/jobs`, { dataset: run.dataset, mode: 'append', seed: 12, skipLimit: 0 });
      expect(refused.status).toBe(400);
      expect(refused.body.message).toMatch(/search.*NOT NULL without a default/);
    } finally {
      await orch.app.close();
    }
    expect((await db.pool.query('SELECT count(*)::int AS n FROM g_trigger.docs')).rows[0].n).toBe(120);
  });

  it('a composite primary key with text members (tenant text, code varchar(20)) referenced by a composite foreign key', async () => {
    const run = await db.roundTrip(
      'g_compositetext',
      `CREATE TABLE products (tenant text NOT NULL, code varchar(20) NOT NULL, name text NOT NULL, PRIMARY KEY (tenant, code));
       CREATE TABLE order_lines (id bigint PRIMARY KEY, tenant text NOT NULL, product_code varchar(20) NOT NULL, qty integer NOT NULL CHECK (qty > 0),
                                 FOREIGN KEY (tenant, product_code) REFERENCES products (tenant, code));
       CREATE TABLE stock (tenant text NOT NULL, code varchar(20) NOT NULL, warehouse char(3) NOT NULL, amount integer NOT NULL,
                           PRIMARY KEY (tenant, code, warehouse), FOREIGN KEY (tenant, code) REFERENCES products (tenant, code));`,
      { rows: 400, verify: true },
    );
    expectClean(run);
    expect(run.verify?.ok, JSON.stringify(run.verify)).toBe(true);
    expect(run.counts['g_compositetext.products']).toBe(400);
    expect(run.counts['g_compositetext.order_lines']).toBe(400);
    // Nothing about these keys was given up (no "not generated" / "may violate" warning).
    expect(run.warnings.filter((w) => /products|order_lines|stock/.test(w) && /not generated|may violate/.test(w))).toEqual([]);
    expect(run.dataset.tables.find((t) => t.name === 'stock')?.foreignKeys).toEqual([{ columns: ['tenant', 'code'], references: { table: 'products', columns: ['tenant', 'code'] } }]);
  });

  it('foreign keys in a cycle (and a self-reference): append breaks the cycle at the nullable key, loads it NULL and says so', async () => {
    const run = await db.roundTrip(
      'g_cycle',
      `CREATE TABLE departments (id bigint PRIMARY KEY, name text NOT NULL, head_id bigint);
       CREATE TABLE employees (id bigint PRIMARY KEY, dept_id bigint NOT NULL REFERENCES departments (id), manager_id bigint REFERENCES employees (id), name text NOT NULL);
       ALTER TABLE departments ADD CONSTRAINT departments_head_fk FOREIGN KEY (head_id) REFERENCES employees (id);`,
      { rows: 200, verify: true },
    );
    expectClean(run);
    expect(run.verify?.ok, JSON.stringify(run.verify)).toBe(true);
    expect(run.job.warnings?.join('\n')).toMatch(/departments\.head_id → employees: loaded NULL in every row/);
    const heads = await db.pool.query('SELECT count(head_id)::int AS n FROM g_cycle.departments');
    expect(heads.rows[0].n).toBe(0);
    // The self-reference is no cycle to break: managers are real, earlier employees.
    const managed = await db.pool.query('SELECT count(manager_id)::int AS n FROM g_cycle.employees');
    expect(managed.rows[0].n).toBeGreaterThan(100);
  });

  it('a cycle of NOT NULL foreign keys stays refused in append: 400 on mode naming its tables and columns, nothing written', async () => {
    await createSchema(
      db.pool,
      'g_cycle_strict',
      `CREATE TABLE a (id bigint PRIMARY KEY, b_id bigint NOT NULL);
       CREATE TABLE b (id bigint PRIMARY KEY, a_id bigint NOT NULL REFERENCES a (id));
       ALTER TABLE a ADD FOREIGN KEY (b_id) REFERENCES b (id);`,
    );
    const orch = await bootOrchestrator(db.url, 'http://127.0.0.1:9', { JOB_ROW_SOURCE: 'local', TARGET_SCHEMA: 'g_cycle_strict' });
    try {
      const intro = await postJson(`${orch.url}/api/introspect`, { schema: 'g_cycle_strict', rows: 10 });
      expect(intro.status).toBe(200);
      const refused = await postJson(`${orch.url}/api/jobs`, { dataset: intro.body.dataset, mode: 'append', seed: 1 });
      expect(refused.status).toBe(400);
      expect(refused.body.field).toBe('mode');
      expect(refused.body.message).toMatch(/cycle of NOT NULL foreign keys \((a\.b_id → b, b\.a_id → a|b\.a_id → a, a\.b_id → b)\)/);
    } finally {
      await orch.app.close();
    }
    expect((await db.pool.query('SELECT (SELECT count(*) FROM g_cycle_strict.a) + (SELECT count(*) FROM g_cycle_strict.b) AS n')).rows[0].n).toBe('0');
  });

  it('the CLI: rowflow introspect --schema a,b -o FILE, then load --dataset FILE --mode append and verify, as a user runs them', async () => {
    await createSchema(db.pool, 'g_cli_ref', `CREATE TABLE countries (id bigint PRIMARY KEY, name text NOT NULL);`);
    await createSchema(db.pool, 'g_cli_app', `CREATE TABLE shops (id bigint PRIMARY KEY, country_id bigint NOT NULL REFERENCES g_cli_ref.countries (id), name text NOT NULL);`);
    const work = await mkdtemp(join(tmpdir(), 'rowflow-gaps-cli-'));
    const orch = await bootOrchestrator(db.url, 'http://127.0.0.1:9', { JOB_ROW_SOURCE: 'local', TARGET_SCHEMA: 'g_cli_app,g_cli_ref' });
    try {
      const file = join(work, 'spec.json');
      const intro = await cli(['introspect', '--server', orch.url, '--schema', 'g_cli_app,g_cli_ref', '--rows', '30', '-o', file]);
      expect(intro.code, intro.stderr).toBe(0);
      const spec = JSON.parse(await readFile(file, 'utf8'));
      expect(spec.tables.map((t: { name: string; schema?: string }) => [t.name, t.schema ?? null])).toEqual([
        ['shops', null],
        ['countries', 'g_cli_ref'],
      ]);
      const load = await cli(['load', '--dataset', file, '--mode', 'append', '--seed', '3', '--server', orch.url, '--json', '--no-progress']);
      expect(load.code, load.stderr).toBe(0);
      const job = JSON.parse(load.stdout);
      expect(job).toMatchObject({ state: 'completed', rowsWritten: 60, rowsSkipped: 0 });
      const verify = await cli(['verify', '--job', job.id, '--server', orch.url]);
      expect(verify.code, verify.stdout + verify.stderr).toBe(0);
    } finally {
      await orch.app.close();
      await rm(work, { recursive: true, force: true });
    }
    const orphans = await db.pool.query('SELECT count(*)::int AS n FROM g_cli_app.shops s LEFT JOIN g_cli_ref.countries c ON c.id = s.country_id WHERE c.id IS NULL');
    expect(orphans.rows[0].n).toBe(0);
    expect((await db.pool.query('SELECT count(*)::int AS n FROM g_cli_ref.countries')).rows[0].n).toBe(30);
  });
});
