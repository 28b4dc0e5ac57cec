import { type ColumnSpec, type ColumnType, type TableSpec, ValidationError } from '@rowflow/contracts';
import {
  COLUMN_TYPES,
  DEFAULT_FK_ROWS,
  decimalBounds,
  DISTRIBUTION_TYPES,
  DISTRIBUTIONS,
  INT32_MAX,
  INT32_MIN,
  MODES,
  UNIQUE_TYPES,
} from './column-types.js';
import { checkEventTimeOptions, checkStreamTableOptions } from './event-time-options.js';
import { isIdentifier, MAX_IDENTIFIER_BYTES } from './pg-type.js';

type Raw = Record<string, unknown>;

const MAX_COLUMNS = 1600; // PostgreSQL's per-table column limit
const MAX_ENUM_VALUES = 10_000;

function isObject(v: unknown): v is Raw {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkIdentifier(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new ValidationError(field, 'must be a non-empty string');
  if (!isIdentifier(value)) {
    throw new ValidationError(field, `identifier "${String(value).slice(0, 80)}" is longer than ${MAX_IDENTIFIER_BYTES} bytes or contains NUL`);
  }
  return value;
}

/**
 * Validates a user-supplied table schema (POST bodies, the catalog) and returns a clean copy with
 * only known keys. Every error is a `ValidationError` naming the field, e.g.
 * `schema.columns[2].type`.
 */
export function validateTableSpec(input: unknown, field = 'schema'): TableSpec {
  if (!isObject(input)) throw new ValidationError(field, 'must be an object with name and columns');
  const name = checkIdentifier(input.name, `${field}.name`);
  if (!Array.isArray(input.columns) || input.columns.length === 0) {
    throw new ValidationError(`${field}.columns`, 'must be a non-empty array of columns');
  }
  if (input.columns.length > MAX_COLUMNS) throw new ValidationError(`${field}.columns`, `at most ${MAX_COLUMNS} columns`);
  const seen = new Set<string>();
  const columns = input.columns.map((raw: unknown, i: number) => {
    const col = validateColumn(raw, `${field}.columns[${i}]`);
    if (seen.has(col.name)) throw new ValidationError(`${field}.columns[${i}].name`, `duplicate column name "${col.name}"`);
    seen.add(col.name);
    return col;
  });
  const spec: TableSpec = { name, columns };
  if (input.description !== undefined) {
    if (typeof input.description !== 'string') throw new ValidationError(`${field}.description`, 'must be a string');
    spec.description = input.description;
  }
  checkStreamTableOptions(input, spec, field);
  return spec;
}

/** Validates one column; `field` is its path, e.g. `schema.columns[3]`. */
export function validateColumn(raw: unknown, field: string): ColumnSpec {
  if (!isObject(raw)) throw new ValidationError(field, 'must be an object with name and type');
  const name = checkIdentifier(raw.name, `${field}.name`);
  if (typeof raw.type !== 'string' || !(COLUMN_TYPES as readonly string[]).includes(raw.type)) {
    throw new ValidationError(`${field}.type`, `unknown column type "${String(raw.type)}"; expected one of ${COLUMN_TYPES.join(', ')}`);
  }
  const col: ColumnSpec = { name, type: raw.type as ColumnType };
  checkFlags(raw, col, field);
  checkNumbers(raw, col, field);
  checkChoices(raw, col, field);
  checkRanges(raw, col, field);
  checkReferences(raw, col, field);
  checkEventTimeOptions(raw, col, field, parseIsoInstant);
  return col;
}

function checkFlags(raw: Raw, col: ColumnSpec, field: string): void {
  for (const key of ['unique', 'primaryKey'] as const) {
    if (raw[key] === undefined) continue;
    if (typeof raw[key] !== 'boolean') throw new ValidationError(`${field}.${key}`, 'must be true or false');
    if (raw[key] && !UNIQUE_TYPES.includes(col.type)) {
      throw new ValidationError(`${field}.${key}`, `${col.type} columns cannot be unique; unique works for ${UNIQUE_TYPES.join(', ')}`);
    }
    col[key] = raw[key];
  }
  if (raw.nullRatio !== undefined) {
    const r = raw.nullRatio;
    if (typeof r !== 'number' || !(r >= 0 && r <= 1)) throw new ValidationError(`${field}.nullRatio`, 'must be a number in [0, 1]');
    if (r > 0 && (col.unique || col.primaryKey || col.type === 'serial')) {
      throw new ValidationError(`${field}.nullRatio`, 'not allowed on a unique or primary-key column');
    }
    col.nullRatio = r;
  }
}

function finite(raw: Raw, key: string, field: string): number | undefined {
  const v = raw[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ValidationError(`${field}.${key}`, 'must be a finite number');
  return v;
}

function positiveInt(raw: Raw, key: string, field: string, max: number): number | undefined {
  const v = finite(raw, key, field);
  if (v === undefined) return undefined;
  if (!Number.isInteger(v) || v < 1 || v > max) throw new ValidationError(`${field}.${key}`, `must be an integer in [1, ${max}]`);
  return v;
}

function checkNumbers(raw: Raw, col: ColumnSpec, field: string): void {
  const min = finite(raw, 'min', field);
  const max = finite(raw, 'max', field);
  if (min !== undefined) col.min = min;
  if (max !== undefined) col.max = max;
  if (min !== undefined && max !== undefined && min > max) throw new ValidationError(`${field}.min`, `min (${min}) is greater than max (${max})`);
  if (col.type === 'int' || col.type === 'serial') checkIntBounds(col, field, INT32_MIN, INT32_MAX, col.type === 'int');
  if (col.type === 'bigint') checkIntBounds(col, field, -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, true);
  if (col.type === 'decimal') checkDecimal(raw, col, field);
  if (col.type === 'vector') col.dimensions = positiveInt(raw, 'dimensions', field, 16_000);
  if (col.type === 'char') col.length = positiveInt(raw, 'length', field, 10_000);
  if (col.type === 'int') col.blockSize = positiveInt(raw, 'blockSize', field, Number.MAX_SAFE_INTEGER);
  if (col.type === 'timestamp' || col.type === 'timestamptz') col.stepMs = positiveInt(raw, 'stepMs', field, 1e12);
  dropUndefined(col);
}

function checkIntBounds(col: ColumnSpec, field: string, lo: number, hi: number, bounded: boolean): void {
  for (const key of ['min', 'max'] as const) {
    const v = col[key];
    if (v === undefined) continue;
    if (!Number.isInteger(v)) throw new ValidationError(`${field}.${key}`, 'must be an integer');
    if (bounded && (v < lo || v > hi)) throw new ValidationError(`${field}.${key}`, `must be in [${lo}, ${hi}] for ${col.type}`);
  }
  if (col.type === 'serial' && col.max !== undefined) throw new ValidationError(`${field}.max`, 'serial takes only min (its start)');
}

function checkDecimal(raw: Raw, col: ColumnSpec, field: string): void {
  const precision = positiveInt(raw, 'precision', field, 38) ?? 10;
  const scaleRaw = finite(raw, 'scale', field);
  const scale = scaleRaw ?? Math.min(2, precision);
  if (!Number.isInteger(scale) || scale < 0 || scale > precision) {
    throw new ValidationError(`${field}.scale`, `must be an integer in [0, precision=${precision}]`);
  }
  if (scale > 15) throw new ValidationError(`${field}.scale`, 'at most 15 digits after the point');
  if (raw.precision !== undefined) col.precision = precision;
  if (scaleRaw !== undefined) col.scale = scale;
  const limit = 10 ** (precision - scale);
  for (const key of ['min', 'max'] as const) {
    const v = col[key];
    if (v !== undefined && Math.abs(v) >= limit) {
      throw new ValidationError(`${field}.${key}`, `${v} does not fit numeric(${precision},${scale}) (|value| < ${limit})`);
    }
  }
  const { min, max } = decimalBounds(col);
  const span = (max - min) * 10 ** scale;
  if (span > Number.MAX_SAFE_INTEGER) throw new ValidationError(`${field}.max`, 'range × 10^scale exceeds 2^53; narrow the range or the scale');
}

function dropUndefined(col: ColumnSpec): void {
  for (const key of Object.keys(col) as (keyof ColumnSpec)[]) if (col[key] === undefined) delete col[key];
}

function checkChoices(raw: Raw, col: ColumnSpec, field: string): void {
  if (raw.distribution !== undefined) {
    if (!DISTRIBUTION_TYPES.includes(col.type)) {
      throw new ValidationError(`${field}.distribution`, `only for ${DISTRIBUTION_TYPES.join(', ')} columns`);
    }
    if (!(DISTRIBUTIONS as readonly unknown[]).includes(raw.distribution)) {
      throw new ValidationError(`${field}.distribution`, `unknown distribution "${String(raw.distribution)}"; expected one of ${DISTRIBUTIONS.join(', ')}`);
    }
    col.distribution = raw.distribution as ColumnSpec['distribution'];
  }
  if (raw.mode !== undefined) {
    const modes = MODES[col.type];
    if (!modes) throw new ValidationError(`${field}.mode`, `${col.type} columns take no mode`);
    if (typeof raw.mode !== 'string' || !modes.includes(raw.mode)) {
      throw new ValidationError(`${field}.mode`, `unknown mode "${String(raw.mode)}" for ${col.type}; expected one of ${modes.join(', ')}`);
    }
    col.mode = raw.mode;
  }
  if (col.mode === 'block' && col.blockSize === undefined) throw new ValidationError(`${field}.blockSize`, 'required for int mode "block"');
  if (col.type === 'enum') checkEnum(raw, col, field);
  else if (raw.weights !== undefined) checkWeights(raw.weights, col.type === 'boolean' ? 2 : 0, col, field);
  if (col.mode === 'sequence' && col.type === 'int' && col.distribution) {
    throw new ValidationError(`${field}.distribution`, 'a sequence has no distribution');
  }
}

function checkEnum(raw: Raw, col: ColumnSpec, field: string): void {
  const values = raw.values;
  if (!Array.isArray(values) || values.length === 0 || values.length > MAX_ENUM_VALUES) {
    throw new ValidationError(`${field}.values`, `enum needs 1..${MAX_ENUM_VALUES} values`);
  }
  values.forEach((v: unknown, i: number) => {
    if (typeof v !== 'string') throw new ValidationError(`${field}.values[${i}]`, 'must be a string');
    // PostgreSQL text cannot hold NUL: such a value would fail COPY mid-job.
    if (v.includes('\u0000')) throw new ValidationError(`${field}.values[${i}]`, 'must not contain NUL (\\u0000)');
  });
  col.values = values as string[];
  if (raw.weights !== undefined) checkWeights(raw.weights, values.length, col, field);
}

function checkWeights(weights: unknown, expected: number, col: ColumnSpec, field: string): void {
  if (expected === 0) throw new ValidationError(`${field}.weights`, `${col.type} columns take no weights`);
  if (!Array.isArray(weights) || weights.length !== expected) {
    throw new ValidationError(`${field}.weights`, `must be an array of ${expected} numbers (one per value)`);
  }
  weights.forEach((w: unknown, i: number) => {
    if (typeof w !== 'number' || !Number.isFinite(w) || w < 0) throw new ValidationError(`${field}.weights[${i}]`, 'must be a number >= 0');
  });
  if ((weights as number[]).reduce((a, b) => a + b, 0) <= 0) throw new ValidationError(`${field}.weights`, 'must not all be 0');
  col.weights = weights as number[];
}

/** 0001-01-01 and 9999-12-31T23:59:59.999Z (Date.UTC would map year 1 to 1901). */
const MIN_INSTANT = -62135596800000;
const MAX_INSTANT = 253402300799999;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** Parses an ISO 8601 date or date-time (UTC unless an offset is given) to epoch ms. */
export function parseIsoInstant(value: string): number {
  if (!ISO_DATE.test(value)) return NaN;
  const withZone = value.length === 10 || /(Z|[+-]\d{2}:?\d{2})$/.test(value) ? value : `${value}Z`;
  return Date.parse(withZone.length === 10 ? `${withZone}T00:00:00Z` : withZone.replace(' ', 'T'));
}

function checkRanges(raw: Raw, col: ColumnSpec, field: string): void {
  const dated = col.type === 'date' || col.type === 'timestamp' || col.type === 'timestamptz';
  for (const key of ['from', 'to'] as const) {
    if (raw[key] === undefined) continue;
    if (!dated) throw new ValidationError(`${field}.${key}`, 'only for date/timestamp columns');
    const v = raw[key];
    const ms = typeof v === 'string' ? parseIsoInstant(v) : NaN;
    if (!Number.isFinite(ms) || ms < MIN_INSTANT || ms > MAX_INSTANT) {
      throw new ValidationError(`${field}.${key}`, `must be an ISO 8601 date between 0001 and 9999, got ${JSON.stringify(v)}`);
    }
    col[key] = v as string;
  }
  if (col.from !== undefined && col.to !== undefined && parseIsoInstant(col.from) > parseIsoInstant(col.to)) {
    throw new ValidationError(`${field}.from`, `from (${col.from}) is after to (${col.to})`);
  }
}

function checkReferences(raw: Raw, col: ColumnSpec, field: string): void {
  if (col.type !== 'foreignKey') {
    if (raw.references !== undefined) throw new ValidationError(`${field}.references`, 'only for foreignKey columns');
    return;
  }
  const ref = raw.references;
  if (!isObject(ref)) throw new ValidationError(`${field}.references`, 'must be an object {table, column?, rows}');
  const table = checkIdentifier(ref.table, `${field}.references.table`);
  const rows = ref.rows === undefined ? undefined : ref.rows;
  if (rows !== undefined && (typeof rows !== 'number' || !Number.isSafeInteger(rows) || rows < 1)) {
    throw new ValidationError(`${field}.references.rows`, 'must be a positive integer (the parent row count)');
  }
  col.references = { table, rows: (rows as number | undefined) ?? DEFAULT_FK_ROWS };
  if (ref.column !== undefined) col.references.column = checkIdentifier(ref.column, `${field}.references.column`);
}
