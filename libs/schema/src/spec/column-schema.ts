import type { ArrayElementSpec, ColumnSpec, ColumnType } from '@rowflow/contracts';
import { z } from 'zod';
import { ARRAY_ELEMENT_TYPES, COLUMN_TYPES, DEFAULT_FK_ROWS, DISTRIBUTIONS, GEOMETRY_TYPES, INT32_MAX, INT32_MIN, MODES, MONEY_LIMIT, RANGE_SUBTYPES, UNIQUE_TYPES } from '../column-types.js';
import { isIdentifier, MAX_IDENTIFIER_BYTES } from '../pg-type.js';
import { checkColumnRules } from './column-rules.js';
import { EVENT_TIME_OPTIONS } from './event-time-schema.js';
import { profileSchema } from './profile-schema.js';
import { MAX_INSTANT, MIN_INSTANT, parseIsoInstant } from './iso-instant.js';
import { parsePattern, PatternSyntaxError } from './pattern-syntax.js';
import { strictObject, unknownKeyMessage } from './zod-issues.js';

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
export const MAX_ENUM_VALUES = 10_000;

/** Options without a sensible default: a foreign key's parent, an array's element, a range's subtype, a pattern. */
const REQUIRED_OPTIONS = new Set(['references', 'element', 'subtype', 'pattern']);

/** A quoted PostgreSQL identifier: 1..63 bytes of UTF-8, no NUL. */
export const identifier = z
  .string({ error: 'must be a non-empty string' })
  .min(1, { error: 'must be a non-empty string', abort: true })
  .refine(isIdentifier, { error: (iss) => `identifier "${String(iss.input).slice(0, 80)}" is longer than ${MAX_IDENTIFIER_BYTES} bytes or contains NUL` });

function intIn(lo: number, hi: number, message = `must be an integer in [${lo}, ${hi}]`) {
  return z.number({ error: message }).int({ error: message }).min(lo, { error: message }).max(hi, { error: message });
}

const finite = z.number({ error: 'must be a finite number' });
const flag = z.boolean({ error: 'must be true or false' });
const nullRatio = z.number({ error: 'must be a number in [0, 1]' }).min(0, { error: 'must be a number in [0, 1]' }).max(1, { error: 'must be a number in [0, 1]' });
const distribution = z.enum(DISTRIBUTIONS, { error: (iss) => `unknown distribution "${String(iss.input)}"; expected one of ${DISTRIBUTIONS.join(', ')}` });
const weights = z.array(z.number({ error: 'must be a number >= 0' }).min(0, { error: 'must be a number >= 0' }), { error: 'must be an array of numbers (one per value)' });
const enumValues = z
  .array(
    // PostgreSQL text cannot hold NUL: such a value would fail COPY mid-job.
    z.string({ error: 'must be a string' }).refine((v) => !v.includes('\u0000'), { error: 'must not contain NUL (\\u0000)' }),
    { error: `enum needs 1..${MAX_ENUM_VALUES} values` },
  )
  .min(1, { error: `enum needs 1..${MAX_ENUM_VALUES} values` })
  .max(MAX_ENUM_VALUES, { error: `enum needs 1..${MAX_ENUM_VALUES} values` });

const isoMessage = (input: unknown) => `must be an ISO 8601 date between 0001 and 9999, got ${JSON.stringify(input)}`;
const isoInstant = z.string({ error: (iss) => isoMessage(iss.input) }).refine(
  (v) => {
    const ms = parseIsoInstant(v);
    return Number.isFinite(ms) && ms >= MIN_INSTANT && ms <= MAX_INSTANT;
  },
  { error: (iss) => isoMessage(iss.input) },
);

function mode(type: ColumnType) {
  const modes = MODES[type] ?? [];
  return z.enum(modes as [string, ...string[]], { error: (iss) => `unknown mode "${String(iss.input)}" for ${type}; expected one of ${modes.join(', ')}` });
}

/** unique/primaryKey: any value on types unique by construction; only `false` elsewhere. */
function keyFlags(type: ColumnType) {
  if (UNIQUE_TYPES.includes(type)) return { unique: flag.optional(), primaryKey: flag.optional() };
  const no = z.literal(false, { error: `${type} columns cannot be unique; unique works for ${UNIQUE_TYPES.join(', ')}` });
  return { unique: no.optional(), primaryKey: no.optional() };
}

/** Where a column is validated: a dataset's foreign keys name a sibling table instead of a row count. */
export interface ColumnOptions {
  inDataset?: boolean;
}

