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
}

/** One reason the generated rows cannot go into the table; `field` is `targetTable.columns.<c>`. */
export interface Mismatch {
  field: string;
  message: string;
}

/** What the generator emits for a column: its value family plus what bounds we know. */
interface Source {
  kind: 'int' | 'numeric' | 'boolean' | 'uuid' | 'date' | 'timestamp' | 'timestamptz' | 'json' | 'inet' | 'char' | 'vector' | 'text';
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

/** Which other base types each value family loads into exactly (besides text types). */
const ALSO: Record<Source['kind'], readonly string[]> = {
  int: ['float8', 'numeric', 'int2', 'int4', 'int8'],
  numeric: ['numeric', 'float8'],
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
};

/** The integer range a column's values stay in (mirrors the generator's rules; see values-numeric). */
function intRange(col: ColumnSpec, rows: number, pg: string): { lo: number; hi: number } {
  const top = pg === 'integer' ? INT32_MAX : SAFE;
  if (col.type === 'serial') return { lo: col.min ?? 1, hi: (col.min ?? 1) + rows - 1 };
  if (col.type === 'foreignKey') return { lo: 1, hi: col.references?.rows ?? DEFAULT_FK_ROWS };
  if (col.type !== 'int' && col.type !== 'bigint') return { lo: -top - 1, hi: top };
  const span = col.type === 'bigint' ? 1e12 : 1e6;
  const lo = col.min ?? (col.max !== undefined && col.max < 0 ? Math.max(-top - 1, col.max - span) : 0);
  if (col.mode === 'sequence') return { lo, hi: lo + rows - 1 };
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

function sourceOf(col: ColumnSpec, rows: number): Source {
  const pg = pgType(col);
  const fixed = FIXED[pg];
  if (fixed) return fixed;
  if (pg === 'integer' || pg === 'bigint') {
    const { lo, hi } = intRange(col, rows, pg);
    return { kind: 'int', lo, hi, maxLen: Math.max(String(lo).length, String(hi).length) };
  }
  const num = /^numeric\((\d+),(\d+)\)$/.exec(pg);
  if (num) return { kind: 'numeric', precision: Number(num[1]), scale: Number(num[2]), maxLen: Number(num[1]) + 2 };
  const chr = /^char\((\d+)\)$/.exec(pg);
  if (chr) return { kind: 'char', maxLen: Number(chr[1]) };
  if (col.type === 'vector') return { kind: 'vector', dimensions: col.dimensions ?? 16 };
  if (col.type === 'enum') return { kind: 'text', values: col.values ?? [], maxLen: Math.max(0, ...(col.values ?? []).map((v) => v.length)) };
  return { kind: 'text' };
}

/** numeric(p, s) from a typmod; null when unconstrained. */
function numericMod(typmod: number): { p: number; s: number } | null {
  return typmod < 4 ? null : { p: ((typmod - 4) >> 16) & 0xffff, s: (typmod - 4) & 0xffff };
}

function intProblem(src: Source, t: TableColumn): string | null {
  const lo = src.lo ?? -SAFE;
  const hi = src.hi ?? SAFE;
  const limit = INT_LIMITS[t.base];
  if (limit !== undefined && (hi > limit || lo < -limit - 1)) return `values reach ${lo}..${hi}, beyond ${t.declared}`;
  const mod = t.base === 'numeric' ? numericMod(t.typmod) : null;
  if (mod && Math.max(String(Math.abs(lo)).length, String(Math.abs(hi)).length) > mod.p - mod.s) return `values reach ${lo}..${hi}, beyond ${t.declared}`;
  return null;
}

function numericProblem(src: Source, t: TableColumn): string | null {
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

/** Why values of `col` cannot be loaded into table column `t`, or null when they can. */
export function columnProblem(col: ColumnSpec, rows: number, t: TableColumn): string | null {
  if (t.generated) return `is a generated column; COPY cannot write it`;
  const src = sourceOf(col, rows);
  if (t.typtype === 'e') return enumProblem(col, src, t);
  if (!TEXT_TYPES.has(t.base) && !ALSO[src.kind].includes(t.base)) return `${col.type} values (${pgType(col)}) do not load into ${t.declared}`;
  return boundsProblem(src, t);
}

/**
 * Every reason the generated rows of `spec` cannot be appended to a table with `columns`: each
 * generated column must exist with a type its values load into, and every other column must
 * accept being left out (nullable, a default, identity or generated). All problems, not the first.
 */
export function fitMismatches(spec: TableSpec, rows: number, columns: readonly TableColumn[]): Mismatch[] {
  const byName = new Map(columns.map((c) => [c.name, c]));
  const out: Mismatch[] = [];
  for (const col of spec.columns) {
    const t = byName.get(col.name);
    const problem = t ? columnProblem(col, rows, t) : `missing: the table has no column "${col.name}" (the generated values are ${pgType(col)})`;
    if (problem) out.push({ field: `targetTable.columns.${col.name}`, message: problem });
  }
  const generated = new Set(spec.columns.map((c) => c.name));
  for (const t of columns) {
    if (generated.has(t.name) || !t.notNull || t.hasDefault || t.identity || t.generated) continue;
    out.push({ field: `targetTable.columns.${t.name}`, message: `is NOT NULL without a default, and the generated rows have no value for it` });
  }
  return out;
}
