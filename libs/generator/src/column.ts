import type { ColumnSpec } from '@rowflow/contracts';
import type { ByteSink } from './byte-sink.js';
import { cellSeed, Rng, streamKey } from './hash.js';
import type { RowContext } from './row-context.js';

export type Cell = string | number | boolean | null;

/**
 * How a value is written:
 * - `number`: a JS number, written as is in CSV and NDJSON;
 * - `plain`: a string that never needs CSV quoting nor JSON escaping (uuid, decimal, dates…);
 *   NDJSON writes it as a JSON string;
 * - `text`: any string (CSV-quoted when needed, JSON.stringify'd);
 * - `boolean`: true/false;
 * - `json`: JSON text, CSV-quoted, embedded raw in NDJSON (json and vector columns).
 */
export type CellKind = 'number' | 'plain' | 'text' | 'boolean' | 'json';

/** A column ready to generate: `value(row)` is a pure function of (seed, table, column, row). */
export interface CompiledColumn {
  name: string;
  kind: CellKind;
  value(row: RowContext): Cell;
  /** Rows this column can produce (unique ints over a finite range, sequences); Infinity otherwise. */
  capacity: number;
}

/** Per-column randomness: its stream key and a PRNG reseeded per cell. */
export class ColumnRandom {
  readonly key: number;
  readonly rng = new Rng();

  constructor(seed: number, table: string, column: string, salt = '') {
    this.key = streamKey(seed, table, salt + column);
  }

  /** The PRNG positioned at this cell's stream. */
  at(row: RowContext): Rng {
    return this.rng.seed(cellSeed(this.key, row.lo, row.hi));
  }
}

export interface CompileContext {
  seed: number;
  table: string;
  col: ColumnSpec;
  random: ColumnRandom;
  /** Key columns generate the values of row `keyOffset + k` (appending after existing rows). */
  keyOffset: number;
  /** The value function of the column `countryColumn` names (location columns follow its country). */
  country?: CompiledColumn['value'];
}

/**
 * Writes the UTF-8 bytes of `'' + value(row)` into `out` without building the string, or returns
 * false (writing nothing) where `value(row)` is null. The bytes are unescaped: for a `text` column
 * the encoder quotes or escapes them afterwards, so each `out.str` piece must be a whole string
 * (never half of a surrogate pair). Not for `json` columns.
 */
export type ByteWriter = (row: RowContext, out: ByteSink) => boolean;

/** Builder of one kind of column; `write`, when given, must agree byte for byte with `value`. */
export type ColumnCompiler = (ctx: CompileContext) => Omit<CompiledColumn, 'name' | 'capacity'> & { capacity?: number; write?: ByteWriter };

/**
 * Byte writers by the value function they reproduce. Keyed by the function, not carried on the
 * column: a wrapper that replaces `value` (NULLs, profiles, relations, datasets) then leaves the
 * column without a writer — the encoder falls back to `value` — instead of a stale one.
 */
const byteWriters = new WeakMap<CompiledColumn['value'], ByteWriter>();

export function setByteWriter(value: CompiledColumn['value'], write: ByteWriter): void {
  byteWriters.set(value, write);
}

/** The byte writer of a column whose value function is still the one it was registered for. */
export function byteWriterOf(c: CompiledColumn): ByteWriter | undefined {
  return c.kind === 'json' ? undefined : byteWriters.get(c.value);
}

/** Strings that need neither CSV quoting nor JSON escaping (no quote, comma, backslash, control char). */
const PLAIN = /^[^",\\\u0000-\u001f]*$/;

/** Dictionaries already checked: a column is compiled per chunk stream, a word list is fixed. */
const plainLists = new WeakMap<readonly string[], boolean>();

function plainList(l: readonly string[]): boolean {
  let plain = plainLists.get(l);
  if (plain === undefined) {
    plain = l.every((w) => w.length > 0 && PLAIN.test(w));
    plainLists.set(l, plain);
  }
  return plain;
}

/** `plain` when every word of the dictionaries is plain (checked once per list), else `text`. */
export function plainIf(...lists: readonly (readonly string[])[]): CellKind {
  return lists.every(plainList) ? 'plain' : 'text';
}
