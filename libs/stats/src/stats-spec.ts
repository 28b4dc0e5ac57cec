import { rejectUnknownKeys, ValidationError } from '@rowflow/contracts';

export const AGGREGATE_OPS = ['count', 'countDistinct', 'sum', 'avg', 'min', 'max', 'stddev', 'p50', 'p90', 'p95', 'p99'] as const;
export type AggregateOp = (typeof AGGREGATE_OPS)[number];

export type WindowSpec = { type: 'tumbling'; sizeMs: number } | { type: 'sliding'; sizeMs: number; slideMs: number } | { type: 'session'; gapMs: number };

export type WatermarkSpec =
  | { delayMs: number }
  | { adaptive: true; initialDelayMs: number; maxDelayMs: number; targetLateRatio: number };

export interface AggregateSpec {
  op: AggregateOp;
  column?: string;
}

export type Comparison = '>' | '>=' | '<' | '<=';

export type AlertRule =
  | { name: string; metric: string; op: Comparison; value: number }
  | { name: string; metric: string; trend: 'rise' | 'fall'; pct: number; windows: number };

export interface QualitySpec {
  /** Columns whose null rate is reported (default: every column of the first row). */
  columns?: string[];
  /** Wall-clock period of `quality` snapshots while rows flow. */
  everyMs: number;
}

/** A validated stats request (see `parseStatsSpec`). */
export interface StatsSpec {
  timeColumn: string;
  window: WindowSpec;
  watermark: WatermarkSpec;
  groupBy?: string;
  aggregates: AggregateSpec[];
  /** Column whose repeated values are duplicates: dropped from windows, counted in quality. */
  dedupBy?: string;
  /** Distinct values kept exactly per window and column; past it countDistinct is a HyperLogLog estimate. */
  distinctLimit: number;
  quality: QualitySpec;
  alerts: AlertRule[];
}

/** Quality metrics an alert may watch (besides window values and `late`). */
export const QUALITY_METRICS = ['lateRate', 'duplicateRate', 'outOfOrderRate', 'freshnessMs'] as const;

const MAX_WINDOWS_PER_EVENT = 100;
const MAX_MS = 31 * 86_400_000;
const MAX_AGGREGATES = 64;
const MAX_ALERTS = 32;

type Raw = Record<string, unknown>;

function object(v: unknown, field: string): Raw {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ValidationError(field, 'must be an object');
  return v as Raw;
}

function name(v: unknown, field: string): string {
  if (typeof v !== 'string' || v.length === 0 || v.length > 200) throw new ValidationError(field, 'must be a column name (non-empty string)');
  return v;
}

function num(v: unknown, field: string, lo: number, hi: number, integer = true): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi || (integer && !Number.isInteger(v))) {
    throw new ValidationError(field, `must be ${integer ? 'an integer' : 'a number'} in [${lo}, ${hi}]`);
  }
  return v;
}

function optional<T>(raw: Raw, key: string, parse: (v: unknown) => T, fallback: T): T {
  return raw[key] === undefined ? fallback : parse(raw[key]);
}

function parseWindow(v: unknown, field: string): WindowSpec {
  const raw = object(v, field);
  switch (raw.type) {
    case 'tumbling':
      rejectUnknownKeys(raw, ['type', 'sizeMs'], field);
      return { type: 'tumbling', sizeMs: num(raw.sizeMs, `${field}.sizeMs`, 1, MAX_MS) };
    case 'sliding': {
      rejectUnknownKeys(raw, ['type', 'sizeMs', 'slideMs'], field);
      const sizeMs = num(raw.sizeMs, `${field}.sizeMs`, 1, MAX_MS);
      const slideMs = num(raw.slideMs, `${field}.slideMs`, 1, sizeMs);
      if (sizeMs / slideMs > MAX_WINDOWS_PER_EVENT) throw new ValidationError(`${field}.slideMs`, `sizeMs / slideMs must be <= ${MAX_WINDOWS_PER_EVENT}`);
      return { type: 'sliding', sizeMs, slideMs };
    }
    case 'session':
      rejectUnknownKeys(raw, ['type', 'gapMs'], field);
      return { type: 'session', gapMs: num(raw.gapMs, `${field}.gapMs`, 1, MAX_MS) };
    default:
      throw new ValidationError(`${field}.type`, 'must be "tumbling", "sliding" or "session"');
  }
}

function parseWatermark(v: unknown, field: string): WatermarkSpec {
  if (v === undefined) return { delayMs: 0 };
  const raw = object(v, field);
  if (raw.adaptive === undefined) {
    rejectUnknownKeys(raw, ['delayMs', 'adaptive'], field);
    return { delayMs: num(raw.delayMs, `${field}.delayMs`, 0, MAX_MS) };
  }
  rejectUnknownKeys(raw, ['adaptive', 'initialDelayMs', 'maxDelayMs', 'targetLateRatio'], field);
  if (raw.adaptive !== true) throw new ValidationError(`${field}.adaptive`, 'must be true (or give delayMs for a fixed delay)');
  const initialDelayMs = optional(raw, 'initialDelayMs', (x) => num(x, `${field}.initialDelayMs`, 0, MAX_MS), 1000);
  const maxDelayMs = optional(raw, 'maxDelayMs', (x) => num(x, `${field}.maxDelayMs`, initialDelayMs, MAX_MS), Math.max(initialDelayMs, 300_000));
  const targetLateRatio = optional(raw, 'targetLateRatio', (x) => num(x, `${field}.targetLateRatio`, 0, 1, false), 0.01);
  return { adaptive: true, initialDelayMs, maxDelayMs, targetLateRatio };
}

