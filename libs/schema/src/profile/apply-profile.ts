import type { ColumnProfileSpec, ColumnSpec, DatasetSpec, DatasetTableSpec } from '@rowflow/contracts';
import { validateDatasetSpec } from '../dataset/validate-dataset-spec.js';
import { FREE_TEXT_MODES, profileNumber } from '../spec/profile-schema.js';
import { looksPersonal } from './personal.js';
import { type ColumnStats, distinctCount, type TableStats } from './stats-model.js';

/** What may be copied from statistics: literal values of categorical columns, or no literal at all. */
export type CopyValues = 'categorical' | 'none';

export interface ProfileOptions {
  /** Row counts are the source's times this (default 1: same shape, same size). */
  scale?: number;
  copyValues?: CopyValues;
}

/** Per column, what the statistics gave: literal values, only the shape, or nothing. */
export interface ProfileReport {
  tables: {
    name: string;
    analyzed: boolean;
    /** Source rows (pg_class.reltuples) when analysed. */
    sourceRows?: number;
    columns: { name: string; copied: 'values' | 'shape' | 'none' }[];
  }[];
}

export interface ProfileResult {
  dataset: DatasetSpec;
  profile: ProfileReport;
  warnings: string[];
}

/** At most this many distinct values, all among the most common ones: a category, not free text. */
export const CATEGORICAL_MAX_DISTINCT = 100;
const HISTOGRAM_TYPES = new Set<ColumnSpec['type']>(['int', 'bigint', 'decimal', 'date', 'timestamp', 'timestamptz']);
const VALUE_TYPES = new Set<ColumnSpec['type']>(['int', 'bigint', 'decimal', 'boolean', 'enum', 'text', 'char', 'country', 'jobTitle', 'company']);

/**
 * Shapes an introspected dataset like the source database: row counts from `reltuples` (times
 * `scale`), and per column the NULL share, most common values with their weights (categorical,
 * non-personal columns only, unless `copyValues` is "none") and equi-depth histograms of numbers
 * and dates. Key, unique, sequence and foreign-key values keep their generators: they must stay
 * unique or point at real parents. Reads nothing but the statistics given.
 */
export function applyProfile(dataset: DatasetSpec, stats: TableStats[], opts: ProfileOptions = {}): ProfileResult {
  const warnings: string[] = [];
  const byName = new Map(stats.map((t) => [t.name, t]));
  const report: ProfileReport = { tables: [] };
  const tables = dataset.tables.map((table) => {
    const s = byName.get(table.name);
    if (!s || !s.analyzed) {
      warnings.push(`${table.name}: no statistics (never analysed; run ANALYZE on the source): row count and distributions not profiled`);
      report.tables.push({ name: table.name, analyzed: false, columns: table.columns.map((c) => ({ name: c.name, copied: 'none' })) });
      return table;
    }
    return profileTable(table, s, opts, report, warnings);
  });
  const shaped = { ...dataset, tables };
  return { dataset: validateDatasetSpec(shaped, 'dataset'), profile: report, warnings };
}

function profileTable(table: DatasetTableSpec, s: TableStats, opts: ProfileOptions, report: ProfileReport, warnings: string[]): DatasetTableSpec {
  const rows = Math.max(0, s.reltuples);
  const out: DatasetTableSpec = { ...table };
  if (out.rows !== undefined) {
    out.rows = Math.max(1, Math.round(rows * (opts.scale ?? 1)));
    if (rows === 0) warnings.push(`${table.name}: empty in the source; 1 row generated`);
  }
  const fixed = new Set(table.compositeKey?.columns ?? []);
  const entry: ProfileReport['tables'][number] = { name: table.name, analyzed: true, sourceRows: rows, columns: [] };
  out.columns = table.columns.map((col) => {
    const cs = s.columns.find((c) => c.name === col.name);
    if (!cs) {
      entry.columns.push({ name: col.name, copied: 'none' });
      return col;
    }
    const { column, copied } = profileColumn(col, cs, rows, opts.scale ?? 1, opts.copyValues ?? 'categorical', fixed.has(col.name));
    entry.columns.push({ name: col.name, copied });
    return column;
  });
  report.tables.push(entry);
  return out;
}

