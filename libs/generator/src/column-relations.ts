import type { ColumnSpec, ExclusiveSpec, TableSpec } from '@rowflow/contracts';
import { DEFAULT_DATE_FROM, decimalBounds, INT32_MAX, INT32_MIN, parseIsoInstant, REFERENCE_DATE } from '@rowflow/schema';
import { type Cell, ColumnRandom, type CompiledColumn } from './column.js';
import { cellSeed, streamKey } from './hash.js';
import { formatBigUnits, intColumnRange, toUnits } from './values-numeric.js';
import { formatTimeOfDay, parseTimeOfDay, timeBounds } from './values-pg.js';
import { formatDay, formatInstant } from './values-temporal.js';

const DAY_MS = 86_400_000;
const MAX_DAY = Math.floor(Date.UTC(9999, 11, 31) / DAY_MS);

/** How an ordered column counts: its unit, how far an offset may reach, and its text. */
interface OrderedScale {
  /** Own units (floor and ceil) of the earlier column's value. */
  units(other: Cell): { floor: bigint; ceil: bigint };
  /** Largest offset, in own units (>= 1). */
  span: bigint;
  format(units: bigint): Cell;
}

const clamp = (x: bigint, lo: bigint, hi: bigint): bigint => (x < lo ? lo : x > hi ? hi : x);

/** ms of a date or timestamp text (UTC, as generated). */
function instantMs(v: Cell): number {
  return parseIsoInstant(String(v));
}

function byUnit(ms: number, unitMs: number): { floor: bigint; ceil: bigint } {
  return { floor: BigInt(Math.floor(ms / unitMs)), ceil: BigInt(Math.ceil(ms / unitMs)) };
}

function numericScale(col: ColumnSpec): OrderedScale {
  const scale = col.type === 'decimal' ? decimalBounds(col).scale : 0;
  const units = (v: Cell) => {
    const x = typeof v === 'number' ? v : Number(v);
    return { floor: toUnits(x, scale, false), ceil: toUnits(x, scale, true) };
  };
  if (col.type === 'decimal') {
    const { precision, min, max } = decimalBounds(col);
    const limit = 10n ** BigInt(precision) - 1n;
    return { units, span: toUnits(max, scale, false) - toUnits(min, scale, true), format: (u) => formatBigUnits(clamp(u, -limit, limit), scale) };
  }
  const { min, max } = intColumnRange(col);
  const [lo, hi] = col.type === 'int' ? [INT32_MIN, INT32_MAX] : [-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER];
  return { units, span: BigInt(max - min), format: (u) => Number(clamp(u, BigInt(lo), BigInt(hi))) };
}

function temporalScale(col: ColumnSpec): OrderedScale {
  const from = parseIsoInstant(col.from ?? DEFAULT_DATE_FROM);
  const to = col.to !== undefined ? parseIsoInstant(col.to) : Math.max(from, parseIsoInstant(REFERENCE_DATE));
  if (col.type === 'date') {
    return { units: (v) => byUnit(instantMs(v), DAY_MS), span: BigInt(Math.floor((to - from) / DAY_MS)), format: (u) => formatDay(Math.min(Number(u), MAX_DAY)) };
  }
  const zone = col.type === 'timestamptz';
  const maxSecond = MAX_DAY * 86_400 + 86_399;
  return {
    units: (v) => byUnit(instantMs(v), 1000),
    span: BigInt(Math.floor((to - from) / 1000)),
    format: (u) => formatInstant(Math.min(Number(u), maxSecond) * 1000, false, zone),
  };
}

function timeScale(col: ColumnSpec): OrderedScale {
  const { lo, hi } = timeBounds(col);
  const zone = col.timezone === true;
  return {
    units: (v) => {
      const s = BigInt(parseTimeOfDay(String(v).replace(/[+-]\d\d(:?\d\d)?$/, '')));
      return { floor: s, ceil: s };
    },
    span: BigInt(hi - lo),
    // 24:00:00 is the latest time PostgreSQL accepts: later than every other time of day.
    format: (u) => formatTimeOfDay(Math.min(Number(u), 86_400), zone),
  };
}

function orderedScale(col: ColumnSpec): OrderedScale {
  if (col.type === 'time') return timeScale(col);
  if (col.type === 'date' || col.type === 'timestamp' || col.type === 'timestamptz') return temporalScale(col);
  return numericScale(col);
}

/**
 * `after`: the value is the earlier column's value plus an offset drawn in [1, span] (or [0, span]
 * with orEqual), span being the column's own range; NULL when the column's own nullRatio says so;
 * generated as usual when the earlier value is NULL.
 */
function withAfter(own: CompiledColumn, other: CompiledColumn, col: ColumnSpec, seed: number, table: string): CompiledColumn {
  const strict = col.after?.orEqual !== true;
  const scale = orderedScale(col);
  const span = Number(scale.span > 0n ? scale.span : 1n);
  const random = new ColumnRandom(seed, table, col.name, '\u0000after:');
  const inner = own.value;
  return {
    ...own,
    kind: own.kind === 'number' ? 'number' : 'plain',
    value: (row) => {
      const mine = inner(row);
      const base = other.value(row);
      if (mine === null || base === null) return mine;
      const { floor, ceil } = scale.units(base);
      const offset = BigInt(Math.floor(random.at(row).float53() * (strict ? span : span + 1)));
      return scale.format(strict ? floor + 1n + offset : ceil + offset);
    },
  };
}

/** `exclusive`: per row one member (or, unless required, none) keeps its value; the others are NULL. */
function withExclusive(columns: CompiledColumn[], group: ExclusiveSpec, seed: number, table: string): CompiledColumn[] {
  const members = new Set(group.columns);
  const key = streamKey(seed, table, `\u0000exclusive:${group.columns.join(',')}`);
  const choices = group.columns.length + (group.required ? 0 : 1);
  return columns.map((c) => {
    const index = group.columns.indexOf(c.name);
    if (!members.has(c.name)) return c;
    const inner = c.value;
    return { ...c, value: (row) => (Math.floor((cellSeed(key, row.lo, row.hi) / 4294967296) * choices) === index ? inner(row) : null) };
  });
}

/** Column specs as compiled: members of a required exclusive group never draw their own NULLs. */
export function relationColumnSpecs(spec: TableSpec): ColumnSpec[] {
  const required = new Set((spec.exclusive ?? []).filter((g) => g.required).flatMap((g) => g.columns));
  if (required.size === 0) return spec.columns;
  return spec.columns.map((c) => (required.has(c.name) && c.nullRatio ? { ...c, nullRatio: 0 } : c));
}

/** Applies the cross-column options (`after`, then `exclusive`) of a validated table to its compiled columns. */
export function applyColumnRelations(spec: TableSpec, seed: number, table: string, columns: CompiledColumn[]): CompiledColumn[] {
  const out = [...columns];
  spec.columns.forEach((col, i) => {
    if (!col.after) return;
    const other = out[spec.columns.findIndex((c) => c.name === col.after?.column)];
    if (other) out[i] = withAfter(out[i]!, other, col, seed, table);
  });
  return (spec.exclusive ?? []).reduce((cols, group) => withExclusive(cols, group, seed, table), out);
}
