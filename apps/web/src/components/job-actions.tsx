import type { JobStatus } from '@rowflow/contracts';

export type JobActionName = 'cancel' | 'resume';

/** Cancel while a job can still stop, resume once it has stopped short of completion. */
export function JobActions({ job, onAction }: { job: JobStatus; onAction(job: JobStatus, action: JobActionName): void }) {
  if (job.state === 'queued' || job.state === 'running') {
    return (
      <button type="button" onClick={() => onAction(job, 'cancel')} aria-label={`Cancel job ${job.id}`}>
        Cancel
      </button>
    );
  }
  if (job.state === 'failed' || job.state === 'cancelled') {
    return (
      <button type="button" onClick={() => onAction(job, 'resume')} aria-label={`Resume job ${job.id}`}>
        Resume
      </button>
    );
  }
  return null;
}
