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

/**
 * Day strings of 1900-01-01 … 2099-12-31, where generated dates mostly fall: formatted once each
 * on first use and shared by every column of the thread, so compiling a table per chunk (a job
 * does) builds no cache of its own. Days outside are formatted each time.
 */
const CACHED_FIRST_DAY = -25_567;
const CACHED_DAYS = 73_049;
/** Dense ('' = not yet formatted): a sparse array would fall into slow dictionary mode. */
let dayCache: string[] | undefined;

/** `formatDay`, memoised. */
export function dayText(days: number): string {
  const i = days - CACHED_FIRST_DAY;
  if (i < 0 || i >= CACHED_DAYS) return formatDay(days);
  const cache = (dayCache ??= new Array<string>(CACHED_DAYS).fill(''));
  const hit = cache[i]!;
  return hit !== '' ? hit : (cache[i] = formatDay(days));
}

/** `THH:MM:` per minute of the day, and second/millisecond tails with and without `Z`: a timestamp is then 3–4 concatenations. */
const HOUR_MINUTE = Array.from({ length: 1440 }, (_, i) => `T${PAD2[Math.floor(i / 60)]}:${PAD2[i % 60]}:`);
const SECOND_Z = PAD2.slice(0, 60).map((s) => `${s}Z`);
const MILLIS = PAD3.map((m) => `.${m}`);
const MILLIS_Z = PAD3.map((m) => `.${m}Z`);

/** ISO 8601 date-time in UTC; `millis` adds `.sss`, `zone` appends `Z` (timestamptz). */
export function formatInstant(ms: number, millis: boolean, zone: boolean): string {
  const day = Math.floor(ms / DAY_MS);
  const inDay = ms - day * DAY_MS;
  const msPart = inDay % 1000;
  const secs = (inDay - msPart) / 1000;
  const s = secs % 60;
  const head = dayText(day) + HOUR_MINUTE[(secs - s) / 60]!;
  if (millis) return head + PAD2[s]! + (zone ? MILLIS_Z : MILLIS)[msPart]!;
  return head + (zone ? SECOND_Z[s]! : PAD2[s]!);
}

/** `formatInstant` written as bytes: the cached day, then the time's digits written directly. */
export function writeInstant(ms: number, millis: boolean, zone: boolean, out: ByteSink): void {
  const day = Math.floor(ms / DAY_MS);
  const inDay = ms - day * DAY_MS;
  const msPart = inDay % 1000;
  const secs = (inDay - msPart) / 1000;
  const s = secs % 60;
  const minutes = (secs - s) / 60;
  out.str(dayText(day));
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
  const pick = (row: RowContext): string => dayText(d0 + random.at(row).below(n));
  return { kind: 'plain', value: pick, write: (row, out) => (out.str(pick(row)), true) };
};

/**
 * timestamp / timestamptz. `random`: uniform whole seconds in [from, to]. `sequence`: event time,
 * from + k·stepMs + jitter in [0, stepMs), so it never decreases and row k needs no row k-1.
 */
export const timestampColumn: ColumnCompiler = ({ col, random }) => {
  const zone = col.type === 'timestamptz';
  const { lo, hi } = bounds(col.from, col.to);
  if (col.mode === 'sequence') {
    const step = col.stepMs ?? 1000;
    const capacity = Math.floor((MAX_MS - lo) / step);
    const at = (row: RowContext): number => lo + row.k * step + random.at(row).below(step);
    return {
      kind: 'plain',
      capacity,
      value: (row) => formatInstant(at(row), true, zone),
      write: (row, out) => (writeInstant(at(row), true, zone, out), true),
    };
  }
  const s0 = Math.ceil(lo / 1000);
  const n = Math.floor(hi / 1000) - s0 + 1;
  const at = (row: RowContext): number => (s0 + Math.floor(random.at(row).float53() * n)) * 1000;
  return {
    kind: 'plain',
    value: (row) => formatInstant(at(row), false, zone),
    write: (row, out) => (writeInstant(at(row), false, zone, out), true),
  };
};
