import type { Readable, Writable } from 'node:stream';
import type { Response } from 'express';
import { map, type Observable } from 'rxjs';
import { encodeSse, type SseEvent, type SseFrame } from './sse-event.js';

/** Bytes a response may hold in memory before a pausable upstream is paused. */
const MAX_BUFFERED = 256 * 1024;

/** The SSE comment that keeps idle proxies and browsers from closing the stream. */
export const HEARTBEAT_FRAME = ': heartbeat\n\n';

/** Response headers of an SSE stream; the last three stop proxy/browser buffering. */
export function openSse(res: Response, seed?: number): void {
  setSseHeaders(res, seed);
  res.flushHeaders();
}

/**
 * `openSse` for a relay whose first frame is usually at hand: the upstream has answered and its
 * first rows are typically buffered already. The headers are not flushed on their own: the first
 * frame's write carries them, so both leave in one packet — one write and one client wake-up
 * fewer before the first event. A stream with nothing to send within this turn of the event loop
 * still gets its headers out then. (Corking the response until then instead held the first frame
 * back while the rest of the upstream's buffered rows were relayed.)
 */
export function openSseWithFirstFrame(res: Response, seed?: number): void {
  setSseHeaders(res, seed);
  setImmediate(() => {
    if (!res.headersSent && !res.writableEnded && !res.destroyed) res.flushHeaders();
  });
}

function setSseHeaders(res: Response, seed: number | undefined): void {
  res.status(200);
  res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  res.setHeader('Cache-Control', 'no-cache, no-transform');
  res.setHeader('Connection', 'keep-alive');
  res.setHeader('X-Accel-Buffering', 'no');
  if (seed !== undefined) res.setHeader('X-Rowflow-Seed', String(seed));
  // Small frames go out at once (no Nagle delay); an idle stream is not a timed-out socket.
  res.socket?.setNoDelay(true);
  res.socket?.setTimeout(0);
}

/** Upstream flow control: what a full response pauses. */
export interface SseFlow {
  pause(): void;
  resume(): void;
}

export interface SseWriteOptions {
  /** A `: heartbeat` comment this often (skipped while the response is full). */
  heartbeatMs: number;
  /**
   * Pausable upstream (e.g. the generator's body): paused past MAX_BUFFERED, resumed on
   * 'drain'; every frame is delivered. Without it the frames are state (job progress): while
   * the response is full only the newest pending frame is kept, so a slow client costs one
   * frame of memory, never a queue.
   */
  flow?: SseFlow;
  /** Called once per written frame with its size (metrics). */
  onFrame?: (bytes: number) => void;
}

/** What the writer needs of a response: a Writable (an Express Response is one). */
export type SseTarget = Pick<Writable, 'write' | 'end' | 'destroy' | 'once' | 'off' | 'cork' | 'uncork' | 'writableLength' | 'writableEnded'>;

/**
 * The one SSE writer of the orchestrator (preview relay and job events): real backpressure —
 * `res.write()`'s return value is respected, which Nest's `@Sse` does not do (it queued 345 MB
 * for one slow client here) — and heartbeats. Resolves when the stream ended or the client left;
 * a client leaving unsubscribes `frames` (which aborts whatever feeds it).
 */
export function writeSse(frames: Observable<SseFrame>, res: SseTarget, opts: SseWriteOptions): Promise<void> {
  return new Promise<void>((done) => {
    const w = new FrameWriter(res, opts);
    const heartbeat = setInterval(() => w.heartbeat(), opts.heartbeatMs);
    const finish = (): void => {
      clearInterval(heartbeat);
      w.release();
      done();
    };
    const sub = frames.subscribe({
      next: (f) => w.write(f),
      complete: () => {
        w.end();
        finish();
      },
      error: (err: unknown) => {
        res.destroy(err instanceof Error ? err : new Error(String(err)));
        finish();
      },
    });
    res.once('close', () => {
      sub.unsubscribe();
      finish();
    });
  });
}

function byteLength(f: SseFrame): number {
  if (typeof f === 'string') return Buffer.byteLength(f);
  if (Buffer.isBuffer(f)) return f.length;
  return (f as readonly (string | Buffer)[]).reduce((n, p) => n + byteLength(p), 0);
}

/** Writes a frame (its pieces corked into one writev); returns write()'s verdict for the last. */
function put(res: SseTarget, f: SseFrame): boolean {
  if (typeof f === 'string' || Buffer.isBuffer(f)) return res.write(f);
  res.cork();
  let ok = true;
  for (const piece of f as readonly (string | Buffer)[]) ok = res.write(piece);
  res.uncork();
  return ok;
}

/** Write/drain bookkeeping of one response. */
class FrameWriter {
  private waiting = false;
  private pending: SseFrame | undefined;

  constructor(
    private readonly res: SseTarget,
    private readonly opts: SseWriteOptions,
  ) {}

  write(frame: SseFrame): void {
    if (this.res.writableEnded) return;
    if (this.waiting && !this.opts.flow) {
      this.pending = frame; // conflate: a newer state replaces the one not sent yet
      return;
    }
    this.opts.onFrame?.(byteLength(frame));
    const ok = put(this.res, frame);
    // A pausable upstream gets some slack: write() says "stop" past 16 KB, i.e. after every
    // ~38 KB data frame, and pausing that often costs more CPU than the relay itself.
    if (ok || this.waiting || (this.opts.flow && this.res.writableLength < MAX_BUFFERED)) return;
    this.waiting = true;
    this.opts.flow?.pause();
    this.res.once('drain', this.onDrain);
  }

  heartbeat(): void {
    if (!this.waiting && !this.res.writableEnded) this.res.write(HEARTBEAT_FRAME);
  }

  end(): void {
    const last = this.pending;
    this.pending = undefined;
    if (last !== undefined) this.opts.onFrame?.(byteLength(last));
    if (last !== undefined) put(this.res, last);
    this.res.end();
  }

  release(): void {
    this.res.off('drain', this.onDrain);
  }

  private readonly onDrain = (): void => {
    this.waiting = false;
    const next = this.pending;
    this.pending = undefined;
    if (next !== undefined) this.write(next);
    if (!this.waiting) this.opts.flow?.resume();
  };
}

/**
 * The preview relay's events to `res`. When the response is full the upstream `source` is
 * paused until 'drain'; paused, it stops reading its socket, TCP fills, and the generator itself
 * stops producing. So at most ~one chunk of lines plus the socket buffers is in flight, whatever
 * the client's speed.
 */
export function relayEvents(events: Observable<SseEvent>, res: Response, source: Readable, opts: Omit<SseWriteOptions, 'flow'>): Promise<void> {
  return writeSse(events.pipe(map(encodeSse)), res, { ...opts, flow: source });
}