function references(inDataset: boolean) {
  const notObject = inDataset ? 'must be an object {table, column?, schema?, via?}' : 'must be an object {table, column?, rows}';
  if (inDataset) {
    // The parent's row count is the dataset's: a second count here could only disagree with it.
    return strictObject({ table: identifier, column: identifier.optional(), schema: identifier.optional(), via: identifier.optional() }, 'references', notObject, (key) =>
      key === 'rows' ? "not allowed in a dataset: the parent table's rows are used" : undefined,
    );
  }
  const rows = intIn(1, MAX_SAFE, 'must be a positive integer (the parent row count)');
  return strictObject({ table: identifier, column: identifier.optional(), rows: rows.optional() }, 'references', notObject).transform((r) => ({
    ...r,
    rows: r.rows ?? DEFAULT_FK_ROWS,
  }));
}

const MAX_BYTES = 1_000_000;
const MAX_ARRAY_LENGTH = 10_000;
/** ±1,000 years in seconds: far inside PostgreSQL's interval range. */
const MAX_INTERVAL_SECONDS = 1000 * 366 * 86_400;

function numIn(lo: number, hi: number, unit = '') {
  const message = `must be a number in [${lo}, ${hi}]${unit ? ` (${unit})` : ''}`;
  return z.number({ error: message }).min(lo, { error: message }).max(hi, { error: message });
}

const TIME_OF_DAY = /^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?$/;
const timeOfDay = z.string({ error: 'must be a time of day "HH:MM:SS"' }).regex(TIME_OF_DAY, { error: (iss) => `must be a time of day "HH:MM:SS", got ${JSON.stringify(iss.input)}` });

const after = strictObject({ column: identifier, orEqual: flag.optional() }, 'after', 'must be an object {column, orEqual?}');
const rangeSubtype = z.enum(RANGE_SUBTYPES, { error: (iss) => `unknown subtype "${String(iss.input)}"; expected one of ${RANGE_SUBTYPES.join(', ')}` });
const geometryType = z.enum(GEOMETRY_TYPES, { error: (iss) => `unknown geometryType "${String(iss.input)}"; expected one of ${GEOMETRY_TYPES.join(', ')}` });
const patternSource = z.string({ error: 'must be a string (an anchored regular expression)' }).superRefine((v, ctx) => {
  try {
    parsePattern(v);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: e instanceof PatternSyntaxError ? e.message : String(e) });
  }
});

/** An array's element: any column type but array/serial/foreignKey, without a name or key flags. */
function arrayElement(opts: ColumnOptions) {
  const variants = ARRAY_ELEMENT_TYPES.map((t) => columnVariant(t, opts, false));
  return z
    .discriminatedUnion('type', variants as unknown as [ReturnType<typeof columnVariant>, ...ReturnType<typeof columnVariant>[]], {
      error: (iss) => (iss.code === 'invalid_union' ? `element type must be one of ${ARRAY_ELEMENT_TYPES.join(', ')}` : 'must be an object {type, …options}'),
    })
    .superRefine((col, ctx) => checkColumnRules(col as ColumnSpec, ctx))
    .transform((col) => normalizeColumn(col as ColumnSpec) as ArrayElementSpec);
}

/** Options of timestamp/timestamptz columns, event-time generation's (`mode: "eventTime"`) included. */
export const TIMESTAMP_OPTIONS = { from: isoInstant, to: isoInstant, stepMs: intIn(1, 1e12), ...EVENT_TIME_OPTIONS };

/** Realistic text shortened to fit a `varchar(n)`: values longer than this are cut (see the generator). */
const shortenTo = intIn(1, 10_000);

