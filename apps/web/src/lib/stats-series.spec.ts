import { describe, expect, it } from 'vitest';
import { addAlert, addStats, emptyStats, MAX_SERIES, seriesOf } from './stats-series.js';

const ev = (end: number, key: string | undefined, count: number, late = 0) => ({ window: { start: end - 10, end }, ...(key === undefined ? {} : { key }), values: { count }, late });

describe('stats series', () => {
  it('lines up keys by window end, with gaps as null', () => {
    let v = emptyStats;
    v = addStats(v, ev(1000, 'a', 1));
    v = addStats(v, ev(1000, 'b', 2, 3));
    v = addStats(v, ev(2000, 'a', 4));
    expect(seriesOf(v, 'count')).toEqual({ x: [1, 2], ys: [[1, 4], [2, null]] });
    expect(v.late).toBe(3);
    expect(v.metrics).toEqual(['count']);
  });

  it('charts at most MAX_SERIES keys and counts the others', () => {
    let v = emptyStats;
    for (let i = 0; i < MAX_SERIES + 3; i++) v = addStats(v, ev(1000, `k${i}`, i));
    expect(v.keys.length).toBe(MAX_SERIES);
    expect(v.hiddenKeys).toBe(3);
  });

  it('keeps the newest alerts first', () => {
    const a = (name: string) => ({ name, metric: 'count', value: 1, kind: 'threshold' as const, at: 0, message: name });
    expect(addAlert(addAlert(emptyStats, a('x')), a('y')).alerts.map((x) => x.name)).toEqual(['y', 'x']);
  });
});
