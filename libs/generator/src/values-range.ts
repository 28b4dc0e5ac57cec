import type { ColumnSpec } from '@rowflow/contracts';
import { DEFAULT_DATE_FROM, DEFAULT_RANGE_SUBTYPE, parseIsoInstant, REFERENCE_DATE } from '@rowflow/schema';
import type { ColumnCompiler } from './column.js';
import type { Rng } from './hash.js';
import { formatUnits } from './values-numeric.js';
import { dayText, formatDay } from './values-temporal.js';

const DAY_MS = 86_400_000;

/** Lower bound uniform in [lo, hi - 1], upper in (lower, lower + width]: never empty, inside [lo, hi]. */
function bounds(r: Rng, lo: number, hi: number): [number, number] {
  const n = hi - lo;
  const a = lo + Math.floor(r.float53() * n);
  const width = Math.max(1, Math.min(hi - a, Math.ceil(n / 4)));
  return [a, a + 1 + Math.floor(r.float53() * width)];
}

function numericRange(col: ColumnSpec, defaults: [number, number], scale: number): (r: Rng) => string {
  const pow = 10 ** scale;
  const lo = Math.ceil((col.min ?? defaults[0]) * pow);
  const hi = Math.max(lo + 1, Math.floor((col.max ?? Math.max(defaults[1], col.min ?? 0)) * pow));
  return (r) => {
    const [a, b] = bounds(r, lo, hi);
    return `[${formatUnits(a, scale, pow)},${formatUnits(b, scale, pow)})`;
  };
}

function temporalRange(col: ColumnSpec, unitMs: number, text: (units: number) => string): (r: Rng) => string {
  const lo = Math.ceil(parseIsoInstant(col.from ?? DEFAULT_DATE_FROM) / unitMs);
  const hi = Math.max(lo + 1, Math.floor(parseIsoInstant(col.to ?? REFERENCE_DATE) / unitMs));
  return (r) => {
    const [a, b] = bounds(r, lo, hi);
    return `[${text(a)},${text(b)})`;
  };
}

/** `"YYYY-MM-DD HH:MM:SS[+00]"`: how PostgreSQL prints timestamps inside a range (quoted: they hold a space). */
function rangeInstant(seconds: number, zone: boolean): string {
  const day = Math.floor(seconds / 86_400);
  const s = seconds - day * 86_400;
  const clock = `${String(Math.floor(s / 3600)).padStart(2, '0')}:${String(Math.floor(s / 60) % 60).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
  return `"${dayText(day)} ${clock}${zone ? '+00' : ''}"`;
}

/**
 * range: a non-empty `[lower,upper)` within [min, max] (numbers) or [from, to] (dates), in the
 * canonical form PostgreSQL prints (discrete ranges are `[)` already).
 */
export const rangeColumn: ColumnCompiler = ({ col, random }) => {
  const subtype = col.subtype ?? DEFAULT_RANGE_SUBTYPE;
  const draw: Record<typeof subtype, () => (r: Rng) => string> = {
    int4range: () => numericRange(col, [0, 1000], 0),
    int8range: () => numericRange(col, [0, 1e12], 0),
    numrange: () => numericRange(col, [0, 1000], 2),
    daterange: () => temporalRange(col, DAY_MS, formatDay),
    tsrange: () => temporalRange(col, 1000, (s) => rangeInstant(s, false)),
    tstzrange: () => temporalRange(col, 1000, (s) => rangeInstant(s, true)),
  };
  const value = draw[subtype]();
  return { kind: 'text', value: (row) => value(random.at(row)) };
};
