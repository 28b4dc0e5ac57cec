import type { ColumnSpec, RangeSubtype } from '@rowflow/contracts';
import { DEFAULT_SRID, GEOMETRY_TYPES, RANGE_SUBTYPES, SHORTENED_TYPES } from '../column-types.js';
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
  // float4 keeps 6 significant decimal digits exactly, so values of numeric(6,2) load into `real`
  // unchanged; double precision keeps 15, room for numeric(12,4).
  if (col.typeName === 'float4') [precision, scale] = [6, 2];
  else if (col.typeName !== 'numeric') [precision, scale] = [12, 4];
  else if (precision === undefined) {
    [precision, scale] = [12, 2];
    warn(`numeric without precision: values generated as numeric(12,2)`);
  }
  if (precision > 38) {
    warn(`${col.formatted}: values generated as numeric(38,${Math.min(scale ?? 0, 38)}) (at most 38 digits)`);
    precision = 38;
  }
  scale = Math.min(scale ?? 0, precision);
  const limit = 10 ** (precision - scale) - 10 ** -scale;
  const guess = guessDecimalRange(name) ?? { min: 0, max: 1000 };
  return { type: 'decimal', precision, scale, min: Math.max(-limit, guess.min), max: Math.min(limit, guess.max) };
}

function textColumn(col: CatalogColumn, name: string, warn: Warn, table?: string): Omit<ColumnSpec, 'name'> {
  const [len] = typeArgs(col.formatted);
  const maxLength = col.typeName === 'text' || col.typeName === 'citext' || len === undefined ? Infinity : len;
  const { spec, note } = textWithin(name, maxLength, table);
  if (note) warn(`${col.formatted} ${note}`);
  return spec;
}

/**
 * Text for a column named `name` that holds at most `maxLength` characters (its varchar length or
 * a `char_length` CHECK): the realistic generator its name suggests; when some of its values are
 * longer, the same values shortened to fit (a `varchar(20)` email column gets
 * `john.smith@example`, not `87HMMRQ5O54N`); random characters only below 2 characters or for
 * generators that cannot be shortened (codes, addresses of the internet).
 */
export function textWithin(name: string, maxLength: number, table?: string): { spec: Omit<ColumnSpec, 'name'>; note?: string } {
  const guess = guessText(name, maxLength, table);
  if (guess.fits) return { spec: guess.spec };
  if (SHORTENED_TYPES.includes(guess.spec.type) && maxLength >= 2) {
    const what = guess.spec.type === 'text' ? (guess.spec.mode ?? 'text') : guess.spec.type;
    return { spec: { ...guess.spec, maxLength }, note: `is shorter than some ${what} values: they are shortened to ${maxLength} characters` };
  }
  const length = Math.min(maxLength, 12);
  return { spec: { type: 'char', length }, note: guess.guessed ? `is too short for realistic ${guess.spec.type} values: random ${length}-character strings` : undefined };
}

/**
 * An array of any element type the scalar mapping knows: the element's generator comes from the
 * element type (and the column's name, for realism); arrays of unknown element types are omitted.
 */
function arrayColumn(col: CatalogColumn, warn: Warn): Omit<ColumnSpec, 'name'> | null {
  const element: CatalogColumn = { ...col, typeName: col.elementType ?? '', formatted: col.formatted.replace(/(\[\])+$/, ''), elementType: undefined, default: undefined, identity: undefined };
  const mapped = col.enumLabels ? { type: 'enum' as const, values: col.enumLabels } : mapScalar(element, warn);
  if (!mapped) return null;
  return { type: 'array', element: mapped };
}

const RANGE_TYPES = new Set<string>(RANGE_SUBTYPES);
const SHAPES = new Map(GEOMETRY_TYPES.map((t) => [t.toLowerCase(), t]));

/**
 * PostGIS geometry/geography: shape and SRID from the typmod (`geometry(MultiPolygon,4326)`).
 * Shapes with Z/M dimensions or collections are not generated (null: the caller warns).
 */
function geometryColumn(col: CatalogColumn): Omit<ColumnSpec, 'name'> | null {
  const m = /^(geometry|geography)(?:\((\w+)(?:,\s*(\d+))?\))?/i.exec(col.formatted);
  const shape = (m?.[2] ?? 'geometry').toLowerCase();
  const geometryType = shape === 'geometry' ? 'Point' : SHAPES.get(shape);
  if (!geometryType) return null;
  const srid = m?.[3] !== undefined ? Number(m[3]) : undefined;
  const geography = col.typeName === 'geography';
  return { type: 'geometry', geometryType, ...(srid && srid !== DEFAULT_SRID ? { srid } : {}), ...(geography ? { geography: true } : {}) };
}

/**
 * The generator for one catalog column by its type (and its name for realism), before keys,
 * checks and nullability are applied; null when it cannot be written (omitted with a warning).
 */
/** `table` (its name) tells what a `name` or `title` column names: a person, a product, a genre … */
export function mapColumnType(col: CatalogColumn, warn: Warn, table?: string): Omit<ColumnSpec, 'name'> | null {
  if (col.generated) {
    warn('generated column: omitted (the database computes it)');
    return null;
  }
  if (col.elementType) return arrayColumn(col, warn);
  if (col.enumLabels) return { type: 'enum', values: col.enumLabels };
  return mapScalar(col, warn, table);
}

function mapScalar(col: CatalogColumn, warn: Warn, table?: string): Omit<ColumnSpec, 'name'> | null {
  const name = col.name;
  if (INT_TYPES[col.typeName]) return intColumn(col, name);
  if (TEXT_TYPES.has(col.typeName)) return textColumn(col, name, warn, table);
  switch (col.typeName) {
    case 'numeric':
    case 'float4':
    case 'float8':
      return decimalColumn(col, name, warn);
    case 'money':
      return { type: 'money', ...(guessDecimalRange(name) ?? {}) };
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
      return { type: 'ip' };
    case 'cidr':
      return { type: 'cidr' };
    case 'vector': {
      const [dimensions] = typeArgs(col.formatted);
      if (dimensions === undefined) warn('vector without a dimension: 16 dimensions generated');
      return { type: 'vector', dimensions: dimensions ?? 16 };
    }
    case 'time':
      return { type: 'time' };
    case 'timetz':
      return { type: 'time', timezone: true };
    case 'interval':
      return { type: 'interval' };
    case 'bytea':
      return { type: 'bytes' };
    case 'macaddr':
      return { type: 'macaddr' };
    case 'macaddr8':
      return { type: 'macaddr', bytes: 8 };
    case 'hstore':
      return { type: 'hstore' };
    case 'geometry':
    case 'geography':
      return geometryColumn(col);
    default:
      return RANGE_TYPES.has(col.typeName) ? { type: 'range', subtype: col.typeName as RangeSubtype } : null;
  }
}
