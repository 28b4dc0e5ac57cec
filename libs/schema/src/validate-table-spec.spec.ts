import { ValidationError } from '@rowflow/contracts';
import { describe, expect, it } from 'vitest';
import { catalog, findTable, pgType } from './catalog.js';
import { COLUMN_TYPES } from './column-types.js';
import { quoteIdent } from './pg-type.js';
import { validateTableSpec } from './validate-table-spec.js';

function fieldOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return (err as ValidationError).field;
  }
  throw new Error('expected a ValidationError');
}

const table = (columns: unknown[]) => ({ name: 't', columns });

describe('validateTableSpec', () => {
  it('accepts every catalog table and one column of every type', () => {
    for (const t of catalog) expect(validateTableSpec(t).columns.length).toBe(t.columns.length);
    const required: Record<string, object> = { enum: { values: ['a'] }, foreignKey: { references: { table: 'users' } }, array: { element: { type: 'int' } }, range: { subtype: 'int4range' }, pattern: { pattern: '^a$' } };
    const all = COLUMN_TYPES.map((type) => ({ name: `c_${type}`, type, ...required[type] }));
    const spec = validateTableSpec(table(all));
    expect(spec.columns.find((c) => c.type === 'foreignKey')?.references?.rows).toBe(100_000);
  });

  it.each([
    ['not an object', 42, 'schema'],
    ['missing columns', { name: 't' }, 'schema.columns'],
    ['empty table name', { name: '', columns: [{ name: 'a', type: 'int' }] }, 'schema.name'],
    ['unknown type', table([{ name: 'a', type: 'int' }, { name: 'b', type: 'int' }, { name: 'c', type: 'foo' }]), 'schema.columns[2].type'],
    ['empty column name', table([{ name: '', type: 'int' }]), 'schema.columns[0].name'],
    ['duplicate column name', table([{ name: 'a', type: 'int' }, { name: 'a', type: 'text' }]), 'schema.columns[1].name'],
    ['identifier > 63 bytes', table([{ name: 'é'.repeat(32), type: 'int' }]), 'schema.columns[0].name'],
    ['nullRatio > 1', table([{ name: 'a', type: 'int', nullRatio: 1.5 }]), 'schema.columns[0].nullRatio'],
    ['nullRatio < 0', table([{ name: 'a', type: 'int', nullRatio: -0.1 }]), 'schema.columns[0].nullRatio'],
    ['nullRatio on unique', table([{ name: 'a', type: 'email', unique: true, nullRatio: 0.1 }]), 'schema.columns[0].nullRatio'],
    ['nullRatio on serial', table([{ name: 'a', type: 'serial', nullRatio: 0.1 }]), 'schema.columns[0].nullRatio'],
    ['min > max', table([{ name: 'a', type: 'int', min: 5, max: 1 }]), 'schema.columns[0].min'],
    ['int beyond int32', table([{ name: 'a', type: 'int', max: 2 ** 31 }]), 'schema.columns[0].max'],
    ['unique on text', table([{ name: 'a', type: 'text', unique: true }]), 'schema.columns[0].unique'],
    ['enum without values', table([{ name: 'a', type: 'enum' }]), 'schema.columns[0].values'],
    ['enum weights length', table([{ name: 'a', type: 'enum', values: ['x', 'y'], weights: [1] }]), 'schema.columns[0].weights'],
    ['NUL in enum value', table([{ name: 'a', type: 'enum', values: ['ok', 'x\u0000y'] }]), 'schema.columns[0].values[1]'],
    ['negative weight', table([{ name: 'a', type: 'enum', values: ['x', 'y'], weights: [1, -1] }]), 'schema.columns[0].weights[1]'],
    ['bad distribution', table([{ name: 'a', type: 'int', distribution: 'pareto' }]), 'schema.columns[0].distribution'],
    ['distribution on text', table([{ name: 'a', type: 'text', distribution: 'zipf' }]), 'schema.columns[0].distribution'],
    ['bad mode', table([{ name: 'a', type: 'text', mode: 'novel' }]), 'schema.columns[0].mode'],
    ['scale > precision', table([{ name: 'a', type: 'decimal', precision: 4, scale: 5 }]), 'schema.columns[0].scale'],
    ['decimal max too big', table([{ name: 'a', type: 'decimal', precision: 4, scale: 2, max: 100 }]), 'schema.columns[0].max'],
    ['bad date', table([{ name: 'a', type: 'date', from: 'yesterday' }]), 'schema.columns[0].from'],
    ['from after to', table([{ name: 'a', type: 'timestamp', from: '2024-01-02', to: '2024-01-01' }]), 'schema.columns[0].from'],
    ['vector dimensions 0', table([{ name: 'a', type: 'vector', dimensions: 0 }]), 'schema.columns[0].dimensions'],
    ['fk without references', table([{ name: 'a', type: 'foreignKey' }]), 'schema.columns[0].references'],
    ['fk rows 0', table([{ name: 'a', type: 'foreignKey', references: { table: 'users', rows: 0 } }]), 'schema.columns[0].references.rows'],
    ['block without size', table([{ name: 'a', type: 'int', mode: 'block' }]), 'schema.columns[0].blockSize'],
  ])('rejects %s naming the field', (_label, input, field) => {
    expect(fieldOf(() => validateTableSpec(input))).toBe(field);
  });

  it('lists the known types in the unknown-type message', () => {
    expect(() => validateTableSpec(table([{ name: 'a', type: 'foo' }]))).toThrow(/unknown type "foo"; expected one of serial, int/);
  });
});