/** Keys, sequences and tuple members keep their values: a copied distribution would break them. */
function generatedOnly(col: ColumnSpec, member: boolean): boolean {
  return member || col.unique === true || col.primaryKey === true || col.type === 'serial' || col.mode === 'sequence' || col.mode === 'block' || col.mode === 'eventTime';
}

function profileColumn(col: ColumnSpec, s: ColumnStats, rows: number, scale: number, copy: CopyValues, member: boolean): { column: ColumnSpec; copied: 'values' | 'shape' } {
  const column: ColumnSpec = { ...col };
  if (column.nullRatio !== undefined) {
    if (s.nullFrac > 0) column.nullRatio = round(s.nullFrac);
    else delete column.nullRatio;
  }
  const distinct = distinctCount(s, rows);
  // PostgreSQL's convention: a count for a fixed set of values, minus the per-row share otherwise.
  const perRow = rows > 0 ? -Math.min(1, distinct / rows) : 0;
  if (col.type === 'foreignKey') {
    column.profile = { distinct: round(perRow), ...correlationOf(s) };
    // The most common parents' keys and shares: 37 % of tracks are rock (genre 1), and a query
    // for genre 1 is planned on that share. Keys are literals, copied under the same rule. Scaled,
    // they keep their count of children (their share divided by the scale) and the parents added
    // with the scale share the rest, as if the source were repeated.
    if (copy !== 'none' && !looksPersonal(col.name) && s.mostCommonValues?.length) {
      const share = (1 - s.nullFrac) * scale;
      column.profile.values = s.mostCommonValues;
      column.profile.weights = normalised((s.mostCommonFreqs ?? []).map((f) => (share > 0 ? f / share : 0)));
      return { column, copied: 'values' };
    }
    return { column, copied: 'shape' };
  }
  if (generatedOnly(col, member)) return { column: countedKey(column, s, rows, member), copied: 'shape' };
  const categorical = isCategorical(col, s, distinct);
  const profile: ColumnProfileSpec = { distinct: categorical || fixedSet(distinct, rows) ? distinct : round(perRow) };
  const literals = copy !== 'none' && !looksPersonal(col.name);
  let copied: 'values' | 'shape' = 'shape';
  if (literals && categorical) {
    const share = 1 - s.nullFrac;
    profile.values = s.mostCommonValues ?? [];
    profile.weights = normalised((s.mostCommonFreqs ?? []).map((f) => (share > 0 ? f / share : 0)));
    copied = 'values';
  }
  // A column ordered after another in its row (updated_at after created_at) takes its values from
  // that order: a histogram would not be drawn.
  if (literals && !col.after && HISTOGRAM_TYPES.has(col.type) && (s.histogram?.length ?? 0) >= 2) {
    profile.histogram = s.histogram;
    Object.assign(profile, correlationOf(s));
    // The most common values carry their own mass (prices of 0.99 and 1.99); the histogram
    // describes only the rest, as in PostgreSQL's own model. Bounds are literals too, so these are
    // copied under the same rule.
    if (s.mostCommonValues?.length) {
      profile.values = s.mostCommonValues;
      profile.weights = normalised((s.mostCommonFreqs ?? []).map((f) => (1 - s.nullFrac > 0 ? f / (1 - s.nullFrac) : 0)));
      copied = 'values';
    }
    // Every distinct number is listed (prices, quantities): draw the listed values, don't invent new ones.
    const listed = (s.histogram?.length ?? 0) + (s.mostCommonValues?.length ?? 0);
    if (!categorical && distinct <= listed) {
      profile.discrete = true;
      // A fixed set of values: the same count at any scale.
      profile.distinct = distinct;
    } else if (col.type === 'date') {
      profile.distinct = cappedByDays(profile.distinct ?? 0, s.histogram ?? [], rows * scale);
    }
  }
  const lengths = freeText(col) && !profile.values ? lengthQuantiles(s) : null;
  if (lengths) {
    profile.lengths = lengths;
    profile.width = s.avgWidth;
  }
  column.profile = profile;
  return { column, copied };
}

/** Correlation is the physical order: copied rounded, as it is only a shape (no literal). */
function correlationOf(s: ColumnStats): { correlation?: number } {
  return s.correlation === undefined || !Number.isFinite(s.correlation) ? {} : { correlation: Math.round(s.correlation * 1000) / 1000 };
}

