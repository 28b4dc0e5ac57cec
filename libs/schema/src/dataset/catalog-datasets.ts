import { type ColumnSpec, type DatasetCatalogEntry, type DatasetSpec, ValidationError } from '@rowflow/contracts';
import { catalog } from '../catalog.js';
import { datasetForeignKeys } from './dataset-info.js';
import { validateDatasetSpec } from './validate-dataset-spec.js';

function catalogColumns(table: string, replace: Record<string, ColumnSpec> = {}): ColumnSpec[] {
  const entry = catalog.find((t) => t.name === table);
  if (!entry) throw new Error(`catalog table ${table} missing`);
  return entry.columns.map((c) => replace[c.name] ?? c);
}

/** An online shop: users order 0..n times, each order has 1..5 items pointing at products. */
const shop: DatasetSpec = {
  name: 'shop',
  description: 'Online shop: users, products, orders (Poisson, mean 3 per user) and order_items (1-5 per order, popular products more often)',
  tables: [
    { name: 'users', rows: 1000, columns: catalogColumns('users') },
    { name: 'products', rows: 200, columns: catalogColumns('products') },
    {
      name: 'orders',
      perParent: { table: 'users', distribution: 'poisson', mean: 3 },
      columns: catalogColumns('orders', {
        user_id: { name: 'user_id', type: 'foreignKey', references: { table: 'users', column: 'id' } },
      }),
    },
    {
      name: 'order_items',
      perParent: { table: 'orders', distribution: 'uniform', min: 1, max: 5 },
      columns: [
        { name: 'id', type: 'serial', primaryKey: true },
        { name: 'order_id', type: 'foreignKey', references: { table: 'orders', column: 'id' } },
        { name: 'product_id', type: 'foreignKey', references: { table: 'products', column: 'id' }, distribution: 'zipf' },
        { name: 'quantity', type: 'int', min: 1, max: 10, distribution: 'zipf' },
        { name: 'unit_price', type: 'decimal', precision: 8, scale: 2, min: 0.5, max: 999.99 },
      ],
    },
  ],
};

/** A company: uuid-keyed departments, employees with a manager (self-reference) and text keys. */
const org: DatasetSpec = {
  name: 'org',
  description: 'Company: departments (uuid keys), employees with a manager among earlier employees, projects and assignments by employee email',
  tables: [
    {
      name: 'departments',
      rows: 20,
      columns: [
        { name: 'id', type: 'uuid', primaryKey: true },
        { name: 'code', type: 'int', unique: true, min: 100, max: 999 },
        { name: 'name', type: 'text', mode: 'word' },
        { name: 'city', type: 'city' },
      ],
    },
    {
      name: 'employees',
      rows: 500,
      columns: [
        { name: 'id', type: 'serial', primaryKey: true },
        { name: 'email', type: 'email', unique: true },
        { name: 'first_name', type: 'firstName' },
        { name: 'last_name', type: 'lastName' },
        { name: 'job_title', type: 'jobTitle' },
        { name: 'department_id', type: 'foreignKey', references: { table: 'departments', column: 'id' }, distribution: 'zipf' },
        { name: 'manager_id', type: 'foreignKey', references: { table: 'employees', column: 'id' }, distribution: 'zipf' },
        { name: 'hired_at', type: 'date', from: '2010-01-01', to: '2025-12-31' },
      ],
    },
    {
      name: 'projects',
      perParent: { table: 'departments', distribution: 'zipf', min: 0, max: 8 },
      columns: [
        { name: 'id', type: 'bigint', primaryKey: true, min: 1, max: 9_000_000_000 },
        { name: 'department_code', type: 'foreignKey', references: { table: 'departments', column: 'code' } },
        { name: 'name', type: 'text', mode: 'productName' },
        { name: 'budget', type: 'decimal', precision: 12, scale: 2, min: 1000, max: 5_000_000, distribution: 'zipf' },
      ],
    },
    {
      name: 'assignments',
      perParent: { table: 'employees', distribution: 'fixed', count: 2 },
      columns: [
        { name: 'id', type: 'serial', primaryKey: true },
        { name: 'employee_email', type: 'foreignKey', references: { table: 'employees', column: 'email' } },
        { name: 'project_id', type: 'foreignKey', references: { table: 'projects', column: 'id' }, nullRatio: 0.1 },
        { name: 'role', type: 'enum', values: ['lead', 'member', 'reviewer'], weights: [1, 6, 2] },
      ],
    },
  ],
};

/** Built-in datasets, validated at load so a bad catalog edit fails fast. */
export const datasetCatalog: DatasetCatalogEntry[] = [shop, org].map((d) => {
  const valid = validateDatasetSpec(d, `catalog.${d.name}`);
  return { ...valid, description: d.description ?? '', foreignKeys: datasetForeignKeys(valid) };
});

/** The catalog dataset called `name`; `ValidationError('dataset', …)` listing known names otherwise. */
export function findDataset(name: string, field = 'dataset'): DatasetSpec {
  const found = datasetCatalog.find((d) => d.name === name);
  if (!found) throw new ValidationError(field, `unknown dataset "${name}"; known: ${datasetCatalog.map((d) => d.name).join(', ')}`);
  return { name: found.name, description: found.description, tables: found.tables };
}

/** A request's `dataset`: a catalog name or an inline spec (validated). */
export function resolveDataset(input: unknown, field = 'dataset'): DatasetSpec {
  if (typeof input === 'string') return findDataset(input, field);
  return validateDatasetSpec(input, field);
}
