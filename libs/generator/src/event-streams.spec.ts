import type { TableSpec } from '@rowflow/contracts';
import { outputTableSpec, validateTableSpec } from '@rowflow/schema';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ChangeStreamLogic } from './change-stream.js';
import { DuplicateMap } from './duplicates.js';
import { BatchLimiter } from './pacing.js';
import { partitionOf } from './partition-filter.js';
import { createRowStream, generatorStats } from './row-stream.js';
import { collect, ndjsonRows } from './test-helpers.js';

const events: TableSpec = validateTableSpec({
  name: 'ev',
  duplicateRatio: 0.1,
  columns: [
    { name: 'id', type: 'serial' },
    { name: 't', type: 'timestamptz', mode: 'eventTime', start: '2025-01-01T00:00:00Z', ratePerSec: 100, maxOutOfOrderMs: 500, lateRatio: 0.05, lateMaxMs: 30_000 },
    { name: 'user', type: 'int', min: 1, max: 50 },
    { name: 'v', type: 'decimal', min: 0, max: 100 },
  ],
});
const plain: TableSpec = { ...events, duplicateRatio: undefined } as TableSpec;
delete (plain as { duplicateRatio?: number }).duplicateRatio;

describe('event-time column', () => {
  it('is seekable: any offset gives the same rows as the full stream', async () => {
    const full = await collect({ spec: events, rows: 3000, format: 'ndjson' });
    const tail = await collect({ spec: events, rows: 1000, offset: 2000, format: 'ndjson' });
    expect(full.split('\n').slice(2000).join('\n')).toBe(tail);
  });

  it('keeps ordinary events within maxOutOfOrderMs of the newest, and marks the late share', async () => {
    const rows = await ndjsonRows({ spec: plain, rows: 20_000 });
    let newest = -Infinity;
    let late = 0;
    rows.forEach((r, k) => {
      const t = Date.parse(r.t as string);
      const base = Date.parse('2025-01-01T00:00:00Z') + Math.floor((k * 1000) / 100);
      expect(t).toBeLessThanOrEqual(base);
      if (base - t > 500) {
        late++;
        expect(base - t).toBeLessThanOrEqual(30_000);
      } else {
        expect(t).toBeGreaterThanOrEqual(newest - 500);
      }
      newest = Math.max(newest, t);
    });
    expect(late / rows.length).toBeGreaterThan(0.04);
    expect(late / rows.length).toBeLessThan(0.06);
  });
});

describe('duplicateRatio', () => {
  it('re-emits an earlier row (id and every value) about that often, seekably', async () => {
    const rows = await ndjsonRows({ spec: events, rows: 10_000 });
    const seen = new Map<unknown, string>();
    let dups = 0;
    for (const r of rows) {
      const line = JSON.stringify(r);
      if (seen.has(r.id)) {
        dups++;
        expect(line).toBe(seen.get(r.id));
      } else seen.set(r.id, line);
    }
    expect(dups / rows.length).toBeGreaterThan(0.08);
    expect(dups / rows.length).toBeLessThan(0.12);
    const tail = await ndjsonRows({ spec: events, rows: 500, offset: 9500 });
    expect(tail).toEqual(rows.slice(9500));
  });

  it('a copy always points at an emitted original, earlier in the stream', () => {
    const map = new DuplicateMap(7, 'x', 0.5);
    for (let k = 0; k < 5000; k++) {
      const s = map.source(k);
      expect(s).toBeLessThanOrEqual(k);
      expect(map.copies(s)).toBe(-1);
    }
  });
});

const changes: TableSpec = validateTableSpec({
  name: 'accounts',
  changeStream: { keys: 50, updateRatio: 0.7, deleteRatio: 0.3 },
  columns: [
    { name: 'id', type: 'serial', primaryKey: true },
    { name: 'owner', type: 'fullName' },
    { name: 'balance', type: 'int', min: 0, max: 1000 },
  ],
});

