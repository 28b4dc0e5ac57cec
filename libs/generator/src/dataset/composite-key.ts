import { type ColumnSpec, type ColumnType, type CompositeForeignKeySpec, type DatasetTableSpec, ValidationError } from '@rowflow/contracts';
import { DEFAULT_CHAR_LENGTH, DEFAULT_DATE_FROM, decimalBounds, parseIsoInstant, REFERENCE_DATE, referencedColumn } from '@rowflow/schema';
import type { Cell, CellKind, CompiledColumn } from '../column.js';
import { compileColumn } from '../compile.js';
import { WORDS } from '../dictionaries.js';
import { FeistelPermutation } from '../feistel.js';
import { fmix, mix, streamKey } from '../hash.js';
import { OrderedRanks, rankCorrelation } from '../profile-order.js';
import { RowContext } from '../row-context.js';
import { formatUnits, intColumnRange } from '../values-numeric.js';
import { dayText, formatInstant } from '../values-temporal.js';
import { profileDistinct } from '../profile-values.js';
import type { DatasetPlan } from './dataset-plan.js';

/** Largest tuple domain the permutation covers exactly (FeistelPermutation's limit). */
const MAX_DOMAIN = 2 ** 52;
const DAY_MS = 86_400_000;
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

interface Member {
  radix: number;
  /** Value of this member for digit d: distinct digits give distinct values. */
  valueAt(d: number): Cell;
  kind: CellKind;
}

/** A column's own generator at row d, for types unique by construction (uuid, email, username). */
function uniqueGenerator(plan: DatasetPlan, table: string, col: ColumnSpec): Member {
  const key = compileColumn({ ...col, unique: true, nullRatio: undefined }, plan.seed, table);
  const row = new RowContext(plan.seed, table);
  return {
    radix: Math.min(key.capacity, MAX_DOMAIN),
    kind: key.kind,
    valueAt: (d) => {
      row.setRow(d);
      return key.value(row);
    },
  };
}

/**
 * A foreign key member: every parent, or — profiled, when `narrow` — only as many as the source's
 * distinct count (spread evenly over the parents), so 14 of 18 playlists hold every track entry.
 */
function foreignKeyMember(plan: DatasetPlan, table: string, col: ColumnSpec, narrow: boolean): Member {
  const { table: parent, column: keySpec } = referencedColumn(plan.dataset, col);
  const key = compileColumn(keySpec, plan.seed, parent.name, parent.keyOffset ?? 0);
  const row = new RowContext(plan.seed, parent.name);
  const parents = plan.rowsOf(parent.name);
  const wanted = narrow ? profileDistinct(col.profile?.distinct, plan.rowsOf(table)) : null;
  const radix = wanted !== null && wanted >= 1 ? Math.min(parents, wanted) : parents;
  return {
    radix,
    kind: key.kind,
    valueAt: (d) => {
      row.setRow(Math.floor((d * parents) / radix));
      return key.value(row);
    },
  };
}

function temporalMember(col: ColumnSpec): Member {
  const lo = parseIsoInstant(col.from ?? DEFAULT_DATE_FROM);
  const hi = col.to !== undefined ? parseIsoInstant(col.to) : Math.max(lo, parseIsoInstant(REFERENCE_DATE));
  const d0 = Math.floor(lo / DAY_MS);
  if (col.type === 'date') return { radix: Math.floor(hi / DAY_MS) - d0 + 1, kind: 'plain', valueAt: (d) => dayText(d0 + d) };
  const s0 = Math.ceil(lo / 1000);
  const zone = col.type === 'timestamptz';
  return { radix: Math.floor(hi / 1000) - s0 + 1, kind: 'plain', valueAt: (d) => formatInstant((s0 + d) * 1000, false, zone) };
}

