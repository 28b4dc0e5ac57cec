import { useEffect, useState } from 'react';
import { useExport } from '../hooks/use-export.js';
import { type ExportForm, exportRequest, formFieldOf } from '../lib/export-request.js';
import { formatCount } from '../lib/progress-math.js';
import { ProgressBar } from './progress-bar.js';

const TONE = { queued: 'running', running: 'running', completed: 'done', failed: 'failed', cancelled: 'idle' } as const;

function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

/**
 * Section 6: export a table or view of the database to CSV (checkpointed on the server, so a
 * restart continues it), with an optional JSON filter, then download the finished file.
 */
export function ExportPanel({ defaultTable }: { defaultTable: string }) {
  const [form, setForm] = useState<ExportForm>({ table: defaultTable, orderBy: '', where: '', workers: '', format: 'csv' });
  const [local, setLocal] = useState<{ field: keyof ExportForm; message: string } | null>(null);
  const run = useExport();
  // The table follows the page's selected table until the user goes into the field: defaulting
  // "while empty" raced with typing (the default landed mid-edit and the typed name was appended
  // to it), and so did a default landing between focusing the field and the first keystroke.
  const [tableTouched, setTableTouched] = useState(false);
  useEffect(() => {
    if (!tableTouched) setForm((f) => ({ ...f, table: defaultTable }));
  }, [defaultTable, tableTouched]);

  const set = (k: keyof ExportForm) => (e: { target: { value: string } }) => {
    if (k === 'table') setTableTouched(true);
    const value = e.target.value;
    setForm((f) => ({ ...f, [k]: value }));
  };
  const submit = () => {
    const r = exportRequest(form);
    setLocal(r.ok ? null : { field: r.field, message: r.message });
    // A server error answered an earlier submit; left in place it would sit under a field the
    // user has since corrected, next to this submit's own error.
    if (!r.ok) run.clearError();
    if (r.ok) run.start(r.request);
  };
  const serverField = formFieldOf(run.error?.field);
  const errorFor = (k: keyof ExportForm) => (local?.field === k ? local.message : serverField === k ? run.error?.message : undefined);
  const s = run.status;
  const active = s?.state === 'queued' || s?.state === 'running';

  return (
    <section className="card" aria-labelledby="export-h" data-testid="export-panel">
      <h2 id="export-h">6 · Export a table to CSV or Parquet</h2>
      <div className="export-form">
        {(['table', 'orderBy', 'workers'] as const).map((k) => (
          <label key={k}>
            {k === 'orderBy' ? 'Order by (default: primary key)' : k === 'workers' ? 'Workers (1–16)' : 'Table or view'}
            <input value={form[k]} onChange={set(k)} onFocus={k === 'table' ? () => setTableTouched(true) : undefined} aria-invalid={Boolean(errorFor(k))} data-testid={`export-${k}`} />
            {errorFor(k) && <span className="field-error">{errorFor(k)}</span>}
          </label>
        ))}
        <label>
          Format
          <select value={form.format} onChange={(e) => setForm((f) => ({ ...f, format: e.target.value === 'parquet' ? 'parquet' : 'csv' }))} data-testid="export-format">
            <option value="csv">CSV</option>
            <option value="parquet">Parquet (typed columns)</option>
          </select>
        </label>
        <label>
          Filter (JSON, optional)
          <textarea rows={3} value={form.where} onChange={set('where')} placeholder='{"and": [{"col": "id", "op": ">", "value": 10}]}' aria-invalid={Boolean(errorFor('where'))} data-testid="export-where" />
          {errorFor('where') && <span className="field-error">{errorFor('where')}</span>}
        </label>
      </div>
      {run.error && !serverField && <p className="field-error" role="alert">{run.error.message}</p>}
      <p>
        <button className="button primary" onClick={submit} disabled={run.starting || active} data-testid="export-start">Start export</button>{' '}
        {active && <button className="button" onClick={run.cancel}>Cancel</button>}
        {(s?.state === 'cancelled' || s?.state === 'failed') && <button className="button" onClick={run.resume}>Resume</button>}{' '}
        {s && !active && <button className="button danger" onClick={run.remove} data-testid="export-delete">Delete export</button>}
      </p>
      {s && (
        <div data-testid="export-status">
          <ProgressBar label="export progress" done={s.rows} total={s.state === 'completed' ? s.rows : Math.max(s.rowsEstimate ?? 0, s.rows, 1)} tone={TONE[s.state]} />
          <p className="muted">
            {s.state} · {formatCount(s.rows)} rows · {mb(s.bytes)}{s.retries ? ` · ${s.retries} retries` : ''}{s.error ? ` · ${s.error}` : ''}
          </p>
          {s.state === 'completed' && s.file && (
            <p>
              <a className="button primary" href={s.file} download data-testid="export-file">Download {s.table}.{s.request.format === 'parquet' ? 'parquet' : 'csv'}</a>{' '}
              <span className="muted">sha256 <code>{s.sha256}</code></span>
            </p>
          )}
        </div>
      )}
    </section>
  );
}
