import type { ColumnSpec, TableSpec } from '@rowflow/contracts';
import { DEFAULT_FK_ROWS, INT32_MAX, pgType } from '@rowflow/schema';

/** One column of an existing table, as read from pg_attribute/pg_type (domains resolved). */
export interface TableColumn {
  name: string;
  /** Declared type for messages, e.g. `character varying(20)`. */
  declared: string;
  /** pg_type.typname of the base type (`int4`, `varchar`, `numeric`, an enum's name…). */
  base: string;
  /** Base type modifier (-1 none): varchar/bpchar length + 4, numeric ((p << 16) | s) + 4. */
  typmod: number;
  /** pg_type.typtype of the base type: 'b' base, 'e' enum, 'c' composite, … */
  typtype: string;
  notNull: boolean;
  hasDefault: boolean;
  generated: boolean;
  identity: boolean;
  /** Enum labels when typtype is 'e'. */
  labels: string[] | null;
  /** An enabled BEFORE INSERT row trigger of the table (the first by name), which may fill columns the rows leave out. */
  fillingTrigger?: string | null;
}

/** One reason the generated rows cannot go into the table; `field` is `targetTable.columns.<c>`. */
export interface Mismatch {
  field: string;
  message: string;
}

/**
 * Which generator produces a column's values: the column itself, or — for a foreign key inside a
 * dataset — the parent key column it copies, with that parent's row count and key offset. Every
 * mode resolves columns through this one shape (see column-sources.ts), so `create` builds the
 * type the fit check of `append` expects.
 */
export interface ValueSource {
  column: ColumnSpec;
  rows: number;
  keyOffset: number;
}

/** What the generator emits for a column: its value family plus what bounds we know. */
interface Source {
  kind: 'int' | 'numeric' | 'boolean' | 'uuid' | 'date' | 'timestamp' | 'timestamptz' | 'json' | 'inet' | 'char' | 'vector' | 'text' | 'other';
  /** kind 'other': pg_type.typname of the generated type (`bytea`, `_int4` for integer[] …). */
  typname?: string;
  /** Integer value range (kind 'int'). */
  lo?: number;
  hi?: number;
  precision?: number;
  scale?: number;
  /** Longest text form when it is known (for varchar(n)/char(n) targets). */
  maxLen?: number;
  /** Enum values (kind 'text'). */
  values?: readonly string[];
  dimensions?: number;
}

const TEXT_TYPES = new Set(['text', 'varchar', 'bpchar', 'citext']);
const INT_LIMITS: Record<string, number> = { int2: 32767, int4: INT32_MAX, int8: Number.MAX_SAFE_INTEGER };
const SAFE = Number.MAX_SAFE_INTEGER;
/** A `real` holds every integer up to 2^24 and every decimal of up to 6 significant digits exactly. */
const FLOAT4_INT = 2 ** 24;
const FLOAT4_DIGITS = 6;

/** Which other base types each value family loads into exactly (besides text types). */
const ALSO: Record<Source['kind'], readonly string[]> = {
  int: ['float8', 'float4', 'numeric', 'int2', 'int4', 'int8'],
  numeric: ['numeric', 'float8', 'float4'],
  boolean: ['bool'],
  uuid: ['uuid'],
  date: ['date', 'timestamp', 'timestamptz'],
  timestamp: ['timestamp', 'timestamptz'],
  timestamptz: ['timestamptz', 'timestamp'],
  json: ['jsonb', 'json'],
  inet: ['inet', 'cidr'],
  char: [],
  vector: ['vector'],
  text: [],
  other: [],
};

/** SQL type names (as pgType writes them) whose pg_type.typname differs. */
const TYPNAMES: Record<string, string> = {
  integer: 'int4',
  bigint: 'int8',
  smallint: 'int2',
  boolean: 'bool',
  real: 'float4',
  'double precision': 'float8',
  char: 'bpchar',
  character: 'bpchar',
  'character varying': 'varchar',
  'time without time zone': 'time',
  'time with time zone': 'timetz',
  'timestamp without time zone': 'timestamp',
  'timestamp with time zone': 'timestamptz',
};

