import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Progress } from './progress.js';

/** Plain (non-TTY) progress lines with a controlled clock: the rate is rows per second of this command. */
describe('Progress rates', () => {
  let lines: string[];
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-01-01T00:00:00Z'));
    lines = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
  });
  afterEach(() => {
    vi.restoreAllMocks();
    vi.useRealTimers();
  });

  it('counts every row from the start by default (generate, a fresh export)', () => {
    const p = new Progress('generate users', false, false);
    vi.setSystemTime(new Date('2026-01-01T00:00:02Z'));
    p.update({ rows: 20_000, total: 20_000 });
    expect(lines.join('')).toContain('generate users: 20,000 / 20,000 rows (100%), 10,000 rows/s');
  });

  it('sinceFirstSample: rows already written before the command are not counted as speed', () => {
    // A job watched (or resumed) at 1.9M of 2M rows, which then writes 100k rows in 10 s.
    const p = new Progress('job 1234abcd', false, false, true);
    p.update({ rows: 1_900_000, total: 2_000_000 });
    vi.setSystemTime(new Date('2026-01-01T00:00:10Z'));
    lines.length = 0;
    p.update({ rows: 2_000_000, total: 2_000_000 });
    expect(lines.join('')).toContain('job 1234abcd: 2,000,000 / 2,000,000 rows (100%), 10,000 rows/s');
  });

  it('sinceFirstSample: the ETA comes from the rate of this command', () => {
    const p = new Progress('job 1234abcd', false, false, true);
    p.update({ rows: 1_000_000, total: 2_000_000 });
    vi.setSystemTime(new Date('2026-01-01T00:00:10Z'));
    lines.length = 0;
    p.update({ rows: 1_100_000, total: 2_000_000 }); // 10,000 rows/s → 900,000 rows left: 90 s
    expect(lines.join('')).toContain('1,100,000 / 2,000,000 rows (55%), 10,000 rows/s, ETA 1m30s');
  });

  it("names a job's phase after the load, so a job at 100% that is still building its keys says so", () => {
    const p = new Progress('job 1234abcd', false, false, true);
    p.update({ rows: 0, total: 1000, phase: 'loading' });
    expect(lines.join('')).not.toContain('loading');
    vi.setSystemTime(new Date('2026-01-01T00:00:05Z'));
    lines.length = 0;
    p.update({ rows: 1000, total: 1000, phase: 'building indexes' });
    expect(lines.join('')).toMatch(/1,000 \/ 1,000 rows \(100%\), 200 rows\/s, ETA -, building indexes\n$/);
  });

  it('the closing line is not a copy of the line just printed (a watched job that had already ended printed it twice)', () => {
    const p = new Progress('job 1234abcd', false, false, true);
    p.update({ rows: 1000, total: 1000, phase: 'done' });
    p.done();
    expect(lines).toHaveLength(1);
    vi.setSystemTime(new Date('2026-01-01T00:00:01Z'));
    const q = new Progress('generate users', false, false);
    q.update({ rows: 10, total: 100 });
    q.update({ rows: 100, total: 100 }); // within the plain-line interval: not printed yet
    q.done();
    expect(lines.slice(1).map((l) => l.split(':')[1]!.split(',')[0]!.trim())).toEqual(['10 / 100 rows (10%)', '100 / 100 rows (100%)']);
  });
});
