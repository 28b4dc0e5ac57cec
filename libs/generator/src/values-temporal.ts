import { DEFAULT_DATE_FROM, parseIsoInstant, REFERENCE_DATE } from '@rowflow/schema';
import type { ByteSink } from './byte-sink.js';
import type { ColumnCompiler } from './column.js';
import type { RowContext } from './row-context.js';

const DAY_MS = 86_400_000;
const MAX_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
const PAD2 = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
const PAD3 = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

/** YYYY-MM-DD of a day number (days since 1970-01-01), via Hinnant's civil-from-days. */
export function formatDay(days: number): string {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return `${String(y).padStart(4, '0')}-${PAD2[m]}-${PAD2[d]}`;
}

const CACHE_MAX_DAYS = 40_000; // ~110 years of day strings (~1.6 MB) at most per column

/** Memoised day formatting for one column's range (a day string is computed once, then reused). */
export class DayFormatter {
  /** Dense array ('' = not yet formatted): a sparse one would fall into slow dictionary mode. */
  private readonly cache: string[];

  constructor(
    private readonly firstDay: number,
    dayCount = CACHE_MAX_DAYS,
  ) {
    this.cache = new Array<string>(Math.min(Math.max(dayCount, 0), CACHE_MAX_DAYS)).fill('');
  }

  format(days: number): string {
    const i = days - this.firstDay;
    if (i < 0 || i >= this.cache.length) return formatDay(days);
    const hit = this.cache[i]!;
    return hit !== '' ? hit : (this.cache[i] = formatDay(days));
  }
}

/** `THH:MM:` per minute of the day, and second/millisecond tails with and without `Z`: a timestamp is then 3–4 concatenations. */
const HOUR_MINUTE = Array.from({ length: 1440 }, (_, i) => `T${PAD2[Math.floor(i / 60)]}:${PAD2[i % 60]}:`);
const SECOND_Z = PAD2.slice(0, 60).map((s) => `${s}Z`);
const MILLIS = PAD3.map((m) => `.${m}`);
const MILLIS_Z = PAD3.map((m) => `.${m}Z`);

/** ISO 8601 date-time in UTC; `millis` adds `.sss`, `zone` appends `Z` (timestamptz). */
export function formatInstant(ms: number, millis: boolean, zone: boolean, days: DayFormatter): string {
  const day = Math.floor(ms / DAY_MS);
  const inDay = ms - day * DAY_MS;
  const msPart = inDay % 1000;
  const secs = (inDay - msPart) / 1000;
  const s = secs % 60;
  const head = days.format(day) + HOUR_MINUTE[(secs - s) / 60]!;
  if (millis) return head + PAD2[s]! + (zone ? MILLIS_Z : MILLIS)[msPart]!;
  return head + (zone ? SECOND_Z[s]! : PAD2[s]!);
}

/** `formatInstant` written as bytes: the cached day, then the time's digits written directly. */
export function writeInstant(ms: number, millis: boolean, zone: boolean, days: DayFormatter, out: ByteSink): void {
  const day = Math.floor(ms / DAY_MS);
  const inDay = ms - day * DAY_MS;
  const msPart = inDay % 1000;
  const secs = (inDay - msPart) / 1000;
  const s = secs % 60;
  const minutes = (secs - s) / 60;
  out.str(days.format(day));
  out.byte(84); // T
  out.pad(Math.floor(minutes / 60), 2);
  out.byte(58); // :
  out.pad(minutes % 60, 2);
  out.byte(58);
  out.pad(s, 2);
  if (millis) {
    out.byte(46); // .
    out.pad(msPart, 3);
  }
  if (zone) out.byte(90); // Z
}

function bounds(from: string | undefined, to: string | undefined): { lo: number; hi: number } {
  const lo = parseIsoInstant(from ?? DEFAULT_DATE_FROM);
  const hi = to !== undefined ? parseIsoInstant(to) : Math.max(lo, parseIsoInstant(REFERENCE_DATE));
  return { lo, hi };
}

export const dateColumn: ColumnCompiler = ({ col, random }) => {
  const { lo, hi } = bounds(col.from, col.to);
  const d0 = Math.floor(lo / DAY_MS);
  const n = Math.floor(hi / DAY_MS) - d0 + 1;
  const days = new DayFormatter(d0, n);
  return { kind: 'plain', value: (row) => days.format(d0 + random.at(row).below(n)) };
};

/**
 * timestamp / timestamptz. `random`: uniform whole seconds in [from, to]. `sequence`: event time,
 * from + k·stepMs + jitter in [0, stepMs), so it never decreases and row k needs no row k-1.
 */
export const timestampColumn: ColumnCompiler = ({ col, random }) => {
  const zone = col.type === 'timestamptz';
  const { lo, hi } = bounds(col.from, col.to);
  const days = new DayFormatter(Math.floor(lo / DAY_MS), col.mode === 'sequence' ? CACHE_MAX_DAYS : Math.floor(hi / DAY_MS) - Math.floor(lo / DAY_MS) + 1);
  if (col.mode === 'sequence') {
    const step = col.stepMs ?? 1000;
    const capacity = Math.floor((MAX_MS - lo) / step);
    const at = (row: RowContext): number => lo + row.k * step + random.at(row).below(step);
    return {
      kind: 'plain',
      capacity,
      value: (row) => formatInstant(at(row), true, zone, days),
      write: (row, out) => (writeInstant(at(row), true, zone, days, out), true),
    };
  }
  const s0 = Math.ceil(lo / 1000);
  const n = Math.floor(hi / 1000) - s0 + 1;
  const at = (row: RowContext): number => (s0 + Math.floor(random.at(row).float53() * n)) * 1000;
  return {
    kind: 'plain',
    value: (row) => formatInstant(at(row), false, zone, days),
    write: (row, out) => (writeInstant(at(row), false, zone, days, out), true),
  };
};