/** pg_type.typname of a type as pgType writes it: `integer[]` → `_int4`, `numeric(10,2)` → `numeric`, `geometry(Point,4326)` → `geometry`. */
export function typnameOf(sqlType: string): string {
  const t = sqlType.trim();
  if (t.endsWith('[]')) return `_${typnameOf(t.slice(0, -2)).replace(/^_/, '')}`;
  const bare = t.replace(/\(.*\)$/, '').trim();
  return TYPNAMES[bare] ?? bare;
}

/** Base types whose values also load into these (by their text form, exactly). */
const WIDENS: Record<string, readonly string[]> = {
  int2: ['int4', 'int8', 'numeric', 'float8'],
  int4: ['int8', 'numeric', 'float8'],
  int8: ['numeric'],
  text: ['varchar', 'bpchar', 'citext'],
  timestamp: ['timestamptz'],
  timestamptz: ['timestamp'],
  time: ['timetz'],
  macaddr: ['macaddr8'],
  cidr: ['inet'],
  json: ['jsonb'],
  jsonb: ['json'],
};

/** Whether values of typname `from` load into base type `to` (arrays element by element). */
function loadsInto(from: string, to: string): boolean {
  if (from === to) return true;
  if (from.startsWith('_') && to.startsWith('_')) return loadsInto(from.slice(1), to.slice(1));
  return WIDENS[from]?.includes(to) ?? false;
}

/** The integer range a column's values stay in (mirrors the generator's rules; see values-numeric). */
function intRange({ column: col, rows, keyOffset }: ValueSource, pg: string): { lo: number; hi: number } {
  const top = pg === 'integer' ? INT32_MAX : SAFE;
  if (col.type === 'serial') return { lo: (col.min ?? 1) + keyOffset, hi: (col.min ?? 1) + keyOffset + rows - 1 };
  if (col.type === 'foreignKey') return { lo: 1, hi: col.references?.rows ?? DEFAULT_FK_ROWS };
  if (col.type !== 'int' && col.type !== 'bigint') return { lo: -top - 1, hi: top };
  const span = col.type === 'bigint' ? 1e12 : 1e6;
  const lo = col.min ?? (col.max !== undefined && col.max < 0 ? Math.max(-top - 1, col.max - span) : 0);
  if (col.mode === 'sequence') return { lo: lo + keyOffset, hi: lo + keyOffset + rows - 1 };
  if (col.mode === 'block') return { lo, hi: lo + Math.floor((rows - 1) / (col.blockSize ?? 1)) };
  return { lo, hi: col.max ?? Math.min(top, lo + span) };
}

const FIXED: Partial<Record<string, Source>> = {
  boolean: { kind: 'boolean', maxLen: 5 },
  uuid: { kind: 'uuid', maxLen: 36 },
  date: { kind: 'date', maxLen: 10 },
  timestamp: { kind: 'timestamp', maxLen: 19 },
  timestamptz: { kind: 'timestamptz', maxLen: 20 },
  jsonb: { kind: 'json' },
  inet: { kind: 'inet', maxLen: 15 },
};

