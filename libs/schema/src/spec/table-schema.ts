import { type ColumnSpec, type DatasetSpec, type DatasetTableSpec, didYouMean, type PerParentSpec, type TableSpec } from '@rowflow/contracts';
import { z } from 'zod';
import { COUNTRY_HOLDING_TYPES } from '../column-types.js';
import { type ColumnOptions, columnSchema, identifier } from './column-schema.js';
import { checkStreamTableRules, STREAM_TABLE_OPTIONS } from './event-time-schema.js';
import { strictObject } from './zod-issues.js';

/** PostgreSQL's per-table column limit. */
export const MAX_COLUMNS = 1600;
/** Tables per dataset: above the largest real schemas (a few thousand tables), low enough that validation stays fast. */
export const MAX_DATASET_TABLES = 10_000;
/** Largest number of children one parent can get (keeps zipf tables and poisson sums small). */
export const MAX_CHILDREN_PER_PARENT = 1_000_000;
/** Largest poisson mean: counts are drawn by inverting the CDF, O(mean) per parent. */
export const MAX_POISSON_MEAN = 10_000;

const memberList = (least: number) => {
  const what = `must be an array of ${least}..32 column names`;
  return z.array(identifier, { error: what }).min(least, { error: what }).max(32, { error: what });
};

/** `exclusive`: at most one (exactly one when required) of the members is non-NULL per row. */
export const exclusiveSchema = strictObject(
  { columns: memberList(2), required: z.boolean({ error: 'must be true or false' }).optional() },
  'exclusive',
  'must be an object {columns: [...], required?}',
);

/** `foreignKeys`: composite foreign keys to another dataset table. */
export const compositeForeignKeySchema = strictObject(
  {
    columns: memberList(1),
    references: strictObject({ table: identifier, columns: memberList(1), schema: identifier.optional() }, 'references', 'must be an object {table, columns: [...], schema?}'),
  },
  'foreignKeys',
  'must be an object {columns: [...], references: {table, columns}}',
);

/** `uniqueKeys`: extra composite unique keys. */
export const uniqueKeySchema = strictObject({ columns: memberList(2) }, 'uniqueKeys', 'must be an object {columns: [...]}');

function columns(opts: ColumnOptions) {
  const msg = 'must be a non-empty array of columns';
  return z
    .array(columnSchema(opts), { error: msg })
    .min(1, { error: msg })
    .max(MAX_COLUMNS, { error: `at most ${MAX_COLUMNS} columns` })
    .superRefine((cols, ctx) => {
      const seen = new Set<string>();
      cols.forEach((c, i) => {
        if (seen.has(c.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `duplicate column name "${c.name}"` });
        seen.add(c.name);
        checkAfter(cols, i, ctx);
        checkCountryColumn(cols, i, ctx);
      });
    });
}

/** `after.column` names an earlier column of an ordered type the value can be added to. */
function checkAfter(cols: ColumnSpec[], i: number, ctx: z.RefinementCtx): void {
  const col = cols[i]!;
  if (!col.after) return;
  const path = [i, 'after', 'column'];
  const at = cols.findIndex((c) => c.name === col.after?.column);
  if (at < 0) {
    const hint = didYouMean(col.after.column, cols.map((c) => c.name));
    return ctx.addIssue({ code: 'custom', path, message: `unknown column "${col.after.column}"${hint ? `; did you mean "${hint}"?` : ''}` });
  }
  if (at >= i) return ctx.addIssue({ code: 'custom', path, message: `"${col.after.column}" must come earlier in columns than "${col.name}"` });
  if (!afterCompatible(col, cols[at]!)) {
    ctx.addIssue({ code: 'custom', path, message: `"${col.after.column}" (${cols[at]!.type}) cannot order a ${col.type} column` });
  }
  if (col.unique || col.primaryKey || col.mode !== undefined) ctx.addIssue({ code: 'custom', path: [i, 'after'], message: 'not allowed with unique, primaryKey or a mode' });
}

/**
 * `countryColumn` names another column of the row holding a country (name or code); that column
 * does not follow a country itself, so a row's country is one value read, never a chain.
 */
