import { type CatalogEntry, type ColumnSpec, type TableSpec, ValidationError } from '@rowflow/contracts';
import { DEFAULT_FK_ROWS } from './column-types.js';
import { pgType as basePgType, type PgTypeOptions } from './pg-type.js';
import { validateTableSpec } from './validate-table-spec.js';

const users: CatalogEntry = {
  name: 'users',
  description: 'People with coherent name/email/username; city, phone and street address of the row country',
  columns: [
    { name: 'id', type: 'serial', primaryKey: true },
    { name: 'first_name', type: 'firstName' },
    { name: 'last_name', type: 'lastName' },
    { name: 'email', type: 'email', unique: true },
    { name: 'username', type: 'username', unique: true },
    { name: 'phone', type: 'phone', nullRatio: 0.1 },
    { name: 'street_address', type: 'streetAddress' },
    { name: 'city', type: 'city' },
    { name: 'country', type: 'country' },
    { name: 'company', type: 'company', nullRatio: 0.2 },
    { name: 'job_title', type: 'jobTitle', nullRatio: 0.2 },
    { name: 'birth_date', type: 'date', from: '1950-01-01', to: '2007-12-31' },
    { name: 'is_active', type: 'boolean', weights: [0.85, 0.15] },
    { name: 'created_at', type: 'timestamptz', from: '2020-01-01T00:00:00Z', to: '2025-12-31T23:59:59Z' },
  ],
};

const orders: CatalogEntry = {
  name: 'orders',
  description: `Orders; user_id references users.id (1..${DEFAULT_FK_ROWS.toLocaleString('en-US')} by default, zipf: some users order a lot)`,
  columns: [
    { name: 'id', type: 'serial', primaryKey: true },
    { name: 'user_id', type: 'foreignKey', references: { table: 'users', column: 'id', rows: DEFAULT_FK_ROWS }, distribution: 'zipf' },
    { name: 'order_ref', type: 'uuid', unique: true },
    { name: 'status', type: 'enum', values: ['pending', 'paid', 'shipped', 'delivered', 'cancelled', 'refunded'], weights: [5, 10, 15, 60, 7, 3] },
    { name: 'total', type: 'decimal', precision: 10, scale: 2, min: 1, max: 2500, distribution: 'normal' },
    { name: 'currency', type: 'enum', values: ['USD', 'EUR', 'GBP', 'JPY', 'CAD'], weights: [60, 20, 10, 5, 5] },
    { name: 'items', type: 'int', min: 1, max: 12, distribution: 'zipf' },
    { name: 'shipping_city', type: 'city' },
    { name: 'shipping_country', type: 'country' },
    { name: 'note', type: 'text', mode: 'sentence', nullRatio: 0.8 },
    { name: 'ordered_at', type: 'timestamptz', from: '2023-01-01T00:00:00Z', to: '2025-12-31T23:59:59Z' },
  ],
};

const products: CatalogEntry = {
  name: 'products',
  description: 'Product catalogue with prices, stock, JSON attributes and a 16-d embedding',
  columns: [
    { name: 'id', type: 'serial', primaryKey: true },
    { name: 'sku', type: 'char', length: 12 },
    { name: 'name', type: 'text', mode: 'productName' },
    { name: 'description', type: 'text', mode: 'paragraph' },
    { name: 'category', type: 'enum', values: ['Books', 'Electronics', 'Garden', 'Grocery', 'Home', 'Sports', 'Toys', 'Clothing'] },
    { name: 'price', type: 'decimal', precision: 8, scale: 2, min: 0.5, max: 999.99 },
    { name: 'stock', type: 'int', min: 0, max: 5000, distribution: 'zipf' },
    { name: 'weight_kg', type: 'decimal', precision: 7, scale: 3, min: 0.01, max: 40, nullRatio: 0.05 },
    { name: 'attributes', type: 'json' },
    { name: 'embedding', type: 'vector', dimensions: 16 },
    { name: 'created_at', type: 'timestamp', from: '2019-01-01T00:00:00', to: '2025-12-31T23:59:59' },
  ],
};

