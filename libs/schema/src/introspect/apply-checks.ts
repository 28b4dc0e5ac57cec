import type { ColumnSpec } from '@rowflow/contracts';
import { INT32_MAX, REFERENCE_DATE } from '../column-types.js';
import { parseIsoInstant } from '../spec/iso-instant.js';
import { parsePattern } from '../spec/pattern-syntax.js';
import type { CatalogConstraint } from './catalog-model.js';
import { type CheckFact, parseCheck } from './check-constraints.js';
import { textWithin, type Warn } from './map-column.js';
import { orderedByName } from './name-heuristics.js';
import { columnOf, constraints, replaceColumn, type TableState, warner, without } from './table-state.js';

type Fact<K extends CheckFact['kind']> = Extract<CheckFact, { kind: K }>;

/** A domain's CHECK on `VALUE`, rewritten as a CHECK on the column. */
function domainChecks(s: TableState): CatalogConstraint[] {
  return s.cat.columns.flatMap((c) =>
    (c.domain?.checks ?? []).map((definition, i) => ({
      name: `domain check ${i + 1} of ${c.name}`,
      kind: 'check' as const,
      columns: [c.name],
      definition: definition.replace(/\bVALUE\b/g, `"${c.name.replace(/"/g, '""')}"`),
    })),
  );
}

/** Applies every CHECK (and domain CHECK) the parser understands; warns, naming the constraint, about the rest. */
export function applyChecks(s: TableState, warnings: string[]): void {
  for (const check of [...constraints(s, 'check'), ...domainChecks(s)]) {
    const facts = parseCheck(check.definition);
    const warn = warner(warnings, `${s.cat.name} ${check.name}`);
    if (!facts) warn(`CHECK not understood (${check.definition}); generated values may violate it`);
    else applyFacts(s, facts, check.definition, warn);
  }
  for (const x of constraints(s, 'exclusion')) applyExclusion(s, x, warner(warnings, `${s.cat.name} ${x.name}`));
  // Pairs the names order (created_at ≤ updated_at, starts_at < ends_at) as if a CHECK said so.
  for (const f of orderedByName(s.spec.columns.map((c) => c.name))) afterOption(s, { kind: 'after', ...f });
  checkCompositeMembers(s, warner(warnings, s.cat.name));
}

function applyFacts(s: TableState, facts: CheckFact[], definition: string, warn: Warn): void {
  const byColumn = new Map<string, CheckFact[]>();
  for (const f of facts) byColumn.set(f.column, [...(byColumn.get(f.column) ?? []), f]);
  for (const [name, fs] of byColumn) {
    const col = columnOf(s, name);
    if (!col) continue;
    for (const f of fs.filter((x) => x.kind === 'after' || x.kind === 'exclusive' || x.kind === 'pattern' || x.kind === 'null')) {
      if (!applyRowFact(s, f, warn)) warn(`CHECK (${definition}) is not applied by the generator; values may violate it`);
    }
    if (fs.some((x) => x.kind === 'notNull')) {
      replaceColumn(s, without(columnOf(s, name) as ColumnSpec, 'nullRatio'));
      s.keyColumns.add(name); // kept from the nullable-column default share of NULLs
    }
    const instants = fs.filter((x): x is Fact<'instant'> => x.kind === 'instant');
    if (instants.length) applyInstants(s, columnOf(s, name) as ColumnSpec, instants, definition, warn);
    const own = fs.filter((x) => x.kind === 'bound' || x.kind === 'in' || x.kind === 'length');
    if (own.length === 0) continue;
    const next = applyColumnFacts(s, columnOf(s, name) as ColumnSpec, own);
    if (next) replaceColumn(s, next);
    else warn(`CHECK on ${name} (${col.type}) is not applied by the generator; values may violate it`);
  }
}

function applyColumnFacts(s: TableState, col: ColumnSpec, facts: CheckFact[]): ColumnSpec | null {
  const list = facts.find((f): f is Fact<'in'> => f.kind === 'in');
  if (list) {
    if (col.primaryKey || col.unique || col.type === 'foreignKey' || col.type === 'serial') return null;
    const values = col.type === 'enum' ? (col.values ?? []).filter((v) => list.values.includes(v)) : list.values;
    return values.length ? { name: col.name, type: 'enum', values, ...(col.nullRatio !== undefined ? { nullRatio: col.nullRatio } : {}) } : null;
  }
  const length = facts.filter((f): f is Fact<'length'> => f.kind === 'length');
  if (length.length) return applyLength(s, col, length);
  return applyBounds(col, facts.filter((f): f is Fact<'bound'> => f.kind === 'bound'));
}

