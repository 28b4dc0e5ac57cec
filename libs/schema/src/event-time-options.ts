import type { ColumnSpec, TableSpec } from '@rowflow/contracts';

/** Column keys that only mean something with `mode: "eventTime"`. */
export const EVENT_TIME_KEYS = ['ratePerSec', 'start', 'maxOutOfOrderMs', 'lateRatio', 'lateMaxMs'] as const;

/** Row 0's base time when `start` is absent. */
export const DEFAULT_EVENT_START = '2025-01-01T00:00:00.000Z';
/** Events per second of event time when `ratePerSec` is absent. */
export const DEFAULT_EVENT_RATE = 100;
/** Largest duplicate ratio: above it most rows would be copies, and a copy chain gets long. */
export const MAX_DUPLICATE_RATIO = 0.5;
/** Default weights of a change stream's updates and deletes (on keys that exist). */
export const DEFAULT_CHANGE_WEIGHTS = { updateRatio: 0.9, deleteRatio: 0.1 };
/** Columns a change stream adds itself: a user column with one of these names would be shadowed. */
export const CHANGE_COLUMNS = ['seq', 'op'] as const;
export const BEFORE_PREFIX = 'before_';

/**
 * The columns a stream of `spec` actually has, as a plain table spec (what a COPY target needs):
 * the spec itself, or for a change stream `seq`, `op`, the after image and `before_*` columns —
 * without primary-key/unique flags, since every key appears once per event, and nullable images.
 */
export function outputTableSpec(spec: TableSpec): TableSpec {
  if (!spec.changeStream) return spec;
  const plain = spec.columns.map((c): ColumnSpec => {
    const copy: ColumnSpec = { ...c };
    delete copy.primaryKey;
    delete copy.unique;
    return copy;
  });
  const seq: ColumnSpec = { name: 'seq', type: 'bigint' };
  const op: ColumnSpec = { name: 'op', type: 'enum', values: ['insert', 'update', 'delete'] };
  const out: TableSpec = { name: spec.name, columns: [seq, op, ...plain, ...plain.map((c) => ({ ...c, name: BEFORE_PREFIX + c.name }))] };
  if (spec.description !== undefined) out.description = spec.description;
  return out;
}
