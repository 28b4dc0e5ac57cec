import type { Readable } from 'node:stream';

/**
 * Where a job's rows come from. Generation is deterministic, so asking again for rows
 * [from, from + count) always yields the same bytes: that is what makes resume (ask from
 * `next_row`) and bisect (ask for sub-ranges) exact. Implementations must not emit a header.
 */
export interface ChunkSource {
  /** CSV (RFC 4180, no header, NULL = empty unquoted field) of rows [from, from + count). */
  csv(from: number, count: number, signal: AbortSignal): Promise<Readable>;
}

/** Reads a (small) stream fully into a string; used for a dead-letter row's content. */
export async function readAll(stream: Readable, limit = 1 << 20): Promise<string> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buf.length;
    if (size > limit) {
      stream.destroy();
      break;
    }
    parts.push(buf);
  }
  return Buffer.concat(parts).toString('utf8');
}

/**
 * Wraps a source so the *next* chunk's stream can be opened while the current one is being
 * written: the generator request's latency and first rows overlap the current COPY and commit.
 * HTTP backpressure bounds what the opened-ahead stream buffers (socket buffers only).
 */
export class PrefetchingSource implements ChunkSource {
  private ahead: { from: number; count: number; body: Promise<Readable> } | undefined;

  constructor(
    private readonly inner: ChunkSource,
    private readonly signal: AbortSignal,
  ) {}

  csv(from: number, count: number, signal: AbortSignal): Promise<Readable> {
    const hit = this.ahead;
    if (hit && hit.from === from && hit.count === count) {
      this.ahead = undefined;
      return hit.body;
    }
    return this.inner.csv(from, count, signal);
  }

  /** Opens rows [from, from + count) now; a later `csv` with the same range gets it. */
  prefetch(from: number, count: number): void {
    this.discard();
    const body = this.inner.csv(from, count, this.signal).then((b) => {
      // Until someone pipes it, an abort or reset on this stream has no other listener.
      b.on('error', () => undefined);
      return b;
    });
    body.catch(() => undefined); // reported to whoever takes it, or dropped by discard()
    this.ahead = { from, count, body };
  }

  /** Drops an unused opened-ahead stream (frees its socket and stops its generation). */
  discard(): void {
    const ahead = this.ahead;
    this.ahead = undefined;
    if (ahead) void ahead.body.then((b) => b.destroy(), () => undefined);
  }
}
