import type { JobEventName, JobStatus } from '@rowflow/contracts';
import { useEffect, useReducer } from 'react';
import { jobEventsUrl } from '../lib/api.js';
import { initialMonitor, isFinal, jobMonitorReducer } from '../lib/job-monitor.js';

const EVENTS: JobEventName[] = ['progress', 'completed', 'failed', 'cancelled'];

/**
 * Follows one job over `/api/jobs/:id/events`. EventSource reconnects by itself after a network
 * blip and sends Last-Event-ID, which the server honours, so only a CLOSED source is fatal.
 */
export function useJobMonitor(job: JobStatus | null, onFinal?: (j: JobStatus) => void) {
  const [state, dispatch] = useReducer(jobMonitorReducer, initialMonitor);
  const id = job?.id ?? null;
  const startsFinal = job ? isFinal(job.state) : false;
  const openedAttempt = job ? `${job.id}:${startsFinal ? 'final' : 'live'}` : null;

  useEffect(() => {
    if (!job) return undefined;
    dispatch({ type: 'open', job, now: performance.now() });
    if (isFinal(job.state)) return undefined;
    const es = new EventSource(jobEventsUrl(job.id));
    const onEvent = (name: JobEventName) => (e: MessageEvent<string>) => {
      const status = unwrap(JSON.parse(e.data));
      dispatch({ type: 'event', name, job: status, now: performance.now() });
      if (isFinal(status.state)) {
        es.close();
        onFinal?.(status);
      }
    };
    for (const name of EVENTS) es.addEventListener(name, onEvent(name));
    es.onerror = () => dispatch({ type: 'connection-error', fatal: es.readyState === EventSource.CLOSED, now: performance.now() });
    return () => {
      es.close();
      dispatch({ type: 'close' });
    };
    // Re-open only when the job (or its finished-ness, e.g. after resume) changes, not on each poll.
  }, [openedAttempt]);

  return { state, id };
}

/** Events carry a JobStatus; accept a `{event, id, data}` envelope too. */
function unwrap(v: unknown): JobStatus {
  const o = v as { data?: unknown; state?: unknown };
  return (o && typeof o.state === 'string' ? o : o.data) as JobStatus;
}
