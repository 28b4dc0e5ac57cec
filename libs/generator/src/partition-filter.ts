import { ValidationError } from '@rowflow/contracts';
import type { Cell, CompiledColumn } from './column.js';
import type { RowEncoder } from './encode.js';
import { fmix, mixString } from './hash.js';
import type { RowContext } from './row-context.js';

/** `partitionBy` keyword for round-robin: row k goes to partition k mod n. */
export const ROUND_ROBIN = '_row';

/** One partition of a stream: rows whose key hashes to `index` among `count`. */
export interface PartitionSpec {
  /** A column name, or `_row` for round-robin over the row index. */
  by: string;
  count: number;
  index: number;
}

const PARTITION_SEED = 0x3c6ef372;

/**
 * Partition of a key value: a murmur3-style hash of its text form (the value as CSV writes it)
 * mod `count`, independent of the seed — like a Kafka partitioner, the same key always lands in
 * the same partition. NULL keys go to partition 0.
 */
export function partitionOf(value: Cell, count: number): number {
  if (value === null) return 0;
  return fmix(mixString(PARTITION_SEED, String(value))) % count;
}

/** The predicate "row belongs to the partition". */
function keeper(p: PartitionSpec, columns: CompiledColumn[]): (row: RowContext) => boolean {
  if (p.by === ROUND_ROBIN) return (row) => row.k % p.count === p.index;
  const col = columns.find((c) => c.name === p.by);
  if (!col) {
    throw new ValidationError('partitionBy', `unknown column "${p.by}"; expected one of ${columns.map((c) => c.name).join(', ')} or ${ROUND_ROBIN}`);
  }
  const value = col.value;
  return (row) => partitionOf(value(row), p.count) === p.index;
}

/**
 * An encoder that writes only the partition's rows: others encode to '' and the row loop skips
 * them, so filtering costs one key evaluation per row and no change to the batching.
 */
export function partitionEncoder(p: PartitionSpec | undefined, columns: CompiledColumn[], encode: RowEncoder): RowEncoder {
  if (!p || p.count === 1) return encode;
  const keep = keeper(p, columns);
  return (row) => (keep(row) ? encode(row) : '');
}
