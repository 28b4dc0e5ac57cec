import type { ColumnSpec, ColumnType, TableSpec } from '@rowflow/contracts';
import { applyColumnRelations, relationColumnSpecs } from './column-relations.js';
import { byteWriterOf, type ColumnCompiler, type CompiledColumn, ColumnRandom, setByteWriter } from './column.js';
import { cellSeed, streamKey } from './hash.js';
import { withEventTime } from './event-time.js';
import type { RowContext } from './row-context.js';
import { withProfile } from './profile-values.js';
import { SHORTENED_TYPES } from '@rowflow/schema';
import { shorten } from './shorten.js';
import { applyStreamModes } from './stream-modes.js';
import { booleanColumn, decimalColumn, foreignKeyColumn, integerColumn, serialColumn } from './values-numeric.js';
import { dateColumn, timestampColumn } from './values-temporal.js';
import {
  companyColumn,
  countryColumn,
  emailColumn,
  firstNameColumn,
  fullNameColumn,
  ipColumn,
  jobTitleColumn,
  lastNameColumn,
  urlColumn,
  usernameColumn,
} from './values-people.js';
import { cityColumn, phoneColumn, postalCodeColumn, stateColumn, streetAddressColumn } from './values-location.js';
import { arrayColumn } from './values-array.js';
import { geometryColumn } from './values-geometry.js';
import { patternColumn } from './values-pattern.js';
import { bytesColumn, cidrColumn, hstoreColumn, intervalColumn, macaddrColumn, moneyColumn, timeColumn } from './values-pg.js';
import { rangeColumn } from './values-range.js';
import { charColumn, enumColumn, jsonColumn, textColumn, uuidColumn, vectorColumn } from './values-misc.js';

const COMPILERS: Record<ColumnType, ColumnCompiler> = {
  serial: serialColumn,
  int: integerColumn,
  bigint: integerColumn,
  decimal: decimalColumn,
  boolean: booleanColumn,
  uuid: uuidColumn,
  text: (ctx) => (ctx.col.mode === 'postalCode' ? postalCodeColumn(ctx) : ctx.col.mode === 'state' ? stateColumn(ctx) : textColumn(ctx)),
  enum: enumColumn,
  date: dateColumn,
  timestamp: withEventTime(timestampColumn),
  timestamptz: withEventTime(timestampColumn),
  firstName: firstNameColumn,
  lastName: lastNameColumn,
  fullName: fullNameColumn,
  email: emailColumn,
  username: usernameColumn,
  phone: phoneColumn,
  streetAddress: streetAddressColumn,
  city: cityColumn,
  country: countryColumn,
  company: companyColumn,
  jobTitle: jobTitleColumn,
  url: urlColumn,
  ip: ipColumn,
  json: jsonColumn,
  vector: vectorColumn,
  char: charColumn,
  foreignKey: foreignKeyColumn,
  bytes: bytesColumn,
  time: timeColumn,
  interval: intervalColumn,
  macaddr: macaddrColumn,
  cidr: cidrColumn,
  money: moneyColumn,
  array: arrayColumn(compileColumn),
  range: rangeColumn,
  hstore: hstoreColumn,
  geometry: geometryColumn,
  pattern: patternColumn,
};

/** NULLs come from their own stream (salted key) so nullRatio never shifts the column's values. */
export function withNulls(col: CompiledColumn, seed: number, table: string, ratio: number): CompiledColumn {
  const key = streamKey(seed, table, `\u0000null:${col.name}`);
  const threshold = ratio * 4294967296;
  const inner = col.value;
  const value: CompiledColumn['value'] = (row) => (cellSeed(key, row.lo, row.hi) < threshold ? null : inner(row));
  const write = byteWriterOf(col);
  if (write) setByteWriter(value, (row, out) => cellSeed(key, row.lo, row.hi) >= threshold && write(row, out));
  return { ...col, value };
}

/**
 * Compiles one column of `table` for `seed`; key columns start at row `keyOffset` (see
 * TableSpec.keyOffset). `rows` (the table's row count, when fixed) turns a profile's per-row
 * distinct share into a count. `country` is the value function of the column `col.countryColumn`
 * names (see compileColumns).
 */
export function compileColumn(col: ColumnSpec, seed: number, table: string, keyOffset = 0, rows?: number, country?: CompiledColumn['value']): CompiledColumn {
  const random = new ColumnRandom(seed, table, col.name);
  const built = COMPILERS[col.type]({ seed, table, col, random, keyOffset, country });
  const plain: CompiledColumn = { name: col.name, kind: built.kind, value: built.value, capacity: built.capacity ?? Infinity };
  if (built.write) setByteWriter(built.value, built.write);
  const max = col.maxLength;
  if (max !== undefined && SHORTENED_TYPES.includes(col.type)) {
    // A new value function without a byte writer: the bytes come from the shortened string.
    const full = plain.value;
    plain.value = (row) => {
      const v = full(row);
      return typeof v === 'string' ? shorten(v, max) : v;
    };
  }
  const compiled = col.profile ? withProfile(plain, col, seed, table, rows) : plain;
  // A profiled column of known row count places its own NULLs (an exact share, see withProfile).
  const ownNulls = col.profile !== undefined && rows !== undefined && rows >= 2;
  return col.nullRatio && !ownNulls ? withNulls(compiled, seed, table, col.nullRatio) : compiled;
}

/**
 * Compiles `specs` in their order, except that columns following another column's country are
 * compiled after the rest and handed that column's value function: the dependency is a read of a
 * pure function of the same row, so it adds no order between rows or chunks.
 */
export function compileColumns(specs: ColumnSpec[], compile: (col: ColumnSpec, country?: CompiledColumn['value']) => CompiledColumn): CompiledColumn[] {
  const out = new Map<string, CompiledColumn>();
  for (const c of specs) if (c.countryColumn === undefined) out.set(c.name, compile(c));
  for (const c of specs) if (c.countryColumn !== undefined) out.set(c.name, compile(c, out.get(c.countryColumn)?.value));
  return specs.map((c) => out.get(c.name)!);
}

/** Compiles every column of a (validated) table spec. */
export function compileTable(spec: TableSpec, seed: number): CompiledColumn[] {
  const columns = compileColumns(relationColumnSpecs(spec), (c, country) => compileColumn(c, seed, spec.name, spec.keyOffset ?? 0, undefined, country));
  return applyStreamModes(spec, seed, applyColumnRelations(spec, seed, spec.name, columns));
}

/** Values of one row as an object (tests, previews); `row` must be set to the index first. */
export function rowValues(columns: CompiledColumn[], row: RowContext): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const c of columns) out[c.name] = c.value(row);
  return out;
}