/** The options each column type takes (besides name, type, nullRatio, unique, primaryKey). */
function typeOptions(type: ColumnType, opts: ColumnOptions): z.ZodRawShape {
  const int32 = intIn(INT32_MIN, INT32_MAX, `must be an integer in [${INT32_MIN}, ${INT32_MAX}] for int`);
  const safe = intIn(-MAX_SAFE, MAX_SAFE, `must be an integer in [${-MAX_SAFE}, ${MAX_SAFE}] for bigint`);
  switch (type) {
    case 'serial':
      return { min: intIn(-MAX_SAFE, MAX_SAFE, 'must be an integer') };
    case 'int':
      return { min: int32, max: int32, distribution, mode: mode(type), blockSize: intIn(1, MAX_SAFE), after };
    case 'bigint':
      return { min: safe, max: safe, distribution, after };
    case 'decimal':
      return { min: finite, max: finite, precision: intIn(1, 38), scale: intIn(0, 38, 'must be an integer in [0, precision]'), distribution, after };
    case 'boolean':
      return { weights };
    case 'text':
      return { mode: mode(type), maxLength: shortenTo, countryColumn: identifier };
    case 'enum':
      return { values: enumValues, weights };
    case 'date':
      return { from: isoInstant, to: isoInstant, after };
    case 'timestamp':
    case 'timestamptz':
      return { ...TIMESTAMP_OPTIONS, mode: mode(type), after };
    case 'vector':
      return { dimensions: intIn(1, 16_000), min: finite, max: finite };
    case 'char':
      return { length: intIn(1, 10_000), mode: mode(type) };
    case 'foreignKey':
      return { references: references(opts.inDataset === true), distribution };
    case 'bytes':
      return { minLength: intIn(0, MAX_BYTES), maxLength: intIn(0, MAX_BYTES) };
    case 'time':
      return { from: timeOfDay, to: timeOfDay, timezone: flag, after };
    case 'interval': {
      const seconds = numIn(-MAX_INTERVAL_SECONDS, MAX_INTERVAL_SECONDS, 'seconds');
      return { min: seconds, max: seconds };
    }
    case 'macaddr':
      return { bytes: z.union([z.literal(6), z.literal(8)], { error: 'must be 6 or 8' }) };
    case 'cidr':
      return { prefix: intIn(8, 32) };
    case 'money': {
      const amount = numIn(-MONEY_LIMIT, MONEY_LIMIT);
      return { min: amount, max: amount };
    }
    case 'array':
      return { element: arrayElement(opts), minLength: intIn(0, MAX_ARRAY_LENGTH), maxLength: intIn(0, MAX_ARRAY_LENGTH), dimensions: intIn(1, 6) };
    case 'range': {
      const bound = z.union([finite, isoInstant], { error: 'must be a number, or an ISO date for daterange/tsrange/tstzrange' });
      return { subtype: rangeSubtype, min: bound, max: bound, from: isoInstant, to: isoInstant };
    }
    case 'geometry':
      return { geometryType, srid: intIn(0, 999_999), geography: flag };
    case 'pattern':
      return { pattern: patternSource };
    case 'phone':
    case 'streetAddress':
    case 'city':
      return { maxLength: shortenTo, countryColumn: identifier };
    case 'firstName':
    case 'lastName':
    case 'fullName':
    case 'email':
    case 'username':
    case 'country':
    case 'company':
    case 'jobTitle':
    case 'url':
      return { maxLength: shortenTo };
    case 'hstore':
    case 'uuid':
    case 'ip':
    case 'json':
      return {};
  }
}

/** Every option key of any type: a key valid elsewhere gets "int columns take no "from"". */
const ANY_TYPE_KEYS = new Set(COLUMN_TYPES.flatMap((t) => Object.keys(typeOptions(t, {}))));

function columnVariant(type: ColumnType, opts: ColumnOptions, named = true) {
  const { after: afterOption, countryColumn, ...rest } = typeOptions(type, opts);
  // An element has no row of its own to be "after" in or to take a country from, nor a profile of its own.
  const options = named ? { ...rest, ...(afterOption ? { after: afterOption } : {}), ...(countryColumn ? { countryColumn } : {}) } : rest;
  const base = named
    ? { name: identifier, type: z.literal(type), nullRatio: nullRatio.optional(), profile: profileSchema.optional(), ...keyFlags(type) }
    : { type: z.literal(type), nullRatio: nullRatio.optional() };
  const shape = { ...base, ...optional(options) };
  const allowed = Object.keys(shape);
  const owner = `${type} columns`;
  return strictObject(shape, owner, 'must be an object with name and type', (key) =>
    ANY_TYPE_KEYS.has(key) ? `${type} columns take no "${key}" (allowed: ${allowed.join(', ')})` : unknownKeyMessage(key, allowed, owner),
  );
}

/** Every option is optional except REQUIRED_OPTIONS. */
function optional(shape: z.ZodRawShape): z.ZodRawShape {
  return Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, REQUIRED_OPTIONS.has(k) ? v : (v as z.ZodType).optional()]));
}

/** The schema of one column: a union over `type`, each type with its own options, plus cross-field rules. */
export function columnSchema(opts: ColumnOptions = {}) {
  const variants = COLUMN_TYPES.map((t) => columnVariant(t, opts));
  return z
    .discriminatedUnion('type', variants as unknown as [ReturnType<typeof columnVariant>, ...ReturnType<typeof columnVariant>[]])
    .superRefine((col, ctx) => checkColumnRules(col as ColumnSpec, ctx))
    .transform((col) => normalizeColumn(col as ColumnSpec));
}

/** A temporal range's ISO `min`/`max` are stored as `from`/`to` (ColumnSpec's min/max are numbers). */
function normalizeColumn(col: ColumnSpec): ColumnSpec {
  if (col.type !== 'range') return col;
  const { min, max, ...rest } = col as Omit<ColumnSpec, 'min' | 'max'> & { min?: number | string; max?: number | string };
  const out: ColumnSpec = { ...rest };
  if (min !== undefined) out[typeof min === 'string' ? 'from' : 'min'] = min as never;
  if (max !== undefined) out[typeof max === 'string' ? 'to' : 'max'] = max as never;
  return out;
}

/** Message for a `type` no variant matches. */
export function unknownTypeMessage(value: unknown): string {
  return `unknown type "${String(value)}"; expected one of ${COLUMN_TYPES.join(', ')}`;
}
