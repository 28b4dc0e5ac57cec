import type { ColumnSpec, ColumnType } from '@rowflow/contracts';
import { z } from 'zod';
import { COLUMN_TYPES, DEFAULT_FK_ROWS, DISTRIBUTIONS, INT32_MAX, INT32_MIN, MODES, UNIQUE_TYPES } from '../column-types.js';
import { isIdentifier, MAX_IDENTIFIER_BYTES } from '../pg-type.js';
import { checkColumnRules } from './column-rules.js';
import { EVENT_TIME_OPTIONS } from './event-time-schema.js';
import { profileSchema } from './profile-schema.js';
import { MAX_INSTANT, MIN_INSTANT, parseIsoInstant } from './iso-instant.js';
import { strictObject, unknownKeyMessage } from './zod-issues.js';

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
export const MAX_ENUM_VALUES = 10_000;

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
  const notObject = inDataset ? 'must be an object {table, column?}' : 'must be an object {table, column?, rows}';
  if (inDataset) {
    // The parent's row count is the dataset's: a second count here could only disagree with it.
    return strictObject({ table: identifier, column: identifier.optional() }, 'references', notObject, (key) =>
      key === 'rows' ? "not allowed in a dataset: the parent table's rows are used" : undefined,
    );
  }
  const rows = intIn(1, MAX_SAFE, 'must be a positive integer (the parent row count)');
  return strictObject({ table: identifier, column: identifier.optional(), rows: rows.optional() }, 'references', notObject).transform((r) => ({
    ...r,
    rows: r.rows ?? DEFAULT_FK_ROWS,
  }));
}

/** Options of timestamp/timestamptz columns, event-time generation's (`mode: "eventTime"`) included. */
export const TIMESTAMP_OPTIONS = { from: isoInstant, to: isoInstant, stepMs: intIn(1, 1e12), ...EVENT_TIME_OPTIONS };

/** The options each column type takes (besides name, type, nullRatio, unique, primaryKey). */
function typeOptions(type: ColumnType, opts: ColumnOptions): z.ZodRawShape {
  const int32 = intIn(INT32_MIN, INT32_MAX, `must be an integer in [${INT32_MIN}, ${INT32_MAX}] for int`);
  const safe = intIn(-MAX_SAFE, MAX_SAFE, `must be an integer in [${-MAX_SAFE}, ${MAX_SAFE}] for bigint`);
  switch (type) {
    case 'serial':
      return { min: intIn(-MAX_SAFE, MAX_SAFE, 'must be an integer') };
    case 'int':
      return { min: int32, max: int32, distribution, mode: mode(type), blockSize: intIn(1, MAX_SAFE) };
    case 'bigint':
      return { min: safe, max: safe, distribution };
    case 'decimal':
      return { min: finite, max: finite, precision: intIn(1, 38), scale: intIn(0, 38, 'must be an integer in [0, precision]'), distribution };
    case 'boolean':
      return { weights };
    case 'text':
      return { mode: mode(type) };
    case 'enum':
      return { values: enumValues, weights };
    case 'date':
      return { from: isoInstant, to: isoInstant };
    case 'timestamp':
    case 'timestamptz':
      return { ...TIMESTAMP_OPTIONS, mode: mode(type) };
    case 'vector':
      return { dimensions: intIn(1, 16_000), min: finite, max: finite };
    case 'char':
      return { length: intIn(1, 10_000), mode: mode(type) };
    case 'foreignKey':
      return { references: references(opts.inDataset === true), distribution };
    case 'uuid':
    case 'firstName':
    case 'lastName':
    case 'fullName':
    case 'email':
    case 'username':
    case 'phone':
    case 'streetAddress':
    case 'city':
    case 'country':
    case 'company':
    case 'jobTitle':
    case 'url':
    case 'ip':
    case 'json':
      return {};
  }
}

/** Every option key of any type: a key valid elsewhere gets "int columns take no "from"". */
const ANY_TYPE_KEYS = new Set(COLUMN_TYPES.flatMap((t) => Object.keys(typeOptions(t, {}))));

function columnVariant(type: ColumnType, opts: ColumnOptions) {
  const shape = { name: identifier, type: z.literal(type), nullRatio: nullRatio.optional(), profile: profileSchema.optional(), ...keyFlags(type), ...optional(typeOptions(type, opts)) };
  const allowed = Object.keys(shape);
  const owner = `${type} columns`;
  return strictObject(shape, owner, 'must be an object with name and type', (key) =>
    ANY_TYPE_KEYS.has(key) ? `${type} columns take no "${key}" (allowed: ${allowed.join(', ')})` : unknownKeyMessage(key, allowed, owner),
  );
}

/** Every option is optional except a foreign key's `references`. */
function optional(shape: z.ZodRawShape): z.ZodRawShape {
  return Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, k === 'references' ? v : (v as z.ZodType).optional()]));
}

/** The schema of one column: a union over `type`, each type with its own options, plus cross-field rules. */
export function columnSchema(opts: ColumnOptions = {}) {
  const variants = COLUMN_TYPES.map((t) => columnVariant(t, opts));
  return z
    .discriminatedUnion('type', variants as unknown as [ReturnType<typeof columnVariant>, ...ReturnType<typeof columnVariant>[]])
    .superRefine((col, ctx) => checkColumnRules(col as ColumnSpec, ctx))
    .transform((col) => col as ColumnSpec);
}

/** Message for a `type` no variant matches. */
export function unknownTypeMessage(value: unknown): string {
  return `unknown type "${String(value)}"; expected one of ${COLUMN_TYPES.join(', ')}`;
}