function parseAggregates(v: unknown, field: string): AggregateSpec[] {
  if (!Array.isArray(v) || v.length === 0 || v.length > MAX_AGGREGATES) throw new ValidationError(field, `must be an array of 1..${MAX_AGGREGATES} {op, column?}`);
  return v.map((a: unknown, i: number) => {
    const f = `${field}[${i}]`;
    const raw = object(a, f);
    rejectUnknownKeys(raw, ['op', 'column'], f);
    if (!(AGGREGATE_OPS as readonly unknown[]).includes(raw.op)) throw new ValidationError(`${f}.op`, `must be one of ${AGGREGATE_OPS.join(', ')}`);
    const op = raw.op as AggregateOp;
    if (raw.column === undefined) {
      if (op !== 'count') throw new ValidationError(`${f}.column`, `is required for ${op}`);
      return { op };
    }
    return { op, column: name(raw.column, `${f}.column`) };
  });
}

/** Key of an aggregate in `values`: `<op>` or `<op>_<column>`. */
export function valueKey(a: AggregateSpec): string {
  return a.column === undefined ? a.op : `${a.op}_${a.column}`;
}

function ruleName(v: unknown, field: string): string {
  if (typeof v !== 'string' || v.length > 200) throw new ValidationError(field, 'must be a string of at most 200 characters');
  return v;
}

function parseAlert(v: unknown, field: string, metrics: (m: string) => boolean): AlertRule {
  const raw = object(v, field);
  const metric = typeof raw.metric === 'string' && metrics(raw.metric) ? raw.metric : undefined;
  if (!metric) throw new ValidationError(`${field}.metric`, `must be an aggregate key (e.g. count, p99_<column>), late, ${QUALITY_METRICS.join(', ')} or nullRate.<column>`);
  const given = optional(raw, 'name', (x) => ruleName(x, `${field}.name`), '');
  if (raw.trend !== undefined) {
    rejectUnknownKeys(raw, ['name', 'metric', 'trend', 'pct', 'windows'], field);
    if (raw.trend !== 'rise' && raw.trend !== 'fall') throw new ValidationError(`${field}.trend`, 'must be "rise" or "fall"');
    const pct = num(raw.pct, `${field}.pct`, 0, 1e6, false);
    const windows = optional(raw, 'windows', (x) => num(x, `${field}.windows`, 1, 1000), 3);
    return { name: given || `${metric} ${raw.trend} ${pct}%`, metric, trend: raw.trend, pct, windows };
  }
  rejectUnknownKeys(raw, ['name', 'metric', 'op', 'value'], field);
  if (!['>', '>=', '<', '<='].includes(raw.op as string)) throw new ValidationError(`${field}.op`, 'must be one of >, >=, <, <= (or give trend)');
  const value = num(raw.value, `${field}.value`, -Number.MAX_VALUE, Number.MAX_VALUE, false);
  return { name: given || `${metric} ${String(raw.op)} ${value}`, metric, op: raw.op as Comparison, value };
}

function parseQuality(v: unknown, field: string): QualitySpec {
  if (v === undefined) return { everyMs: 1000 };
  const raw = object(v, field);
  rejectUnknownKeys(raw, ['columns', 'everyMs'], field);
  const out: QualitySpec = { everyMs: optional(raw, 'everyMs', (x) => num(x, `${field}.everyMs`, 1, 3_600_000), 1000) };
  if (raw.columns !== undefined) {
    if (!Array.isArray(raw.columns)) throw new ValidationError(`${field}.columns`, 'must be an array of column names');
    out.columns = raw.columns.map((c: unknown, i: number) => name(c, `${field}.columns[${i}]`));
  }
  return out;
}

const TOP_KEYS = ['timeColumn', 'window', 'watermark', 'groupBy', 'aggregates', 'dedupBy', 'distinctLimit', 'quality', 'alerts'];

/**
 * Validates a stats request (the relay's `stats` parameter), strictly: unknown keys anywhere
 * are a ValidationError naming them (`stats.window.sizeMS`), so a typo never silently falls
 * back to a default. `field` prefixes every error.
 */
export function parseStatsSpec(input: unknown, field = 'stats'): StatsSpec {
  const raw = object(input, field);
  rejectUnknownKeys(raw, TOP_KEYS, field);
  const aggregates = parseAggregates(raw.aggregates, `${field}.aggregates`);
  const spec: StatsSpec = {
    timeColumn: name(raw.timeColumn, `${field}.timeColumn`),
    window: parseWindow(raw.window, `${field}.window`),
    watermark: parseWatermark(raw.watermark, `${field}.watermark`),
    aggregates,
    distinctLimit: optional(raw, 'distinctLimit', (x) => num(x, `${field}.distinctLimit`, 1, 10_000_000), 100_000),
    quality: parseQuality(raw.quality, `${field}.quality`),
    alerts: [],
  };
  if (raw.groupBy !== undefined) spec.groupBy = name(raw.groupBy, `${field}.groupBy`);
  if (raw.dedupBy !== undefined) spec.dedupBy = name(raw.dedupBy, `${field}.dedupBy`);
  const keys = new Set([...aggregates.map(valueKey), 'late', ...QUALITY_METRICS]);
  const isMetric = (m: string): boolean => keys.has(m) || (m.startsWith('nullRate.') && m.length > 9);
  if (raw.alerts !== undefined) {
    if (!Array.isArray(raw.alerts) || raw.alerts.length > MAX_ALERTS) throw new ValidationError(`${field}.alerts`, `must be an array of at most ${MAX_ALERTS} rules`);
    spec.alerts = raw.alerts.map((a: unknown, i: number) => parseAlert(a, `${field}.alerts[${i}]`, isMetric));
  }
  return spec;
}
