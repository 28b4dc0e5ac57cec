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
}

export const DEFAULT_FIDELITY_THRESHOLDS: FidelityThresholds = { nullDiff: 0.02, distinctRatio: 1.5, valueDistance: 0.1, histogramDistance: 0.1, perParentMean: 0.1 };

/** One side of a comparison, small enough to chart: NULL share, distinct count, top values, deciles. */
export interface ColumnSummary {
  nullFrac: number;
  distinct: number;
  /** Most common values with their share of non-NULL rows (at most 10). */
  top?: { value: string; share: number }[];
  /** 11 quantiles (min, deciles, max) of a histogram, as numbers (epoch ms for dates). */
  deciles?: number[];
}

export interface ColumnFidelity {
  table: string;
  column: string;
  nullDiff: number;
  distinctRatio: number;
  valueDistance?: number;
  histogramDistance?: number;
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
  if (profile.values) out.valueDistance = round(valueDistance(profile.values, profile.weights ?? [], s, col));
  if (profile.histogram && s.histogram) out.histogramDistance = round(histogramDistance(col, profile.histogram, s.histogram));
  out.ok =
    nullDiff <= th.nullDiff &&
    (profile.distinct === undefined || distinctRatio <= th.distinctRatio) &&
    (out.valueDistance ?? 0) <= th.valueDistance &&
    (out.histogramDistance ?? 0) <= th.histogramDistance;
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
  if (p.histogram) out.deciles = deciles(p.histogram.map((b) => profileNumber(col.type, b)));
  return out;
}

function targetSummary(col: ColumnSpec, s: ColumnStats, rows: number): ColumnSummary {
  const out: ColumnSummary = { nullFrac: round(s.nullFrac), distinct: distinctCount(s, rows) };
  const share = 1 - s.nullFrac;
  if (s.mostCommonValues) out.top = s.mostCommonValues.map((value, i) => ({ value, share: round(share > 0 ? (s.mostCommonFreqs?.[i] ?? 0) / share : 0) })).slice(0, TOP);
  if (s.histogram && col.profile?.histogram) out.deciles = deciles(s.histogram.map((b) => profileNumber(col.type, b)));
  return out;
}

function deciles(bounds: number[]): number[] | undefined {
  if (bounds.length < 2 || bounds.some(Number.isNaN)) return undefined;
  return Array.from({ length: 11 }, (_, q) => quantile(bounds, q / 10));
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

/** Total variation distance between the source's value weights and the target's most common values. */
function valueDistance(values: string[], weights: number[], s: ColumnStats, col: ColumnSpec): number {
  const share = 1 - s.nullFrac;
  const key = (v: string) => (col.type === 'int' || col.type === 'bigint' || col.type === 'decimal' ? String(Number(v)) : v);
  const target = new Map<string, number>();
  (s.mostCommonValues ?? []).forEach((v, i) => target.set(key(v), share > 0 ? (s.mostCommonFreqs?.[i] ?? 0) / share : 0));
  const source = new Map<string, number>();
  values.forEach((v, i) => source.set(key(v), weights[i] ?? 0));
  let sum = 0;
  for (const k of new Set([...source.keys(), ...target.keys()])) sum += Math.abs((source.get(k) ?? 0) - (target.get(k) ?? 0));
  // Mass neither list names (values outside the most common ones) differs by at most what is left.
  const restS = Math.max(0, 1 - [...source.values()].reduce((a, b) => a + b, 0));
  const restT = Math.max(0, 1 - [...target.values()].reduce((a, b) => a + b, 0));
  return (sum + Math.abs(restS - restT)) / 2;
}

/** Mean distance between the deciles of two equi-depth histograms, relative to the source's range. */
function histogramDistance(col: ColumnSpec, source: string[], target: string[]): number {
  const a = source.map((b) => profileNumber(col.type, b));
  const b = target.map((x) => profileNumber(col.type, x));
  const range = (a[a.length - 1] as number) - (a[0] as number);
  if (!(range > 0) || b.some(Number.isNaN)) return range === 0 ? 0 : 1;
  let sum = 0;
  for (let q = 0; q <= 10; q++) sum += Math.abs(quantile(a, q / 10) - quantile(b, q / 10));
  return sum / 11 / range;
}

function quantile(bounds: number[], q: number): number {
  const pos = q * (bounds.length - 1);
  const i = Math.floor(pos);
  const lo = bounds[i] as number;
  const hi = bounds[Math.min(i + 1, bounds.length - 1)] as number;
  return lo + (pos - i) * (hi - lo);
}

function round(x: number): number {
  return Number.isFinite(x) ? Math.round(x * 1e4) / 1e4 : x;
}
