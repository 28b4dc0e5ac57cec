import type { OpenPartition } from './job-repository.js';

/**
 * A partition this small (one default chunk) is mostly fixed cost: its queue delivery, claim and
 * end-of-load check outweigh its single COPY. Such partitions share deliveries.
 */
export const SMALL_PARTITION_ROWS = 5000;

/** Most partitions in one delivery: bounds how long the last one waits on its claimed lease. */
export const MAX_BATCH = 16;

/** Deliveries wanted per job at least, so every consumer of every process has work. */
const MIN_DELIVERIES = 32;

/**
 * Batch group of each partition of a new job (by its row count), or null for one delivered alone.
 * Small partitions are grouped in index order, at most MAX_BATCH a group, and only when there are
 * enough of them to leave MIN_DELIVERIES deliveries: a dataset of eight small tables still loads
 * them side by side. Stored with the partition, so every enqueue of it (creation, sweep, ready)
 * forms the same groups and the queue deduplicates a group waiting twice.
 */
export function batchGroups(rows: number[]): Array<number | null> {
  const small = rows.filter((r) => r <= SMALL_PARTITION_ROWS).length;
  const size = Math.min(MAX_BATCH, Math.floor(small / MIN_DELIVERIES));
  if (size < 2) return rows.map(() => null);
  let k = 0;
  return rows.map((r) => (r <= SMALL_PARTITION_ROWS ? Math.floor(k++ / size) : null));
}

/**
 * Folds partitions of the same job and batch group into one delivery: the first one's id, the
 * others in `batch`. Partitions without a group, and deliveries already folded, pass unchanged.
 */
export function foldBatches(parts: OpenPartition[]): OpenPartition[] {
  const out: OpenPartition[] = [];
  const groups = new Map<string, OpenPartition>();
  for (const p of parts) {
    if (p.group === undefined || p.group === null || p.batch) {
      out.push(p);
      continue;
    }
    const key = `${p.jobId}:${p.group}`;
    const head = groups.get(key);
    if (head) (head.batch ??= []).push(p.partitionId);
    else {
      const first = { ...p };
      groups.set(key, first);
      out.push(first);
    }
  }
  return out;
}

/** Every partition a delivery covers, in order. */
export function deliveryPartitions(p: OpenPartition): number[] {
  return [p.partitionId, ...(p.batch ?? [])];
}
