import { existsSync } from 'node:fs';
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { Worker } from 'node:worker_threads';
import type { FromThread, RowThreadRequest, ToThread } from './protocol.js';

/** A row thread that died or was stopped: the chunk it was feeding is retried like a lost connection. */
export class RowThreadError extends Error {
  override readonly name = 'RowThreadError';
  readonly transient = true;
}

interface Open {
  readable: Readable;
  paused: boolean;
  thread: Thread;
}

interface Thread {
  worker: Worker;
  streams: Set<number>;
}

/**
 * The worker script next to this module once built; when this module runs from its TypeScript
 * source (the test runner aliases the libs to src), the built one in dist.
 */
function defaultWorkerUrl(): URL {
  const here = new URL('./row-thread-worker.js', import.meta.url);
  return existsSync(here) ? here : new URL('../../dist/threads/row-thread-worker.js', import.meta.url);
}

/**
 * Generates row streams on worker threads, so generation runs on the machine's other cores
 * instead of the event loop that also drives the COPY connections. The bytes are those of
 * `createRowStream` / `createDatasetRowStream` for the same request (the worker runs that very
 * code). Each stream is one Readable here with its own backpressure: when its buffer is full
 * the thread is told to pause that stream. Threads start on first use (all at once with
 * `warm`), are shared round-robin by every open stream, do not keep the process alive, and are
 * replaced if one dies (its open streams then fail with a transient RowThreadError).
 */
export class RowThreadPool {
  private readonly threads: Array<Thread | undefined>;
  private readonly open = new Map<number, Open>();
  private nextId = 1;
  private turn = 0;
  private closed = false;

  constructor(
    size: number,
    private readonly workerUrl: URL = defaultWorkerUrl(),
  ) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`RowThreadPool: size must be a positive integer, got ${size}`);
    this.threads = Array.from({ length: size }, () => undefined);
  }

  /** Rows of `req` as a byte stream; aborting `signal` (or destroying the stream) stops the thread's work on it. */
  stream(req: RowThreadRequest, signal?: AbortSignal): Readable {
    return this.streamOn(this.pick(), req, signal);
  }

  /**
   * Starts every thread now and runs `req` on each to its end, so that a thread's start (an
   * isolate loading the generator's modules, most of it) and the compilation of its value code
   * happen before the first real stream instead of during it. Rejects as the streams would.
   */
  async warm(req: RowThreadRequest): Promise<void> {
    const streams = this.threads.map((_, slot) => this.streamOn(this.thread(slot), req));
    await Promise.all(streams.map((s) => finished(s.resume())));
  }

  private streamOn(thread: Thread, req: RowThreadRequest, signal?: AbortSignal): Readable {
    if (this.closed) throw new RowThreadError('row thread pool is closed');
    const id = this.nextId++;
    const entry: Open = { readable: this.readable(id, thread), paused: false, thread };
    this.open.set(id, entry);
    thread.streams.add(id);
    this.send(thread, { type: 'open', id, req });
    if (signal) this.bindSignal(entry.readable, signal);
    return entry.readable;
  }

  /** Stops every thread; open streams fail. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.threads.map((t) => t?.worker.terminate()));
  }

  private readable(id: number, thread: Thread): Readable {
    return new Readable({
      highWaterMark: 256 * 1024,
      read: () => {
        const e = this.open.get(id);
        if (e?.paused) {
          e.paused = false;
          this.send(thread, { type: 'resume', id });
        }
      },
      destroy: (err, cb) => {
        if (this.forget(id)) this.send(thread, { type: 'cancel', id });
        cb(err);
      },
    });
  }

  private bindSignal(readable: Readable, signal: AbortSignal): void {
    const onAbort = (): void => void readable.destroy(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    readable.once('close', () => signal.removeEventListener('abort', onAbort));
  }

  private pick(): Thread {
    return this.thread(this.turn++ % this.threads.length);
  }

  private thread(slot: number): Thread {
    return (this.threads[slot] ??= this.spawn(slot));
  }

  private spawn(slot: number): Thread {
    const worker = new Worker(this.workerUrl);
    worker.unref();
    const thread: Thread = { worker, streams: new Set() };
    worker.on('message', (m: FromThread) => (m.type === 'ready' ? (ready = true) : this.onMessage(m)));
    let ready = false;
    const lost = (why: string, err?: Error): void => {
      if (this.threads[slot] === thread) this.threads[slot] = undefined;
      // A thread that never started (its script missing or broken) would fail every retry too.
      const make = (): Error => (ready || !err ? new RowThreadError(`row thread ${why}`) : new Error(`row thread could not start: ${err.message}`, { cause: err }));
      for (const id of [...thread.streams]) this.fail(id, make());
    };
    worker.on('error', (err) => lost(`failed: ${err.message}`, err));
    worker.on('exit', (code) => lost(`exited (code ${code})`));
    return thread;
  }

  private onMessage(m: Exclude<FromThread, { type: 'ready' }>): void {
    const e = this.open.get(m.id);
    if (!e) return; // cancelled here while the thread was still sending
    if (m.type === 'chunk') {
      if (!e.readable.push(Buffer.from(m.bytes, m.offset, m.length)) && !e.paused) {
        e.paused = true;
        this.send(e.thread, { type: 'pause', id: m.id });
      }
    } else if (m.type === 'end') {
      this.forget(m.id);
      e.readable.push(null);
    } else {
      this.fail(m.id, Object.assign(new Error(m.message), m.field ? { field: m.field } : {}));
    }
  }

  private fail(id: number, err: Error): void {
    const e = this.open.get(id);
    if (!e) return;
    this.forget(id);
    e.readable.destroy(err);
  }

  /** Drops a stream's bookkeeping; true if it was still open. */
  private forget(id: number): boolean {
    const e = this.open.get(id);
    if (!e) return false;
    this.open.delete(id);
    e.thread.streams.delete(id);
    return true;
  }

  private send(thread: Thread, msg: ToThread): void {
    thread.worker.postMessage(msg);
  }
}