const events: CatalogEntry = {
  name: 'events',
  description: 'Event-time clickstream: occurred_at increases with the row (about 50 ms apart), user_id references users.id',
  columns: [
    { name: 'id', type: 'serial', primaryKey: true },
    { name: 'occurred_at', type: 'timestamptz', mode: 'sequence', from: '2025-01-01T00:00:00Z', stepMs: 50 },
    { name: 'user_id', type: 'foreignKey', references: { table: 'users', column: 'id', rows: DEFAULT_FK_ROWS }, nullRatio: 0.15 },
    { name: 'session_id', type: 'uuid' },
    { name: 'event_type', type: 'enum', values: ['page_view', 'click', 'search', 'add_to_cart', 'purchase', 'signup', 'logout'], weights: [50, 25, 10, 7, 3, 2, 3] },
    { name: 'url', type: 'url' },
    { name: 'ip', type: 'ip' },
    { name: 'country', type: 'country' },
    { name: 'duration_ms', type: 'int', min: 1, max: 60000, distribution: 'zipf' },
    { name: 'properties', type: 'json', nullRatio: 0.3 },
  ],
};

/** The `events` shape with production-like time: disorder, late arrivals and re-delivered duplicates. */
const clickstream: CatalogEntry = {
  name: 'clickstream',
  description: 'Event-time clickstream with disorder: 200 events/s of event time, up to 2 s out of order, 2% late (up to 60 s), 1% duplicates',
  duplicateRatio: 0.01,
  columns: [
    // Not a primary key: a re-delivered duplicate repeats its id, as at-least-once delivery does.
    { name: 'id', type: 'serial' },
    { name: 'occurred_at', type: 'timestamptz', mode: 'eventTime', start: '2025-01-01T00:00:00Z', ratePerSec: 200, maxOutOfOrderMs: 2000, lateRatio: 0.02, lateMaxMs: 60_000 },
    { name: 'user_id', type: 'foreignKey', references: { table: 'users', column: 'id', rows: DEFAULT_FK_ROWS }, distribution: 'zipf', nullRatio: 0.1 },
    { name: 'session_id', type: 'uuid' },
    { name: 'event_type', type: 'enum', values: ['page_view', 'click', 'search', 'add_to_cart', 'purchase', 'signup', 'logout'], weights: [50, 25, 10, 7, 3, 2, 3] },
    { name: 'country', type: 'country' },
    { name: 'duration_ms', type: 'int', min: 1, max: 60000, distribution: 'zipf' },
    { name: 'revenue', type: 'decimal', precision: 8, scale: 2, min: 0, max: 500, nullRatio: 0.9 },
  ],
};

const pgbenchAccounts: CatalogEntry = {
  name: 'pgbench_accounts',
  description: "Same shape and values as pgbench -i: aid 1..n, bid = (aid-1)/100000+1, abalance 0, blank filler char(84)",
  columns: [
    { name: 'aid', type: 'int', mode: 'sequence', min: 1, primaryKey: true },
    { name: 'bid', type: 'int', mode: 'block', blockSize: 100_000, min: 1 },
    { name: 'abalance', type: 'int', min: 0, max: 0 },
    { name: 'filler', type: 'char', length: 84, mode: 'blank' },
  ],
};

/** Built-in tables, validated at load so a bad catalog edit fails fast. */
export const catalog: CatalogEntry[] = [users, orders, products, events, clickstream, pgbenchAccounts].map((t) => {
  validateTableSpec(t, `catalog.${t.name}`);
  return t;
});

/** The catalog table called `name`; `ValidationError('table', …)` listing known names otherwise. */
export function findTable(name: string): TableSpec {
  const found = catalog.find((t) => t.name === name);
  if (!found) {
    throw new ValidationError('table', `unknown table "${name}"; known: ${catalog.map((t) => t.name).join(', ')}`);
  }
  return found;
}

/** Key type of a foreign key's parent: the catalog column's type when known, else bigint. */
export function catalogKeyType(column: ColumnSpec): string {
  const ref = column.references;
  const parent = ref && catalog.find((t) => t.name === ref.table);
  const key = parent?.columns.find((c) => (ref?.column ? c.name === ref.column : c.primaryKey));
  return key && key.type !== 'foreignKey' ? basePgType(key) : 'bigint';
}

/**
 * PostgreSQL column type for a generated column (see pg-type.ts); foreign keys resolve to the
 * catalog parent's key type (bigint for unknown parents).
 */
export function pgType(column: ColumnSpec, opts: PgTypeOptions = {}): string {
  return basePgType(column, catalogKeyType, opts);
}
