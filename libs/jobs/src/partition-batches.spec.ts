import { describe, expect, it } from 'vitest';
import { batchGroups, deliveryPartitions, foldBatches, MAX_BATCH, SMALL_PARTITION_ROWS } from './partition-batches.js';

describe('batchGroups', () => {
  it('a few small partitions are delivered alone, so they load side by side', () => {
    expect(batchGroups(Array.from({ length: 63 }, () => 1000))).toEqual(Array.from({ length: 63 }, () => null));
  });

  it('many small partitions share groups of at most MAX_BATCH, in index order; big ones stay alone', () => {
    const rows = Array.from({ length: 1000 }, (_, i) => (i === 3 ? SMALL_PARTITION_ROWS + 1 : 1000));
    const groups = batchGroups(rows);
    expect(groups[3]).toBeNull();
    const sizes = new Map<number, number>();
    for (const g of groups) if (g !== null) sizes.set(g, (sizes.get(g) ?? 0) + 1);
    expect(Math.max(...sizes.values())).toBe(MAX_BATCH);
    expect([...sizes.values()].reduce((a, b) => a + b, 0)).toBe(999);
    expect(groups.slice(0, 5)).toEqual([0, 0, 0, null, 0]);
  });

  it('the group size leaves at least 32 deliveries', () => {
    const groups = batchGroups(Array.from({ length: 96 }, () => 10));
    expect(new Set(groups).size).toBe(32);
    expect(groups.slice(0, 4)).toEqual([0, 0, 0, 1]);
  });
});

describe('foldBatches', () => {
  it('folds partitions of one job and group into one delivery, keeps the rest as they are', () => {
    const folded = foldBatches([
      { jobId: 'a', partitionId: 1, group: 0 },
      { jobId: 'a', partitionId: 2, group: null },
      { jobId: 'a', partitionId: 3, group: 0 },
      { jobId: 'b', partitionId: 4, group: 0 },
      { jobId: 'a', partitionId: 5, group: 1 },
      { jobId: 'a', partitionId: 6 },
    ]);
    expect(folded).toEqual([
      { jobId: 'a', partitionId: 1, group: 0, batch: [3] },
      { jobId: 'a', partitionId: 2, group: null },
      { jobId: 'b', partitionId: 4, group: 0 },
      { jobId: 'a', partitionId: 5, group: 1 },
      { jobId: 'a', partitionId: 6 },
    ]);
    expect(folded.map(deliveryPartitions)).toEqual([[1, 3], [2], [4], [5], [6]]);
  });
});