/** `char_length(x) <= n`: a realistic generator within n characters (shortened where needed), else random characters. */
function applyLength(s: TableState, col: ColumnSpec, facts: Fact<'length'>[]): ColumnSpec | null {
  const max = Math.min(...facts.map((f) => f.max));
  const exact = facts.some((f) => f.exact);
  if (max === Infinity) return col;
  if (max < 1) return null;
  const keep = col.nullRatio !== undefined ? { nullRatio: col.nullRatio } : {};
  if (col.type === 'bigint' && (col.unique || col.primaryKey) && !exact) return { ...col, max: Math.min(col.max ?? Infinity, 10 ** Math.min(max, 15) - 1) };
  if (col.unique || col.primaryKey || col.type === 'foreignKey' || col.type === 'enum') return null;
  if (exact) return { name: col.name, type: 'char', length: max, ...keep };
  return { name: col.name, ...textWithin(s.catCols.get(col.name)?.name ?? col.name, max).spec, ...keep };
}

function applyBounds(col: ColumnSpec, bounds: Fact<'bound'>[]): ColumnSpec | null {
  const sequence = col.type === 'serial' || col.mode === 'sequence';
  const numeric = col.type === 'int' || col.type === 'bigint' || col.type === 'decimal';
  if (!numeric && !sequence) return null;
  const step = col.type === 'decimal' ? 10 ** -(col.scale ?? 2) : 1;
  let lo: number | undefined;
  let hi: number | undefined;
  for (const b of bounds) {
    if (b.op === '>') lo = Math.max(lo ?? -Infinity, col.type === 'decimal' ? b.value + step : Math.floor(b.value) + 1);
    if (b.op === '>=') lo = Math.max(lo ?? -Infinity, col.type === 'decimal' ? b.value : Math.ceil(b.value));
    if (b.op === '<') hi = Math.min(hi ?? Infinity, col.type === 'decimal' ? b.value - step : Math.ceil(b.value) - 1);
    if (b.op === '<=') hi = Math.min(hi ?? Infinity, col.type === 'decimal' ? b.value : Math.floor(b.value));
  }
  // A sequence starts at min (default 1) and only grows: a lower bound is met by moving its start.
  if (sequence) return hi === undefined ? { ...col, min: Math.max(col.min ?? 1, lo ?? 1) } : null;
  return withRange(col, lo, hi);
}

/**
 * Where a comparison with the load time (`now()`, `CURRENT_DATE`) is read: a fixed instant, so
 * the same spec and seed give the same rows at any time. It lies in the past, and now() only
 * grows: an upper bound (`hired <= now()`) read at it holds at every later load.
 */
const NOW_READ_AS = REFERENCE_DATE;

/** The instant a fact compares with, in epoch ms (now() read as NOW_READ_AS, calendar months added in UTC). */
function instantOf(f: Fact<'instant'>): number {
  if (f.at !== undefined) return parseIsoInstant(f.at);
  const d = new Date(NOW_READ_AS);
  d.setUTCMonth(d.getUTCMonth() + (f.shift?.months ?? 0));
  return d.getTime() + (f.shift?.ms ?? 0);
}

/** Date and timestamp bounds (literal or relative to the load time) narrow the column's from/to. */
function applyInstants(s: TableState, col: ColumnSpec, facts: Fact<'instant'>[], definition: string, warn: Warn): void {
  const at = span(col);
  if (!at?.time) {
    warn(`CHECK on ${col.name} (${col.type}) is not applied by the generator; values may violate it`);
    return;
  }
  let lo = at.lo;
  let hi = at.hi;
  const [wantLo, wantHi] = [facts.filter((f) => f.op.startsWith('>')), facts.filter((f) => f.op.startsWith('<'))].map((fs) =>
    fs.length ? fs.map((f) => instantOf(f) + (f.op === '>' ? at.step : f.op === '<' ? -at.step : 0)) : undefined,
  );
  const floor = wantLo && Math.max(...wantLo);
  const ceiling = wantHi && Math.min(...wantHi);
  if (floor !== undefined) lo = Math.max(lo, floor);
  if (ceiling !== undefined) hi = Math.min(hi, ceiling);
  // The column's own guess lies outside the bounds: the bounds themselves (or a year next to the one given).
  if (lo > hi) [lo, hi] = floor !== undefined && ceiling !== undefined ? [floor, ceiling] : floor !== undefined ? [floor, floor + 365 * 86_400_000] : [(ceiling as number) - 365 * 86_400_000, ceiling as number];
  // A date is written as its day: a bound inside a day rounds inwards.
  if (col.type === 'date') [lo, hi] = [Math.ceil(lo / 86_400_000) * 86_400_000, Math.floor(hi / 86_400_000) * 86_400_000];
  if (lo > hi) {
    warn(`CHECK on ${col.name} allows no values; values may violate it`);
    return;
  }
  replaceColumn(s, setSpan(col, lo, hi, true));
  const moving = facts.filter((f) => f.at === undefined);
  if (moving.some((f) => f.op.startsWith('>'))) {
    warn(`${definition} compares ${col.name} with the load time; the generator reads no clock, so values are placed as of ${NOW_READ_AS.slice(0, 10)}: rows age out — a later load rejects those older than the CHECK allows`);
  } else if (moving.length) {
    warn(`${definition} compares ${col.name} with the load time: read as of ${NOW_READ_AS.slice(0, 10)} (values up to ${setSpan(col, lo, hi, true).to}), which holds at every later load`);
  }
}

