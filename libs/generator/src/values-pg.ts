import { DEFAULT_BYTES_LENGTH, DEFAULT_INTERVAL_SECONDS, DEFAULT_MONEY } from '@rowflow/schema';
import type { ColumnCompiler } from './column.js';
import { WORDS } from './dictionaries.js';
import type { Rng } from './hash.js';
import { formatUnits } from './values-numeric.js';

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const PAD2 = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
const DAY_SECONDS = 86_400;

/** Length in [min, max] (inclusive). */
function lengthIn(r: Rng, min: number, max: number): number {
  return min + r.below(max - min + 1);
}

/** bytea in hex format (`\x3fa1…`), 4..32 bytes by default. */
export const bytesColumn: ColumnCompiler = ({ col, random }) => {
  const min = col.minLength ?? Math.min(DEFAULT_BYTES_LENGTH.min, col.maxLength ?? Infinity);
  const max = col.maxLength ?? Math.max(DEFAULT_BYTES_LENGTH.max, min);
  return {
    kind: 'text',
    value: (row) => {
      const r = random.at(row);
      let out = '\\x';
      for (let n = lengthIn(r, min, max); n > 0; n--) out += HEX[r.below(256)]!;
      return out;
    },
  };
};

/** Seconds since midnight of "HH:MM[:SS[.ffffff]]" (fractions dropped). */
export function parseTimeOfDay(value: string): number {
  const [h = 0, m = 0, s = 0] = value.split(':').map((x) => Math.floor(Number(x)));
  return h * 3600 + m * 60 + s;
}

/** "HH:MM:SS" of seconds since midnight; 86400 is PostgreSQL's "24:00:00" (the end of the day). */
export function formatTimeOfDay(seconds: number, zone: boolean): string {
  const s = seconds % 60;
  const m = Math.floor(seconds / 60) % 60;
  const h = Math.floor(seconds / 3600);
  // timetz values all carry +00: comparisons between columns then order like their text.
  return `${PAD2[h] ?? String(h)}:${PAD2[m]}:${PAD2[s]}${zone ? '+00' : ''}`;
}

/** Effective [lo, hi] seconds of a time column (default: the whole day). */
export function timeBounds(col: { from?: string; to?: string }): { lo: number; hi: number } {
  return { lo: col.from !== undefined ? parseTimeOfDay(col.from) : 0, hi: col.to !== undefined ? parseTimeOfDay(col.to) : DAY_SECONDS - 1 };
}

/** time / timetz: uniform whole seconds in [from, to]. */
export const timeColumn: ColumnCompiler = ({ col, random }) => {
  const { lo, hi } = timeBounds(col);
  const zone = col.timezone === true;
  return { kind: 'plain', value: (row) => formatTimeOfDay(lo + random.at(row).below(hi - lo + 1), zone) };
};

/** PostgreSQL's own interval text (`3 days 04:05:06`, `-04:05:06`), which its output style prints back. */
export function formatInterval(totalSeconds: number): string {
  const neg = totalSeconds < 0;
  const abs = Math.abs(totalSeconds);
  const days = Math.floor(abs / DAY_SECONDS);
  const clock = formatTimeOfDay(abs - days * DAY_SECONDS, false);
  const sign = neg ? '-' : '';
  if (days === 0) return `${sign}${clock}`;
  return `${sign}${days} day${days === 1 ? '' : 's'} ${sign}${clock}`;
}

/** interval: uniform whole seconds in [min, max] (default 0 .. 30 days). */
export const intervalColumn: ColumnCompiler = ({ col, random }) => {
  const lo = Math.ceil(col.min ?? DEFAULT_INTERVAL_SECONDS.min);
  const hi = Math.floor(col.max ?? Math.max(lo, DEFAULT_INTERVAL_SECONDS.max));
  const n = hi - lo + 1;
  return { kind: 'plain', value: (row) => formatInterval(lo + Math.floor(random.at(row).float53() * n)) };
};

/** macaddr (6 bytes) / macaddr8 (8 bytes), lower-case colon form as PostgreSQL prints it. */
export const macaddrColumn: ColumnCompiler = ({ col, random }) => {
  const bytes = col.bytes ?? 6;
  return {
    kind: 'plain',
    value: (row) => {
      const r = random.at(row);
      let out = HEX[r.below(256) & 0xfe]!; // unicast: the group bit clear, like a real NIC's address
      for (let i = 1; i < bytes; i++) out += `:${HEX[r.below(256)]!}`;
      return out;
    },
  };
};

const PREFIXES = [8, 16, 24];

/** cidr: an IPv4 network (host bits zero, as cidr requires), prefix fixed or drawn from /8, /16, /24. */
export const cidrColumn: ColumnCompiler = ({ col, random }) => ({
  kind: 'plain',
  value: (row) => {
    const r = random.at(row);
    const prefix = col.prefix ?? PREFIXES[r.below(3)]!;
    const addr = ((1 + r.below(223)) * 2 ** 24 + r.below(2 ** 24)) >>> 0; // first octet 1..223: unicast ranges
    const net = prefix === 32 ? addr : addr - (addr % 2 ** (32 - prefix));
    return `${Math.floor(net / 2 ** 24)}.${Math.floor(net / 65536) % 256}.${Math.floor(net / 256) % 256}.${net % 256}/${prefix}`;
  },
});

/** money: uniform cents in [min, max], written as a plain number (no currency symbol: locale-independent input). */
export const moneyColumn: ColumnCompiler = ({ col, random }) => {
  const lo = Math.ceil((col.min ?? DEFAULT_MONEY.min) * 100 - 1e-6);
  const hi = Math.floor((col.max ?? Math.max(DEFAULT_MONEY.max, col.min ?? 0)) * 100 + 1e-6);
  const n = hi - lo + 1;
  return { kind: 'plain', value: (row) => formatUnits(lo + Math.floor(random.at(row).float53() * n), 2, 100) };
};

/** Double-quoted hstore key or value (backslash-escaped). */
function hstoreQuote(s: string): string {
  return `"${s.replace(/[\\"]/g, '\\$&')}"`;
}

/** hstore: 1..4 distinct word keys with word values, in hstore's own text form. */
export const hstoreColumn: ColumnCompiler = ({ random }) => ({
  kind: 'text',
  value: (row) => {
    const r = random.at(row);
    const keys = new Set<string>();
    for (let n = 1 + r.below(4); n > 0; n--) keys.add(r.pick(WORDS));
    let out = '';
    for (const k of keys) out += `${out ? ', ' : ''}${hstoreQuote(k)}=>${hstoreQuote(r.pick(WORDS))}`;
    return out;
  },
});
