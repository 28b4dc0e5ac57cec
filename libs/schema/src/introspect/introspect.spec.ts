import { describe, expect, it } from 'vitest';
import type { CatalogColumn, CatalogConstraint, CatalogTable } from './catalog-model.js';
import { parseCheck } from './check-constraints.js';
import { catalogToDataset } from './introspect-dataset.js';

const col = (name: string, formatted: string, typeName: string, extra: Partial<CatalogColumn> = {}): CatalogColumn => ({ name, formatted, typeName, notNull: false, ...extra });
const pk = (table: string, ...columns: string[]): CatalogConstraint => ({ name: `${table}_pkey`, kind: 'primaryKey', columns, definition: `PRIMARY KEY (${columns.join(', ')})` });
const check = (definition: string): CatalogConstraint => ({ name: 'c', kind: 'check', columns: [], definition });
const id = col('id', 'integer', 'int4', { notNull: true, default: "nextval('t_id_seq'::regclass)" });

function run(tables: CatalogTable[]) {
  return catalogToDataset(tables, { name: 'public', rows: 100 });
}

describe('parseCheck', () => {
  it.each([
    ['CHECK ((price > (0)::numeric))', [{ column: 'price', kind: 'bound', op: '>', value: 0 }]],
    ['CHECK (((age >= 18) AND (age <= 120)))', [{ column: 'age', kind: 'bound', op: '>=', value: 18 }, { column: 'age', kind: 'bound', op: '<=', value: 120 }]],
    ["CHECK ((status = ANY (ARRAY['a'::text, 'it''s'::text])))", [{ column: 'status', kind: 'in', values: ['a', "it's"] }]],
    ["CHECK (((kind)::text = ANY ((ARRAY['x'::character varying, 'y'::character varying])::text[])))", [{ column: 'kind', kind: 'in', values: ['x', 'y'] }]],
    ['CHECK (((qty >= 0) OR (qty IS NULL)))', [{ column: 'qty', kind: 'bound', op: '>=', value: 0 }]],
    ['CHECK (((ended >= started) OR (ended IS NULL) OR (started IS NULL)))', [{ column: 'ended', kind: 'after', other: 'started', orEqual: true }]],
    // Not the NULL-passes form (note is not compared): the ordering branch is taken on its own.
    ['CHECK (((ended >= started) OR (note IS NULL)))', [{ column: 'ended', kind: 'after', other: 'started', orEqual: true }]],
    [
      "CHECK (((birthdate >= '1930-01-01'::date) AND (birthdate <= (now() - '18 years'::interval))))",
      [{ column: 'birthdate', kind: 'instant', op: '>=', at: '1930-01-01' }, { column: 'birthdate', kind: 'instant', op: '<=', shift: { months: -216, ms: 0 } }],
    ],
    ['CHECK ((hiredate <= (now() + \'1 day\'::interval)))', [{ column: 'hiredate', kind: 'instant', op: '<=', shift: { months: 0, ms: 86_400_000 } }]],
    ["CHECK ((seen_at > '2020-01-01 00:00:00+00'::timestamp with time zone))", [{ column: 'seen_at', kind: 'instant', op: '>', at: '2020-01-01T00:00:00+00:00' }]],
    ['CHECK ((modifieddate <= now()))', [{ column: 'modifieddate', kind: 'instant', op: '<=', shift: { months: 0, ms: 0 } }]],
    ["CHECK ((created_at >= (CURRENT_DATE - '1 fortnight'::interval)))", null],
    [
      'CHECK ((((parent_id IS NULL) AND (level = 0) AND (qty = 1.00)) OR ((parent_id IS NOT NULL) AND (level >= 1))))',
      [{ column: 'parent_id', kind: 'null', isNull: false }, { column: 'level', kind: 'bound', op: '>=', value: 1 }],
    ],
    ['CHECK ((((parent_id IS NULL) AND (level = 0)) OR ((parent_id IS NOT NULL) AND (lower(name) = name))))', null],
    ['CHECK ((0 < qty))', [{ column: 'qty', kind: 'bound', op: '>', value: 0 }]],
    ['CHECK ((level = ANY (ARRAY[1, 2, 3])))', [{ column: 'level', kind: 'in', values: ['1', '2', '3'] }]],
    ['CHECK ((rate = ANY (ARRAY[0.5, 1.5, (2)::numeric])))', [{ column: 'rate', kind: 'in', values: ['0.5', '1.5', '2'] }]],
    ['CHECK ((num_nonnulls(a, b, c) = 1))', [{ column: 'a', kind: 'exclusive', columns: ['a', 'b', 'c'], required: true }]],
    ['CHECK ((num_nonnulls(a, b) <= 1))', [{ column: 'a', kind: 'exclusive', columns: ['a', 'b'], required: false }]],
    ['CHECK (((a IS NULL) <> (b IS NULL)))', [{ column: 'a', kind: 'exclusive', columns: ['a', 'b'], required: true }]],
    ['CHECK (((a IS NOT NULL) <> (b IS NOT NULL)))', [{ column: 'a', kind: 'exclusive', columns: ['a', 'b'], required: true }]],
    ['CHECK (((a IS NULL) <> (b IS NOT NULL)))', null],
    ['CHECK ((((a IS NOT NULL) AND (b IS NULL)) OR ((a IS NULL) AND (b IS NOT NULL))))', [{ column: 'a', kind: 'exclusive', columns: ['a', 'b'], required: true }]],
    ['CHECK ((starts_at < ends_at))', [{ column: 'ends_at', kind: 'after', other: 'starts_at', orEqual: false }]],
    ['CHECK ((ends >= starts))', [{ column: 'ends', kind: 'after', other: 'starts', orEqual: true }]],
    ['CHECK ((char_length((name)::text) <= 100))', [{ column: 'name', kind: 'length', max: 100 }]],
    ['CHECK ((length(code) = 4))', [{ column: 'code', kind: 'length', max: 4, exact: true }]],
    ["CHECK (((code)::text ~ '^[A-Z]{2}-[0-9]{4}$'::text))", [{ column: 'code', kind: 'pattern', pattern: '^[A-Z]{2}-[0-9]{4}$' }]],
    ["CHECK (((code)::text ~ '[A-Z]'::text))", null],
    ['CHECK ((lower(x) = x))', null],
    ["CHECK (((persontype IS NULL) OR (upper((persontype)::text) = ANY (ARRAY['SC'::text, 'vc'::text, 'IN'::text]))))", [{ column: 'persontype', kind: 'in', values: ['SC', 'IN'] }]],
    ["CHECK ((lower(code) = ANY (ARRAY['ab'::text, 'cd'::text])))", [{ column: 'code', kind: 'in', values: ['ab', 'cd'] }]],
    // Not an exactly-one XOR (a is set in both branches): the branch that sets nothing NULL is taken.
    ['CHECK ((((a IS NOT NULL) AND (b IS NULL)) OR ((a IS NOT NULL) AND (b IS NOT NULL))))', [{ column: 'a', kind: 'null', isNull: false }, { column: 'b', kind: 'null', isNull: false }]],
    ['CHECK (("Weird Name" < 5))', null],
  ])('%s', (def, facts) => {
    expect(parseCheck(def)).toEqual(facts);
  });
});

