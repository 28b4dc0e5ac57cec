import type { CatalogPartitioning } from './catalog-model.js';

/** The values a partitioned table accepts in its (first) key column. */
export type PartitionDomain =
  /** Any value (a DEFAULT partition, or hash partitions covering every remainder). */
  | { kind: 'all' }
  /** One range `[from, to)`; either end open (MINVALUE / MAXVALUE). `dropped`: other ranges not used (gaps between them). */
  | { kind: 'range'; from?: string; to?: string; dropped: number }
  /** Values of LIST partitions; `nulls`: a partition takes NULL. */
  | { kind: 'list'; values: string[]; nulls: boolean }
  /** Hash partitions that leave remainders uncovered: unknown which values fit. */
  | { kind: 'unknown'; reason: string };

const RANGE = /^FOR VALUES FROM \((.*)\) TO \((.*)\)$/s;
const LIST = /^FOR VALUES IN \((.*)\)$/s;
const HASH = /^FOR VALUES WITH \(modulus (\d+), remainder (\d+)\)$/;

/** First element of a bound tuple `('2024-01-01', 3)`: its literal text, or undefined for MINVALUE/MAXVALUE. */
function firstValue(tuple: string): string | undefined {
  const quoted = /^'((?:[^']|'')*)'/.exec(tuple.trim());
  if (quoted) return (quoted[1] ?? '').replace(/''/g, "'");
  const raw = tuple.split(',')[0]?.trim() ?? '';
  return raw === 'MINVALUE' || raw === 'MAXVALUE' ? undefined : raw;
}

function listValues(inner: string): { values: string[]; nulls: boolean } {
  const values: string[] = [];
  let nulls = false;
  for (const m of inner.matchAll(/'((?:[^']|'')*)'|(NULL)|(-?[\d.]+)/g)) {
    if (m[2]) nulls = true;
    else values.push(m[1] !== undefined ? m[1].replace(/''/g, "'") : (m[3] as string));
  }
  return { values, nulls };
}

/** Ranges sorted and merged where one ends where the next begins; the widest run is kept. */
function widestRun(ranges: { from?: string; to?: string }[], compare: (a: string, b: string) => number): PartitionDomain {
  const sorted = [...ranges].sort((a, b) => (a.from === undefined ? -1 : b.from === undefined ? 1 : compare(a.from, b.from)));
  const runs: { from?: string; to?: string; count: number }[] = [];
  for (const r of sorted) {
    const last = runs[runs.length - 1];
    if (last && last.to !== undefined && r.from !== undefined && compare(last.to, r.from) === 0) {
      last.to = r.to;
      last.count++;
    } else runs.push({ ...r, count: 1 });
  }
  const best = runs.reduce((a, b) => (b.count > a.count ? b : a));
  return { kind: 'range', from: best.from, to: best.to, dropped: runs.length - 1 };
}

function compareValues(a: string, b: string): number {
  const [x, y] = [Number(a), Number(b)];
  if (Number.isFinite(x) && Number.isFinite(y)) return x - y;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** What the partitions of a table accept, from their bounds (`pg_get_expr(relpartbound)`). */
export function partitionDomain(p: CatalogPartitioning): PartitionDomain {
  if (p.bounds.some((b) => b.bound === 'DEFAULT')) return { kind: 'all' };
  if (p.bounds.length === 0) return { kind: 'unknown', reason: 'it has no partitions' };
  if (p.strategy === 'hash') {
    const covered = p.bounds.reduce((sum, b) => sum + 1 / Number(HASH.exec(b.bound)?.[1] ?? Infinity), 0);
    return covered > 0.999999 ? { kind: 'all' } : { kind: 'unknown', reason: 'its hash partitions leave remainders uncovered' };
  }
  if (p.strategy === 'list') {
    const parts = p.bounds.map((b) => listValues(LIST.exec(b.bound)?.[1] ?? ''));
    return { kind: 'list', values: [...new Set(parts.flatMap((x) => x.values))], nulls: parts.some((x) => x.nulls) };
  }
  const ranges = p.bounds.map((b) => RANGE.exec(b.bound)).map((m) => ({ from: firstValue(m?.[1] ?? ''), to: firstValue(m?.[2] ?? '') }));
  return widestRun(ranges, compareValues);
}
