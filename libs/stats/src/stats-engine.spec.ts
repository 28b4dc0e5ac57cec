import { describe, expect, it } from 'vitest';
import { type Row, StatsEngine, type StatsOutput } from './stats-engine.js';
import { parseStatsSpec } from './stats-spec.js';

const run = (spec: unknown, rows: Row[]): StatsOutput[] => {
  const engine = new StatsEngine(parseStatsSpec(spec));
  return [...rows.flatMap((r) => engine.push(r, 0)), ...engine.finish(0)];
};
const stats = (out: StatsOutput[]) => out.flatMap((o) => (o.kind === 'stats' ? [o.data] : []));
const rows = (pairs: [number, number][], extra: (i: number) => Row = () => ({})): Row[] => pairs.map(([t, v], i) => ({ t, v, id: i, ...extra(i) }));

describe('StatsEngine windows', () => {
  it('tumbling: each window once, in order, when the watermark passes its end', () => {
    const out = run({ timeColumn: 't', window: { type: 'tumbling', sizeMs: 10 }, aggregates: [{ op: 'count' }, { op: 'sum', column: 'v' }, { op: 'max', column: 'v' }] }, rows([[1, 1], [5, 2], [12, 3], [25, 4]]));
    expect(stats(out)).toEqual([
      { window: { start: 0, end: 10 }, values: { count: 2, sum_v: 3, max_v: 2 }, late: 0 },
      { window: { start: 10, end: 20 }, values: { count: 1, sum_v: 3, max_v: 3 }, late: 0 },
      { window: { start: 20, end: 30 }, values: { count: 1, sum_v: 4, max_v: 4 }, late: 0 },
    ]);
  });

  it('counts late rows (never silently dropped) and reports them on the next stats event', () => {
    const out = run({ timeColumn: 't', window: { type: 'tumbling', sizeMs: 10 }, watermark: { delayMs: 2 }, aggregates: [{ op: 'count' }] }, rows([[1, 0], [13, 0], [4, 0], [9, 0], [30, 0]]));
    // [0,10) closes when t=13 arrives (watermark 11); 4 and 9 are late for it.
    expect(stats(out)).toEqual([
      { window: { start: 0, end: 10 }, values: { count: 1 }, late: 0 },
      { window: { start: 10, end: 20 }, values: { count: 1 }, late: 2 },
      { window: { start: 30, end: 40 }, values: { count: 1 }, late: 0 },
    ]);
    const quality = out.filter((o) => o.kind === 'quality').at(-1)!.data as { late: number; lateRate: number; outOfOrderRate: number };
    expect(quality).toMatchObject({ late: 2, lateRate: 2 / 5, outOfOrderRate: 2 / 5 });
  });

  it('sliding: every window containing the event', () => {
    const out = run({ timeColumn: 't', window: { type: 'sliding', sizeMs: 10, slideMs: 5 }, aggregates: [{ op: 'count' }] }, rows([[7, 0], [12, 0]]));
    expect(stats(out).map((s) => [s.window.start, s.values.count])).toEqual([[0, 1], [5, 2], [10, 1]]);
  });

  it('session: merges out-of-order events that close a gap, per key', () => {
    const out = run(
      { timeColumn: 't', window: { type: 'session', gapMs: 5 }, groupBy: 'k', aggregates: [{ op: 'count' }], watermark: { delayMs: 100 } },
      rows([[0, 0], [10, 0], [3, 0], [7, 0], [0, 0], [30, 0]], (i) => ({ k: i === 4 ? 'b' : 'a' })),
    );
    expect(stats(out).map((s) => [s.key, s.window.start, s.window.end, s.values.count])).toEqual([
      ['b', 0, 5, 1],
      ['a', 0, 15, 4],
      ['a', 30, 35, 1],
    ]);
  });

  it('session: an event older than an emitted session of its key is late, not a new session', () => {
    const out = run({ timeColumn: 't', window: { type: 'session', gapMs: 5 }, aggregates: [{ op: 'count' }], watermark: { delayMs: 2 } }, rows([[0, 0], [2, 0], [10, 0], [4, 0], [40, 0]]));
    // [0,7) closes when 10 arrives (watermark 8). 4 + gap = 9 is past the watermark, but 4 falls
    // inside the emitted session: late, counted, and no second session [4, 9) appears.
    expect(stats(out).map((s) => [s.window.start, s.window.end, s.values.count, s.late])).toEqual([
      [0, 7, 2, 0],
      [10, 15, 1, 1],
      [40, 45, 1, 0],
    ]);
  });

  it('dedups by key within the watermark and measures the duplicate rate', () => {
    const out = run({ timeColumn: 't', window: { type: 'tumbling', sizeMs: 10 }, dedupBy: 'id', aggregates: [{ op: 'count' }] }, [
      { t: 1, id: 1 },
      { t: 2, id: 2 },
      { t: 1, id: 1 },
    ]);
    expect(stats(out)[0]!.values.count).toBe(2);
    expect(out.at(-1)).toMatchObject({ kind: 'quality', data: { duplicates: 1, duplicateRate: 1 / 3 } });
  });

  it('exact stats: stddev (sample), decimal sums, null rate, countDistinct past the bound becomes an estimate', () => {
    const data = Array.from({ length: 3000 }, (_, i) => ({ t: 1, v: (i % 7) + 0.25, d: `${i % 100}.10`, u: i, n: i % 4 === 0 ? null : 1 }));
    const out = run({ timeColumn: 't', window: { type: 'tumbling', sizeMs: 10 }, distinctLimit: 1000, aggregates: [{ op: 'stddev', column: 'v' }, { op: 'sum', column: 'd' }, { op: 'countDistinct', column: 'u' }, { op: 'count', column: 'n' }] }, data);
    const v = data.map((r) => r.v);
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    const sd = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1));
    const values = stats(out)[0]!.values;
    expect(values.stddev_v).toBeCloseTo(sd, 10);
    expect(values.sum_d).toBe(148_800); // 30 × (0 + … + 99) + 3000 × 0.10, exactly
    expect(Math.abs(values.countDistinct_u! - 3000) / 3000).toBeLessThan(0.03);
    expect(values.count_n).toBe(2250);
    expect((out.at(-1)!.data as { nullRate: Record<string, number> }).nullRate.n).toBe(0.25);
  });

  it('adaptive watermark widens as the late ratio rises', () => {
    const engine = new StatsEngine(parseStatsSpec({ timeColumn: 't', window: { type: 'tumbling', sizeMs: 100 }, watermark: { adaptive: true, initialDelayMs: 10, targetLateRatio: 0.05 }, aggregates: [{ op: 'count' }] }));
    let lateBefore = 0;
    let lateAfter = 0;
    for (let i = 0; i < 4000; i++) {
      const t = i * 10 - (i % 5 === 0 ? 500 : 0); // every 5th event 500 ms late
      engine.push({ t }, 0);
      if (i === 1000) lateBefore = engine.state.delayMs;
      if (i === 3999) lateAfter = engine.state.delayMs;
    }
    expect(lateBefore).toBeGreaterThan(10);
    expect(lateAfter).toBeGreaterThanOrEqual(490); // the lateness seen: 500 ms behind the previous event
  });

  it('threshold alerts are edge-triggered; trend alerts compare with the previous windows', () => {
    const pairs: [number, number][] = [1, 1, 11, 21, 21, 21, 31, 41, 41, 41, 41, 41, 51].map((t) => [t, 0]);
    const out = run(
      {
        timeColumn: 't',
        window: { type: 'tumbling', sizeMs: 10 },
        aggregates: [{ op: 'count' }],
        alerts: [{ metric: 'count', op: '>=', value: 2 }, { name: 'surge', metric: 'count', trend: 'rise', pct: 50, windows: 2 }],
      },
      rows(pairs),
    );
    const alerts = out.flatMap((o) => (o.kind === 'alert' ? [[o.data.name, o.data.at]] : []));
    expect(alerts).toEqual([
      ['count >= 2', 10],
      ['count >= 2', 30],
      ['surge', 30],
      ['count >= 2', 50],
      ['surge', 50],
    ]);
  });
});

