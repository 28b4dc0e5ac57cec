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

/** Where the value came from: a query string writes numbers as text, a JSON body as numbers. */
type Source = 'query' | 'body';

/** Integers as digits, `rate` also with a fraction (`2.5`); in a body, JSON numbers only. */
function number(v: unknown, field: string, lo: number, hi: number, integer: boolean, source: Source): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const text = integer ? /^\d+$/ : /^\d+(\.\d+)?$/;
  const n = source === 'body' ? (typeof v === 'number' ? v : NaN) : typeof v === 'string' && text.test(v) ? Number(v) : NaN;
  if (!Number.isFinite(n) || n < lo || n > hi || (integer && !Number.isInteger(n))) {
    throw new ValidationError(field, `must be ${integer ? 'an integer' : 'a number'} in [${lo}, ${hi}], got ${JSON.stringify(v)}`);
  }
  return n;
}

/**
 * `rate`, `partitionBy`, `partitions`, `part` of a stream request (query strings or JSON
 * bodies). The three partition keys go together; `part` must be < `partitions`.
 */
export function parseStreamOptions(input: Record<string, unknown>, source: Source = 'query'): StreamOptionParams {
  const out: StreamOptionParams = {};
  const rate = number(input.rate, 'rate', 0, MAX_RATE, false, source);
  if (rate === 0) throw new ValidationError('rate', 'must be > 0 (rows per second)');
  if (rate !== undefined) out.rate = rate;
  const by = input.partitionBy === null || input.partitionBy === '' ? undefined : input.partitionBy;
  const count = number(input.partitions, 'partitions', 1, MAX_PARTITIONS, true, source);
  const index = number(input.part, 'part', 0, MAX_PARTITIONS - 1, true, source);
  if (by === undefined && count === undefined && index === undefined) return out;
  if (typeof by !== 'string' || by === '') throw new ValidationError('partitionBy', 'is required with partitions/part (a column name or _row for round-robin)');
  if (count === undefined) throw new ValidationError('partitions', 'is required with partitionBy');
  if (index === undefined) throw new ValidationError('part', 'is required with partitionBy (0..partitions-1)');
  if (index >= count) throw new ValidationError('part', `must be < partitions (${count}), got ${index}`);
  out.partition = { by, count, index };
  return out;
}
