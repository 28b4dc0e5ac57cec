import type { AlertEvent, ColumnSpec, QualityEvent, StatsEvent } from '@rowflow/contracts';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useCatalog } from '../hooks/use-catalog.js';
import { previewUrl, type RunParams } from '../lib/api.js';
import { formatCount } from '../lib/progress-math.js';
import { addAlert, addQuality, addStats, defaultStatsSpec, emptyStats, seriesOf, type StatsView } from '../lib/stats-series.js';
import { StatsChart } from './stats-chart.js';

interface Props {
  params: RunParams | null;
}

const NUMERIC = ['int', 'bigint', 'decimal'];

/**
 * A timestamp column and a numeric (non-key) column of the table, for the default spec. An
 * event-time (or sequence) column comes first; `ordered` says whether the one picked is one.
 */
function pickColumns(columns: readonly ColumnSpec[] | undefined): { timeColumn?: string; numericColumn?: string; keyColumn?: string; ordered: boolean } {
  const isTime = (c: ColumnSpec) => c.type === 'timestamp' || c.type === 'timestamptz';
  const ordered = columns?.find((c) => c.mode === 'eventTime') ?? columns?.find((c) => isTime(c) && c.mode === 'sequence');
  const time = ordered ?? columns?.find(isTime);
  const numeric = columns?.find((c) => NUMERIC.includes(c.type) && !c.primaryKey);
  // The table's key (primary, else its serial id, else the first unique column) is what a
  // re-delivered duplicate repeats; clickstream's id is a serial without a primary key.
  const key = columns?.find((c) => c.primaryKey) ?? columns?.find((c) => c.type === 'serial') ?? columns?.find((c) => c.unique);
  return { timeColumn: time?.name, numericColumn: numeric?.name, keyColumn: key?.name, ordered: ordered !== undefined };
}

type Status = 'idle' | 'running' | 'done' | 'error';

/**
 * Live windowed stats of the preview stream: the stats spec as JSON, its own EventSource on
 * /api/orchestrator/stream?…&stats=…, a uPlot chart of the chosen metric per window, the quality
 * snapshot and the alerts.
 */
export function StatsPanel({ params }: Props) {
  const catalog = useCatalog();
  const columns = params?.source.kind === 'schema' ? params.source.schema.columns : catalog.tables?.find((t) => params?.source.kind === 'table' && t.name === params.source.table)?.columns;
  const { timeColumn, numericColumn, keyColumn, ordered } = pickColumns(columns);
  const [spec, setSpec] = useState('');
  const [view, setView] = useState<StatsView>(emptyStats);
  const [metric, setMetric] = useState('');
  const [status, setStatus] = useState<Status>('idle');
  const [error, setError] = useState<string | null>(null);
  const source = useRef<EventSource | null>(null);

  useEffect(() => {
    if (timeColumn) setSpec(defaultStatsSpec(timeColumn, numericColumn, keyColumn));
  }, [timeColumn, numericColumn, keyColumn]);
  useEffect(() => () => source.current?.close(), []);

  const start = () => {
    if (!params) return;
    source.current?.close();
    setView(emptyStats);
    setError(null);
    setStatus('running');
    const url = `${previewUrl(params)}&stats=${encodeURIComponent(spec)}`;
    source.current = openStats(url, setView, (s, message) => {
      setStatus(s);
      if (message) setError(message);
    });
  };

  const shown = metric || view.metrics[0] || '';
  const { x, ys } = useMemo(() => seriesOf(view, shown), [view, shown]);
  return (
    <div className="stats-panel" data-testid="stats-panel">
      <h3>Live stats</h3>
      {!timeColumn && <p className="muted">Stats need a timestamp column (e.g. the clickstream table).</p>}
      {timeColumn && !ordered && (
        <p className="muted" data-testid="stats-unordered">
          <code>{timeColumn}</code> holds random timestamps, not event time: most rows will arrive after their window has closed and count as late.
          Tables with an event-time column (clickstream, events) chart live windows.
        </p>
      )}
      <textarea aria-label="Stats spec (JSON)" rows={8} value={spec} onChange={(e) => setSpec(e.target.value)} spellCheck={false} />
      <div className="actions">
        <button type="button" onClick={start} disabled={!params || !spec}>
          {status === 'running' ? 'Restart stats' : 'Start stats'}
        </button>
        {view.metrics.length > 0 && (
          <select aria-label="Metric" value={shown} onChange={(e) => setMetric(e.target.value)}>
            {view.metrics.map((m) => (
              <option key={m}>{m}</option>
            ))}
          </select>
        )}
        <span data-testid="stats-status">{status}</span>
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {x.length > 0 && <StatsChart title={`${shown} per window`} x={x} ys={ys} labels={view.keys} />}
      <QualityLine view={view} />
      {view.alerts.length > 0 && (
        <ul className="alerts" data-testid="stats-alerts">
          {view.alerts.map((a, i) => (
            <li key={i}>{a.message}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

function QualityLine({ view }: { view: StatsView }) {
  const q = view.quality;
  if (!q) return null;
  const pct = (r: number) => `${(r * 100).toFixed(2)}%`;
  return (
    <p className="stats" data-testid="stats-quality">
      <span>{formatCount(view.windows.length)} windows</span>
      <span>{formatCount(q.rows)} rows</span>
      <span>late {pct(q.lateRate)}</span>
      <span>out of order {pct(q.outOfOrderRate)}</span>
      <span>duplicates {pct(q.duplicateRate)}</span>
      {view.hiddenKeys > 0 && <span className="muted">{view.hiddenKeys} more keys not charted</span>}
    </p>
  );
}

function openStats(url: string, update: (f: (v: StatsView) => StatsView) => void, done: (s: Status, message?: string) => void): EventSource {
  const es = new EventSource(url);
  let got = false;
  const parse = <T,>(e: Event) => JSON.parse((e as MessageEvent<string>).data) as T;
  es.addEventListener('stats', (e) => update((v) => addStats(v, parse<StatsEvent>(e))));
  es.addEventListener('quality', (e) => {
    got = true;
    update((v) => addQuality(v, parse<QualityEvent>(e)));
  });
  es.addEventListener('alert', (e) => update((v) => addAlert(v, parse<AlertEvent>(e))));
  es.addEventListener('complete', () => {
    es.close();
    done('done');
  });
  es.addEventListener('error', (e) => {
    es.close();
    const data = e instanceof MessageEvent && typeof e.data === 'string' ? e.data : undefined;
    // Ask the server why only when nothing came: asking re-runs the request, a whole stream.
    if (data || !got) void explain(url, data).then((m) => done('error', m));
    else done('error', 'the stats stream was interrupted');
  });
  return es;
}

/** EventSource hides a 400's body; fetch it again to show the server's message (it names the field). */
async function explain(url: string, data: string | undefined): Promise<string> {
  if (data) return (JSON.parse(data) as { message?: string }).message ?? data;
  try {
    const res = await fetch(url, { headers: { accept: 'application/json' } });
    if (res.status >= 400) return ((await res.json()) as { message?: string }).message ?? `HTTP ${res.status}`;
  } catch {
    /* fall through */
  }
  return 'stats stream failed';
}
