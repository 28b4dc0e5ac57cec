import type { ColumnSpec } from '@rowflow/contracts';
import type { CatalogColumn } from './catalog-model.js';
import { guessDecimalRange, guessIntRange, guessText, guessTimeRange } from './name-heuristics.js';

export type Warn = (message: string) => void;

const INT_TYPES: Record<string, { min: number; max: number; type: 'int' | 'bigint' }> = {
  int2: { min: -32768, max: 32767, type: 'int' },
  int4: { min: -2147483648, max: 2147483647, type: 'int' },
  int8: { min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER, type: 'bigint' },
};
const TEXT_TYPES = new Set(['text', 'varchar', 'bpchar', 'citext', 'name']);

/** `(n)` or `(p,s)` of a formatted type, e.g. `character varying(20)` → [20]. */
export function typeArgs(formatted: string): number[] {
  const m = /\(([\d,\s]+)\)(\[\])?$/.exec(formatted);
  return m ? (m[1] ?? '').split(',').map((x) => Number(x.trim())) : [];
}

/** A sequence (serial) or identity default: the column is the table's counter. */
export function isSequence(col: CatalogColumn): boolean {
  return col.identity !== undefined || /^nextval\(/.test(col.default ?? '');
}

function intColumn(col: CatalogColumn, name: string): Omit<ColumnSpec, 'name'> {
  const t = INT_TYPES[col.typeName] ?? INT_TYPES.int4!;
  if (isSequence(col)) return t.type === 'bigint' ? { type: 'serial' } : { type: 'int', mode: 'sequence', min: 1 };
  const guess = guessIntRange(name);
  const min = Math.max(t.min, guess?.min ?? 0);
  const max = Math.min(t.max, guess?.max ?? (t.type === 'bigint' ? 1e12 : Math.min(t.max, 1_000_000)));
  return { type: t.type, min, max, ...(guess?.distribution ? { distribution: guess.distribution } : {}) };
}

function decimalColumn(col: CatalogColumn, name: string, warn: Warn): Omit<ColumnSpec, 'name'> {
  let [precision, scale] = typeArgs(col.formatted);
  if (col.typeName !== 'numeric') [precision, scale] = col.typeName === 'money' ? [12, 2] : [12, 4];
  else if (precision === undefined) {
    [precision, scale] = [12, 2];
    warn(`numeric without precision: values generated as numeric(12,2)`);
  }
  precision = Math.min(precision, 38);
  scale = Math.min(scale ?? 0, 15, precision);
  const limit = 10 ** (precision - scale) - 10 ** -scale;
  const guess = guessDecimalRange(name) ?? { min: 0, max: 1000 };
  return { type: 'decimal', precision, scale, min: Math.max(-limit, guess.min), max: Math.min(limit, guess.max) };
}

function textColumn(col: CatalogColumn, name: string, warn: Warn): Omit<ColumnSpec, 'name'> {
  const [len] = typeArgs(col.formatted);
  const maxLength = col.typeName === 'text' || col.typeName === 'citext' || len === undefined ? Infinity : len;
  const guess = guessText(name, maxLength);
  if (guess.fits) return guess.spec;
  if (guess.guessed) warn(`${col.formatted} is too short for realistic ${guess.spec.type} values: random ${Math.min(maxLength, 12)}-character strings`);
  return { type: 'char', length: Math.min(maxLength, 12) };
}

/** A fixed set of valid literals for types without a generator (the value is a typed default). */
function literals(col: CatalogColumn, values: string[], warn: Warn, what: string): Omit<ColumnSpec, 'name'> {
  warn(`${col.formatted}: no generator for this type; ${what} (${values.map((v) => JSON.stringify(v)).join(', ')})`);
  return { type: 'enum', values };
}

const INT_ELEMENTS = new Set(['int2', 'int4', 'int8', 'numeric', 'float4', 'float8']);

function arrayColumn(col: CatalogColumn, warn: Warn): Omit<ColumnSpec, 'name'> {
  const el = col.elementType ?? '';
  if (INT_ELEMENTS.has(el)) return literals(col, ['{}', '{1}', '{1,2,3}', '{7,42}'], warn, 'a few array literals');
  if (TEXT_TYPES.has(el)) return literals(col, ['{}', '{alpha}', '{alpha,beta}', '{red,green,blue}'], warn, 'a few array literals');
  return literals(col, ['{}'], warn, 'empty arrays');
}

/**
 * The generator for one catalog column by its type (and its name for realism), before keys,
 * checks and nullability are applied; null when it cannot be written (omitted with a warning).
 */
export function mapColumnType(col: CatalogColumn, warn: Warn): Omit<ColumnSpec, 'name'> | null {
  if (col.generated) {
    warn('generated column: omitted (the database computes it)');
    return null;
  }
  if (col.enumLabels) return { type: 'enum', values: col.enumLabels };
  if (col.elementType) return arrayColumn(col, warn);
  return mapScalar(col, warn);
}

function mapScalar(col: CatalogColumn, warn: Warn): Omit<ColumnSpec, 'name'> | null {
  const name = col.name;
  if (INT_TYPES[col.typeName]) return intColumn(col, name);
  if (TEXT_TYPES.has(col.typeName)) return textColumn(col, name, warn);
  switch (col.typeName) {
    case 'numeric':
    case 'float4':
    case 'float8':
    case 'money':
      return decimalColumn(col, name, warn);
    case 'bool':
      return { type: 'boolean' };
    case 'uuid':
      return { type: 'uuid' };
    case 'date':
      return { type: 'date', ...guessTimeRange(name, true) };
    case 'timestamp':
    case 'timestamptz':
      return { type: col.typeName, ...guessTimeRange(name, false) };
    case 'json':
    case 'jsonb':
      return { type: 'json' };
    case 'inet':
    case 'cidr':
      return { type: 'ip' };
    case 'vector': {
      const [dimensions] = typeArgs(col.formatted);
      if (dimensions === undefined) warn('vector without a dimension: 16 dimensions generated');
      return { type: 'vector', dimensions: dimensions ?? 16 };
    }
    case 'time':
    case 'timetz':
      return literals(col, ['08:00:00', '09:30:00', '12:00:00', '13:15:00', '17:45:00'], warn, 'a few times of day');
    case 'interval':
      return literals(col, ['00:15:00', '01:00:00', '1 day', '2 days', '7 days'], warn, 'a few intervals');
    case 'bytea':
      return literals(col, ['\\x', '\\xdeadbeef', '\\x00ff'], warn, 'a few byte strings');
    case 'macaddr':
      return literals(col, ['08:00:2b:01:02:03', '00:1a:2b:3c:4d:5e'], warn, 'a few addresses');
    default:
      return null;
  }
}
