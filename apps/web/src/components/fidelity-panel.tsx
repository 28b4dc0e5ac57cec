import type { ColumnFidelity, ColumnSummary, FidelityReport } from '@rowflow/schema';
import { useState } from 'react';
import { fetchJson } from '../lib/api.js';

/**
 * A completed job against the statistics profile its spec carries: per column ✓/✗ with the source
 * and the generated side by side (NULL share, distinct count, top values, deciles), per foreign key
 * the children per parent. Loaded on demand: the server ANALYZEs the job's tables first.
 */
export function FidelityPanel({ jobId }: { jobId: string }) {
  const [report, setReport] = useState<FidelityReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const load = () => {
    setBusy(true);
    setError(null);
    fetchJson<FidelityReport>(`/api/jobs/${encodeURIComponent(jobId)}/fidelity`).then(
      (r) => (setReport(r), setBusy(false)),
      (err: unknown) => (setError(err instanceof Error ? err.message : String(err)), setBusy(false)),
    );
  };
  return (
    <div className="fidelity" data-testid="fidelity">
      <button type="button" className="link" onClick={load} disabled={busy}>
        {busy ? 'Comparing with the profile…' : report ? 'Check fidelity again' : 'Check fidelity against the statistics profile'}
      </button>
      {error && <p className="error">{error}</p>}
      {report && <Report report={report} />}
    </div>
  );
}

function Report({ report }: { report: FidelityReport }) {
  const checks = [...report.columns, ...report.foreignKeys];
  if (checks.length === 0) return <p className="muted">This job&apos;s spec carries no statistics profile (introspect with profile &quot;stats&quot; to get one).</p>;
  const passed = checks.filter((c) => c.ok).length;
  return (
    <>
      <p data-testid="fidelity-verdict" className={report.ok ? 'ok' : 'error'}>
        {report.ok ? '✓ faithful' : '✗ not faithful'}: {passed} of {checks.length} checks within thresholds (nulls ±{report.thresholds.nullDiff}, distinct ×{report.thresholds.distinctRatio}, values and histograms ≤ {report.thresholds.valueDistance}, per parent ±{report.thresholds.perParentMean * 100} %, text width ×{report.thresholds.widthRatio})
      </p>
      <table className="jobs fidelity-table" aria-label="Fidelity per column">
        <thead>
          <tr>
            <th />
            <th>Column</th>
            <th>NULLs source / generated</th>
            <th>Distinct source / generated</th>
            <th>Distribution (source filled, generated outlined)</th>
          </tr>
        </thead>
        <tbody>
          {report.columns.map((c) => (
            <ColumnRow key={`${c.table}.${c.column}`} c={c} />
          ))}
          {report.foreignKeys.map((f) => (
            <tr key={`${f.table}.${f.column}`} data-testid="fidelity-row">
              <td>{f.ok ? '✓' : '✗'}</td>
              <td>
                <code>
                  {f.table}.{f.column}
                </code>
              </td>
              <td colSpan={3}>children per referenced parent: ×{f.perParentMeanRatio} of the source&apos;s</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function ColumnRow({ c }: { c: ColumnFidelity }) {
  return (
    <tr data-testid="fidelity-row">
      <td>{c.ok ? '✓' : '✗'}</td>
      <td>
        <code>
          {c.table}.{c.column}
        </code>
      </td>
      <td>
        {pct(c.source.nullFrac)} / {pct(c.generated.nullFrac)}
      </td>
      <td>
        {c.source.distinct.toLocaleString('en-US')} / {c.generated.distinct.toLocaleString('en-US')}
      </td>
      <td>
        <Distribution source={c.source} generated={c.generated} width={c.widthRatio} />
      </td>
    </tr>
  );
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)} %`;
}

function Distribution({ source, generated, width }: { source: ColumnSummary; generated: ColumnSummary; width?: number }) {
  if (source.top?.length) return <TopValues source={source.top} generated={generated.top ?? []} />;
  if (source.deciles && generated.deciles) return <Deciles source={source.deciles} generated={generated.deciles} />;
  if (width !== undefined) return <span>average width ×{width} of the source&apos;s (lengths only)</span>;
  return <span className="muted">shape only</span>;
}

/** Side-by-side bars: each value's share in the source and in the generated rows. */
function TopValues({ source, generated }: { source: { value: string; share: number }[]; generated: { value: string; share: number }[] }) {
  const shareOf = new Map(generated.map((g) => [g.value, g.share]));
  return (
    <div className="fid-bars">
      {source.slice(0, 5).map((s) => (
        <div key={s.value} className="fid-bar" title={`${s.value}: source ${pct(s.share)}, generated ${pct(shareOf.get(s.value) ?? 0)}`}>
          <span className="fid-label">{s.value}</span>
          <span className="fid-src" style={{ width: `${Math.round(s.share * 100)}%` }} />
          <span className="fid-gen" style={{ width: `${Math.round((shareOf.get(s.value) ?? 0) * 100)}%` }} />
        </div>
      ))}
    </div>
  );
}

/** The two quantile curves (min, deciles, max) on one scale. */
function Deciles({ source, generated }: { source: number[]; generated: number[] }) {
  const all = [...source, ...generated];
  const lo = Math.min(...all);
  const span = Math.max(...all) - lo || 1;
  const path = (qs: number[]) => qs.map((q, i) => `${i === 0 ? 'M' : 'L'}${i * 12},${40 - ((q - lo) / span) * 38}`).join(' ');
  return (
    <svg className="fid-deciles" width="124" height="42" role="img" aria-label="Quantiles, source and generated">
      <path d={path(source)} className="fid-line-src" />
      <path d={path(generated)} className="fid-line-gen" />
    </svg>
  );
}