/** The column narrowed to [lo, hi] (either may be open), within its type; null when empty. */
export function withRange(col: ColumnSpec, lo: number | undefined, hi: number | undefined): ColumnSpec | null {
  let min = lo ?? col.min ?? 0;
  let max = hi ?? col.max ?? min + 1000;
  if (min > max) {
    if (lo !== undefined && hi !== undefined) return null;
    if (lo !== undefined) max = min + 1000;
    else min = max - 1000;
  }
  if (col.type === 'decimal') {
    const limit = 10 ** ((col.precision ?? 10) - (col.scale ?? 2)) - 10 ** -(col.scale ?? 2);
    [min, max] = [Math.max(min, -limit), Math.min(max, limit)];
  }
  if (col.type === 'int') [min, max] = [Math.max(min, -2147483648), Math.min(max, INT32_MAX)];
  return min <= max ? { ...col, min, max } : null;
}

/**
 * Exclusion constraints (`EXCLUDE USING gist (during WITH &&)`) are not generated: rows would
 * need non-overlapping values. A nullable range member is left NULL (NULLs never conflict);
 * otherwise the warning says overlapping rows may be rejected.
 */
function applyExclusion(s: TableState, x: CatalogConstraint, warn: Warn): void {
  const ranges = x.columns.map((name) => columnOf(s, name)).filter((c): c is ColumnSpec => c?.type === 'range' && !s.catCols.get(c.name)?.notNull);
  if (ranges.length === 0) {
    warn(`exclusion constraint (${x.definition}) is not generated; overlapping rows may violate it`);
    return;
  }
  for (const c of ranges) replaceColumn(s, { ...c, nullRatio: 1 });
  warn(`exclusion constraint (${x.definition}): ${ranges.map((c) => c.name).join(', ')} always NULL so no two rows conflict`);
}

/** Facts over several columns of a row: ordering (`a < b`), at most one non-NULL, patterns. */
function applyRowFact(s: TableState, f: CheckFact, warn: Warn): boolean {
  if (f.kind === 'after') return afterOption(s, f) || applyAfter(s, f, warn);
  if (f.kind === 'exclusive') return exclusiveOption(s, f) || applyExclusive(s, f, warn);
  if (f.kind === 'pattern') return applyPattern(s, f);
  if (f.kind === 'null') return applyNullFact(s, f);
  return false;
}

/** `x IS NULL` of the branch taken: always NULL; `x IS NOT NULL`: never NULL (nor given the nullable default share). */
function applyNullFact(s: TableState, f: Fact<'null'>): boolean {
  const col = columnOf(s, f.column);
  if (!col) return false;
  if (!f.isNull) {
    replaceColumn(s, without(col, 'nullRatio'));
    s.keyColumns.add(col.name);
    return true;
  }
  if (s.catCols.get(col.name)?.notNull || col.primaryKey || col.unique || s.spec.compositeKey?.columns.includes(col.name)) return false;
  replaceColumn(s, { ...col, nullRatio: 1 });
  return true;
}

const ORDERED = new Set(['int', 'bigint', 'decimal', 'date', 'timestamp', 'timestamptz', 'time']);
const NUMERIC = new Set(['int', 'bigint', 'decimal', 'serial']);

/** `earlier < later` as the generator's `after` option, when `earlier` comes first and both order alike. */
function afterOption(s: TableState, f: Fact<'after'>): boolean {
  const i = s.spec.columns.findIndex((c) => c.name === f.other);
  const j = s.spec.columns.findIndex((c) => c.name === f.column);
  const earlier = s.spec.columns[i];
  const later = s.spec.columns[j];
  if (!earlier || !later || i >= j || later.after || !ORDERED.has(later.type)) return false;
  if (later.unique || later.primaryKey || later.mode !== undefined) return false;
  const alike = NUMERIC.has(later.type) ? NUMERIC.has(earlier.type) : later.type === 'time' ? earlier.type === 'time' : ['date', 'timestamp', 'timestamptz'].includes(earlier.type);
  if (!alike) return false;
  replaceColumn(s, { ...later, after: { column: f.other, ...(f.orEqual ? { orEqual: true } : {}) } });
  return true;
}

