import type { ColumnSpec, DatasetSpec } from '@rowflow/contracts';
import { profileNumber } from '../spec/profile-schema.js';
import { type ColumnStats, distinctCount, type TableStats } from './stats-model.js';

/** Largest differences a generated column may show and still count as faithful. */
export interface FidelityThresholds {
  nullDiff: number;
  distinctRatio: number;
  valueDistance: number;
  histogramDistance: number;
  /** Allowed relative difference of children per referenced parent (0.1 = within 10 %). */
  perParentMean: number;
  /** Largest ratio (larger / smaller) of the average stored widths of profiled free text. */
  widthRatio: number;
}

export const DEFAULT_FIDELITY_THRESHOLDS: FidelityThresholds = { nullDiff: 0.02, distinctRatio: 1.5, valueDistance: 0.1, histogramDistance: 0.1, perParentMean: 0.1, widthRatio: 1.2 };

/** One side of a comparison, small enough to chart: NULL share, distinct count, top values, deciles. */
export interface ColumnSummary {
  nullFrac: number;
  distinct: number;
  /** Most common values with their share of non-NULL rows (at most 10). */
  top?: { value: string; share: number }[];
  /** 11 quantiles (min, deciles, max) of the distribution (common values and histogram), as numbers (epoch ms for dates). */
  deciles?: number[];
}

export interface ColumnFidelity {
  table: string;
  column: string;
  nullDiff: number;
  distinctRatio: number;
  valueDistance?: number;
  histogramDistance?: number;
  /** Free text with profiled lengths: larger / smaller of the source's and the generated average width (pg_stats' avg_width). */
  widthRatio?: number;
  ok: boolean;
  source: ColumnSummary;
  generated: ColumnSummary;
}

export interface ForeignKeyFidelity {
  table: string;
  column: string;
  perParentMeanRatio: number;
  ok: boolean;
}

export interface FidelityReport {
  ok: boolean;
  columns: ColumnFidelity[];
  foreignKeys: ForeignKeyFidelity[];
  /** Tables the generated database has no statistics for (missing or never analysed). */
  missing: string[];
  thresholds: FidelityThresholds;
}

/**
 * Compares a generated database's statistics (after ANALYZE) with the profile its dataset spec
 * carries (what the source's statistics said): per profiled column the NULL-share difference, the
 * distinct-count ratio, the total variation distance between value weights and the mean quantile
 * distance between histograms; per foreign key the children per referenced parent.
 * `target` is keyed by dataset table name.
 */
export function compareFidelity(dataset: DatasetSpec, target: Map<string, TableStats>, thresholds: FidelityThresholds = DEFAULT_FIDELITY_THRESHOLDS): FidelityReport {
  const report: FidelityReport = { ok: true, columns: [], foreignKeys: [], missing: [], thresholds };
  for (const table of dataset.tables) {
    const t = target.get(table.name);
    if (!t || !t.analyzed) {
      if (table.columns.some((c) => c.profile)) report.missing.push(table.name);
      continue;
    }
    for (const col of table.columns) {
      const s = t.columns.find((c) => c.name === col.name);
      if (!col.profile || !s) continue;
      if (col.type === 'foreignKey') report.foreignKeys.push(foreignKey(table.name, col, s, t.reltuples, thresholds));
      else report.columns.push(column(table.name, col, s, t.reltuples, thresholds));
    }
  }
  report.ok = report.missing.length === 0 && report.columns.every((c) => c.ok) && report.foreignKeys.every((f) => f.ok);
  return report;
}

