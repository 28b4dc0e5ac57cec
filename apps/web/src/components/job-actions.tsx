import type { JobStatus } from '@rowflow/contracts';
import { useState } from 'react';

export type JobActionName = 'cancel' | 'resume' | 'delete';

/** Options of an action: a resume's new dead-letter limit, a delete's "drop its tables too". */
export interface JobActionOptions {
  maxDeadLetters?: number;
  dropTables?: boolean;
}

/** The job stopped because more rows were refused than its dead-letter limit allows. */
export function stoppedByLimit(job: JobStatus): boolean {
  return job.state === 'failed' && /skipLimit \d+ exceeded/.test(job.error ?? '');
}

/**
 * Cancel while a job can still stop; resume once it has stopped short of completion (with a
 * higher dead-letter limit when that is what stopped it); delete once it has ended.
 */
export function JobActions({ job, onAction }: { job: JobStatus; onAction(job: JobStatus, action: JobActionName, opts?: JobActionOptions): void }) {
  if (job.state === 'queued' || job.state === 'running') {
    return (
      <button type="button" onClick={() => onAction(job, 'cancel')} aria-label={`Cancel job ${job.id}`}>
        Cancel
      </button>
    );
  }
  return (
    <span className="job-actions">
      {(job.state === 'failed' || job.state === 'cancelled') && <ResumeButton job={job} onAction={onAction} />}
      <DeleteButton job={job} onAction={onAction} />
    </span>
  );
}

function ResumeButton({ job, onAction }: { job: JobStatus; onAction(job: JobStatus, action: JobActionName, opts?: JobActionOptions): void }) {
  const limited = stoppedByLimit(job);
  const [limit, setLimit] = useState(() => Math.max(1000, job.rowsSkipped * 10));
  return (
    <>
      {limited && (
        <label className="inline-field">
          dead-letter limit{' '}
          <input type="number" min={0} value={limit} onChange={(e) => setLimit(e.target.valueAsNumber)} aria-label={`New dead-letter limit for job ${job.id}`} size={7} />
        </label>
      )}
      <button type="button" onClick={() => onAction(job, 'resume', limited ? { maxDeadLetters: limit } : undefined)} aria-label={`Resume job ${job.id}`}>
        {limited ? 'Resume with this limit' : 'Resume'}
      </button>
    </>
  );
}

/** Two steps: the first click asks, and offers to drop the job's tables too (off by default). */
function DeleteButton({ job, onAction }: { job: JobStatus; onAction(job: JobStatus, action: JobActionName, opts?: JobActionOptions): void }) {
  const [asking, setAsking] = useState(false);
  const [dropTables, setDropTables] = useState(false);
  if (!asking) {
    return (
      <button type="button" className="danger-link" onClick={() => setAsking(true)} aria-label={`Delete job ${job.id}`}>
        Delete
      </button>
    );
  }
  return (
    <span className="confirm" role="group" aria-label={`Confirm deleting job ${job.id}`}>
      <label>
        <input type="checkbox" checked={dropTables} onChange={(e) => setDropTables(e.target.checked)} aria-label="Also drop its tables" /> also drop its tables
      </label>{' '}
      <button type="button" className="danger" onClick={() => onAction(job, 'delete', { dropTables })} aria-label={`Confirm delete job ${job.id}`}>
        Delete job
      </button>{' '}
      <button type="button" onClick={() => setAsking(false)}>
        Keep
      </button>
    </span>
  );
}
