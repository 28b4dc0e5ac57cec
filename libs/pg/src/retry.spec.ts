import { describe, expect, it } from 'vitest';
import { duration, parseDuration, RetryStreak } from './retry.js';

describe('parseDuration / duration config parser', () => {
  it('plain integers are milliseconds; units ms, s, m, h', () => {
    expect(parseDuration('600000')).toBe(600_000);
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('10m')).toBe(600_000);
    expect(parseDuration('1.5h')).toBe(5_400_000);
    expect(parseDuration(' 2 M ')).toBe(120_000);
    for (const bad of ['', 'ten', '-5s', '10 minutes', '1e3']) expect(parseDuration(bad), bad).toBeUndefined();
  });

  it('absent gives the default; a bad value names the key', () => {
    const parse = duration(600_000);
    expect(parse(undefined, 'JOB_RETRY_WINDOW')).toBe(600_000);
    expect(parse('45s', 'JOB_RETRY_WINDOW')).toBe(45_000);
    expect(() => parse('soon', 'JOB_RETRY_WINDOW')).toThrow(/JOB_RETRY_WINDOW.*10m/);
  });
});

describe('RetryStreak', () => {
  it('backs off within the cap until the window has passed, and a success starts over', () => {
    let now = 0;
    const streak = new RetryStreak({ windowMs: 10_000, baseMs: 100, capMs: 1000 }, () => now);
    const waits: number[] = [];
    for (let w = streak.next(); w !== null; w = streak.next()) {
      waits.push(w);
      now += Math.max(w, 1);
    }
    expect(waits.length).toBeGreaterThan(5);
    expect(Math.max(...waits)).toBeLessThanOrEqual(1000);
    expect(now).toBeGreaterThanOrEqual(10_000);
    streak.reset();
    expect(streak.next()).not.toBeNull();
    expect(streak.failures).toBe(1);
  });
});