/** d as `length` base-36 characters (char columns). */
function charMember(col: ColumnSpec): Member {
  const length = col.length ?? DEFAULT_CHAR_LENGTH;
  return {
    radix: Math.min(36 ** length, MAX_DOMAIN),
    kind: 'plain',
    valueAt: (d) => {
      let out = '';
      for (let i = 0, x = d; i < length; i++, x = Math.floor(x / 36)) out = ALNUM.charAt(x % 36) + out;
      return out;
    },
  };
}

function decimalMember(col: ColumnSpec): Member {
  const { scale, min, max } = decimalBounds(col);
  const pow = 10 ** scale;
  const lo = Math.ceil(min * pow - 1e-9);
  return { radix: Math.min(Math.floor(max * pow + 1e-9) - lo + 1, MAX_DOMAIN), kind: 'plain', valueAt: (d) => formatUnits(lo + d, scale, pow) };
}

function intMember(col: ColumnSpec): Member {
  const { min, max } = intColumnRange(col);
  return { radix: max - min + 1, kind: 'number', valueAt: (d) => min + d };
}

type MemberOf = (plan: DatasetPlan, table: string, col: ColumnSpec, narrow: boolean) => Member;

/** Digit → value map per member type (the types the dataset validation accepts as key members). */
const MEMBERS: Partial<Record<ColumnType, MemberOf>> = {
  foreignKey: foreignKeyMember,
  uuid: uniqueGenerator,
  email: uniqueGenerator,
  username: uniqueGenerator,
  enum: (_p, _t, col) => ({ radix: col.values?.length ?? 1, kind: 'text', valueAt: (d) => col.values?.[d] ?? '' }),
  boolean: () => ({ radix: 2, kind: 'boolean', valueAt: (d) => d === 1 }),
  date: (_p, _t, col) => temporalMember(col),
  timestamp: (_p, _t, col) => temporalMember(col),
  timestamptz: (_p, _t, col) => temporalMember(col),
  char: (_p, _t, col) => charMember(col),
  // A word, then the word and a number: distinct digits give distinct strings. Text shortened
  // to a short column cannot carry the number: characters that fit it instead.
  text: (_p, _t, col) =>
    col.maxLength !== undefined
      ? charMember({ ...col, length: col.maxLength })
      : { radix: MAX_DOMAIN, kind: 'text', valueAt: (d) => (d < WORDS.length ? WORDS[d]! : `${WORDS[d % WORDS.length]!} ${Math.floor(d / WORDS.length)}`) },
  decimal: (_p, _t, col) => decimalMember(col),
};

function member(plan: DatasetPlan, table: string, col: ColumnSpec, narrow: boolean): Member {
  return (MEMBERS[col.type] ?? ((_p, _t, c) => intMember(c)))(plan, table, col, narrow);
}


/** The compiled columns of a parent table, by name (only the referenced ones are read). */
export type ParentColumns = (parent: string, needed: string[]) => Map<string, CompiledColumn>;

/**
 * Composite foreign keys to another table lying inside the composite key without covering it
 * (`stock (tenant, code, warehouse)` with `(tenant, code)` → `products`): each is one digit of
 * the key tuple, the parent's row, so its members are a real parent key and the tuple unique.
 */
export function foreignKeysInKey(table: DatasetTableSpec): CompositeForeignKeySpec[] {
  const key = table.compositeKey;
  if (!key || coveredByForeignKey(table, key.columns)) return [];
  return (table.foreignKeys ?? []).filter((fk) => fk.references.table !== table.name && fk.columns.every((c) => key.columns.includes(c)));
}

/** One digit for a foreign key inside the key: the parent row; the member columns its referenced values. */
function parentRowMember(plan: DatasetPlan, fk: CompositeForeignKeySpec, parents: ParentColumns): Digit {
  const compiled = parents(fk.references.table, fk.references.columns);
  const row = new RowContext(plan.seed, fk.references.table);
  const columns = new Map(
    fk.columns.map((name, i) => {
      const ref = compiled.get(fk.references.columns[i]!)!;
      const valueAt = (d: number): Cell => {
        row.setRow(d);
        return ref.value(row);
      };
      return [name, { kind: ref.kind, valueAt }] as const;
    }),
  );
  return { radix: plan.rowsOf(fk.references.table), columns };
}