describe('catalogToDataset', () => {
  it('maps types, sequences, enums, checks and nullability', () => {
    const { dataset, warnings } = run([
      {
        name: 't',
        columns: [
          id,
          col('email', 'character varying(200)', 'varchar', { notNull: true }),
          col('status', 'mood', 'mood', { enumLabels: ['happy', 'sad'], notNull: true }),
          col('price', 'numeric(6,2)', 'numeric'),
          col('qty', 'smallint', 'int2', { notNull: true }),
        ],
        constraints: [pk('t', 'id'), check('CHECK ((qty > 2))'), check('CHECK ((price <= (50)::numeric))')],
      },
    ]);
    expect(dataset.tables[0]?.columns).toEqual([
      { name: 'id', type: 'int', mode: 'sequence', min: 1, primaryKey: true },
      { name: 'email', type: 'email' },
      { name: 'status', type: 'enum', values: ['happy', 'sad'] },
      { name: 'price', type: 'decimal', precision: 6, scale: 2, min: 1, max: 50, nullRatio: 0.1 },
      { name: 'qty', type: 'int', min: 3, max: 20, distribution: 'zipf' },
    ]);
    expect(warnings).toEqual([]);
  });

  it('warns (naming table.column) instead of dropping what it cannot honour', () => {
    const { dataset, warnings } = run([
      {
        name: 'p',
        columns: [id, col('code', 'integer', 'int4', { notNull: true }), col('day', 'date', 'date', { notNull: true })],
        constraints: [pk('p', 'id'), { name: 'u', kind: 'unique', columns: ['id', 'code'], definition: '' }, { name: 'u2', kind: 'unique', columns: ['code', 'day'], definition: '' }],
      },
      {
        name: 'c',
        columns: [
          id,
          col('a', 'integer', 'int4'),
          col('b', 'integer', 'int4'),
          col('shape', 'point', 'point'),
          col('ver', 'tsvector', 'tsvector', { notNull: true, default: "''::tsvector" }),
          col('total', 'numeric', 'numeric', { generated: true }),
        ],
        constraints: [
          pk('c', 'id'),
          { name: 'fk', kind: 'foreignKey', columns: ['a', 'b'], refTable: 'p', refColumns: ['id', 'code'], definition: '' },
          check('CHECK ((a < b))'),
        ],
      },
    ]);
    expect(dataset.tables[1]?.columns.map((c) => c.name)).toEqual(['id', 'a', 'b', 'shape']);
    expect(dataset.tables[1]?.columns[3]).toEqual({ name: 'shape', type: 'text', nullRatio: 1 });
    expect(warnings).toEqual([
      expect.stringMatching(/^c\.shape: point: no generator for this type; always NULL$/),
      expect.stringMatching(/^c\.ver: tsvector: .*omitted, so the column default/),
      expect.stringMatching(/^c\.total: generated column: omitted/),
    ]);
    expect(dataset.tables[0]?.compositeKey).toEqual({ columns: ['code', 'day'] });
    expect(dataset.tables[1]?.foreignKeys).toEqual([{ columns: ['a', 'b'], references: { table: 'p', columns: ['id', 'code'] } }]);
    expect(dataset.tables[1]?.columns[2]).toMatchObject({ name: 'b', after: { column: 'a' } });
  });

  it('self-references, one-to-one tables and composite keys over foreign keys', () => {
    const { dataset } = run([
      { name: 'u', columns: [id, col('boss', 'integer', 'int4')], constraints: [pk('u', 'id'), { name: 'f', kind: 'foreignKey', columns: ['boss'], refTable: 'u', refColumns: ['id'], definition: '' }] },
      { name: 'profile', columns: [col('u_id', 'integer', 'int4', { notNull: true })], constraints: [pk('profile', 'u_id'), { name: 'f', kind: 'foreignKey', columns: ['u_id'], refTable: 'u', refColumns: ['id'], definition: '' }] },
      {
        name: 'pair',
        columns: [col('x', 'integer', 'int4', { notNull: true }), col('y', 'integer', 'int4', { notNull: true })],
        constraints: [pk('pair', 'x', 'y'), { name: 'f1', kind: 'foreignKey', columns: ['x'], refTable: 'u', refColumns: ['id'], definition: '' }],
      },
    ]);
    expect(dataset.tables[0]?.columns[1]).toEqual({ name: 'boss', type: 'foreignKey', references: { table: 'u', column: 'id' }, nullRatio: 0.1 });
    expect(dataset.tables[1]).toMatchObject({ perParent: { table: 'u', distribution: 'fixed', count: 1 } });
    expect(dataset.tables[2]?.compositeKey).toEqual({ columns: ['x', 'y'], primaryKey: true });
    expect(dataset.tables[2]?.columns[1]).toEqual({ name: 'y', type: 'int', min: 0, max: 1000000 });
  });

  it('unique indexes: partial and expression ones are unique over their columns, with the index text in a warning', () => {
    const { dataset, warnings } = run([
      {
        name: 'a',
        columns: [id, col('email', 'text', 'text', { notNull: true }), col('handle', 'character varying(30)', 'varchar', { notNull: true }), col('t', 'integer', 'int4', { notNull: true })],
        constraints: [
          pk('a', 'id'),
          { name: 'a_email', kind: 'unique', columns: ['email'], definition: '', index: { expressions: ['lower(email)'] } },
          { name: 'a_handle', kind: 'unique', columns: ['handle'], definition: '', index: { predicate: 'deleted_at IS NULL' } },
          { name: 'a_t_handle', kind: 'unique', columns: ['t', 'handle'], definition: '', index: {} },
        ],
      },
    ]);
    expect(dataset.tables[0]?.columns.slice(1)).toEqual([
      { name: 'email', type: 'email', unique: true },
      { name: 'handle', type: 'bigint', min: 1, max: 999999999999999, unique: true },
      { name: 't', type: 'int', min: 0, max: 1000000 },
    ]);
    expect(warnings).toEqual([
      'a.email: unique index a_email on lower(email): generated unique over email for every row',
      'a.handle: unique index a_handle WHERE deleted_at IS NULL: generated unique over handle for every row',
      'a.handle: unique text generated as unique numbers of up to 15 digits',
    ]);
  });

  it('a timestamp bounded below by now() - interval is placed as of the fixed reference instant, with a warning that the rows age out', () => {
    const { dataset, warnings } = run([
      {
        name: 'visits',
        columns: [id, col('seen_at', 'timestamp with time zone', 'timestamptz', { notNull: true })],
        constraints: [pk('visits', 'id'), check("CHECK ((seen_at >= (now() - '30 days'::interval)))")],
      },
    ]);
    expect(dataset.tables[0]?.columns[1]).toMatchObject({ name: 'seen_at', from: '2025-12-02T00:00:00Z' });
    expect(warnings).toEqual([expect.stringMatching(/^visits c: CHECK .* compares seen_at with the load time; the generator reads no clock, .* rows age out/)]);
  });

  it('a foreign key to a shared primary key follows the chain to the root key', () => {
    const fk = (name: string, column: string, refTable: string, refColumn: string): CatalogConstraint => ({ name, kind: 'foreignKey', columns: [column], refTable, refColumns: [refColumn], definition: '' });
    const { dataset } = run([
      { name: 'c', columns: [col('b_id', 'bigint', 'int8', { notNull: true })], constraints: [pk('c', 'b_id'), fk('f', 'b_id', 'b', 'a_id')] },
      { name: 'b', columns: [col('a_id', 'bigint', 'int8', { notNull: true })], constraints: [pk('b', 'a_id'), fk('f', 'a_id', 'a', 'id')] },
      { name: 'a', columns: [id], constraints: [pk('a', 'id')] },
      { name: 'd', columns: [id, col('c_id', 'bigint', 'int8', { notNull: true })], constraints: [pk('d', 'id'), fk('f', 'c_id', 'c', 'b_id')] },
    ]);
    expect(dataset.tables.map((t) => [t.name, t.perParent?.table, t.columns.find((c) => c.type === 'foreignKey')?.references])).toEqual([
      // `via`: the table each constraint names, loaded before the referencing one.
      ['c', 'a', { table: 'a', column: 'id', via: 'b' }],
      ['b', 'a', { table: 'a', column: 'id' }],
      ['a', undefined, undefined],
      ['d', undefined, { table: 'a', column: 'id', via: 'c' }],
    ]);
  });

  it('a table whose spec would not validate is degraded with a warning, never a refusal of the schema', () => {
    const labels = Array.from({ length: 10_001 }, (_, i) => `v${i}`);
    const { dataset, warnings } = run([{ name: 'big', columns: [id, col('kind', 'kinds', 'kinds', { enumLabels: labels })], constraints: [pk('big', 'id')] }]);
    expect(dataset.tables[0]?.columns.map((c) => c.name)).toEqual(['id']);
    expect(warnings).toEqual([expect.stringMatching(/^big\.kind: left out \(columns\[1\]\.values: enum needs 1\.\.10000 values\)/)]);
  });

  it('caps the rows of a table at what its short unique key holds', () => {
    const { dataset, warnings } = run([{ name: 'country', columns: [col('code', 'character(2)', 'bpchar', { notNull: true })], constraints: [pk('country', 'code')] }]);
    expect(dataset.tables[0]).toMatchObject({ rows: 99, columns: [{ name: 'code', type: 'bigint', min: 1, max: 99, primaryKey: true }] });
    expect(warnings).toContain('country: rows capped at 99 (from 100): its key code holds no more distinct values');
  });

  it('partition bounds: the widest run of RANGE partitions, LIST values, DEFAULT takes anything', () => {
    const partitioned = (strategy: 'range' | 'list', bounds: string[]): CatalogTable => ({
      name: 'e',
      columns: [col('at', 'date', 'date', { notNull: true }), col('region', 'text', 'text', { notNull: true })],
      constraints: [],
      partitioning: { strategy, columns: [strategy === 'range' ? 'at' : 'region'], definition: '', bounds: bounds.map((bound, i) => ({ partition: `p${i}`, bound })) },
    });
    const range = run([partitioned('range', ["FOR VALUES FROM ('2024-01-01') TO ('2024-02-01')", "FOR VALUES FROM ('2024-02-01') TO ('2024-03-01')", "FOR VALUES FROM ('2030-01-01') TO ('2030-02-01')"])]);
    expect(range.dataset.tables[0]?.columns[0]).toEqual({ name: 'at', type: 'date', from: '2024-01-01', to: '2024-02-29' });
    expect(range.warnings).toEqual([expect.stringMatching(/^e \(at\): partitions leave gaps/)]);
    const list = run([partitioned('list', ["FOR VALUES IN ('eu', 'it''s')", "FOR VALUES IN ('us')"])]);
    expect(list.dataset.tables[0]?.columns[1]).toEqual({ name: 'region', type: 'enum', values: ['eu', "it's", 'us'] });
    const withDefault = run([partitioned('list', ["FOR VALUES IN ('eu')", 'DEFAULT'])]);
    expect(withDefault.dataset.tables[0]?.columns[1]?.type).not.toBe('enum');
  });
});

