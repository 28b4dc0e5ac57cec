import { useEffect, useState } from 'react';
import { STALL_MS, usePreview } from '../hooks/use-preview.js';
import { previewUrl, type RunParams } from '../lib/api.js';
import { isActive, type PreviewState, type PreviewStatus } from '../lib/preview-state.js';
import { etaMs, formatCount, formatDuration, formatRate, percent, rateOf } from '../lib/progress-math.js';
import { columnsOf } from '../lib/row-store.js';
import { Field } from './field.js';
import { ProgressBar } from './progress-bar.js';
import { RowsTable } from './rows-table.js';
import { StatsPanel } from './stats-panel.js';

interface Props {
  params: RunParams | null;
  blocked: string | null;
  onSeedUsed(seed: number): void;
  onServerError(e: { field: string; message: string }): void;
}

const LABEL: Record<PreviewStatus, string> = {
  idle: 'Not started',
  connecting: 'Connecting…',
  streaming: 'Streaming',
  reconnecting: 'Reconnecting…',
  completed: 'Completed',
  error: 'Failed',
  stopped: 'Stopped',
};

/** Section 2: live preview over SSE with progress, rate and a virtualized table. */
export function PreviewPanel({ params, blocked, onSeedUsed, onServerError }: Props) {
  const { state, start, stop } = usePreview();
  const [cap, setCap] = useState(100_000);
  const running = isActive(state);

  useEffect(() => {
    if (state.status === 'completed' && state.seed !== null) onSeedUsed(state.seed);
  }, [state.status, state.seed, onSeedUsed]);
  useEffect(() => {
    if (state.status === 'error' && state.errorField && state.error) onServerError({ field: state.errorField, message: state.error });
  }, [state.status, state.errorField, state.error, onServerError]);

  // The tab title shows a running preview's progress, so it can be watched from another tab.
  const pct = Math.floor(percent(state.received, state.total));
  useEffect(() => {
    document.title = running ? `${pct}% · Rowflow` : 'Rowflow';
  }, [running, pct]);

  const begin = () => params && start(previewUrl(params), params.rows, Math.max(1, cap || 1));
  return (
    <section className="card" aria-labelledby="preview-h">
      <div className="card-head">
        <h2 id="preview-h">2 · Preview</h2>
        <div className="actions">
          <Field label="Keep up to" inline>
            {(id) => <input id={id} type="number" min={100} step={1000} value={cap} onChange={(e) => setCap(e.target.valueAsNumber)} title="Rows kept in the browser; later rows are counted, not kept" />}
          </Field>
          {running ? (
            <button type="button" className="danger" onClick={stop}>
              Stop
            </button>
          ) : (
            <button type="button" className="primary" onClick={begin} disabled={!params} title={blocked ?? undefined}>
              {state.status === 'idle' ? 'Start preview' : 'Restart preview'}
            </button>
          )}
        </div>
      </div>
      {blocked && !running && <p className="muted">{blocked}</p>}
      <PreviewStatusLine state={state} />
      {state.store.size > 0 && <RowsTable store={state.store} columns={columnsOf(state.store)} />}
      <StatsPanel params={params} />
    </section>
  );
}

function PreviewStatusLine({ state }: { state: PreviewState }) {
  if (state.status === 'idle') return <p className="muted">Rows appear here as soon as the first batch arrives.</p>;
  const rate = state.status === 'completed' && state.elapsedMs ? (state.received / state.elapsedMs) * 1000 : rateOf(state.samples);
  const eta = etaMs(state.received, state.total, rate);
  const tone = state.status === 'completed' ? 'done' : state.status === 'error' ? 'failed' : state.status === 'stopped' ? 'idle' : 'running';
  return (
    <div className="status-block">
      <ProgressBar label="Preview progress" done={state.received} total={state.total} tone={tone} testId="preview-progress" />
      <p className="stats" data-testid="preview-stats">
        <span className={`badge badge-${state.status}`} data-testid="preview-status">
          {LABEL[state.status]}
        </span>
        <span>
          {formatCount(state.received)} / {formatCount(state.total)} rows
        </span>
        <span data-testid="preview-percent">{Math.floor(percent(state.received, state.total))}%</span>
        <span>{formatRate(rate)}</span>
        {state.status === 'streaming' && eta !== null && <span>ETA {formatDuration(eta)}</span>}
        {state.elapsedMs !== null && <span>in {formatDuration(state.elapsedMs)}</span>}
        {state.seed !== null && <span>seed {state.seed}</span>}
        {state.received > state.store.size && <span className="muted">showing the first {formatCount(state.store.size)}</span>}
      </p>
      {state.quietS > 0 && isActive(state) && (
        <p className="warn" role="status" data-testid="preview-quiet">
          No data for {state.quietS} s — still waiting (gives up after {STALL_MS / 1000} s).
        </p>
      )}
      {state.error && (
        <p className="error" role="alert" data-testid="preview-error">
          {state.error}
        </p>
      )}
    </div>
  );
}
