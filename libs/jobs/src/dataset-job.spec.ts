import { ValidationError } from '@rowflow/contracts';
import { describe, expect, it } from 'vitest';
import { planConstraints } from './constraint-plan.js';
import { parseJobRequest } from './job-spec.js';
import { constraintName } from './sql-names.js';
import { qualify } from './target-ref.js';
import { createTableSql } from './target-table.js';

const LIMITS = { maxRows: 1_000_000 };
const DATASET = {
  name: 'shop',
  tables: [
    {
      name: 'orders',
      rows: 50,
      columns: [
        { name: 'id', type: 'serial', primaryKey: true },
        { name: 'user_ref', type: 'foreignKey', references: { table: 'users', column: 'ref' } },
        { name: 'user_id', type: 'foreignKey', references: { table: 'users' } },
      ],
    },
    {
      name: 'users',
      rows: 10,
      columns: [
        { name: 'id', type: 'serial', primaryKey: true },
        { name: 'ref', type: 'uuid', unique: true },
        { name: 'boss', type: 'foreignKey', references: { table: 'users' }, nullRatio: 0.5 },
      ],
    },
  ],
};

function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof ValidationError) return err.field;
    throw err;
  }
  return undefined;
}

describe('dataset job definitions', () => {
  it('one table definition per dataset table, rows from the spec, FK row counts and columns from the parent', () => {
    const def = parseJobRequest({ dataset: DATASET, seed: 3, partitions: 4, targetPrefix: 'x_' }, LIMITS);
    expect(def.tables.map((t) => [t.name, t.targetTable, t.rows, t.dependsOn])).toEqual([
      ['orders', 'x_orders', 50, []],
      ['users', 'x_users', 10, []],
    ]);
    expect(def.rows).toBe(60);
    expect(def.dataset?.name).toBe('shop');
    expect(def.tables[0]!.schema.columns[2]!.references).toEqual({ table: 'users', column: 'id' });
    expect('rows' in def.tables[0]!.schema).toBe(false);
  });

  it('append mode: a child waits for its parents, never for itself', () => {
    const def = parseJobRequest({ dataset: DATASET, mode: 'append' }, LIMITS);
    expect(def.tables.map((t) => t.dependsOn)).toEqual([[1], []]);
  });

  it('append mode: a key taken from further down a shared-key chain waits for the table its constraint names (via), which must be in the dataset', () => {
    const chain = (via: string) => ({
      name: 'hr',
      tables: [
        { name: 'documents', rows: 30, columns: [{ name: 'id', type: 'serial', primaryKey: true }, { name: 'owner', type: 'foreignKey', references: { table: 'entities', column: 'id', via } }] },
        { name: 'employees', perParent: { table: 'entities', distribution: 'fixed', count: 1 }, columns: [{ name: 'entity_id', type: 'foreignKey', references: { table: 'entities', column: 'id' } }] },
        { name: 'entities', rows: 10, columns: [{ name: 'id', type: 'serial', primaryKey: true }] },
      ],
    });
    const def = parseJobRequest({ dataset: chain('employees'), mode: 'append' }, LIMITS);
    expect(def.tables.map((t) => t.dependsOn)).toEqual([[1], [2], []]);
    expect(fieldOf(() => parseJobRequest({ dataset: chain('employes'), mode: 'append' }, LIMITS))).toBe('dataset.tables[0].columns[1].references.via');
  });

  it('append mode: a foreign-key cycle is broken at a nullable key, loaded NULL, and said; create keeps the spec as given', () => {
    const cyclic = (nullable: boolean) => ({
      name: 'org',
      tables: [
        { name: 'departments', rows: 5, columns: [{ name: 'id', type: 'serial', primaryKey: true }, { name: 'head_id', type: 'foreignKey', references: { table: 'employees' }, ...(nullable ? { nullRatio: 0.1 } : {}) }] },
        { name: 'employees', rows: 20, columns: [{ name: 'id', type: 'serial', primaryKey: true }, { name: 'dept_id', type: 'foreignKey', references: { table: 'departments' } }] },
      ],
    });
    const def = parseJobRequest({ dataset: cyclic(true), mode: 'append' }, LIMITS);
    expect(def.tables.map((t) => t.dependsOn)).toEqual([[], [0]]);
    expect(def.dataset?.tables[0]!.columns[1]).toMatchObject({ name: 'head_id', nullRatio: 1 });
    expect(def.tables[0]!.schema.columns[1]).toMatchObject({ name: 'head_id', nullRatio: 1 });
    expect(def.warnings).toEqual([expect.stringMatching(/^departments\.head_id → employees: loaded NULL in every row .*departments\.head_id → employees, employees\.dept_id → departments/)]);
    // create adds the foreign keys after the load: nothing to break.
    expect(parseJobRequest({ dataset: cyclic(true), mode: 'create' }, LIMITS).dataset?.tables[0]!.columns[1]).toMatchObject({ nullRatio: 0.1 });
    // No nullable key in the cycle: refused on mode, naming every edge.
    expect(() => parseJobRequest({ dataset: cyclic(false), mode: 'append' }, LIMITS)).toThrow(/mode.*cycle of NOT NULL foreign keys \(departments\.head_id → employees, employees\.dept_id → departments\)/);
    expect(fieldOf(() => parseJobRequest({ dataset: cyclic(false), mode: 'truncate' }, LIMITS))).toBe('mode');
  });

  it('single-table jobs are a dataset of one table and refuse unknown keys with a hint', () => {
    const def = parseJobRequest({ table: 'users', rows: 5, targetTable: 'u' }, LIMITS);
    expect(def.tables).toEqual([{ name: 'users', targetTable: 'u', schema: def.schema, rows: 5, dependsOn: [] }]);
    expect(def.dataset).toBeNull();
    expect(() => parseJobRequest({ table: 'users', rows: 5, chunksize: 10 }, LIMITS)).toThrow(/did you mean "chunkSize"/);
    expect(fieldOf(() => parseJobRequest({ table: 'users', rows: 5, targetPrefix: 'p' }, LIMITS))).toBe('targetPrefix');
  });

  it('the constraint plan: keys of every table, then FKs inside the dataset; nothing for append', () => {
    const def = parseJobRequest({ dataset: DATASET }, LIMITS);
    expect(planConstraints(def.tables, 'create', true).map((k) => [k.name, k.kind, k.columns, k.refTableIndex, k.refColumns])).toEqual([
      ['orders_pkey', 'primaryKey', ['id'], undefined, undefined],
      ['users_pkey', 'primaryKey', ['id'], undefined, undefined],
      ['users_ref_key', 'unique', ['ref'], undefined, undefined],
      ['orders_user_ref_fkey', 'foreignKey', ['user_ref'], 1, ['ref']],
      ['orders_user_id_fkey', 'foreignKey', ['user_id'], 1, ['id']],
      ['users_boss_fkey', 'foreignKey', ['boss'], 1, ['id']],
    ]);
    expect(planConstraints(def.tables, 'append', true)).toEqual([]);
    expect(planConstraints(def.tables, 'create', false).map((k) => k.kind)).not.toContain('foreignKey');
  });

  it('CREATE TABLE defers keys, keeps NOT NULL on key columns, and types an FK like its parent key', () => {
    const def = parseJobRequest({ dataset: DATASET }, LIMITS);
    const users = def.tables[1]!;
    expect(createTableSql({ schema: 'public', table: 'u' }, users.schema)).toBe('CREATE TABLE "public"."u" ("id" bigint NOT NULL, "ref" uuid NOT NULL, "boss" bigint)');
    expect(createTableSql({ schema: 'public', table: 'u' }, users.schema, { inlineConstraints: true })).toBe('CREATE TABLE "public"."u" ("id" bigint NOT NULL, "ref" uuid NOT NULL UNIQUE, "boss" bigint, PRIMARY KEY ("id"))');
  });

  it('constraint names are deterministic, quoted when used, and never silently truncated by Postgres', () => {
    expect(constraintName('users', ['id'], 'pkey')).toBe('users_pkey');
    expect(constraintName('Orders', ['user id'], 'fkey')).toBe('Orders_user id_fkey');
    const long = constraintName('t'.repeat(60), ['c'.repeat(30)], 'key');
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(63);
    expect(long).toBe(constraintName('t'.repeat(60), ['c'.repeat(30)], 'key'));
    expect(long).not.toBe(constraintName('t'.repeat(60), ['d'.repeat(30)], 'key'));
    expect(Buffer.byteLength(constraintName('é'.repeat(40), ['x'], 'key'))).toBeLessThanOrEqual(63);
    expect(qualify({ schema: 'my"s', table: 'a.b' })).toBe('"my""s"."a.b"');
  });
});
