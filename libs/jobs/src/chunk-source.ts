import { Readable } from 'node:stream';
import { ShortChunkError } from './chunk-errors.js';

/**
 * Where a job's rows come from. Generation is deterministic, so asking again for rows
 * [from, from + count) always yields the same bytes: that is what makes resume (ask from
 * `next_row`) and bisect (ask for sub-ranges) exact. Implementations must not emit a header.
 */
export interface ChunkSource {
  /** CSV (RFC 4180, no header, NULL = empty unquoted field) of rows [from, from + count). */
  csv(from: number, count: number, signal: AbortSignal): Promise<Readable>;
  /**
   * Optional: rows [from, to) as ONE stream, which the chunk loop cuts into chunk transactions
   * on row boundaries (one request per partition instead of one per chunk). Sources without it
   * are asked per chunk, the next chunk opened ahead.
   */
  stream?(from: number, to: number, signal: AbortSignal): Promise<Readable>;
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

const NL = 0x0a;
const QUOTE = 0x22;

/**
 * Finds where the `rows`-th CSV row ends in `buf` (the index just past its newline), carrying the
 * quote state across buffers: a newline inside a quoted field does not end a row, and `""`
 * escapes toggle twice, so counting quotes is exact for RFC 4180. Returns the rows found.
 */
export function scanRows(buf: Buffer, rows: number, inQuote: boolean): { end: number; rows: number; inQuote: boolean } {
  let pos = 0;
  let found = 0;
  let quoted = inQuote;
  // Fast path: no quote anywhere in this buffer and not inside a quoted field.
  const noQuotes = !quoted && buf.indexOf(QUOTE) === -1;
  while (found < rows) {
    const nl = buf.indexOf(NL, pos);
    if (nl === -1) {
      if (!noQuotes) quoted = toggles(buf, pos, buf.length, quoted);
      return { end: buf.length, rows: found, inQuote: quoted };
    }
    if (!noQuotes) quoted = toggles(buf, pos, nl, quoted);
    pos = nl + 1;
    if (!quoted) found++;
  }
  return { end: pos, rows: found, inQuote: quoted };
}

function toggles(buf: Buffer, from: number, to: number, quoted: boolean): boolean {
  let q = quoted;
  for (let i = buf.indexOf(QUOTE, from); i !== -1 && i < to; i = buf.indexOf(QUOTE, i + 1)) q = !q;
  return q;
}

/**
 * Cuts one stream of CSV rows into consecutive chunks of exact row counts. `take(n)` returns a
 * Readable of exactly the next n rows (bytes past the n-th row are kept for the next take). If
 * a take is not read to its end (its COPY failed), the cutter is `broken` and must be replaced:
 * the caller re-opens the source at the failed chunk's first row.
 */
export class RowCutter {
  private readonly it: AsyncIterator<unknown>;
  private rest: Buffer | undefined;
  private inQuote = false;
  private busy = false;
  broken = false;

  constructor(
    private readonly src: Readable,
    /** Row number the stream starts at; advances with each finished take. */
    public position: number,
  ) {
    this.it = src[Symbol.asyncIterator]();
  }

  take(count: number): Readable {
    if (this.busy || this.broken) throw new Error('RowCutter: previous chunk not finished');
    this.busy = true;
    this.broken = true; // until this take finishes cleanly
    return Readable.from(this.rows(count), { objectMode: false, highWaterMark: 65_536 });
  }

  private async *rows(count: number): AsyncGenerator<Buffer> {
    let left = count;
    while (left > 0) {
      const buf = await this.nextBuffer();
      if (!buf) throw new ShortChunkError(`row stream ended ${left} rows short of a ${count}-row chunk`);
      const scan = scanRows(buf, left, this.inQuote);
      this.inQuote = scan.inQuote;
      left -= scan.rows;
      if (scan.end < buf.length) this.rest = buf.subarray(scan.end);
      yield scan.end === buf.length ? buf : buf.subarray(0, scan.end);
    }
    this.position += count;
    this.busy = false;
    this.broken = false;
  }

  private async nextBuffer(): Promise<Buffer | undefined> {
    if (this.rest) {
      const r = this.rest;
      this.rest = undefined;
      return r;
    }
    const n = await this.it.next();
    if (n.done) return undefined;
    return Buffer.isBuffer(n.value) ? n.value : Buffer.from(String(n.value));
  }

  destroy(): void {
    this.broken = true;
    this.src.destroy();
  }
}

/**
 * Where a partition's chunk bodies come from, in order. With a streaming source: one open
 * stream cut into chunks (re-opened at the failed chunk after any failure). Otherwise one
 * request per chunk, the *next* chunk's stream opened while the current one is being written,
 * so the generator's latency and first rows overlap the current COPY and commit.
 */
export class PartitionFeed {
  private cutter: RowCutter | undefined;
  private opening: Promise<RowCutter> | undefined;
  private ahead: { from: number; count: number; body: Promise<Readable> } | undefined;

  constructor(
    readonly source: ChunkSource,
    private readonly to: number,
    private readonly signal: AbortSignal,
  ) {}

  /** Body of rows [from, from + count); `next` is the chunk after it (to open ahead). */
  async body(from: number, count: number, next: { from: number; count: number } | undefined, signal: AbortSignal): Promise<Readable> {
    if (this.source.stream) return this.cut(from, count, signal);
    const hit = this.ahead;
    this.ahead = undefined;
    const body = hit && hit.from === from && hit.count === count ? hit.body : (this.drop(hit), this.source.csv(from, count, signal));
    if (next && next.count > 0) this.prefetch(next.from, next.count);
    return body;
  }

  private async cut(from: number, count: number, signal: AbortSignal): Promise<Readable> {
    if (!this.cutter || this.cutter.broken || this.cutter.position !== from) {
      this.cutter?.destroy();
      this.cutter = undefined;
      this.opening = this.source.stream!(from, this.to, this.signal).then((s) => new RowCutter(s, from));
      this.opening.catch(() => undefined);
    }
    if (!this.cutter) {
      const opening = this.opening!;
      this.cutter = await raceSignal(opening, signal);
    }
    return this.cutter.take(count);
  }

  private prefetch(from: number, count: number): void {
    const body = this.source.csv(from, count, this.signal).then((b) => {
      // Until someone pipes it, an abort or reset on this stream has no other listener.
      b.on('error', () => undefined);
      return b;
    });
    body.catch(() => undefined); // reported to whoever takes it, or dropped by discard()
    this.ahead = { from, count, body };
  }

  private drop(ahead: { body: Promise<Readable> } | undefined): void {
    if (ahead) void ahead.body.then((b) => b.destroy(), () => undefined);
  }

  /** After a failed chunk: nothing opened so far can be trusted to start where it should. */
  reset(): void {
    this.drop(this.ahead);
    this.ahead = undefined;
    this.cutter?.destroy();
    this.cutter = undefined;
    if (this.opening) void this.opening.then((c) => c.destroy(), () => undefined);
    this.opening = undefined;
  }
}

function raceSignal<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => (signal.removeEventListener('abort', onAbort), resolve(v)),
      (e: unknown) => (signal.removeEventListener('abort', onAbort), reject(e as Error)),
    );
  });
}