describe('realism by name', () => {
  it('codes for currency, country, language, locale and time zone; small codes for integer enums; cents', () => {
    const { dataset } = run([
      {
        name: 'accounts',
        columns: [
          id,
          col('currency', 'character(3)', 'bpchar', { notNull: true }),
          col('country', 'character varying(2)', 'varchar', { notNull: true }),
          col('language_code', 'text', 'text', { notNull: true }),
          col('locale', 'character varying(10)', 'varchar', { notNull: true }),
          col('time_zone', 'character varying(64)', 'varchar', { notNull: true }),
          col('status', 'integer', 'int4', { notNull: true }),
          col('invoice_type', 'smallint', 'int2', { notNull: true }),
          col('amount_cents', 'bigint', 'int8', { notNull: true }),
        ],
        constraints: [pk('accounts', 'id')],
      },
    ]);
    const c = Object.fromEntries(dataset.tables[0]!.columns.map((x) => [x.name, x]));
    expect(c.currency).toMatchObject({ type: 'enum', values: expect.arrayContaining(['USD', 'EUR']) });
    expect(c.country).toMatchObject({ type: 'enum', values: expect.arrayContaining(['US', 'DE']) });
    expect(c.language_code?.values).toContain('en');
    expect(c.locale?.values).toContain('en-US');
    expect(c.time_zone?.values).toContain('Europe/Berlin');
    expect(c.status).toMatchObject({ type: 'int', min: 0, max: 4 });
    expect(c.invoice_type).toMatchObject({ type: 'int', min: 0, max: 4 });
    expect(c.amount_cents).toMatchObject({ type: 'bigint', min: 50, max: 500000 });
  });
});
