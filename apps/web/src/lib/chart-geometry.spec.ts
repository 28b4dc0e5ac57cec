import { describe, expect, it } from 'vitest';
import { chartPaths, niceMax } from './chart-geometry.js';

describe('chart geometry', () => {
  it('rounds the axis up to 1/2/5 × 10^k', () => {
    expect(niceMax(0)).toBe(1);
    expect(niceMax(7)).toBe(10);
    expect(niceMax(120_000)).toBe(200_000);
    expect(niceMax(500)).toBe(500);
    expect(niceMax(501)).toBe(1000);
  });

  it('scales time to width and rate to height (y down)', () => {
    const p = chartPaths([{ t: 1000, rate: 0 }, { t: 2000, rate: 50 }, { t: 3000, rate: 100 }], 200, 100);
    expect(p.max).toBe(100);
    expect(p.line).toBe('M0.0,100.0 L100.0,50.0 L200.0,0.0');
    expect(p.area).toBe('M0.0,100.0 L100.0,50.0 L200.0,0.0 L200.0,100 L0.0,100 Z');
  });

  it('draws a flat line for one point and nothing for none', () => {
    expect(chartPaths([{ t: 5, rate: 5 }], 100, 10).line).toBe('M0.0,0.0 L100.0,0.0');
    expect(chartPaths([], 100, 10).line).toBe('');
  });
});