function column(table: string, col: ColumnSpec, s: ColumnStats, rows: number, th: FidelityThresholds): ColumnFidelity {
  const profile = col.profile ?? {};
  const nullDiff = round(Math.abs((col.nullRatio ?? 0) - s.nullFrac));
  const distinctRatio = round(ratio(expectedDistinct(profile.distinct, rows), distinctCount(s, rows)));
  const out: ColumnFidelity = { table, column: col.name, nullDiff, distinctRatio, ok: true, source: sourceSummary(col, rows), generated: targetSummary(col, s, rows) };
  if (profile.values) out.valueDistance = round(valueDistance(profile.values, profile.weights ?? [], s, col, rows));
  if (profile.histogram && (s.histogram || s.mostCommonValues)) out.histogramDistance = round(histogramDistance(sourceShape(col), targetShape(col, s)));
  if (profile.width !== undefined && s.avgWidth > 0) out.widthRatio = round(Math.max(profile.width, s.avgWidth) / Math.min(profile.width, s.avgWidth));
  out.ok =
    nullDiff <= th.nullDiff &&
    (profile.distinct === undefined || distinctRatio <= th.distinctRatio) &&
    (out.valueDistance ?? 0) <= th.valueDistance &&
    (out.histogramDistance ?? 0) <= th.histogramDistance &&
    (out.widthRatio ?? 1) <= th.widthRatio;
  return out;
}

function foreignKey(table: string, col: ColumnSpec, s: ColumnStats, rows: number, th: FidelityThresholds): ForeignKeyFidelity {
  const perRow = -(col.profile?.distinct ?? -1);
  const expected = perRow > 0 ? (1 - (col.nullRatio ?? 0)) / perRow : NaN;
  const distinct = distinctCount(s, rows);
  const actual = distinct > 0 ? (rows * (1 - s.nullFrac)) / distinct : NaN;
  const perParentMeanRatio = round(actual / expected);
  return { table, column: col.name, perParentMeanRatio, ok: Math.abs(perParentMeanRatio - 1) <= th.perParentMean };
}

const TOP = 10;

function sourceSummary(col: ColumnSpec, rows: number): ColumnSummary {
  const p = col.profile ?? {};
  const out: ColumnSummary = { nullFrac: col.nullRatio ?? 0, distinct: Math.round(expectedDistinct(p.distinct, rows)) };
  if (p.values) out.top = p.values.map((value, i) => ({ value, share: p.weights?.[i] ?? 0 })).sort((a, b) => b.share - a.share).slice(0, TOP);
  if (p.histogram) out.deciles = shapeDeciles(sourceShape(col)) ?? undefined;
  return out;
}

function targetSummary(col: ColumnSpec, s: ColumnStats, rows: number): ColumnSummary {
  const out: ColumnSummary = { nullFrac: round(s.nullFrac), distinct: distinctCount(s, rows) };
  const share = 1 - s.nullFrac;
  if (s.mostCommonValues) out.top = s.mostCommonValues.map((value, i) => ({ value, share: round(share > 0 ? (s.mostCommonFreqs?.[i] ?? 0) / share : 0) })).slice(0, TOP);
  if (col.profile?.histogram) out.deciles = shapeDeciles(targetShape(col, s)) ?? undefined;
  return out;
}

/** A profile's distinct count at `rows` rows: fixed sets stay, per-row shares scale. */
function expectedDistinct(distinct: number | undefined, rows: number): number {
  if (distinct === undefined) return NaN;
  return distinct >= 0 ? distinct : -distinct * rows;
}

function ratio(a: number, b: number): number {
  if (!Number.isFinite(a) || !Number.isFinite(b)) return a === b ? 1 : Infinity;
  const lo = Math.max(Math.min(a, b), 1);
  return Math.max(a, b, 1) / lo;
}

/**
 * Total variation distance between the source's value weights and the generated shares of the same
 * values, every other value pooled into one "rest" on both sides. The source names only its most
 * common values: a generated value it does not name is part of its rest, not a difference. A named
 * value missing from the generated list gets the generated rest spread evenly over the values it
 * does not name.
 */
