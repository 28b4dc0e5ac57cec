import { map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { liveStats } from './live-stats.js';
import type { Row, StatsOutput } from './stats-engine.js';
import { parseStatsSpec } from './stats-spec.js';

const spec = parseStatsSpec({
  timeColumn: 't',
  window: { type: 'tumbling', sizeMs: 10 },
  watermark: { delayMs: 0 },
  aggregates: [{ op: 'count' }],
  quality: { everyMs: 5 },
});

function scheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

/** Outputs as letters: S<start> for stats, Q<rows> for quality snapshots. */
const label = map((o: StatsOutput) => (o.kind === 'stats' ? `S${o.data.window.start}` : o.kind === 'quality' ? `Q${o.data.rows}` : 'A'));

describe('liveStats (marbles)', () => {
  it('emits a window in the frame of the row that moves the watermark past its end, flushes on complete', () => {
    const ts = scheduler();
    ts.run(({ cold, expectObservable }) => {
      const rows = cold<Row>('a-b---c--d|', { a: { t: 1 }, b: { t: 4 }, c: { t: 12 }, d: { t: 13 } });
      // frame 0: first quality; frame 6: [0,10) closes and 6 ms since the last quality → both;
      // frame 9 (d): 3 ms since the last quality, nothing; completion at 10: [10,20) + final quality.
      expectObservable(rows.pipe(liveStats(spec, ts), label)).toBe('q-----(sr)(tu|)', { q: 'Q1', s: 'S0', r: 'Q3', t: 'S10', u: 'Q4' });
    });
  });

  it('accepts batches and passes errors on', () => {
    const ts = scheduler();
    ts.run(({ cold, expectObservable }) => {
      const rows = cold<Row[]>('a----#', { a: [{ t: 1 }, { t: 15 }] });
      expectObservable(rows.pipe(liveStats(spec, ts), label)).toBe('(qs)-#', { q: 'Q1', s: 'S0' });
    });
  });
});
