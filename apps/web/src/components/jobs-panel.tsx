import type { JobStatus } from '@rowflow/contracts';
import { useCallback, useState } from 'react';
import { useJobMonitor } from '../hooks/use-job-monitor.js';
import { useJobs } from '../hooks/use-jobs.js';
import { ApiError, deleteJob, jobAction, type RunParams } from '../lib/api.js';
import { type JobActionName, type JobActionOptions } from './job-actions.js';
import { JobForm } from './job-form.js';
import { JobMonitor } from './job-monitor.js';
import { JobsList } from './jobs-list.js';

interface Props {
  params: RunParams | null;
  blocked: string | null;
  defaultTarget: string;
  onSchemaError(e: { field: string; message: string }): void;
  onSeedUsed(seed: number): void;
}

/** Section 4: insert into the database — form, live monitor of the selected job, jobs list. */
export function JobsPanel({ params, blocked, defaultTarget, onSchemaError, onSeedUsed }: Props) {
  const { jobs, error, refresh } = useJobs();
  const [selected, setSelected] = useState<JobStatus | null>(null);
  const onFinal = useCallback(() => void refresh(), [refresh]);
  const { state } = useJobMonitor(selected, onFinal);

  const select = useCallback(
    (job: JobStatus) => {
      setSelected(job);
      void refresh();
    },
    [refresh],
  );
  const created = useCallback(
    (job: JobStatus) => {
      if (params?.seed === null && job.seed) onSeedUsed(job.seed);
      select(job);
    },
    [params, onSeedUsed, select],
  );
  const [actionError, setActionError] = useState<string | null>(null);
  const act = useCallback(
    async (job: JobStatus, action: JobActionName, opts?: JobActionOptions) => {
      setActionError(null);
      try {
        if (action === 'delete') {
          await deleteJob(job.id, opts?.dropTables === true);
          if (job.id === selected?.id) setSelected(null);
        } else {
          const updated = await jobAction(job.id, action, action === 'resume' && opts?.maxDeadLetters !== undefined ? { maxDeadLetters: opts.maxDeadLetters } : undefined);
          if (updated.id === selected?.id) setSelected(updated);
        }
      } catch (err) {
        setActionError(err instanceof ApiError ? err.message : `Could not ${action} the job.`);
      }
      void refresh();
    },
    [refresh, selected],
  );
  const onAction = useCallback((job: JobStatus, action: JobActionName, opts?: JobActionOptions) => void act(job, action, opts), [act]);

  return (
    <section className="card" aria-labelledby="jobs-h">
      <h2 id="jobs-h">4 · Insert into database</h2>
      <JobForm params={params} blocked={blocked} defaultTarget={defaultTarget} onCreated={created} onSchemaError={onSchemaError} />
      {actionError && (
        <p className="error" role="alert">
          {actionError}
        </p>
      )}
      <JobMonitor state={state} onAction={onAction} />
      <JobsList jobs={jobs} error={error} selected={selected?.id ?? null} onSelect={select} onAction={onAction} />
    </section>
  );
}