function valueDistance(values: string[], weights: number[], s: ColumnStats, col: ColumnSpec, rows: number): number {
  const share = 1 - s.nullFrac;
  const key = (v: string) => (col.type === 'int' || col.type === 'bigint' || col.type === 'decimal' ? String(Number(v)) : v);
  const target = new Map<string, number>();
  (s.mostCommonValues ?? []).forEach((v, i) => target.set(key(v), share > 0 ? (s.mostCommonFreqs?.[i] ?? 0) / share : 0));
  const listedT = [...target.values()].reduce((a, b) => a + b, 0);
  const unnamed = Math.max(1, distinctCount(s, rows) - target.size);
  const otherT = Math.max(0, 1 - listedT) / unnamed;
  let sum = 0;
  let restS = 1;
  let restT = 1;
  values.forEach((v, i) => {
    const w = weights[i] ?? 0;
    const t = target.get(key(v)) ?? otherT;
    sum += Math.abs(w - t);
    restS -= w;
    restT -= t;
  });
  return (sum + Math.abs(Math.max(0, restS) - Math.max(0, restT))) / 2;
}

/** A distribution as PostgreSQL describes it: point masses (most common values) and an equi-depth histogram of the rest. */
interface Shape {
  values: number[];
  /** Shares of non-NULL rows. */
  weights: number[];
  histogram: number[];
}

function sourceShape(col: ColumnSpec): Shape {
  const p = col.profile ?? {};
  const num = (v: string) => profileNumber(col.type, v);
  return { values: (p.values ?? []).map(num), weights: p.weights ?? [], histogram: (p.histogram ?? []).map(num) };
}

function targetShape(col: ColumnSpec, s: ColumnStats): Shape {
  const share = 1 - s.nullFrac;
  const num = (v: string) => profileNumber(col.type, v);
  return { values: (s.mostCommonValues ?? []).map(num), weights: (s.mostCommonFreqs ?? []).map((f) => (share > 0 ? f / share : 0)), histogram: (s.histogram ?? []).map(num) };
}

/**
 * Mean distance between the deciles of two distributions, relative to the source's range. Each
 * side is its most common values plus its histogram of the rest: comparing the histograms alone
 * would compare different remainders whenever the two samples elect different common values.
 */
function histogramDistance(source: Shape, target: Shape): number {
  const a = shapeDeciles(source);
  const b = shapeDeciles(target);
  if (!a || !b) return 1;
  const range = (a[10] as number) - (a[0] as number);
  if (!(range > 0)) return range === 0 ? 0 : 1;
  let sum = 0;
  for (let q = 0; q <= 10; q++) sum += Math.abs((a[q] as number) - (b[q] as number));
  return sum / 11 / range;
}

/** 11 quantiles of a shape: pieces (a point per common value, a bucket per histogram step) sorted by position. */
function shapeDeciles(shape: Shape): number[] | null {
  const pieces: { lo: number; hi: number; mass: number }[] = shape.values.map((v, i) => ({ lo: v, hi: v, mass: shape.weights[i] ?? 0 }));
  const rest = Math.max(0, 1 - pieces.reduce((a, p) => a + p.mass, 0));
  const h = shape.histogram;
  for (let i = 0; i + 1 < h.length; i++) pieces.push({ lo: h[i] as number, hi: h[i + 1] as number, mass: rest / (h.length - 1) });
  if (pieces.some((p) => Number.isNaN(p.lo) || Number.isNaN(p.hi))) return null;
  const total = pieces.reduce((a, p) => a + p.mass, 0);
  if (!(total > 0)) return null;
  pieces.sort((x, y) => x.lo + x.hi - (y.lo + y.hi));
  const out: number[] = [];
  for (let q = 0; q <= 10; q++) {
    const target = (q / 10) * total;
    let acc = 0;
    let at = pieces[pieces.length - 1]!.hi;
    for (const p of pieces) {
      if (acc + p.mass >= target && p.mass > 0) {
        at = p.lo + ((target - acc) / p.mass) * (p.hi - p.lo);
        break;
      }
      acc += p.mass;
    }
    out.push(q === 0 ? Math.min(...pieces.map((p) => p.lo)) : at);
  }
  return out;
}

function round(x: number): number {
  return Number.isFinite(x) ? Math.round(x * 1e4) / 1e4 : x;
}
