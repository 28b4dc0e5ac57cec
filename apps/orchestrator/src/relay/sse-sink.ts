import type { Readable } from 'node:stream';
import type { Response } from 'express';
import type { Observable } from 'rxjs';
import { encodeSse, type SseEvent } from './sse-event.js';

/** Bytes a response may hold in memory before upstream is paused. */
const MAX_BUFFERED = 256 * 1024;

/** Response headers of an SSE stream; the last three stop proxy/browser buffering. */
export function openSse(res: Response, seed?: number): void {
  res.status(200);
  res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  res.setHeader('Cache-Control', 'no-cache, no-transform');
  res.setHeader('Connection', 'keep-alive');
  res.setHeader('X-Accel-Buffering', 'no');
  if (seed !== undefined) res.setHeader('X-Rowflow-Seed', String(seed));
  res.flushHeaders();
}

/**
 * Writes `events` to `res` with real backpressure — the piece Nest's `@Sse` lacks
 * (ENVIRONMENT.md: 345 MB for a slow client). When `res.write()` returns false the upstream
 * `source` is paused until 'drain'; paused, it stops reading its socket, TCP fills, and the
 * generator itself stops producing. So at most ~one chunk of lines plus the socket buffers is
 * in flight, whatever the client's speed. Resolves when the stream ended or the client left.
 */
export function relayEvents(events: Observable<SseEvent>, res: Response, source: Readable): Promise<void> {
  return new Promise<void>((done) => {
    let waiting = false;
    const resume = (): void => {
      waiting = false;
      source.resume();
    };
    const sub = events.subscribe({
      next: (e) => {
        // write() says "stop" past 16 KB, i.e. after every ~38 KB data frame; pausing upstream
        // that often costs more CPU than the relay itself. Allow up to MAX_BUFFERED per response
        // (a fixed bound, like a larger highWaterMark), then wait for 'drain'.
        if (res.write(encodeSse(e)) || waiting || res.writableLength < MAX_BUFFERED) return;
        waiting = true;
        source.pause();
        res.once('drain', resume);
      },
      complete: () => {
        res.end();
        done();
      },
      error: (err: unknown) => {
        res.destroy(err instanceof Error ? err : new Error(String(err)));
        done();
      },
    });
    res.once('close', () => {
      sub.unsubscribe();
      res.off('drain', resume);
      done();
    });
  });
}
