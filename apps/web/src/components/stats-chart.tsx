import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#4b5563'];

interface Props {
  title: string;
  x: number[];
  ys: (number | null)[][];
  labels: string[];
}

/** One uPlot line chart; created once per series layout, then fed with setData (cheap updates). */
export function StatsChart({ title, x, ys, labels }: Props) {
  const host = useRef<HTMLDivElement | null>(null);
  const plot = useRef<uPlot | null>(null);
  const layout = `${title}|${labels.join(',')}`;

  useEffect(() => {
    const el = host.current;
    if (!el) return undefined;
    const opts: uPlot.Options = {
      title,
      width: Math.max(320, el.clientWidth || 560),
      height: 180,
      scales: { x: { time: true } },
      series: [{}, ...labels.map((label, i) => ({ label: label || 'all', stroke: COLORS[i % COLORS.length], width: 1.5, spanGaps: false }))],
    };
    plot.current = new uPlot(opts, [[], ...labels.map(() => [])], el);
    return () => {
      plot.current?.destroy();
      plot.current = null;
    };
    // Re-create only when the series layout changes; data goes through setData below.
  }, [layout]);

  useEffect(() => {
    plot.current?.setData([x, ...ys] as uPlot.AlignedData);
  }, [x, ys]);

  return <div ref={host} className="stats-chart" data-testid="stats-chart" />;
}