/** Above this correlation a key is taken as counted in insertion order (1, 2, 3 … as stored). */
const COUNTED_KEY_CORRELATION = 0.9;

/**
 * An int key stored in ascending order whose values fill their range (ids 1…3503 over 3,503
 * rows) was counted, not drawn: it becomes a sequence from the source's first value, so keys
 * come in the same order and range (a query for `genre_id = 1` finds a row), still unique.
 * Random unique numbers over the whole int range would leave every index in random order.
 */
function countedKey(col: ColumnSpec, s: ColumnStats, rows: number, member: boolean): ColumnSpec {
  if (member || col.type !== 'int' || col.mode !== undefined || !(col.primaryKey || col.unique)) return col;
  const bounds = s.histogram ?? [];
  const lo = Number(bounds[0]);
  const hi = Number(bounds[bounds.length - 1]);
  const dense = Number.isInteger(lo) && Number.isInteger(hi) && hi - lo + 1 <= Math.max(rows, 1) * 1.5;
  if ((s.correlation ?? 0) < COUNTED_KEY_CORRELATION || bounds.length < 2 || !dense || lo < 1 - 2 ** 31) return col;
  const counted: ColumnSpec = { ...col, mode: 'sequence', min: lo };
  // A sequence has no upper bound or distribution of its own.
  delete counted.max;
  delete counted.distribution;
  return counted;
}

function freeText(col: ColumnSpec): boolean {
  return col.type === 'text' && FREE_TEXT_MODES.includes(col.mode ?? 'words');
}

/** At most this many length quantiles: enough for the shape, small in the spec. */
const LENGTH_QUANTILES = 21;

/**
 * Equi-depth quantiles of a text column's lengths, from the lengths of its histogram bounds: the
 * bounds are a sample spread evenly over the values' sort order, which says nothing of their
 * length, so their lengths sample the length distribution. Only the lengths leave this function —
 * a shape, never a literal, so they are kept under any copy rule.
 */
function lengthQuantiles(s: ColumnStats): number[] | null {
  const bounds = s.histogram ?? [];
  if (bounds.length < 2) return null;
  const sorted = bounds.map((b) => Array.from(b).length).sort((a, b) => a - b);
  const n = Math.min(LENGTH_QUANTILES, sorted.length);
  return Array.from({ length: n }, (_, i) => sorted[Math.round((i / (n - 1)) * (sorted.length - 1))] as number);
}

/**
 * Dates take one value per day: scaled rows cannot have more distinct dates than the histogram's
 * range has days, so a per-row share that would exceed it becomes that count.
 */
function cappedByDays(distinct: number, bounds: string[], scaledRows: number): number {
  const first = profileNumber('date', bounds[0] ?? '');
  const last = profileNumber('date', bounds[bounds.length - 1] ?? '');
  const days = Math.floor((last - first) / 86_400_000) + 1;
  if (!(days > 0) || distinct >= 0) return distinct;
  return -distinct * scaledRows > days ? days : distinct;
}

/** Shares rounded to 6 digits whose sum stays ≤ 1 (rounding up must not push it over). */
function normalised(shares: number[]): number[] {
  const total = shares.reduce((a, b) => a + b, 0);
  const scaled = total > 1 ? shares.map((x) => x / total) : shares;
  return scaled.map((x) => Math.floor(x * 1e6) / 1e6);
}

/**
 * A small set of values each used at least twice on average (24 countries over 59 customers) stays
 * the same set at any scale. PostgreSQL stores it as a per-row share whenever it exceeds a tenth
 * of the rows, which on a small table would grow the set with the rows.
 */
function fixedSet(distinct: number, rows: number): boolean {
  return distinct <= CATEGORICAL_MAX_DISTINCT && distinct * 2 <= rows;
}

function isCategorical(col: ColumnSpec, s: ColumnStats, distinct: number): boolean {
  if (!VALUE_TYPES.has(col.type) || !s.mostCommonValues?.length) return false;
  const covered = (s.mostCommonFreqs ?? []).reduce((a, b) => a + b, 0);
  // All distinct values are among the most common ones (PostgreSQL lists them all when it saw few).
  return distinct <= CATEGORICAL_MAX_DISTINCT && s.mostCommonValues.length >= distinct * 0.95 && covered >= (1 - s.nullFrac) * 0.95;
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
