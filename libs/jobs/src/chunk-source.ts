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
