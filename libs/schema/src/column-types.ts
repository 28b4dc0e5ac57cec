import type { ColumnSpec, ColumnType, Distribution } from '@rowflow/contracts';

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
];

/** Types whose values can be unique by construction (sequence, keyed bijection or suffix). */
export const UNIQUE_TYPES: readonly ColumnType[] = ['serial', 'int', 'bigint', 'uuid', 'email', 'username'];

/** Types that take a `distribution`. */
export const DISTRIBUTION_TYPES: readonly ColumnType[] = ['int', 'bigint', 'decimal', 'foreignKey'];

export const DISTRIBUTIONS: readonly Distribution[] = ['uniform', 'normal', 'zipf'];

/** `mode` values per type (the first is the default). */
export const MODES: Partial<Record<ColumnType, readonly string[]>> = {
  text: ['words', 'word', 'sentence', 'paragraph', 'productName'],
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
