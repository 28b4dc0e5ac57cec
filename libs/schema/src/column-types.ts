import type { ArrayElementSpec, ColumnSpec, ColumnType, Distribution, GeometryType, RangeSubtype } from '@rowflow/contracts';

/** Every column type the generator understands, in the order the docs list them. */
export const COLUMN_TYPES: readonly ColumnType[] = [
  'serial',
  'int',
  'bigint',
  'decimal',
  'boolean',
  'uuid',
  'text',
  'enum',
  'date',
  'timestamp',
  'timestamptz',
  'firstName',
  'lastName',
  'fullName',
  'email',
  'username',
  'phone',
  'streetAddress',
  'city',
  'country',
  'company',
  'jobTitle',
  'url',
  'ip',
  'json',
  'vector',
  'char',
  'foreignKey',
  'bytes',
  'time',
  'interval',
  'macaddr',
  'cidr',
  'money',
  'array',
  'range',
  'hstore',
  'geometry',
  'pattern',
];

/** Types an array's `element` may have (nested arrays use `dimensions`; keys need a table). */
export const ARRAY_ELEMENT_TYPES: readonly ColumnType[] = COLUMN_TYPES.filter((t) => t !== 'array' && t !== 'serial' && t !== 'foreignKey');

/** Types that take `after: {column}` (ordered values: number, date, time of day). */
/** Types whose text values `maxLength` shortens (text and the realistic text types). */
export const SHORTENED_TYPES: readonly ColumnType[] = ['text', 'firstName', 'lastName', 'fullName', 'email', 'username', 'phone', 'streetAddress', 'city', 'country', 'company', 'jobTitle', 'url'];
export const AFTER_TYPES: readonly ColumnType[] = ['int', 'bigint', 'decimal', 'date', 'timestamp', 'timestamptz', 'time'];
/** Types a `countryColumn` may name: they hold a country's name or code. */
export const COUNTRY_HOLDING_TYPES: readonly ColumnType[] = ['country', 'enum', 'text', 'char', 'pattern'];

export const RANGE_SUBTYPES: readonly RangeSubtype[] = ['int4range', 'int8range', 'numrange', 'daterange', 'tsrange', 'tstzrange'];
export const GEOMETRY_TYPES: readonly GeometryType[] = ['Point', 'LineString', 'Polygon', 'MultiPoint', 'MultiLineString', 'MultiPolygon'];

/** Range subtypes whose bounds are dates/instants (`from`/`to`), not numbers. */
export function isTemporalRange(subtype: RangeSubtype | undefined): boolean {
  return subtype === 'daterange' || subtype === 'tsrange' || subtype === 'tstzrange';
}

/** Defaults of the types added with PostgreSQL's wider type set. */
export const DEFAULT_BYTES_LENGTH = { min: 4, max: 32 };
export const DEFAULT_ARRAY_LENGTH = { min: 0, max: 4 };
/** interval: 0 .. 30 days, in seconds. */
export const DEFAULT_INTERVAL_SECONDS = { min: 0, max: 30 * 86_400 };
export const DEFAULT_MONEY = { min: 0, max: 1000 };
/** money's range: int64 cents. */
export const MONEY_LIMIT = 92_233_720_368_547;
export const DEFAULT_SRID = 4326;
export const DEFAULT_ARRAY_ELEMENT: ArrayElementSpec = { type: 'int' };
export const DEFAULT_RANGE_SUBTYPE: RangeSubtype = 'int4range';
export const DEFAULT_PATTERN = '^[A-Z]{3}-[0-9]{4}$';

/** Types whose values can be unique by construction (sequence, keyed bijection or suffix). */
export const UNIQUE_TYPES: readonly ColumnType[] = ['serial', 'int', 'bigint', 'uuid', 'email', 'username'];

/** Types that take a `distribution`. */
export const DISTRIBUTION_TYPES: readonly ColumnType[] = ['int', 'bigint', 'decimal', 'foreignKey'];

export const DISTRIBUTIONS: readonly Distribution[] = ['uniform', 'normal', 'zipf'];

/** `mode` values per type (the first is the default). */
export const MODES: Partial<Record<ColumnType, readonly string[]>> = {
  text: ['words', 'word', 'sentence', 'paragraph', 'productName', 'postalCode', 'state'],
  int: ['random', 'sequence', 'block'],
  timestamp: ['random', 'sequence', 'eventTime'],
  timestamptz: ['random', 'sequence', 'eventTime'],
  char: ['random', 'blank'],
};

/** PostgreSQL integer bounds: int columns land in `integer`. */
export const INT32_MIN = -2147483648;
export const INT32_MAX = 2147483647;

/** Default parent row count for a foreign key without `references.rows`. */
export const DEFAULT_FK_ROWS = 100_000;
/** Default vector dimension and char length. */
export const DEFAULT_VECTOR_DIMENSIONS = 16;
export const DEFAULT_CHAR_LENGTH = 10;
/** Fixed reference instant: date/timestamp defaults are relative to it, never to `Date.now()`. */
export const REFERENCE_DATE = '2026-01-01T00:00:00.000Z';
/** Default ranges (relative to REFERENCE_DATE) when `from`/`to` are absent. */
export const DEFAULT_DATE_FROM = '2021-01-01T00:00:00.000Z';

/** Effective numeric(precision, scale) and [min, max] of a decimal column (defaults applied). */
export function decimalBounds(col: ColumnSpec): { precision: number; scale: number; min: number; max: number } {
  const precision = col.precision ?? 10;
  const scale = col.scale ?? Math.min(2, precision);
  const limit = 10 ** (precision - scale) - 10 ** -scale;
  const min = col.min ?? 0;
  return { precision, scale, min, max: col.max ?? Math.max(min, Math.min(1000, limit)) };
}
