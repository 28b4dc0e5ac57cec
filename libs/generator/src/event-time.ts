import type { ColumnSpec } from '@rowflow/contracts';
import { DEFAULT_EVENT_RATE, DEFAULT_EVENT_START, parseIsoInstant } from '@rowflow/schema';
import type { ColumnCompiler } from './column.js';
import type { Rng } from './hash.js';
import { formatInstant } from './values-temporal.js';

const MAX_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** Effective event-time parameters of a column (defaults applied). */
export interface EventTimeParams {
  startMs: number;
  ratePerSec: number;
  maxOutOfOrderMs: number;
  lateRatio: number;
  lateMaxMs: number;
}

export function eventTimeParams(col: ColumnSpec): EventTimeParams {
  return {
    startMs: parseIsoInstant(col.start ?? DEFAULT_EVENT_START),
    ratePerSec: col.ratePerSec ?? DEFAULT_EVENT_RATE,
    maxOutOfOrderMs: col.maxOutOfOrderMs ?? 0,
    lateRatio: col.lateRatio ?? 0,
    lateMaxMs: col.lateMaxMs ?? 0,
  };
}

/** Base time of row k: where it would sit in a perfectly ordered stream (seekable: no row k-1 needed). */
export function baseTimeMs(p: EventTimeParams, k: number): number {
  return p.startMs + Math.floor((k * 1000) / p.ratePerSec);
}

/**
 * Event time of row k from its cell's PRNG: base time minus a delay. An ordinary event is
 * delayed uniformly in [0, maxOutOfOrderMs], so it is never older than the newest event seen
 * so far minus that bound (bounded out-of-orderness, exactly). With probability `lateRatio` it is
 * late instead: delayed by maxOutOfOrderMs + 1 + ⌊v²·(lateMaxMs − maxOutOfOrderMs)⌋ ms, v uniform
 * in [0, 1) — a quadratic skew toward "just late", with a long tail up to lateMaxMs, as lateness
 * from retries and offline devices tends to be.
 */
export function eventTimeMs(p: EventTimeParams, k: number, rng: Rng): number {
  const base = baseTimeMs(p, k);
  const u = rng.float();
  if (p.lateRatio > 0 && u < p.lateRatio) {
    const v = rng.float();
    return base - (p.maxOutOfOrderMs + 1 + Math.floor(v * v * (p.lateMaxMs - p.maxOutOfOrderMs)));
  }
  return p.maxOutOfOrderMs > 0 ? base - rng.below(p.maxOutOfOrderMs + 1) : base;
}

/** timestamp/timestamptz with `mode: "eventTime"`: ISO text with milliseconds. */
export const eventTimeColumn: ColumnCompiler = ({ col, random }) => {
  const zone = col.type === 'timestamptz';
  const p = eventTimeParams(col);
  const capacity = Math.floor(((MAX_MS - p.startMs) * p.ratePerSec) / 1000);
  return { kind: 'plain', capacity, value: (row) => formatInstant(eventTimeMs(p, row.k, random.at(row)), true, zone) };
};

/** Wraps a timestamp compiler so `mode: "eventTime"` columns use the event-time generator. */
export function withEventTime(base: ColumnCompiler): ColumnCompiler {
  return (ctx) => (ctx.col.mode === 'eventTime' ? eventTimeColumn(ctx) : base(ctx));
}
