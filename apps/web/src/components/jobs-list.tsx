import { jobTargetLabel, type JobStatus } from '@rowflow/contracts';
import { rowsDone } from '../lib/job-monitor.js';
import { formatCount, percent } from '../lib/progress-math.js';
import { type JobActionName, type JobActionOptions, JobActions } from './job-actions.js';
import { shortId } from './job-monitor.js';

interface Props {
  jobs: JobStatus[];
  error: string | null;
  selected: string | null;
  onSelect(job: JobStatus): void;
  onAction(job: JobStatus, action: JobActionName, opts?: JobActionOptions): void;
}

/** Section 4c: all jobs with state, and resume / cancel where they make sense. */
export function JobsList({ jobs, error, selected, onSelect, onAction }: Props) {
  return (
    <div>
      <h3>Jobs</h3>
      {error && <p className="error">{error}</p>}
      {jobs.length === 0 ? (
        <p className="muted">No jobs yet.</p>
      ) : (
        <table className="jobs" aria-label="Jobs" data-testid="jobs-list">
          <thead>
            <tr>
              <th>Job</th>
              <th>Table</th>
              <th>State</th>
              <th>Rows</th>
              <th>Created</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {jobs.map((j) => (
              <tr key={j.id} className={j.id === selected ? 'selected' : undefined} data-testid={`job-row-${j.id}`}>
                <td>
                  <button type="button" className="link" onClick={() => onSelect(j)} aria-label={`Show job ${j.id}`}>
                    {shortId(j.id)}
                  </button>
                </td>
                <td>
                  {jobTargetLabel(j)}
                </td>
                <td>
                  <span className={`badge badge-${j.state}`}>{j.state}</span>
                </td>
                <td>
                  {formatCount(rowsDone(j))} / {formatCount(j.rowsTotal)} ({Math.floor(percent(rowsDone(j), j.rowsTotal))}%)
                </td>
                <td className="muted">{j.createdAt ? new Date(j.createdAt).toLocaleTimeString() : ''}</td>
                <td className="row-actions">
                  <JobActions job={j} onAction={onAction} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
