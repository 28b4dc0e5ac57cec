import { chartPaths, type ChartPoint } from '../lib/chart-geometry.js';
import { compact, formatDuration } from '../lib/progress-math.js';

const W = 560;
const H = 120;

/** Rows/s over time as inline SVG (no chart library). */
export function RateChart({ points }: { points: readonly ChartPoint[] }) {
  const { line, area, max } = chartPaths(points, W, H);
  const span = points.length > 1 ? points[points.length - 1]!.t - points[0]!.t : 0;
  return (
    <figure className="chart" data-testid="rate-chart">
      <svg viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="none" role="img" aria-label={`Rows per second over time, peak axis ${compact(max)} rows/s`}>
        <line x1={0} y1={H / 2} x2={W} y2={H / 2} className="chart-grid" />
        <path d={area} className="chart-area" />
        <path d={line} className="chart-line" vectorEffect="non-scaling-stroke" />
      </svg>
      <figcaption>
        <span>rows/s · axis top {compact(max)}</span>
        <span>{points.length > 1 ? `last ${formatDuration(span)}` : 'waiting for progress…'}</span>
      </figcaption>
    </figure>
  );
}
