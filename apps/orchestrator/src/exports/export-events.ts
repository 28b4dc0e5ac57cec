import type { MessageEvent } from '@nestjs/common';
import type { ExportStatus } from '@rowflow/contracts';
import { Observable } from 'rxjs';

const POLL_MS = 250;
const TERMINAL = new Set(['completed', 'failed', 'cancelled']);

/**
 * SSE of one export, read from `rowflow.exports` (any process can serve it; a late client gets
 * the current state): `progress` when rows moved, then `completed` | `failed` | `cancelled`.
 */
export function exportEvents(read: () => Promise<ExportStatus>, pollMs = POLL_MS): Observable<MessageEvent> {
  return new Observable<MessageEvent>((sub) => {
    let last = -1;
    let timer: NodeJS.Timeout | undefined;
    let closed = false;
    const tick = async (): Promise<void> => {
      try {
        const s = await read();
        if (closed) return;
        if (TERMINAL.has(s.state)) {
          sub.next({ type: s.state, id: String(s.rows), data: s });
          sub.complete();
          return;
        }
        if (s.rows > last) {
          sub.next({ type: 'progress', id: String(s.rows), data: s });
          last = s.rows;
        }
      } catch {
        // A failed poll (Postgres restarting) is not the end of the export: try again.
      }
      if (!closed) timer = setTimeout(() => void tick(), pollMs);
    };
    void tick();
    return () => {
      closed = true;
      clearTimeout(timer);
    };
  });
}
