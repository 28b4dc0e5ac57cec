/**
 * Live view of one job as a pure reducer over its SSE events (`progress`, `completed`, `failed`,
 * `cancelled`, each carrying a full JobStatus). Keeps a rate sample window and a bounded rows/s
 * series for the chart.
 */
import type { JobEventName, JobState, JobStatus } from '@rowflow/contracts';
import { pushSample, rateOf, type Sample } from './progress-math.js';

export type MonitorStatus = 'idle' | 'connecting' | 'live' | 'reconnecting' | 'ended' | 'error';

export interface RatePoint {
  /** ms since the monitor opened */
  t: number;
  rate: number;
}

export interface JobMonitorState {
  status: MonitorStatus;
  job: JobStatus | null;
  samples: Sample[];
  series: RatePoint[];
  openedAt: number;
  error: string | null;
}

export type JobMonitorAction =
  | { type: 'open'; job: JobStatus | null; now: number }
  | { type: 'event'; name: JobEventName; job: JobStatus; now: number }
  | { type: 'connection-error'; fatal: boolean; now: number }
  | { type: 'close' };

/** Points kept for the chart; older ones scroll out (a long job still draws a recent window). */
export const MAX_SERIES = 600;

export const initialMonitor: JobMonitorState = { status: 'idle', job: null, samples: [], series: [], openedAt: 0, error: null };

export function isFinal(state: JobState): boolean {
  return state === 'completed' || state === 'failed' || state === 'cancelled';
}

/** Rows accounted for: written plus dead-lettered, the job's notion of progress. */
export function rowsDone(j: JobStatus): number {
  return j.rowsWritten + j.rowsSkipped;
}

export function jobMonitorReducer(s: JobMonitorState, a: JobMonitorAction): JobMonitorState {
  switch (a.type) {
    case 'open':
      return { ...initialMonitor, status: a.job && isFinal(a.job.state) ? 'ended' : 'connecting', job: a.job, openedAt: a.now, samples: a.job ? [{ t: a.now, n: rowsDone(a.job) }] : [] };
    case 'event':
      return onEvent(s, a.job, a.now);
    case 'connection-error':
      if (s.status === 'ended' || s.status === 'idle') return s;
      return a.fatal ? { ...s, status: 'error', error: 'Lost the connection to the job events stream.' } : { ...s, status: 'reconnecting' };
    case 'close':
      return s.status === 'ended' ? s : { ...s, status: 'idle' };
  }
}

function onEvent(s: JobMonitorState, job: JobStatus, now: number): JobMonitorState {
  if (s.status === 'idle') return s;
  const samples = pushSample(s.samples, { t: now, n: rowsDone(job) });
  const point = { t: now - s.openedAt, rate: rateOf(samples) };
  const series = s.series.length >= MAX_SERIES ? [...s.series.slice(1), point] : [...s.series, point];
  return { ...s, status: isFinal(job.state) ? 'ended' : 'live', job, samples, series, error: null };
}
