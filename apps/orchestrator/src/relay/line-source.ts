import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { Observable } from 'rxjs';

/**
 * The lines of a byte stream (NDJSON) as an Observable, split incrementally: a line (or a
 * multi-byte UTF-8 character) cut across network chunks is joined before it is emitted.
 *
 * Backpressure is the caller's: `source.pause()` stops emission after the current chunk (at most
 * one highWaterMark of lines), `source.resume()` continues. Unsubscribing destroys `source`,
 * which aborts the upstream request. A source that closes without `end` is an error.
 */
export function lines$(source: Readable): Observable<string> {
  return new Observable<string>((sub) => {
    const decoder = new StringDecoder('utf8');
    let rest = '';
    let ended = false;
    const emit = (text: string, final: boolean): void => {
      rest += text;
      let start = 0;
      for (let nl = rest.indexOf('\n'); nl !== -1; nl = rest.indexOf('\n', start)) {
        pushLine(rest.slice(start, nl));
        start = nl + 1;
      }
      rest = rest.slice(start);
      if (final && rest.length > 0) pushLine(rest);
    };
    const pushLine = (line: string): void => {
      const trimmed = line.endsWith('\r') ? line.slice(0, -1) : line;
      if (trimmed.length > 0 && !sub.closed) sub.next(trimmed);
    };
    const onData = (chunk: Buffer): void => emit(decoder.write(chunk), false);
    const onEnd = (): void => {
      ended = true;
      emit(decoder.end(), true);
      sub.complete();
    };
    const onError = (err: Error): void => sub.error(err);
    const onClose = (): void => {
      if (!ended) sub.error(new Error('upstream connection closed before the stream ended'));
    };
    source.on('data', onData).once('end', onEnd).once('error', onError).once('close', onClose);
    return () => {
      source.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
      // Keep a late 'error' (e.g. the abort we cause right now) from becoming an uncaught one.
      source.on('error', () => undefined);
      if (!ended) source.destroy();
    };
  });
}