describe('changeStream', () => {
  it('replays consistently: inserts of absent keys, updates/deletes of present ones with the right before image', async () => {
    const rows = await ndjsonRows({ spec: changes, rows: 2000 });
    const state = new Map<unknown, Record<string, unknown>>();
    const ops = { insert: 0, update: 0, delete: 0 };
    rows.forEach((r, k) => {
      expect(r.seq).toBe(k);
      const op = r.op as keyof typeof ops;
      ops[op]++;
      const after = { id: r.id, owner: r.owner, balance: r.balance };
      const before = { id: r.before_id, owner: r.before_owner, balance: r.before_balance };
      if (op === 'insert') {
        expect(state.has(r.id)).toBe(false);
        expect(before).toEqual({ id: null, owner: null, balance: null });
        state.set(r.id, after);
      } else {
        expect(state.get(r.id)).toEqual(before);
        if (op === 'delete') {
          expect([after.owner, after.balance]).toEqual([null, null]);
          state.delete(r.id);
        } else state.set(r.id, after);
      }
    });
    expect(ops.update).toBeGreaterThan(ops.delete);
    expect(ops.delete).toBeGreaterThan(100);
    expect(await ndjsonRows({ spec: changes, rows: 300, offset: 1700 })).toEqual(rows.slice(1700));
  });

  it('outputTableSpec names exactly the columns the stream writes', async () => {
    const line = (await collect({ spec: changes, rows: 1, header: true })).split('\n')[0];
    expect(outputTableSpec(changes).columns.map((c) => c.name).join(',')).toBe(line);
    expect(outputTableSpec(changes).columns.some((c) => c.primaryKey || c.unique)).toBe(false);
  });

  it('visits every key once per round and inverts event → (key, round)', () => {
    const logic = new ChangeStreamLogic(3, 't', { keys: 37, updateRatio: 1, deleteRatio: 1 });
    for (let round = 0; round < 5; round++) {
      const keys = new Set<number>();
      for (let i = 0; i < 37; i++) {
        const e = logic.event(round * 37 + i);
        expect(e.round).toBe(round);
        expect(logic.eventIndex(e.key, e.round)).toBe(round * 37 + i);
        keys.add(e.key);
      }
      expect(keys.size).toBe(37);
    }
  });
});

describe('partitionBy / partitions / part', () => {
  it('partitions are disjoint and their union is the stream, for a column and for round-robin', async () => {
    const full = await ndjsonRows({ spec: plain, rows: 3000, offset: 100 });
    for (const by of ['user', '_row']) {
      const parts = await Promise.all([0, 1, 2].map((index) => ndjsonRows({ spec: plain, rows: 3000, offset: 100, partition: { by, count: 3, index } })));
      const ids = parts.flat().map((r) => r.id as number);
      expect(ids.sort((a, b) => a - b)).toEqual(full.map((r) => r.id));
      parts.forEach((rows, index) => {
        for (const r of rows) expect(by === 'user' ? partitionOf(r.user as number, 3) : ((r.id as number) - 1) % 3).toBe(index);
      });
    }
  });

  it('a partition that matches nothing still ends (empty batches are re-asked, not stalled)', async () => {
    const spec = validateTableSpec({ name: 'k', columns: [{ name: 'c', type: 'int', min: 5, max: 5 }] });
    const none = partitionOf(5, 2) === 0 ? 1 : 0;
    expect(await collect({ spec, rows: 200_000, partition: { by: 'c', count: 2, index: none }, format: 'ndjson' })).toBe('');
  });
});

describe('pacing', () => {
  it('grants the rows due by the clock, one timer at a time, and forgives a slow reader instead of bursting', () => {
    let now = 1000;
    const lim = new BatchLimiter(100, false, () => now);
    expect(lim.end(0, 1e6)).toBe(1); // the first row at once
    now += 100;
    expect(lim.end(1, 1e6)).toBe(11); // 10 rows per 100 ms
    now += 500; // a late timer: made up
    expect(lim.end(11, 1e6)).toBe(61);
    now += 10_000; // reader stalled 10 s: 1000 rows "due"
    expect(lim.end(61, 1e6)).toBe(62); // restart the schedule, no burst
    now += 50;
    expect(lim.end(62, 1e6)).toBe(67);
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('a reader that stops reading stops generation; when it reads again there is no catch-up burst', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'Date'] });
    const stream = createRowStream({ spec: plain, seed: 1, rows: 1_000_000, format: 'ndjson', rate: 100, chunkBytes: 4096 });
    const start = generatorStats.rowsGenerated;
    stream.read(0); // fill the buffer (its highWaterMark), then nobody reads
    await vi.advanceTimersByTimeAsync(100_000); // 10,000 rows would be "due" by the clock
    const whilePaused = generatorStats.rowsGenerated - start;
    expect(whilePaused).toBeGreaterThan(0);
    expect(whilePaused).toBeLessThan(300); // about one buffer of rows, not 10,000
    let lines = 0;
    stream.on('data', (chunk: Buffer) => (lines += chunk.toString().split('\n').length - 1));
    await vi.advanceTimersByTimeAsync(2_000);
    const afterResume = generatorStats.rowsGenerated - start - whilePaused;
    expect(lines).toBeGreaterThan(whilePaused); // it flows again…
    expect(afterResume).toBeLessThan(100 * 2 + 100 + 50); // …at the pace (2 s + at most 1 s of catch-up), not the 10,000 "owed"
    stream.destroy();
  });

  it('a paced stream has the same bytes as an unpaced one', async () => {
    const paced = await collect({ spec: plain, rows: 300, rate: 5000 });
    expect(paced).toBe(await collect({ spec: plain, rows: 300 }));
  });
});