describe('catalog', () => {
  it('has the built-in tables and findTable lists them on a miss', () => {
    expect(catalog.map((t) => t.name)).toEqual(['users', 'orders', 'products', 'events', 'clickstream', 'pgbench_accounts']);
    expect(findTable('orders').name).toBe('orders');
    expect(() => findTable('x')).toThrow('table: unknown table "x"; known: users, orders, products, events, clickstream, pgbench_accounts');
  });
});

describe('pgType / quoteIdent', () => {
  it('maps column types to PostgreSQL types', () => {
    expect(pgType({ name: 'a', type: 'serial' })).toBe('bigint');
    expect(pgType({ name: 'a', type: 'int' })).toBe('integer');
    expect(pgType({ name: 'a', type: 'decimal', precision: 8, scale: 3 })).toBe('numeric(8,3)');
    expect(pgType({ name: 'a', type: 'json' })).toBe('jsonb');
    expect(pgType({ name: 'a', type: 'vector' })).toBe('text');
    expect(pgType({ name: 'a', type: 'vector', dimensions: 3 }, { vector: true })).toBe('vector(3)');
    expect(pgType({ name: 'a', type: 'vector' }, { vector: true })).toBe('vector(16)');
    expect(pgType({ name: 'a', type: 'char', length: 84 })).toBe('char(84)');
    expect(pgType({ name: 'a', type: 'foreignKey', references: { table: 'users', column: 'id', rows: 5 } })).toBe('bigint');
    expect(pgType({ name: 'a', type: 'foreignKey', references: { table: 'pgbench_accounts', column: 'aid', rows: 5 } })).toBe('integer');
  });

  it('quotes identifiers, doubling embedded quotes', () => {
    expect(quoteIdent('a"b')).toBe('"a""b"');
  });
});

describe('strict keys (one zod schema)', () => {
  function errorOf(input: unknown): ValidationError {
    try {
      validateTableSpec(input);
    } catch (err) {
      expect(err).toBeInstanceOf(ValidationError);
      return err as ValidationError;
    }
    throw new Error('expected a ValidationError');
  }

  it.each([
    [table([{ name: 'a', type: 'int', nullratio: 0.1 }]), 'schema.columns[0].nullratio', /did you mean "nullRatio"/],
    [table([{ name: 'a', type: 'int' }, { name: 'b', type: 'text', mod: 'word' }]), 'schema.columns[1].mod', /did you mean "mode"/],
    [{ name: 't', colums: [] }, 'schema.colums', /did you mean "columns"/],
    [table([{ name: 'a', type: 'foreignKey', references: { table: 'users', rwos: 5 } }]), 'schema.columns[0].references.rwos', /did you mean "rows"/],
    [table([{ name: 'a', type: 'int', from: '2020-01-01' }]), 'schema.columns[0].from', /int columns take no "from"/],
    [table([{ name: 'a', type: 'text', unique: true }]), 'schema.columns[0].unique', /text columns cannot be unique; unique works for serial/],
  ])('%j → %s', (input, field, message) => {
    const err = errorOf(input);
    expect(err.field).toBe(field);
    expect(err.message).toMatch(message);
  });

  it('an unknown key wins over the missing key it misspells', () => {
    expect(errorOf(table([{ name: 'a', type: 'enum', valeus: ['x'] }])).field).toBe('schema.columns[0].valeus');
  });

  it('unique: false is accepted on any type; the output has only given keys', () => {
    expect(validateTableSpec(table([{ name: 'a', type: 'text', unique: false }])).columns[0]).toEqual({ name: 'a', type: 'text', unique: false });
  });
});
