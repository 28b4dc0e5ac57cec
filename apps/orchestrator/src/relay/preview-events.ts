import { catchError, concat, defer, map, type Observable, of } from 'rxjs';
import type { RowBatch } from './ndjson-batcher.js';
import type { SseEvent } from './sse-event.js';

export interface PreviewEventOptions {
  /** Rows the client already has (a resumed stream starts its progress here). */
  from?: number;
  /** Rows requested (the `total` of data events and the count `complete` must reach). */
  total: number;
  /** Seed the generator used, reported in `complete`. */
  seed: number;
  /** Clock for `elapsedMs`; tests pass the TestScheduler's. */
  now: () => number;
  /** `total` is an upper bound (one partition of the rows): ending short is complete, not an error. */
  partial?: boolean;
}

/**
 * Turns row batches from the generator into the preview's SSE events: `data` with cumulative
 * `progress`, then `complete` — or `error` when upstream fails or ends short. Completes right
 * after its terminal event (which unsubscribes upstream). Heartbeats are the SSE writer's.
 */
export function previewEvents$(batches: Observable<RowBatch>, opts: PreviewEventOptions): Observable<SseEvent> {
  // defer: progress and start time are per subscription.
  return defer(() => build(batches, opts));
}

function build(batches: Observable<RowBatch>, opts: PreviewEventOptions): Observable<SseEvent> {
  const started = opts.now();
  let progress = opts.from ?? 0;
  const data$ = batches.pipe(
    map((batch): SseEvent => {
      progress += batch.count;
      return { kind: 'data', batch, progress, total: opts.total };
    }),
  );
  const end$ = defer(() => of(finish(progress, opts, opts.now() - started)));
  return concat(data$, end$).pipe(catchError((err: unknown) => of(errorEvent(err))));
}

function finish(progress: number, opts: PreviewEventOptions, elapsedMs: number): SseEvent {
  if (progress !== opts.total && !(opts.partial && progress < opts.total)) {
    return errorEvent(new Error(`generator stream ended after ${progress} of ${opts.total} rows`));
  }
  return { kind: 'complete', data: { total: progress, seed: opts.seed, elapsedMs } };
}

function errorEvent(err: unknown): SseEvent {
  const message = err instanceof Error ? err.message : String(err);
  return { kind: 'error', data: { message: `upstream failed: ${message}` } };
}