/** At most / exactly one non-NULL member as the table's `exclusive` option (members nullable, no keys). */
function exclusiveOption(s: TableState, f: Fact<'exclusive'>): boolean {
  const members = f.columns.map((name) => columnOf(s, name));
  const taken = new Set((s.spec.exclusive ?? []).flatMap((g) => g.columns));
  const ok = members.every((c) => c && !c.primaryKey && !c.unique && c.type !== 'serial' && !s.catCols.get(c.name)?.notNull && !taken.has(c.name));
  if (!ok || f.columns.some((name) => s.spec.compositeKey?.columns.includes(name))) return false;
  s.spec.exclusive = [...(s.spec.exclusive ?? []), { columns: [...f.columns], ...(f.required ? { required: true } : {}) }];
  return true;
}

/** `x ~ '^…$'`: a text column generated from the pattern (when the generator supports its syntax). */
function applyPattern(s: TableState, f: Fact<'pattern'>): boolean {
  const col = columnOf(s, f.column);
  const cat = s.catCols.get(f.column);
  if (!col || !cat || col.primaryKey || col.unique || col.type === 'foreignKey' || col.type === 'enum') return false;
  if (!['text', 'varchar', 'bpchar', 'citext'].includes(cat.typeName)) return false;
  try {
    parsePattern(f.pattern);
  } catch {
    return false;
  }
  replaceColumn(s, { name: col.name, type: 'pattern', pattern: f.pattern, ...(col.nullRatio !== undefined ? { nullRatio: col.nullRatio } : {}) });
  return true;
}

/** Numeric and time columns: the span [min, max] of their values, as numbers (time: epoch ms). */
function span(col: ColumnSpec): { lo: number; hi: number; step: number; time: boolean } | null {
  if (col.type === 'int' || col.type === 'bigint' || col.type === 'decimal') {
    if (col.mode === 'sequence' || col.min === undefined || col.max === undefined) return null;
    return { lo: col.min, hi: col.max, step: col.type === 'decimal' ? 10 ** -(col.scale ?? 2) : 1, time: false };
  }
  if ((col.type === 'date' || col.type === 'timestamp' || col.type === 'timestamptz') && col.from && col.to && col.mode === undefined) {
    return { lo: parseIsoInstant(col.from), hi: parseIsoInstant(col.to), step: col.type === 'date' ? 86_400_000 : 1000, time: true };
  }
  return null;
}

function setSpan(col: ColumnSpec, lo: number, hi: number, time: boolean): ColumnSpec {
  if (!time) return { ...col, min: lo, max: hi };
  const iso = (ms: number) => (col.type === 'date' ? new Date(ms).toISOString().slice(0, 10) : new Date(ms).toISOString().replace('.000Z', 'Z'));
  return { ...col, from: iso(lo), to: iso(hi) };
}

/**
 * `earlier < later` across columns: the two spans are split at their overlap's middle, so every
 * value of `later` exceeds every value of `earlier` (true for NULLs too: the CHECK passes).
 */
function applyAfter(s: TableState, f: Fact<'after'>, warn: Warn): boolean {
  const later = columnOf(s, f.column);
  const earlier = columnOf(s, f.other);
  const a = earlier && span(earlier);
  const b = later && span(later);
  if (!a || !b || a.time !== b.time || !earlier || !later || earlier.primaryKey || earlier.unique || later.primaryKey || later.unique) return false;
  if (a.hi < b.lo || (f.orEqual && a.hi <= b.lo)) return true;
  const lo = Math.min(a.lo, b.lo);
  const hi = Math.max(a.hi, b.hi);
  const step = Math.max(a.step, b.step);
  const mid = lo + Math.floor((hi - lo) / 2 / step) * step;
  if (mid + step > hi) return false;
  replaceColumn(s, setSpan(earlier, lo, mid, a.time));
  replaceColumn(s, setSpan(later, mid + step, hi, b.time));
  warn(`${f.other} < ${f.column}: ${f.other} is generated in the lower half of their common span, ${f.column} in the upper half`);
  return true;
}

