import type { MessageEvent } from '@nestjs/common';
import type { JobEventName, JobStatus } from '@rowflow/contracts';
import { Observable } from 'rxjs';

/** Poll period of the job tables; also the progress throttle (at most 4 events/s). */
export const EVENTS_POLL_MS = 250;

const TERMINAL: Partial<Record<JobStatus['state'], JobEventName>> = { completed: 'completed', failed: 'failed', cancelled: 'cancelled' };

/** SSE id of a status: monotonic per job while it runs (rows committed or skipped). */
export function eventId(s: JobStatus): number {
  return s.rowsWritten + s.rowsSkipped;
}

/**
 * SSE events of one job, read from the job tables (so any process can serve any job, and a
 * client that connects late, even after the end, gets the current state). `progress` is emitted
 * when the id moved past `lastEventId` (Last-Event-ID), at most once per poll; a terminal state
 * emits `completed` / `failed` / `cancelled` and completes the stream.
 */
export function jobEvents(read: () => Promise<JobStatus>, lastEventId: number | undefined, pollMs = EVENTS_POLL_MS): Observable<MessageEvent> {
  return new Observable<MessageEvent>((sub) => {
    let last = lastEventId ?? -1;
    let timer: NodeJS.Timeout | undefined;
    let closed = false;
    const tick = async (): Promise<void> => {
      try {
        const s = await read();
        if (closed) return;
        const id = eventId(s);
        const terminal = TERMINAL[s.state];
        if (terminal) {
          sub.next({ type: terminal, id: String(id), data: s });
          sub.complete();
          return;
        }
        if (id > last) {
          sub.next({ type: 'progress', id: String(id), data: s });
          last = id;
        }
      } catch (err) {
        // A failed poll (e.g. Postgres restarting) is not the end of the job: try again.
        if (closed) return;
        void err;
      }
      timer = setTimeout(() => void tick(), pollMs);
    };
    void tick();
    return () => {
      closed = true;
      clearTimeout(timer);
    };
  });
}

/** Parses a Last-Event-ID header; anything that is not a non-negative integer is ignored. */
export function parseLastEventId(raw: string | string[] | undefined): number | undefined {
  const v = Array.isArray(raw) ? raw[0] : raw;
  if (v === undefined || !/^\d+$/.test(v.trim())) return undefined;
  return Number(v.trim());
}
