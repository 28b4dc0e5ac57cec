import { ValidationError } from '@rowflow/contracts';

/** Query/body keys of paced and partitioned streams. */
export const STREAM_OPTION_KEYS = ['rate', 'partitionBy', 'partitions', 'part'] as const;

/** Most partitions one stream can be cut into (each partition scans the whole base range). */
export const MAX_PARTITIONS = 1024;
/** Fastest pace: above it `rate` would not slow anything down measurably. */
export const MAX_RATE = 10_000_000;

export interface StreamOptionParams {
  /** Rows per wall-clock second. */
  rate?: number;
  /** Rows of [offset, offset + rows) whose `by` key hashes to `index` of `count` (`by: "_row"`: round-robin). */
  partition?: { by: string; count: number; index: number };
}

function one(v: unknown): unknown {
  return Array.isArray(v) ? v[0] : v;
}

function number(raw: unknown, field: string, lo: number, hi: number, integer: boolean): number | undefined {
  const v = one(raw);
  if (v === undefined || v === '') return undefined;
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(v) ? Number(v) : NaN;
  if (!Number.isFinite(n) || n < lo || n > hi || (integer && !Number.isInteger(n))) {
    throw new ValidationError(field, `must be ${integer ? 'an integer' : 'a number'} in [${lo}, ${hi}], got ${JSON.stringify(v)}`);
  }
  return n;
}

/**
 * `rate`, `partitionBy`, `partitions`, `part` of a stream request (query strings or JSON
 * bodies). The three partition keys go together; `part` must be < `partitions`.
 */
export function parseStreamOptions(input: Record<string, unknown>): StreamOptionParams {
  const out: StreamOptionParams = {};
  const rate = number(input.rate, 'rate', 0, MAX_RATE, false);
  if (rate === 0) throw new ValidationError('rate', 'must be > 0 (rows per second)');
  if (rate !== undefined) out.rate = rate;
  const by = one(input.partitionBy);
  const count = number(input.partitions, 'partitions', 1, MAX_PARTITIONS, true);
  const index = number(input.part, 'part', 0, MAX_PARTITIONS - 1, true);
  if (by === undefined && count === undefined && index === undefined) return out;
  if (typeof by !== 'string' || by === '') throw new ValidationError('partitionBy', 'is required with partitions/part (a column name or _row for round-robin)');
  if (count === undefined) throw new ValidationError('partitions', 'is required with partitionBy');
  if (index === undefined) throw new ValidationError('part', 'is required with partitionBy (0..partitions-1)');
  if (index >= count) throw new ValidationError('part', `must be < partitions (${count}), got ${index}`);
  out.partition = { by, count, index };
  return out;
}