/** A member that must carry values: a primary or unique column, or a member of the composite key or of a composite foreign key. */
function pinned(s: TableState, c: ColumnSpec): boolean {
  return c.primaryKey === true || c.unique === true || s.spec.compositeKey?.columns.includes(c.name) === true || (s.spec.foreignKeys ?? []).some((fk) => fk.columns.includes(c.name));
}

function inUniqueKeys(s: TableState, name: string): boolean {
  return (s.spec.uniqueKeys ?? []).some((u) => u.columns.includes(name));
}

/** The uniqueKeys entries over `name`. */
function uniqueKeysOver(s: TableState, name: string): { columns: string[] }[] {
  return (s.spec.uniqueKeys ?? []).filter((u) => u.columns.includes(name));
}

/** Whether a unique key generated over `name` says NULLS NOT DISTINCT (a NULL member then repeats). */
function nullsNotDistinct(s: TableState, name: string): boolean {
  const same = (k: CatalogConstraint, cols: string[]) => k.columns.length === cols.length && k.columns.every((c) => cols.includes(c));
  return uniqueKeysOver(s, name).some((u) => s.cat.constraints.some((k) => k.kind === 'unique' && same(k, u.columns) && /NULLS NOT DISTINCT/i.test(k.definition)));
}

/** With `name` always NULL, a unique key over it never repeats (NULLs are distinct in a unique index): not generated. */
function releaseUniqueKeys(s: TableState, name: string, warn: Warn): void {
  const over = uniqueKeysOver(s, name);
  if (over.length === 0) return;
  s.spec.uniqueKeys = (s.spec.uniqueKeys ?? []).filter((u) => !over.includes(u));
  if (s.spec.uniqueKeys.length === 0) delete s.spec.uniqueKeys;
  for (const u of over) warn(`unique key (${u.columns.join(', ')}) never repeats with ${name} always NULL: not generated`);
}

/**
 * At most (or exactly) one of the members non-NULL: one member carries values, the others are
 * NULL. The carrier is the NOT NULL member, else one generated in a key (a key member is never
 * NULL, as "exactly one" wants: `UNIQUE (feature_id, plan_id)` beside `CHECK ((plan_id IS NOT NULL)
 * <> (subscription_id IS NOT NULL))`), else the first. The others must be free to be NULL; a
 * unique key over one of them holds with it NULL and is no longer generated.
 */
function applyExclusive(s: TableState, f: Fact<'exclusive'>, warn: Warn): boolean {
  const members = f.columns.map((name) => columnOf(s, name));
  if (members.some((c) => !c)) return false;
  const cols = members as ColumnSpec[];
  const notNull = f.columns.filter((name) => s.catCols.get(name)?.notNull);
  if (notNull.length > 1) return false;
  const carrier = notNull[0] ?? cols.find((c) => pinned(s, c))?.name ?? cols.find((c) => inUniqueKeys(s, c.name))?.name ?? f.columns[0];
  const others = cols.filter((c) => c.name !== carrier);
  if (others.some((c) => pinned(s, c) || nullsNotDistinct(s, c.name))) return false;
  for (const c of others) releaseUniqueKeys(s, c.name, warn);
  for (const c of cols) {
    if (c.name !== carrier) replaceColumn(s, { ...c, nullRatio: 1 });
    else if (f.required) {
      replaceColumn(s, without(c, 'nullRatio'));
      s.keyColumns.add(c.name); // never NULL: the nullable-column default share would break "exactly one"
    }
  }
  warn(`at most one of ${f.columns.join(', ')} is set: ${carrier} is ${f.required ? 'always' : 'the one'} set, the others are always NULL`);
  return true;
}

const TEXTUAL = new Set(['text', 'varchar', 'bpchar', 'citext']);

/**
 * Members of key tuples (compositeKey, uniqueKeys) that the tuple generator cannot enumerate —
 * realistic text such as names or companies — become random characters that fit the column.
 */
function checkCompositeMembers(s: TableState, warn: Warn): void {
  const members = [...(s.spec.compositeKey?.columns ?? []), ...(s.spec.uniqueKeys ?? []).flatMap((u) => u.columns)];
  for (const name of members) {
    const c = columnOf(s, name);
    const cat = s.catCols.get(name);
    if (!c || !cat || !TEXTUAL.has(cat.typeName) || ['text', 'char', 'enum', 'email', 'username', 'uuid', 'foreignKey'].includes(c.type)) continue;
    const [len] = /\((\d+)\)$/.exec(cat.formatted)?.slice(1).map(Number) ?? [];
    const length = Math.min(len ?? 12, 12);
    replaceColumn(s, { name, type: 'char', length });
    warn(`key member ${name} (${cat.formatted}) generated as ${length} random characters so the key's tuples are unique`);
  }
}
