import { downloadUrl, type RunParams } from '../lib/api.js';
import { formatCount } from '../lib/progress-math.js';

/**
 * Section 3: a plain anchor, so the browser itself streams the attachment to disk from the first
 * byte (no fetch + Blob that would buffer the whole file in memory). `download` without a value
 * keeps the server's file name, which carries the seed used.
 */
export function DownloadPanel({ params, blocked }: { params: RunParams | null; blocked: string | null }) {
  const name = params ? (params.source.kind === 'table' ? params.source.table : params.source.schema.name) : 'rows';
  return (
    <section className="card" aria-labelledby="download-h">
      <h2 id="download-h">3 · Download CSV</h2>
      {params ? (
        <p>
          <a className="button primary" href={downloadUrl(params)} download data-testid="download-link">
            Download CSV
          </a>{' '}
          <span className="muted">
            {formatCount(params.rows)} rows of <code>{name}</code>
            {params.seed === null ? ', random seed (sent back in the X-Rowflow-Seed header)' : `, seed ${params.seed}`} — starts streaming at once.
          </span>
        </p>
      ) : (
        <p className="muted">{blocked}</p>
      )}
    </section>
  );
}
