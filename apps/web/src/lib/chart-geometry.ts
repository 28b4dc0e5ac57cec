/** Geometry for the inline-SVG rows/s chart (no chart library): scaled polyline + area paths. */

export interface ChartPoint {
  t: number;
  rate: number;
}

export interface ChartPaths {
  line: string;
  area: string;
  /** The y-axis top value (a "nice" number ≥ the max rate). */
  max: number;
}

/** A round axis maximum ≥ v: 1, 2, 5 × 10^k. */
export function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

/** Maps points onto a width×height box (y grows downwards); time axis from the first point. */
export function chartPaths(points: readonly ChartPoint[], width: number, height: number): ChartPaths {
  const max = niceMax(Math.max(0, ...points.map((p) => p.rate)));
  if (points.length === 0) return { line: '', area: '', max };
  const t0 = points[0]!.t;
  const span = Math.max(1, points[points.length - 1]!.t - t0);
  const xy = points.map((p) => [((p.t - t0) / span) * width, height - (p.rate / max) * height] as const);
  if (xy.length === 1) xy.push([width, xy[0]![1]]);
  const line = xy.map(([x, y], i) => `${i ? 'L' : 'M'}${x.toFixed(1)},${y.toFixed(1)}`).join(' ');
  const area = `${line} L${xy[xy.length - 1]![0].toFixed(1)},${height} L${xy[0]![0].toFixed(1)},${height} Z`;
  return { line, area, max };
}
