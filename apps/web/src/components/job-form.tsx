import type { JobMode, JobStatus } from '@rowflow/contracts';
import { useState } from 'react';
import { ApiError, createJob, type RunParams } from '../lib/api.js';
import { jobRequest } from '../lib/job-request.js';
import { Field } from './field.js';

interface Props {
  params: RunParams | null;
  blocked: string | null;
  defaultTarget: string;
  onCreated(job: JobStatus): void;
  onSchemaError(e: { field: string; message: string }): void;
}

/** Section 4a: start an insert job. Server 400s are shown next to the field they name. */
export function JobForm({ params, blocked, defaultTarget, onCreated, onSchemaError }: Props) {
  const [chunkSize, setChunkSize] = useState(5000);
  const [auto, setAuto] = useState(false);
  const [partitions, setPartitions] = useState<number | null>(null);
  const [mode, setMode] = useState<JobMode>('create');
  const [targetTable, setTargetTable] = useState('');
  const [skipLimit, setSkipLimit] = useState(100);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ field?: string; message: string } | null>(null);

  const submit = async () => {
    if (!params) return;
    setBusy(true);
    setError(null);
    try {
      onCreated(await createJob(jobRequest(params, { chunkSize, auto, partitions, mode, targetTable, skipLimit })));
    } catch (err) {
      const body: { field?: string; message: string } = err instanceof ApiError ? err.body : { message: 'The orchestrator is not reachable.' };
      // 409s carry no `field`, but their message starts with it ("targetTable: … already exists")
      const field = body.field ?? /^([A-Za-z]+):/.exec(body.message)?.[1];
      if (field?.startsWith('schema')) onSchemaError({ field, message: body.message });
      setError({ field, message: body.message });
    } finally {
      setBusy(false);
    }
  };
  const fieldError = (f: string) => (error?.field === f ? error.message : null);

  return (
    <form
      className="job-form"
      aria-label="New insert job"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <Field label="Chunk size" error={fieldError('chunkSize')}>
        {(id) => <input id={id} type="number" min={1} value={auto ? '' : chunkSize} placeholder={auto ? 'auto' : ''} disabled={auto} onChange={(e) => setChunkSize(e.target.valueAsNumber)} />}
      </Field>
      <label className="check">
        <input type="checkbox" checked={auto} onChange={(e) => setAuto(e.target.checked)} /> Auto chunk size
      </label>
      <Field label="Partitions" error={fieldError('partitions')}>
        {(id) => (
          <input
            id={id}
            type="number"
            min={1}
            max={64}
            value={partitions ?? ''}
            placeholder="auto (1 per 100k rows, max 4)"
            onChange={(e) => setPartitions(e.target.value === '' ? null : e.target.valueAsNumber)}
          />
        )}
      </Field>
      <Field label="Mode" error={fieldError('mode')}>
        {(id) => (
          <select id={id} value={mode} onChange={(e) => setMode(e.target.value as JobMode)}>
            <option value="create">create</option>
            <option value="append">append</option>
            <option value="truncate">truncate</option>
            <option value="replace">replace (a table Rowflow created)</option>
          </select>
        )}
      </Field>
      <Field label="Target table" error={fieldError('targetTable')}>
        {(id) => <input id={id} value={targetTable} placeholder={defaultTarget} onChange={(e) => setTargetTable(e.target.value)} />}
      </Field>
      <Field label="Dead-letter limit" error={fieldError('skipLimit')}>
        {(id) => <input id={id} type="number" min={0} value={skipLimit} onChange={(e) => setSkipLimit(e.target.valueAsNumber)} />}
      </Field>
      <div className="form-actions">
        <button type="submit" className="primary" disabled={!params || busy} title={blocked ?? undefined}>
          {busy ? 'Starting…' : 'Start job'}
        </button>
        {error && (
          <p className="error" role="alert" data-testid="job-error">
            {error.message}
          </p>
        )}
        {!params && <span className="muted">{blocked}</span>}
      </div>
    </form>
  );
}
