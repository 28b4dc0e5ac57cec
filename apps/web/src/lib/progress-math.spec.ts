import { describe, expect, it } from 'vitest';
import { compact, etaMs, formatCount, formatDuration, formatRate, percent, pushSample, rateOf, type Sample } from './progress-math.js';

describe('percent', () => {
  it('is done/total clamped to 0..100', () => {
    expect(percent(50, 200)).toBe(25);
    expect(percent(300, 200)).toBe(100);
    expect(percent(-1, 200)).toBe(0);
  });
  it('is 0 for an empty or unknown total', () => {
    expect(percent(5, 0)).toBe(0);
    expect(percent(5, NaN)).toBe(0);
  });
});

describe('pushSample + rateOf (sliding window)', () => {
  it('measures units per second between the first and last sample', () => {
    const s: Sample[] = [
      { t: 0, n: 0 },
      { t: 500, n: 1000 },
      { t: 1000, n: 2000 },
    ];
    expect(rateOf(s)).toBe(2000);
  });

  it('keeps one baseline sample older than the window and drops the rest', () => {
    let s: Sample[] = [];
    for (let t = 0; t <= 10_000; t += 1000) s = pushSample(s, { t, n: t * 10 }, 3000);
    expect(s[0]!.t).toBe(7000);
    expect(s[s.length - 1]!.t).toBe(10_000);
    expect(rateOf(s)).toBe(10_000);
  });

  it('follows a rate change within one window instead of averaging from the start', () => {
    let s: Sample[] = [];
    // 10 s at 1000/s, then 3 s at 100/s
    for (let t = 0; t <= 10_000; t += 500) s = pushSample(s, { t, n: t }, 3000);
    for (let t = 10_500; t <= 13_000; t += 500) s = pushSample(s, { t, n: 10_000 + (t - 10_000) / 10 }, 3000);
    expect(rateOf(s)).toBeCloseTo(100, 5);
  });

  it('merges samples closer than minGapMs into the newest, keeping the rate exact', () => {
    let s: Sample[] = [];
    for (let t = 0; t <= 1000; t += 2) s = pushSample(s, { t, n: t * 3 }, 3000, 50);
    expect(s.length).toBeLessThanOrEqual(22);
    expect(s[s.length - 1]).toEqual({ t: 1000, n: 3000 });
    expect(rateOf(s)).toBe(3000);
  });

  it('ignores samples that go back in time and needs two samples for a rate', () => {
    const s = pushSample([{ t: 1000, n: 5 }], { t: 900, n: 6 });
    expect(s).toEqual([{ t: 1000, n: 5 }]);
    expect(rateOf(s)).toBe(0);
    expect(rateOf([{ t: 1, n: 1 }, { t: 1, n: 9 }])).toBe(0);
  });
});

describe('etaMs', () => {
  it('is remaining / rate', () => {
    expect(etaMs(250, 1250, 100)).toBe(10_000);
  });
  it('is null without a rate and 0 when done', () => {
    expect(etaMs(0, 100, 0)).toBeNull();
    expect(etaMs(100, 100, 50)).toBe(0);
  });
});

describe('formats', () => {
  it('formats counts, rates and durations for humans', () => {
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(compact(999)).toBe('999');
    expect(compact(12_345)).toBe('12.3k');
    expect(compact(2_000_000)).toBe('2M');
    expect(compact(345_000)).toBe('345k');
    expect(formatRate(12_345.6)).toBe('12.3k rows/s');
    expect(formatDuration(350)).toBe('350ms');
    expect(formatDuration(4200)).toBe('4.2s');
    expect(formatDuration(65_000)).toBe('1m 05s');
    expect(formatDuration(3_725_000)).toBe('1h 02m');
    expect(formatDuration(-1)).toBe('—');
  });
});