/** A tuple digit: one column's own member, or a foreign key inside the key (several columns, one digit). */
interface Digit {
  radix: number;
  columns: Map<string, { kind: CellKind; valueAt(d: number): Cell }>;
}

function digitsOf(plan: DatasetPlan, table: DatasetTableSpec, columns: string[], inKey: CompositeForeignKeySpec[], parents: ParentColumns | undefined, narrow: boolean): Digit[] {
  const digits: Digit[] = [];
  const done = new Set<string>();
  for (const name of columns) {
    if (done.has(name)) continue;
    const fk = parents ? inKey.find((f) => f.columns.includes(name)) : undefined;
    if (fk && parents) {
      fk.columns.forEach((c) => done.add(c));
      digits.push(parentRowMember(plan, fk, parents));
      continue;
    }
    const m = member(plan, table.name, table.columns.find((c) => c.name === name) as ColumnSpec, narrow);
    digits.push({ radix: m.radix, columns: new Map([[name, m]]) });
  }
  return digits;
}

/** Digits with foreign keys narrowed to their profiled parents, unless that leaves fewer tuples than rows. */
function narrowedDigits(plan: DatasetPlan, table: DatasetTableSpec, columns: string[], inKey: CompositeForeignKeySpec[], parents: ParentColumns | undefined): Digit[] {
  const narrowed = digitsOf(plan, table, columns, inKey, parents, true);
  const tuples = narrowed.reduce((a, d) => a * d.radix, 1);
  return tuples >= plan.rowsOf(table.name) + (table.keyOffset ?? 0) ? narrowed : digitsOf(plan, table, columns, inKey, parents, false);
}

/**
 * Columns of one unique tuple: row k's tuple is the mixed-radix digits of perm(k), perm a keyed
 * bijection of [0, domain) — distinct rows get distinct tuples, in random-looking order, with
 * every foreign key member a real parent key. `what` names the key in errors, `salt` seeds it.
 */
function compileTuple(plan: DatasetPlan, table: DatasetTableSpec, columns: string[], what: string, salt: string, inKey: CompositeForeignKeySpec[] = [], parents?: ParentColumns): Map<string, CompiledColumn> {
  const out = new Map<string, CompiledColumn>();
  const members = narrowedDigits(plan, table, columns, inKey, parents);
  const combos = members.reduce((a, m) => a * m.radix, 1);
  const domain = Math.min(combos, MAX_DOMAIN);
  const rows = plan.rowsOf(table.name);
  const offset = table.keyOffset ?? 0;
  if (offset + rows > domain) {
    throw new ValidationError('dataset', `${what} (${columns.join(', ')}) of "${table.name}" has ${combos} combinations, fewer than its ${rows} rows${offset ? ` after keyOffset ${offset}` : ''}`);
  }
  if (rows === 0) return out;
  const covering = profiledTuple(table, columns) ? coveringTuple(table, members, rows, offset, streamKey(plan.seed, table.name, `${salt}:covering:${columns.join(',')}`)) : null;
  if (covering) return covering;
  const perm = new FeistelPermutation(domain, streamKey(plan.seed, table.name, `${salt}:${columns.join(',')}`));
  let place = 1;
  for (const m of members) {
    const below = place;
    place *= m.radix;
    for (const [name, c] of m.columns) {
      out.set(name, { name, kind: c.kind, capacity: domain - offset, value: (row) => c.valueAt(Math.floor(perm.apply(row.k + offset) / below) % m.radix) });
    }
  }
  return out;
}

/** A tuple with a profiled member: its distinct counts are the source's, so they are honoured. */
function profiledTuple(table: DatasetTableSpec, columns: string[]): boolean {
  return table.columns.some((c) => columns.includes(c.name) && c.profile?.distinct !== undefined);
}

