import type { PreviewCompleteEvent, PreviewErrorEvent } from '@rowflow/contracts';

/**
 * One SSE message of the preview relay. `data` events carry their rows as raw JSON text (the
 * generator's NDJSON lines, spliced, not re-serialised) so relaying costs no parse/stringify.
 */
export type SseEvent =
  | { kind: 'data'; lines: readonly string[]; progress: number; total: number }
  | { kind: 'complete'; data: PreviewCompleteEvent }
  | { kind: 'error'; data: PreviewErrorEvent }
  | { kind: 'heartbeat' };

/** Encodes one event as an SSE frame (`text/event-stream`). */
export function encodeSse(e: SseEvent): string {
  switch (e.kind) {
    case 'data':
      // NDJSON lines never contain raw CR/LF (JSON escapes them), so one `data:` line is safe.
      return `event: data\nid: ${e.progress}\ndata: {"rows":[${e.lines.join(',')}],"progress":${e.progress},"total":${e.total}}\n\n`;
    case 'complete':
      return `event: complete\ndata: ${JSON.stringify(e.data)}\n\n`;
    case 'error':
      return `event: error\ndata: ${JSON.stringify(e.data)}\n\n`;
    case 'heartbeat':
      return ': heartbeat\n\n';
  }
}

/** True for the events after which the stream ends. */
export function isTerminal(e: SseEvent): boolean {
  return e.kind === 'complete' || e.kind === 'error';
}
