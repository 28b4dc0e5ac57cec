import type { ExportStatus } from '@rowflow/contracts';
import { isEnded } from '@rowflow/jobs';
import { defer, filter, map, type Observable, takeWhile } from 'rxjs';

/** One export event: `progress` while rows move, then `completed` | `failed` | `cancelled`; id = rows written. */
export interface ExportEvent {
  event: 'progress' | 'completed' | 'failed' | 'cancelled';
  id: number;
  data: ExportStatus;
}

/**
 * One watcher's events from an export's shared status stream (ProgressFeed): `progress` whenever
 * the rows written moved past the last one sent (starting after `lastEventId`, an EventSource's
 * Last-Event-ID), then the terminal state (always sent) and completion.
 */
export function exportEvents$(statuses: Observable<ExportStatus>, lastEventId?: number): Observable<ExportEvent> {
  // defer: the last id sent is per subscription.
  return defer(() => {
    let last = lastEventId ?? -1;
    return statuses.pipe(
      takeWhile((s) => !isEnded(s.state), true),
      filter((s) => isEnded(s.state) || s.rows > last),
      map((s): ExportEvent => {
        last = s.rows;
        return { event: isEnded(s.state) ? (s.state as ExportEvent['event']) : 'progress', id: s.rows, data: s };
      }),
    );
  });
}