/**
 * Tuples in which every member takes its values equally often, led by the member stored in order
 * (the highest |correlation|, else the first). Row k's index y (an OrderedRanks rank, so the lead
 * keeps the source's physical order) gives the lead its block ⌊y·R/size⌋ — each of its R values
 * on a run of consecutive ranks — and the other members, as one mixed-radix number, π(y mod R')
 * with π a keyed permutation of their R' combinations. Two rows of one block are fewer than R'
 * apart, so their tuples differ: unique. Both sides cover all their values: 49 territories held
 * once each by 9 employees stay 49 (drawing tuples at random reaches about 34), 8,715 playlist
 * entries hold every one of 3,503 tracks, and order lines come order by order. Null when the
 * other members have too few combinations.
 */
function coveringTuple(table: DatasetTableSpec, members: Digit[], rows: number, offset: number, key: number): Map<string, CompiledColumn> | null {
  if (members.length < 2) return null;
  const correlation = (d: Digit) => Math.max(0, ...[...d.columns.keys()].map((n) => Math.abs(table.columns.find((c) => c.name === n)?.profile?.correlation ?? 0)));
  const lead = members.reduce((best, m, i) => (correlation(m) > correlation(members[best] as Digit) ? i : best), 0);
  const leadDigit = members[lead] as Digit;
  const R = leadDigit.radix;
  const others = members.filter((_, i) => i !== lead);
  const rest = others.reduce((a, m) => a * m.radix, 1);
  const size = rows + offset;
  if (!(rest <= MAX_DOMAIN) || Math.ceil(size / R) > rest || size > MAX_DOMAIN) return null;
  const leadCorrelation = [...leadDigit.columns.keys()].map((n) => table.columns.find((c) => c.name === n)?.profile?.correlation).find((c) => c !== undefined);
  const ranks = new OrderedRanks(size, key, rankCorrelation(leadCorrelation ?? 0, Array.from({ length: Math.min(R, size) }, () => 1 / Math.min(R, size))));
  const pi = new FeistelPermutation(rest, fmix(mix(key, 1)));
  const out = new Map<string, CompiledColumn>();
  // Rows after an offset take later ranks: disjoint from the first rows' tuples.
  const capacity = rows;
  for (const [name, c] of leadDigit.columns) {
    out.set(name, { name, kind: c.kind, capacity, value: (row) => c.valueAt(Math.floor((ranks.rank(row.k + offset) * R) / size)) });
  }
  let place = 1;
  for (const m of others) {
    const below = place;
    place *= m.radix;
    for (const [name, c] of m.columns) {
      out.set(name, { name, kind: c.kind, capacity, value: (row) => c.valueAt(Math.floor(pi.apply(ranks.rank(row.k + offset) % rest) / below) % m.radix) });
    }
  }
  return out;
}

/** A composite foreign key over every member of `columns`: distinct parents make the tuple unique. */
export function coveredByForeignKey(table: DatasetTableSpec, columns: string[]): boolean {
  return (table.foreignKeys ?? []).some((fk) => columns.every((c) => fk.columns.includes(c)));
}

/**
 * Columns of the table's composite key and of its `uniqueKeys` (each its own bijective tuple;
 * members are disjoint, so each column belongs to at most one). Returns the members by name.
 */
export function compileCompositeKey(plan: DatasetPlan, table: DatasetTableSpec, parents?: ParentColumns): Map<string, CompiledColumn> {
  const out = new Map<string, CompiledColumn>();
  const key = table.compositeKey;
  // The composite key's salt is unchanged from before unique keys existed: same outputs.
  if (key && !coveredByForeignKey(table, key.columns)) {
    for (const [k, v] of compileTuple(plan, table, key.columns, 'composite key', '\u0000compositeKey', foreignKeysInKey(table), parents)) out.set(k, v);
  }
  for (const unique of table.uniqueKeys ?? []) {
    for (const [k, v] of compileTuple(plan, table, unique.columns, 'unique key', '\u0000uniqueKey')) out.set(k, v);
  }
  return out;
}