function checkCountryColumn(cols: ColumnSpec[], i: number, ctx: z.RefinementCtx): void {
  const col = cols[i]!;
  if (col.countryColumn === undefined) return;
  const path = [i, 'countryColumn'];
  if (col.type === 'text' && col.mode !== 'postalCode' && col.mode !== 'state') {
    return ctx.addIssue({ code: 'custom', path, message: 'text columns take countryColumn only with mode "postalCode" or "state"' });
  }
  const other = cols.find((c) => c.name === col.countryColumn);
  if (!other) {
    const hint = didYouMean(col.countryColumn, cols.map((c) => c.name));
    return ctx.addIssue({ code: 'custom', path, message: `unknown column "${col.countryColumn}"${hint ? `; did you mean "${hint}"?` : ''}` });
  }
  if (!COUNTRY_HOLDING_TYPES.includes(other.type) || other.countryColumn !== undefined || other === col) {
    ctx.addIssue({ code: 'custom', path, message: `"${other.name}" (${other.type}) cannot give a country: name a ${COUNTRY_HOLDING_TYPES.join(', ')} column that does not follow a country itself` });
  }
}

const NUMERIC_AFTER = new Set(['int', 'bigint', 'decimal', 'serial']);
const INSTANT_AFTER = new Set(['date', 'timestamp', 'timestamptz']);

/** Numbers follow numbers, dates/timestamps follow dates/timestamps, times follow times. */
function afterCompatible(col: ColumnSpec, other: ColumnSpec): boolean {
  if (NUMERIC_AFTER.has(col.type)) return NUMERIC_AFTER.has(other.type);
  if (INSTANT_AFTER.has(col.type)) return INSTANT_AFTER.has(other.type);
  return col.type === other.type;
}

/**
 * Keys of a table spec. Extension point for table-level generation options (e.g. a duplicate
 * ratio for event streams): add them here and they are accepted by tables and dataset tables.
 */
function tableShape(opts: ColumnOptions) {
  const offset = 'must be an integer >= 0 (rows whose keys to continue after)';
  return {
    name: identifier,
    description: z.string({ error: 'must be a string' }).optional(),
    columns: columns(opts),
    keyOffset: z.number({ error: offset }).int({ error: offset }).min(0, { error: offset }).optional(),
    exclusive: z.array(exclusiveSchema, { error: 'must be an array of {columns, required?}' }).optional(),
    ...STREAM_TABLE_OPTIONS,
  };
}

/** A standalone table spec `{name, description?, columns}`. */
export const tableSchema = strictObject(tableShape({}), 'a table', 'must be an object with name and columns')
  .superRefine((t, ctx) => {
    checkStreamTableRules(t as TableSpec, ctx);
    checkExclusive(t as TableSpec, ctx);
  })
  .transform((t) => t as TableSpec);

/** Members of `exclusive` groups: known, nullable (no key flags), in one group at most. */
function checkExclusive(t: TableSpec, ctx: z.RefinementCtx): void {
  const used = new Set<string>();
  (t.exclusive ?? []).forEach((group, g) => {
    group.columns.forEach((name, m) => {
      const path = ['exclusive', g, 'columns', m];
      const col = t.columns.find((c) => c.name === name);
      if (!col) {
        const hint = didYouMean(name, t.columns.map((c) => c.name));
        return ctx.addIssue({ code: 'custom', path, message: `unknown column "${name}"${hint ? `; did you mean "${hint}"?` : ''}` });
      }
      if (used.has(name)) return ctx.addIssue({ code: 'custom', path, message: `column "${name}" is already in an exclusive group` });
      used.add(name);
      if (col.unique || col.primaryKey || col.type === 'serial') ctx.addIssue({ code: 'custom', path, message: `"${name}" is a key column; exclusive members must be nullable` });
    });
  });
}

const count = (what = `must be an integer in [0, ${MAX_CHILDREN_PER_PARENT}]`) =>
  z.number({ error: what }).int({ error: what }).min(0, { error: what }).max(MAX_CHILDREN_PER_PARENT, { error: what });
