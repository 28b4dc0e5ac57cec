import { bufferCount, catchError, concat, defer, interval, map, merge, type Observable, of, take, takeWhile } from 'rxjs';
import { isTerminal, type SseEvent } from './sse-event.js';

export interface PreviewEventOptions {
  /** Rows requested (the `total` of data events and the count `complete` must reach). */
  total: number;
  /** Seed the generator used, reported in `complete`. */
  seed: number;
  /** Rows per `data` event (100 per DESIGN.md). */
  batchSize: number;
  /** Comment heartbeat period, so proxies and browsers keep an idle stream open. */
  heartbeatMs: number;
  /** Clock for `elapsedMs`; tests pass the TestScheduler's. */
  now: () => number;
}

/**
 * Turns the generator's NDJSON lines into the preview's SSE events: batches of `batchSize` rows
 * with cumulative `progress`, then `complete` — or `error` when upstream fails or ends short —
 * plus a heartbeat until the stream ends. Completes right after its terminal event.
 */
export function previewEvents$(lines: Observable<string>, opts: PreviewEventOptions): Observable<SseEvent> {
  // defer: progress and start time are per subscription.
  return defer(() => build(lines, opts));
}

function build(lines: Observable<string>, opts: PreviewEventOptions): Observable<SseEvent> {
  const started = opts.now();
  let progress = 0;
  const data$ = lines.pipe(
    // Never relay more than asked, whatever upstream sends; take() unsubscribes (aborts) it.
    take(opts.total),
    map(checkLine),
    bufferCount(opts.batchSize),
    map((batch): SseEvent => {
      progress += batch.length;
      return { kind: 'data', lines: batch, progress, total: opts.total };
    }),
  );
  const end$ = defer(() => of(finish(progress, opts, opts.now() - started)));
  const body$ = concat(data$, end$).pipe(catchError((err: unknown) => of(errorEvent(err))));
  const heartbeat$ = interval(opts.heartbeatMs).pipe(map((): SseEvent => ({ kind: 'heartbeat' })));
  return merge(body$, heartbeat$).pipe(takeWhile((e) => !isTerminal(e), true));
}

/** Cheap sanity check instead of a full parse: every NDJSON row is one JSON object. */
function checkLine(line: string): string {
  if (line.charCodeAt(0) !== 123 /* { */ || line.charCodeAt(line.length - 1) !== 125 /* } */) {
    throw new Error(`generator sent a malformed line: ${line.slice(0, 80)}`);
  }
  return line;
}

function finish(progress: number, opts: PreviewEventOptions, elapsedMs: number): SseEvent {
  if (progress !== opts.total) {
    return errorEvent(new Error(`generator stream ended after ${progress} of ${opts.total} rows`));
  }
  return { kind: 'complete', data: { total: progress, seed: opts.seed, elapsedMs } };
}

function errorEvent(err: unknown): SseEvent {
  const message = err instanceof Error ? err.message : String(err);
  return { kind: 'error', data: { message: `upstream failed: ${message}` } };
}
