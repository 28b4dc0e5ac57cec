import type { Readable } from 'node:stream';
import { Observable } from 'rxjs';
import { NdjsonBatcher, type RowBatch } from './ndjson-batcher.js';

/**
 * An upstream NDJSON body as an Observable of row batches (≤ `batchSize` rows, the relay's
 * equivalent of `bufferCount`), completing after `limit` rows or at the body's end.
 *
 * Backpressure is the caller's: `source.pause()` stops emission after the current chunk (at most
 * one chunk's worth of batches), `source.resume()` continues. Unsubscribing early destroys
 * `source`, which aborts the upstream request. A source that closes without `end` — the
 * generator died mid-stream — is an error.
 *
 * After the `limit`th row it completes when the body ends, which follows at once (the generator
 * was asked for exactly `limit` rows): a body read to its end hands its keep-alive socket back to
 * the agent, so the next preview skips a TCP connect (0.8 ms of the first event, traced on a
 * loaded box). More input after the limit, or no end within `END_GRACE_MS`, completes at once
 * and destroys the source as before.
 */
export function rowBatches$(source: Readable, batchSize: number, limit: number, idleMs = 60_000): Observable<RowBatch> {
  return new Observable<RowBatch>((sub) => {
    const batcher = new NdjsonBatcher(batchSize, limit);
    let ended = false;
    let grace: NodeJS.Timeout | undefined;
    const idle = idleWatch(source, idleMs, () => sub.error(new Error(`no data from the generator for ${idleMs} ms`)));
    const emit = (take: () => RowBatch[], last: boolean): void => {
      try {
        for (const batch of take()) sub.next(batch);
        if (last || batcher.excess) sub.complete();
        else if (batcher.done && !grace) grace = setTimeout(() => sub.complete(), END_GRACE_MS);
      } catch (err) {
        sub.error(err);
      }
    };
    const onData = (chunk: Buffer): void => {
      idle.touch();
      emit(() => batcher.push(chunk), false);
    };
    const onEnd = (): void => {
      ended = true;
      emit(() => batcher.end(), true);
    };
    // Once every row is in, a failing end of the body has lost nothing: the preview is complete.
    const fail = (err: Error): void => (batcher.done ? sub.complete() : sub.error(err));
    const onError = (err: Error): void => fail(err);
    const onClose = (): void => fail(new Error('upstream connection closed before the stream ended'));
    source.on('data', onData).once('end', onEnd).once('error', onError).once('close', onClose);
    return () => {
      idle.stop();
      clearTimeout(grace);
      source.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
      // Keep a late 'error' (e.g. from the abort we cause right now) from becoming uncaught.
      source.on('error', () => undefined);
      if (!ended) source.destroy();
    };
  });
}

/** How long a body may take to end after its last expected row before it is cut instead. */
const END_GRACE_MS = 1000;

/**
 * Calls `onIdle` when `source` delivered nothing for `ms` — unless it is paused, which is our
 * own backpressure, not a stalled generator ("nothing hangs" without punishing slow clients).
 */
function idleWatch(source: Readable, ms: number, onIdle: () => void): { touch(): void; stop(): void } {
  let last = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const check = (): void => {
    const quiet = Date.now() - last;
    if (source.isPaused()) last = Date.now();
    else if (quiet >= ms) return onIdle();
    timer = setTimeout(check, Math.max(1, ms - (Date.now() - last)));
  };
  timer = setTimeout(check, ms);
  return {
    touch: () => void (last = Date.now()),
    stop: () => clearTimeout(timer),
  };
}
