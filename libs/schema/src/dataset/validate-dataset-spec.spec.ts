import { ValidationError } from '@rowflow/contracts';
import { describe, expect, it } from 'vitest';
import { datasetCatalog, findDataset, resolveDataset } from './catalog-datasets.js';
import { datasetForeignKeys, datasetPgType } from './dataset-info.js';
import { validateDatasetSpec } from './validate-dataset-spec.js';

const users = { name: 'users', rows: 10, columns: [{ name: 'id', type: 'serial', primaryKey: true }, { name: 'email', type: 'email', unique: true }, { name: 'nick', type: 'username' }] };
const orders = { name: 'orders', rows: 20, columns: [{ name: 'id', type: 'serial', primaryKey: true }, { name: 'user_id', type: 'foreignKey', references: { table: 'users' } }] };

function ds(...tables: unknown[]): unknown {
  return { name: 'd', tables };
}

function error(input: unknown): ValidationError {
  try {
    validateDatasetSpec(input);
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return err as ValidationError;
  }
  throw new Error('expected a ValidationError');
}

describe('validateDatasetSpec', () => {
  it('resolves a reference without column to the primary key', () => {
    const v = validateDatasetSpec(ds(users, orders));
    expect(v.tables[1]?.columns[1]?.references).toEqual({ table: 'users', column: 'id' });
    expect(datasetForeignKeys(v)).toEqual([{ table: 'orders', column: 'user_id', references: { table: 'users', column: 'id' }, notNull: true, self: false }]);
  });

  it('accepts reference cycles and self-references (constraints come after loading)', () => {
    const a = { name: 'a', rows: 5, columns: [{ name: 'id', type: 'serial', primaryKey: true }, { name: 'b_id', type: 'foreignKey', references: { table: 'b' } }, { name: 'parent', type: 'foreignKey', references: { table: 'a' } }] };
    const b = { name: 'b', rows: 5, columns: [{ name: 'id', type: 'uuid', primaryKey: true }, { name: 'a_id', type: 'foreignKey', references: { table: 'a' } }] };
    const v = validateDatasetSpec(ds(a, b));
    expect(datasetForeignKeys(v).find((f) => f.self)).toMatchObject({ table: 'a', column: 'parent', notNull: false });
    expect(datasetPgType(v, v.tables[0]!.columns[1]!)).toBe('uuid');
    expect(datasetPgType(v, v.tables[1]!.columns[1]!)).toBe('bigint');
  });

  it.each([
    ['not an object', 'x', 'dataset'],
    ['unknown dataset key', { name: 'd', tables: [users], tabels: [] }, 'dataset.tabels'],
    ['no tables', { name: 'd', tables: [] }, 'dataset.tables'],
    ['unknown table key', ds({ ...users, row: 5 }), 'dataset.tables[0].row'],
    ['no rows', ds({ ...users, rows: undefined }), 'dataset.tables[0].rows'],
    ['rows 0', ds({ ...users, rows: 0 }), 'dataset.tables[0].rows'],
    ['rows and perParent', ds(users, { ...orders, perParent: { table: 'users', distribution: 'fixed', count: 1 } }), 'dataset.tables[1].rows'],
    ['duplicate table', ds(users, users), 'dataset.tables[1].name'],
    ['unknown parent table', ds(users, { ...orders, columns: [{ name: 'u', type: 'foreignKey', references: { table: 'user' } }] }), 'dataset.tables[1].columns[0].references.table'],
    ['unknown parent column', ds(users, { ...orders, columns: [{ name: 'u', type: 'foreignKey', references: { table: 'users', column: 'emial' } }] }), 'dataset.tables[1].columns[0].references.column'],
    ['non-unique parent column', ds(users, { ...orders, columns: [{ name: 'u', type: 'foreignKey', references: { table: 'users', column: 'nick' } }] }), 'dataset.tables[1].columns[0].references.column'],
    ['parent without primary key', ds({ ...users, columns: [{ name: 'x', type: 'int' }] }, orders), 'dataset.tables[1].columns[1].references.column'],
    ['rows in a dataset reference', ds(users, { ...orders, columns: [{ name: 'u', type: 'foreignKey', references: { table: 'users', rows: 5 } }] }), 'dataset.tables[1].columns[0].references.rows'],
    ['perParent self', ds({ ...users, rows: undefined, perParent: { table: 'users', distribution: 'fixed', count: 1 } }), 'dataset.tables[0].perParent.table'],
    ['perParent unknown', ds(users, { ...orders, rows: undefined, perParent: { table: 'usr', distribution: 'fixed', count: 1 } }), 'dataset.tables[1].perParent.table'],
    ['perParent bad distribution', ds(users, { ...orders, rows: undefined, perParent: { table: 'users', distribution: 'gauss' } }), 'dataset.tables[1].perParent.distribution'],
    ['perParent wrong param', ds(users, { ...orders, rows: undefined, perParent: { table: 'users', distribution: 'fixed', mean: 1 } }), 'dataset.tables[1].perParent.mean'],
    ['perParent missing count', ds(users, { ...orders, rows: undefined, perParent: { table: 'users', distribution: 'fixed' } }), 'dataset.tables[1].perParent.count'],
    ['perParent min > max', ds(users, { ...orders, rows: undefined, perParent: { table: 'users', distribution: 'uniform', min: 3, max: 1 } }), 'dataset.tables[1].perParent.min'],
    ['perParent poisson without mean', ds(users, { ...orders, rows: undefined, perParent: { table: 'users', distribution: 'poisson' } }), 'dataset.tables[1].perParent.mean'],
    ['bad column inside', ds({ ...users, columns: [{ name: 'id', type: 'serial', nullRatio: 2 }] }), 'dataset.tables[0].columns[0].nullRatio'],
  ])('%s → %s', (_label, input, field) => {
    expect(error(input).field).toBe(field);
  });

  it('rejects cyclic perParent chains, naming the cycle', () => {
    const a = { name: 'a', perParent: { table: 'b', distribution: 'fixed', count: 1 }, columns: [{ name: 'id', type: 'serial' }] };
    const b = { name: 'b', perParent: { table: 'a', distribution: 'fixed', count: 1 }, columns: [{ name: 'id', type: 'serial' }] };
    const err = error(ds(a, b));
    expect(err.field).toBe('dataset.tables[0].perParent.table');
    expect(err.message).toMatch(/cyclic: a → b → a/);
  });
});

describe('catalog datasets', () => {
  it('has shop and org; findDataset suggests names on a miss; resolveDataset takes names and specs', () => {
    expect(datasetCatalog.map((d) => d.name)).toEqual(['shop', 'org']);
    expect(findDataset('shop').tables.find((t) => t.name === 'orders')?.perParent?.table).toBe('users');
    expect(() => findDataset('shoop')).toThrow('dataset: unknown dataset "shoop"; known: shop, org');
    expect(resolveDataset('org').name).toBe('org');
    expect(resolveDataset(ds(users)).name).toBe('d');
  });
});
