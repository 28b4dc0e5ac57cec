import type { TableSpec } from '@rowflow/contracts';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { DatasetPanel } from './components/dataset-panel.js';
import { DownloadPanel } from './components/download-panel.js';
import { ExportPanel } from './components/export-panel.js';
import { JobsPanel } from './components/jobs-panel.js';
import { PreviewPanel } from './components/preview-panel.js';
import { RunSettings } from './components/run-settings.js';
import { SchemaPanel, type SourceMode } from './components/schema-panel.js';
import { SectionBoundary } from './components/section-boundary.js';
import { TokenDialog } from './components/token-dialog.js';
import { useCatalog } from './hooks/use-catalog.js';
import type { RunParams } from './lib/api.js';
import { parseSchema, schemaErrorFromServer, schemaText, type FieldError } from './lib/schema-editor.js';

const MAX_ROWS = 100_000_000;

const EXAMPLE: TableSpec = {
  name: 'customers',
  columns: [
    { name: 'id', type: 'serial', primaryKey: true },
    { name: 'name', type: 'fullName' },
    { name: 'email', type: 'email', unique: true },
    { name: 'plan', type: 'enum', values: ['free', 'pro', 'team'], weights: [6, 3, 1] },
    { name: 'signed_up', type: 'timestamptz', from: '2020-01-01', to: '2025-01-01' },
  ],
};

function rowsError(rows: number): string | null {
  if (!Number.isInteger(rows) || rows < 1) return 'Rows must be a whole number ≥ 1.';
  if (rows > MAX_ROWS) return `Rows must be ≤ ${MAX_ROWS.toLocaleString('en-US')}.`;
  return null;
}

/** The whole page: shared settings on top, then preview, download and insert, all on one screen. */
export function App() {
  const catalog = useCatalog();
  const [mode, setMode] = useState<SourceMode>('table');
  const [table, setTable] = useState('');
  const [text, setText] = useState(() => JSON.stringify(EXAMPLE, null, 2));
  const [serverError, setServerError] = useState<FieldError | null>(null);
  const [rows, setRows] = useState(1000);
  const [seed, setSeed] = useState(42);
  const [random, setRandom] = useState(false);
  const [seedUsed, setSeedUsed] = useState<number | null>(null);

  useEffect(() => {
    if (catalog.tables?.length && !table) setTable(catalog.tables[0]!.name);
  }, [catalog.tables, table]);
  useEffect(() => setServerError(null), [text, mode]);

  const parsed = useMemo(() => parseSchema(text), [text]);
  const schemaErrors = useMemo(() => [...(parsed.ok ? [] : parsed.errors), ...(serverError ? [serverError] : [])], [parsed, serverError]);
  // One message for whatever stops a run (rows or seed); the field shows its own too.
  const seedProblem = random || (Number.isSafeInteger(seed) && seed >= 1) ? null : 'Seed must be a whole number ≥ 1 (or tick Random seed).';
  const rowsProblem = rowsError(rows) ?? seedProblem;
  const blocked = mode === 'table' ? (table ? null : 'Pick a table first.') : parsed.ok && !serverError ? null : 'Fix the schema errors in section 1 first.';
  const params = useMemo<RunParams | null>(() => {
    if (blocked || rowsProblem) return null;
    const source = mode === 'table' ? { kind: 'table' as const, table } : { kind: 'schema' as const, schema: (parsed as { schema: TableSpec }).schema };
    return { source, rows, seed: random ? null : seed };
  }, [blocked, rowsProblem, mode, table, parsed, rows, random, seed]);

  const onSchemaServerError = useCallback((e: { field: string; message: string }) => {
    const mapped = schemaErrorFromServer(e);
    if (mapped) setServerError(mapped);
  }, []);
  const startFromTable = () => {
    const entry = catalog.tables?.find((t) => t.name === table);
    if (entry) setText(schemaText(entry));
    setMode('custom');
  };
  const rawSchema = useMemo(() => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return null;
    }
  }, [text]);

  return (
    <main className="page">
      <header className="top">
        <h1>Rowflow</h1>
        <p>Seeded, reproducible test data — preview it live, download it as CSV, or stream it into PostgreSQL.</p>
      </header>
      <div className="layout">
        <div className="col">
          <SectionBoundary name="1 · Schema">
            <SchemaPanel mode={mode} onMode={setMode} tables={catalog.tables} catalogError={catalog.error} table={table} onTable={setTable} text={text} onText={setText} errors={schemaErrors} parsed={rawSchema} onStartFromTable={startFromTable} />
          </SectionBoundary>
          <section className="card" aria-label="Rows and seed">
            <h3 className="sub">Rows &amp; seed</h3>
            <RunSettings rows={rows} onRows={setRows} rowsError={rowsError(rows)} seedError={seedProblem} seed={seed} onSeed={setSeed} random={random} onRandom={setRandom} seedUsed={seedUsed} />
          </section>
          <DownloadPanel params={params} blocked={blocked ?? rowsProblem} />
          <SectionBoundary name="5 · Datasets">
            <DatasetPanel seed={random ? null : seed} />
          </SectionBoundary>
          <SectionBoundary name="6 · Export">
            <ExportPanel defaultTable={mode === 'table' ? table : parsed.ok ? parsed.schema.name : ''} />
          </SectionBoundary>
        </div>
        <div className="col wide">
          <SectionBoundary name="2 · Preview">
            <PreviewPanel params={params} blocked={blocked ?? rowsProblem} onSeedUsed={setSeedUsed} onServerError={onSchemaServerError} />
          </SectionBoundary>
          <SectionBoundary name="4 · Insert into database">
            <JobsPanel onSeedUsed={setSeedUsed} params={params} blocked={blocked ?? rowsProblem} defaultTarget={mode === 'table' ? table : parsed.ok ? parsed.schema.name : ''} onSchemaError={onSchemaServerError} />
          </SectionBoundary>
        </div>
      </div>
      <TokenDialog />
    </main>
  );
}