const positive = (max: number) => {
  const what = `must be a number in (0, ${max}]`;
  return z.number({ error: what }).positive({ error: what }).max(max, { error: what });
};

function perParentVariant<S extends z.ZodRawShape>(distribution: PerParentSpec['distribution'], shape: S) {
  return strictObject({ table: identifier, distribution: z.literal(distribution), ...shape }, `perParent ${distribution}`, 'must be an object {table, distribution, …}');
}

function minNotAboveMax(v: { min?: number; max?: number }, ctx: z.RefinementCtx): void {
  if (v.min !== undefined && v.max !== undefined && v.min > v.max) ctx.addIssue({ code: 'custom', path: ['min'], message: `min (${v.min}) is greater than max (${v.max})` });
}

/** `perParent`: how many children each parent row gets (see the dataset docs for each law). */
export const perParentSchema = z
  .discriminatedUnion('distribution', [
    perParentVariant('fixed', { count: count() }),
    perParentVariant('uniform', { min: count().default(0), max: count() }),
    perParentVariant('poisson', { mean: positive(MAX_POISSON_MEAN), max: count().optional() }),
    perParentVariant('zipf', { min: count().default(1), max: count(), s: positive(10).default(1) }),
  ])
  .superRefine((v, ctx) => minNotAboveMax(v as { min?: number; max?: number }, ctx))
  .transform((v) => v as PerParentSpec);

const rowsSchema = z
  .number({ error: 'must be a positive integer' })
  .int({ error: 'must be a positive integer' })
  .min(1, { error: 'must be a positive integer' });

/** Most members of a composite key (PostgreSQL allows 32 index columns). */
export const MAX_COMPOSITE_COLUMNS = 32;

export const compositeKeySchema = strictObject(
  {
    columns: z
      .array(identifier, { error: 'must be an array of 2..32 column names' })
      .min(2, { error: 'must be an array of 2..32 column names' })
      .max(MAX_COMPOSITE_COLUMNS, { error: 'must be an array of 2..32 column names' }),
    primaryKey: z.boolean({ error: 'must be true or false' }).optional(),
  },
  'compositeKey',
  'must be an object {columns: [...], primaryKey?}',
);

/** A dataset table: a table spec plus `rows` or `perParent` (exactly one). */
export const datasetTableSchema = strictObject(
  {
    ...tableShape({ inDataset: true }),
    /** The PostgreSQL schema the table lives in (jobs: one of TARGET_SCHEMA's; default the first). */
    schema: identifier.optional(),
    rows: rowsSchema.optional(),
    perParent: perParentSchema.optional(),
    compositeKey: compositeKeySchema.optional(),
    foreignKeys: z.array(compositeForeignKeySchema, { error: 'must be an array of {columns, references}' }).optional(),
    uniqueKeys: z.array(uniqueKeySchema, { error: 'must be an array of {columns}' }).optional(),
  },
  'a dataset table',
  'must be an object {name, rows | perParent, columns}',
)
  .superRefine((t, ctx) => {
    checkStreamTableRules(t as TableSpec, ctx);
    checkExclusive(t as TableSpec, ctx);
    if (t.rows !== undefined && t.perParent !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['rows'], message: 'give rows or perParent, not both (perParent derives the row count)' });
    } else if (t.rows === undefined && t.perParent === undefined) {
      ctx.addIssue({ code: 'custom', path: ['rows'], message: 'is required (a positive integer) unless perParent is given' });
    }
  })
  .transform((t) => t as DatasetTableSpec);

/** A dataset `{name, description?, tables}` (cross-table rules are checked after parsing). */
export const datasetSchema = strictObject(
  {
    name: identifier,
    description: z.string({ error: 'must be a string' }).optional(),
    tables: z
      .array(datasetTableSchema, { error: 'must be a non-empty array of tables' })
      .min(1, { error: 'must be a non-empty array of tables' })
      .max(MAX_DATASET_TABLES, { error: `at most ${MAX_DATASET_TABLES} tables` }),
  },
  'a dataset',
  'must be an object {name, tables: [...]} or a catalog dataset name',
).transform((d) => d as DatasetSpec);