function sourceOf(from: ValueSource): Source {
  const col = from.column;
  const pg = pgType(col);
  const fixed = FIXED[pg];
  if (fixed) return fixed;
  if (pg === 'integer' || pg === 'bigint') {
    const { lo, hi } = intRange(from, pg);
    return { kind: 'int', lo, hi, maxLen: Math.max(String(lo).length, String(hi).length) };
  }
  const num = /^numeric\((\d+),(\d+)\)$/.exec(pg);
  if (num) return { kind: 'numeric', precision: Number(num[1]), scale: Number(num[2]), maxLen: Number(num[1]) + 2 };
  const chr = /^char\((\d+)\)$/.exec(pg);
  if (chr) return { kind: 'char', maxLen: Number(chr[1]) };
  if (col.type === 'vector') return { kind: 'vector', dimensions: col.dimensions ?? 16 };
  if (col.type === 'enum') {
    const values = col.values ?? [];
    // `CHECK (prio IN (1, 2, 3))` on an integer column: whole-number labels load as integers.
    if (values.length && values.every((v) => /^-?\d{1,15}$/.test(v))) {
      const nums = values.map(Number);
      return { kind: 'int', lo: Math.min(...nums), hi: Math.max(...nums), maxLen: Math.max(...values.map((v) => v.length)) };
    }
    return { kind: 'text', values, maxLen: Math.max(0, ...values.map((v) => v.length)) };
  }
  const typname = typnameOf(pg);
  // Text with `maxLength` is shortened to it, so it fits a varchar of that length.
  if (typname === 'text') return col.maxLength === undefined ? { kind: 'text' } : { kind: 'text', maxLen: col.maxLength };
  return { kind: 'other', typname };
}

/** numeric(p, s) from a typmod; null when unconstrained. */
function numericMod(typmod: number): { p: number; s: number } | null {
  return typmod < 4 ? null : { p: ((typmod - 4) >> 16) & 0xffff, s: (typmod - 4) & 0xffff };
}

function intProblem(src: Source, t: TableColumn): string | null {
  const lo = src.lo ?? -SAFE;
  const hi = src.hi ?? SAFE;
  const limit = t.base === 'float4' ? FLOAT4_INT : INT_LIMITS[t.base];
  if (limit !== undefined && (hi > limit || lo < -limit - 1)) return `values reach ${lo}..${hi}, beyond ${t.declared}`;
  const mod = t.base === 'numeric' ? numericMod(t.typmod) : null;
  if (mod && Math.max(String(Math.abs(lo)).length, String(Math.abs(hi)).length) > mod.p - mod.s) return `values reach ${lo}..${hi}, beyond ${t.declared}`;
  return null;
}

function numericProblem(src: Source, t: TableColumn): string | null {
  if (t.base === 'float4' && (src.precision ?? 0) > FLOAT4_DIGITS) return `numeric(${src.precision},${src.scale}) values would be rounded by ${t.declared} (${FLOAT4_DIGITS} significant digits)`;
  const mod = t.base === 'numeric' ? numericMod(t.typmod) : null;
  if (!mod) return null;
  const [p, s] = [src.precision ?? 0, src.scale ?? 0];
  if (mod.p - mod.s < p - s) return `numeric(${p},${s}) values overflow ${t.declared}`;
  if (mod.s < s) return `numeric(${p},${s}) values would be rounded by ${t.declared}`;
  return null;
}

/** Within a family the target accepts: bounds that still have to hold. */
function boundsProblem(src: Source, t: TableColumn): string | null {
  if (TEXT_TYPES.has(t.base)) {
    const max = t.typmod >= 4 ? t.typmod - 4 : null;
    return max !== null && src.maxLen !== undefined && src.maxLen > max ? `values up to ${src.maxLen} characters do not fit ${t.declared}` : null;
  }
  if (src.kind === 'int') return intProblem(src, t);
  if (src.kind === 'numeric') return numericProblem(src, t);
  if (src.kind === 'vector' && t.typmod > 0 && t.typmod !== src.dimensions) return `${src.dimensions}-dimensional vectors do not load into ${t.declared}`;
  return null;
}

function enumProblem(col: ColumnSpec, src: Source, t: TableColumn): string | null {
  if (!src.values) return `${col.type} values do not load into enum ${t.declared} (only an enum column's values can)`;
  const missing = src.values.filter((v) => !(t.labels ?? []).includes(v));
  return missing.length ? `enum ${t.declared} has no label ${missing.map((v) => JSON.stringify(v)).join(', ')}` : null;
}

