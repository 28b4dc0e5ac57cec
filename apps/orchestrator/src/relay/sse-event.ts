import type { PreviewCompleteEvent, PreviewErrorEvent } from '@rowflow/contracts';
import type { RowBatch } from './ndjson-batcher.js';
import { encodeStatsSse, type StatsSseEvent } from './stats-events.js';

/**
 * One SSE message of the preview relay. `data` events carry their rows as raw JSON bytes (the
 * generator's NDJSON lines, spliced, not re-serialised) so relaying costs no parse/stringify.
 */
export type SseEvent =
  | { kind: 'data'; batch: RowBatch; progress: number; total: number }
  | { kind: 'complete'; data: PreviewCompleteEvent }
  | { kind: 'error'; data: PreviewErrorEvent }
  | { kind: 'heartbeat' }
  | StatsSseEvent;

/** An SSE frame: one string/Buffer, or pieces written back to back (no copy to join them). */
export type SseFrame = string | Buffer | readonly (string | Buffer)[];

/** Encodes one event as an SSE frame (`text/event-stream`). */
export function encodeSse(e: SseEvent): SseFrame {
  if (e.kind === 'data') {
    // JSON rows never contain raw LF (JSON escapes it), so one `data:` line is safe. The rows
    // go out as they are: concatenating them with the frame's head and tail would copy
    // every relayed byte once more.
    return [`event: data\nid: ${e.progress}\ndata: {"rows":[`, e.batch.json, `],"progress":${e.progress},"total":${e.total}}\n\n`];
  }
  return encodeControl(e);
}

/** The frames without rows (complete, error, heartbeat) as text. */
export function encodeControl(e: Exclude<SseEvent, { kind: 'data' }>): string {
  switch (e.kind) {
    case 'complete':
      return `event: complete\ndata: ${JSON.stringify(e.data)}\n\n`;
    case 'error':
      return `event: error\ndata: ${JSON.stringify(e.data)}\n\n`;
    case 'heartbeat':
      return ': heartbeat\n\n';
    case 'stats':
    case 'alert':
    case 'quality':
      return encodeStatsSse(e);
  }
}

/** True for the events after which the stream ends. */
export function isTerminal(e: SseEvent): boolean {
  return e.kind === 'complete' || e.kind === 'error';
}
