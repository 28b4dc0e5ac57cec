import { useEffect, useState } from 'react';
import { type DeadLetter, listDeadLetters } from '../lib/api.js';

/** Rows a job dead-lettered (data errors isolated by bisecting), loaded on demand. */
export function DeadLetters({ jobId, count }: { jobId: string; count: number }) {
  const [open, setOpen] = useState(false);
  const [rows, setRows] = useState<DeadLetter[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!open) return undefined;
    let alive = true;
    listDeadLetters(jobId).then(
      (r) => alive && setRows(r),
      (err: unknown) => alive && setError(err instanceof Error ? err.message : String(err)),
    );
    return () => {
      alive = false;
    };
  }, [open, jobId, count]);

  if (count === 0) return null;
  // Dataset jobs name the table; PostgreSQL names the constraint for key and check refusals.
  const withTable = rows?.some((d) => d.table) ?? false;
  const withConstraint = rows?.some((d) => d.constraint) ?? false;
  return (
    <div className="dead-letters">
      <button type="button" className="link" onClick={() => setOpen(!open)} aria-expanded={open}>
        {open ? 'Hide' : 'Show'} dead letters ({count})
      </button>
      {error && <p className="error">{error}</p>}
      {open && rows && (
        <div className="dl-scroll">
          <table className="jobs" aria-label="Dead letters">
            <thead>
              <tr>
                {withTable && <th>Table</th>}
                <th>Row index</th>
                {withConstraint && <th>Constraint</th>}
                <th>SQLSTATE</th>
                <th>Error</th>
                <th>Data</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((d) => (
                <tr key={`${d.table ?? ''}:${d.rowNumber}`}>
                  {withTable && <td>{d.table ?? ''}</td>}
                  <td>{d.rowNumber}</td>
                  {withConstraint && (
                    <td>
                      <code>{d.constraint ?? ''}</code>
                    </td>
                  )}
                  <td>
                    <code>{d.sqlstate}</code>
                  </td>
                  <td>{d.message}</td>
                  <td>
                    <code className="dl-row">{d.row}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