describe('parseStatsSpec', () => {
  it.each([
    [{ timeColumn: 't', window: { type: 'tumbling', sizeMS: 10 }, aggregates: [{ op: 'count' }] }, 'stats.window.sizeMS'],
    [{ timeColumn: 't', window: { type: 'hopping', sizeMs: 10 }, aggregates: [{ op: 'count' }] }, 'stats.window.type'],
    [{ timeColumn: 't', window: { type: 'tumbling', sizeMs: 10 }, aggregates: [{ op: 'median', column: 'x' }] }, 'stats.aggregates[0].op'],
    [{ timeColumn: 't', window: { type: 'tumbling', sizeMs: 10 }, aggregates: [{ op: 'sum' }] }, 'stats.aggregates[0].column'],
    [{ timeColumn: 't', window: { type: 'tumbling', sizeMs: 10 }, aggregates: [{ op: 'count' }], groupby: 'x' }, 'stats.groupby'],
    [{ timeColumn: 't', window: { type: 'session', gapMs: 10, sizeMs: 5 }, aggregates: [{ op: 'count' }] }, 'stats.window.sizeMs'],
    [{ timeColumn: 't', window: { type: 'sliding', sizeMs: 10, slideMs: 20 }, aggregates: [{ op: 'count' }] }, 'stats.window.slideMs'],
    [{ timeColumn: 't', window: { type: 'tumbling', sizeMs: 10 }, watermark: { adaptive: true, delayMs: 3 }, aggregates: [{ op: 'count' }] }, 'stats.watermark.delayMs'],
    [{ timeColumn: 't', window: { type: 'tumbling', sizeMs: 10 }, aggregates: [{ op: 'count' }], alerts: [{ metric: 'p99_x', op: '>', value: 1 }] }, 'stats.alerts[0].metric'],
    [{ timeColumn: 't', window: { type: 'tumbling', sizeMs: 10 }, aggregates: [{ op: 'count' }], alerts: [{ metric: 'count', op: '=>', value: 1 }] }, 'stats.alerts[0].op'],
  ])('refuses %j naming %s', (spec, field) => {
    let got: string | undefined;
    try {
      parseStatsSpec(spec);
    } catch (err) {
      got = (err as { field?: string }).field;
    }
    expect(got).toBe(field);
  });
});
