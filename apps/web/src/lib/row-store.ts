/**
 * Append-only, immutable store of preview rows kept as the SSE batches they arrived in. Appending
 * copies only the (small) chunk index, never the rows, so a reducer can hold 100k+ rows and still
 * return a new state per event. Lookup by row index is a binary search over chunk offsets.
 */
export type Row = Record<string, unknown>;

export interface RowStore {
  readonly chunks: readonly (readonly Row[])[];
  /** offsets[i] = index of chunks[i][0] in the whole store. */
  readonly offsets: readonly number[];
  /** Rows kept (≤ cap). */
  readonly size: number;
}

export const EMPTY_STORE: RowStore = { chunks: [], offsets: [], size: 0 };

/** Appends up to `cap - size` rows of `batch`; the rest are dropped (the caller counts them). */
export function appendRows(store: RowStore, batch: readonly Row[], cap: number): RowStore {
  const room = Math.max(0, cap - store.size);
  if (room === 0 || batch.length === 0) return store;
  const kept = batch.length <= room ? batch : batch.slice(0, room);
  return {
    chunks: [...store.chunks, kept],
    offsets: [...store.offsets, store.size],
    size: store.size + kept.length,
  };
}

/** Row at `index`, or undefined outside 0..size-1. */
export function rowAt(store: RowStore, index: number): Row | undefined {
  if (index < 0 || index >= store.size) return undefined;
  let lo = 0;
  let hi = store.offsets.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (store.offsets[mid]! <= index) lo = mid;
    else hi = mid - 1;
  }
  return store.chunks[lo]![index - store.offsets[lo]!];
}

/** Column names in first-seen order, from the first rows (cheap: batches share one shape). */
export function columnsOf(store: RowStore): string[] {
  const first = store.chunks[0]?.[0];
  return first ? Object.keys(first) : [];
}
