import type { JobStatus } from '@rowflow/contracts';
import type { JobMonitorState } from '../lib/job-monitor.js';
import { rowsDone } from '../lib/job-monitor.js';
import { etaMs, formatCount, formatDuration, formatRate, percent, rateOf } from '../lib/progress-math.js';
import { DeadLetters } from './dead-letters.js';
import { FidelityPanel } from './fidelity-panel.js';
import { type JobActionName, type JobActionOptions, JobActions } from './job-actions.js';
import { ProgressBar } from './progress-bar.js';
import { RateChart } from './rate-chart.js';

/** Section 4b: one job live — progress, rows/s chart, retries, dead letters, partitions. */
export function JobMonitor({ state, onAction }: { state: JobMonitorState; onAction(job: JobStatus, action: JobActionName, opts?: JobActionOptions): void }) {
  const job = state.job;
  if (!job) return null;
  const done = rowsDone(job);
  const rate = rateOf(state.samples);
  const eta = etaMs(done, job.rowsTotal, rate);
  return (
    <div className="monitor" data-testid="job-monitor" aria-label={`Job ${job.id}`}>
      <div className="monitor-head">
        <h3>
          Job <code>{shortId(job.id)}</code> → <code>{job.targetSchema}.{job.targetTable}</code>
        </h3>
        <span className={`badge badge-${job.state}`} data-testid="job-state">
          {job.state}
        </span>
        <span className="muted">{connection(state)}</span>
        <span className="spacer" />
        <JobActions job={job} onAction={onAction} />
      </div>
      <ProgressBar label="Job progress" done={done} total={job.rowsTotal} tone={tone(job)} testId="job-progress" />
      <dl className="facts">
        <Fact label="Rows written" value={`${formatCount(job.rowsWritten)} / ${formatCount(job.rowsTotal)}`} testId="job-rows-written" />
        <Fact label="Progress" value={`${Math.floor(percent(done, job.rowsTotal))}%`} />
        <Fact label="Phase" value={job.phase} testId="job-phase" />
        <Fact label={job.state === 'running' ? 'Rate' : 'Average rate'} value={job.state === 'running' ? formatRate(rate) : averageRate(job)} />
        <Fact label="ETA" value={job.state === 'running' && eta !== null ? formatDuration(eta) : '—'} />
        <Fact label="Chunks" value={formatCount(job.chunksCommitted)} />
        <Fact label="Retries" value={formatCount(job.retries ?? 0)} testId="job-retries" />
        <Fact label="Dead letters" value={formatCount(job.rowsSkipped)} testId="job-dead-letters" />
        <Fact label="Seed" value={String(job.seed)} />
      </dl>
      {job.error && (
        <p className="error" role="alert">
          {job.error}
        </p>
      )}
      {state.error && <p className="error">{state.error}</p>}
      <DeadLetters jobId={job.id} count={job.rowsSkipped} />
      {job.state === 'completed' && <FidelityPanel jobId={job.id} />}
      <RateChart points={state.series} />
      {job.partitions.length > 1 && <Partitions job={job} />}
    </div>
  );
}

function Fact({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd data-testid={testId}>{value}</dd>
    </div>
  );
}

function Partitions({ job }: { job: JobStatus }) {
  return (
    <ol className="partitions" aria-label="Partitions">
      {job.partitions.map((p) => (
        <li key={p.index}>
          <span>#{p.index}</span>
          <ProgressBar label={`Partition ${p.index}`} done={p.nextRow - p.fromRow} total={p.toRow - p.fromRow} tone={p.state === 'completed' ? 'done' : p.state === 'failed' ? 'failed' : 'running'} />
          <span className="muted">
            {p.state}
            {p.chunkSize ? ` · chunk ${formatCount(p.chunkSize)}` : ''}
          </span>
        </li>
      ))}
    </ol>
  );
}

/** Rows/s over the job's whole run, from its start/finish timestamps. */
function averageRate(job: JobStatus): string {
  if (!job.startedAt || !job.finishedAt) return '—';
  const ms = Date.parse(job.finishedAt) - Date.parse(job.startedAt);
  return ms > 0 ? formatRate((rowsDone(job) / ms) * 1000) : '—';
}

export function shortId(id: string): string {
  return id.length > 8 ? id.slice(0, 8) : id;
}

function tone(job: JobStatus): 'running' | 'done' | 'failed' | 'idle' {
  if (job.state === 'completed') return 'done';
  if (job.state === 'failed') return 'failed';
  if (job.state === 'cancelled') return 'idle';
  return 'running';
}

function connection(s: JobMonitorState): string {
  switch (s.status) {
    case 'connecting':
      return 'connecting…';
    case 'live':
      return 'live';
    case 'reconnecting':
      return 'reconnecting…';
    case 'error':
      return 'disconnected';
    case 'ended':
    case 'idle':
      return '';
  }
}