function accepts(src: Source, t: TableColumn): boolean {
  if (TEXT_TYPES.has(t.base)) return true;
  return src.kind === 'other' ? loadsInto(src.typname!, t.base) : ALSO[src.kind].includes(t.base);
}

/**
 * An array into an array column, element by element: `smallint[]` takes integer elements that
 * stay within smallint, `varchar(20)[]` short enough text, like the scalar columns do.
 */
function elementProblem(element: ColumnSpec, rows: number, t: TableColumn): string | null {
  const declared = t.declared.replace(/(\[\])+$/, '');
  const problem = columnProblem(element, rows, { ...t, base: t.base.slice(1), declared, typtype: 'b', labels: null });
  return problem && `array elements: ${problem}`;
}

/**
 * Why values of `col` cannot be loaded into table column `t`, or null when they can. `from` is
 * what generates them (default: `col` itself over `rows` rows; a dataset foreign key: its parent key).
 */
export function columnProblem(col: ColumnSpec, rows: number, t: TableColumn, from: ValueSource = { column: col, rows, keyOffset: 0 }): string | null {
  if (t.generated) return `is a generated column; COPY cannot write it`;
  // A column generated always NULL (a type without a generator) writes no value: any nullable column takes it.
  if (col.nullRatio === 1 && !col.profile && !t.notNull) return null;
  if (from.column.type === 'array' && from.column.element && t.base.startsWith('_')) return elementProblem({ ...from.column.element, name: col.name }, rows, t);
  const src = sourceOf(from);
  if (t.typtype === 'e') return enumProblem(from.column, src, t);
  if (!accepts(src, t)) return `${col.type} values (${pgType(from.column)}) do not load into ${t.declared}`;
  return boundsProblem(src, t);
}

/**
 * Every reason the generated rows of `spec` cannot be appended to a table with `columns`: each
 * generated column must exist with a type its values load into, and every other column must
 * accept being left out (nullable, a default, identity or generated). All problems, not the first.
 */
export function fitMismatches(spec: TableSpec, rows: number, columns: readonly TableColumn[], resolve: (c: ColumnSpec) => ValueSource = (c) => ({ column: c, rows, keyOffset: spec.keyOffset ?? 0 })): Mismatch[] {
  const byName = new Map(columns.map((c) => [c.name, c]));
  const out: Mismatch[] = [];
  for (const col of spec.columns) {
    const t = byName.get(col.name);
    const from = resolve(col);
    const problem = t ? columnProblem(col, rows, t, from) : `missing: the table has no column "${col.name}" (the generated values are ${pgType(from.column)})`;
    if (problem) out.push({ field: `targetTable.columns.${col.name}`, message: problem });
  }
  for (const t of leftOut(spec, columns)) {
    if (t.fillingTrigger) continue; // said by triggerFilledNotes
    out.push({ field: `targetTable.columns.${t.name}`, message: `is NOT NULL without a default, and the generated rows have no value for it` });
  }
  return out;
}

/** NOT NULL columns without a default (identity, generated) that the generated rows leave out. */
function leftOut(spec: TableSpec, columns: readonly TableColumn[]): TableColumn[] {
  const generated = new Set(spec.columns.map((c) => c.name));
  return columns.filter((t) => !generated.has(t.name) && t.notNull && !t.hasDefault && !t.identity && !t.generated);
}

/**
 * The NOT NULL columns the rows leave out that a BEFORE INSERT trigger is expected to fill (a
 * tsvector kept by a trigger, a slug computed from a name). The fit check accepts them: whether the
 * trigger really fills them only the insert tells, and a row it leaves NULL is dead-lettered by
 * the database, naming the column.
 */
export function triggerFilledNotes(spec: TableSpec, columns: readonly TableColumn[]): string[] {
  return leftOut(spec, columns).flatMap((t) => (t.fillingTrigger ? [`column ${t.name} is NOT NULL without a default and not generated: trigger ${t.fillingTrigger} (BEFORE INSERT) is expected to fill it`] : []));
}
