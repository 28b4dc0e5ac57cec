import type { DatasetSpec, JobMode } from '@rowflow/contracts';
import { datasetCatalog, findDataset } from '@rowflow/schema';
import { useMemo, useState } from 'react';
import { ApiError, fetchJson } from '../lib/api.js';
import { datasetView, foreignKeyText } from '../lib/dataset-view.js';

const JOB_MODES: readonly JobMode[] = ['create', 'append', 'truncate', 'replace'];
const MODE_HELP: Record<JobMode, string> = {
  create: 'new tables; refused when one exists',
  append: 'add rows to existing tables (keys continue after theirs)',
  truncate: 'empty existing tables, then load',
  replace: 'drop and re-create tables Rowflow created',
};

interface Imported {
  dataset: DatasetSpec;
  warnings: string[];
}

function message(err: unknown): string {
  return err instanceof ApiError ? err.body.message : err instanceof Error ? err.message : String(err);
}

/**
 * Section 5: whole datasets — a catalog dataset or one read from the database ("Import from
 * database" → POST /api/introspect): its tables, sizes and foreign keys, and a job loading them.
 */
export function DatasetPanel({ seed }: { seed: number | null }) {
  const [choice, setChoice] = useState(datasetCatalog[0]?.name ?? '');
  const [schema, setSchema] = useState('public');
  // Tables imported from the database exist already: a prefix lets the job create copies.
  const [prefix, setPrefix] = useState('');
  // Loading the same dataset twice needs append/truncate/replace (create refuses existing tables).
  const [mode, setMode] = useState<JobMode>('create');
  const [imported, setImported] = useState<Imported | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // findDataset: the spec alone (catalog entries also carry their foreign-key list).
  const spec = useMemo(() => (choice === '' ? imported?.dataset : findDataset(choice)), [choice, imported]);
  const view = useMemo(() => {
    try {
      return spec ? { ok: true as const, v: datasetView(spec) } : null;
    } catch (err) {
      return { ok: false as const, error: message(err) };
    }
  }, [spec]);

  const importSchema = async () => {
    setBusy(true);
    setStatus(null);
    try {
      const res = await fetchJson<Imported>('/api/introspect', { method: 'POST', body: JSON.stringify({ schema }) });
      setImported(res);
      setChoice('');
    } catch (err) {
      setStatus(`Import failed: ${message(err)}`);
    } finally {
      setBusy(false);
    }
  };
  const loadDataset = async () => {
    if (!spec) return;
    setStatus(null);
    try {
      const job = await fetchJson<{ id: string }>('/api/jobs', { method: 'POST', body: JSON.stringify({ dataset: spec, mode, ...(seed ? { seed } : {}), ...(prefix ? { targetPrefix: prefix } : {}) }) });
      setStatus(`Dataset job ${job.id} started (see section 4 for its progress).`);
    } catch (err) {
      setStatus(`Job refused: ${message(err)}`);
    }
  };

  return (
    <section className="card" aria-labelledby="datasets-h" data-testid="dataset-panel">
      <h2 id="datasets-h">5 · Datasets</h2>
      <p className="muted">Several related tables from one seed, with real foreign keys.</p>
      <div className="row">
        <label>
          Dataset{' '}
          <select aria-label="Dataset" value={choice} onChange={(e) => setChoice(e.target.value)}>
            {datasetCatalog.map((d) => (
              <option key={d.name} value={d.name}>
                {d.name}
              </option>
            ))}
            {imported && <option value="">{imported.dataset.name} (imported)</option>}
          </select>
        </label>{' '}
        <label>
          Schema <input aria-label="Schema to import" value={schema} onChange={(e) => setSchema(e.target.value)} size={12} />
        </label>{' '}
        <button type="button" className="button" disabled={busy} onClick={() => void importSchema()}>
          Import from database
        </button>{' '}
        <label>
          Target prefix <input aria-label="Target prefix" value={prefix} onChange={(e) => setPrefix(e.target.value)} placeholder="e.g. copy_" size={8} />
        </label>{' '}
        <label>
          Load as{' '}
          <select aria-label="How to load the dataset" value={mode} onChange={(e) => setMode(e.target.value as JobMode)} title={MODE_HELP[mode]}>
            {JOB_MODES.map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>
        </label>{' '}
        <button type="button" className="button primary" disabled={!view?.ok} onClick={() => void loadDataset()}>
          Load dataset
        </button>
      </div>
      <p className="muted" data-testid="dataset-mode-help">
        <strong>{mode}</strong>: {MODE_HELP[mode]}.{prefix ? ` Tables are named ${prefix}<table>.` : ''}
      </p>
      {status && <p data-testid="dataset-status">{status}</p>}
      {view && !view.ok && <p className="error">{view.error}</p>}
      {view?.ok && (
        <>
          <table aria-label="Dataset tables" data-testid="dataset-tables">
            <thead>
              <tr>
                <th>Table</th>
                <th>Rows</th>
                <th>Columns</th>
                <th>Keys</th>
              </tr>
            </thead>
            <tbody>
              {view.v.tables.map((t) => (
                <tr key={t.name}>
                  <td>{t.name}</td>
                  <td>{t.size}</td>
                  <td>{t.columns}</td>
                  <td>{t.keys}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3 className="sub">Foreign keys</h3>
          <ul data-testid="dataset-fks">
            {view.v.foreignKeys.map((fk) => (
              <li key={`${fk.table}.${fk.column}`}>{foreignKeyText(fk)}</li>
            ))}
          </ul>
        </>
      )}
      {choice === '' && imported && imported.warnings.length > 0 && (
        <>
          <h3 className="sub">Import warnings</h3>
          <ul data-testid="dataset-warnings">
            {imported.warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
