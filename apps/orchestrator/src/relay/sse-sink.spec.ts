import { Writable } from 'node:stream';
import { Subject } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HEARTBEAT_FRAME, writeSse } from './sse-sink.js';

/**
 * A response whose client reads only when told to: writes are held until `drainAll()`, so
 * write() returns false past the high-water mark exactly like a socket with a slow reader.
 */
function slowResponse(highWaterMark = 64): Writable & { received: string[]; drainAll(): void } {
  const held: Array<() => void> = [];
  const received: string[] = [];
  const res = new Writable({
    highWaterMark,
    write(chunk: Buffer, _enc, cb) {
      received.push(chunk.toString());
      held.push(cb);
    },
  });
  return Object.assign(res, {
    received,
    drainAll: () => {
      while (held.length) held.shift()!();
    },
  });
}

function fastResponse(): Writable & { received: string[] } {
  const received: string[] = [];
  const res = new Writable({
    write(chunk: Buffer, _enc, cb) {
      received.push(chunk.toString());
      cb();
    },
  });
  return Object.assign(res, { received });
}

/** Lets the slow client read everything buffered (each release lets the next write through). */
async function drainFully(res: { drainAll(): void; writableLength: number }): Promise<void> {
  for (let i = 0; i < 100 && res.writableLength > 0; i++) {
    res.drainAll();
    await vi.advanceTimersByTimeAsync(0);
  }
  res.drainAll();
  await vi.advanceTimersByTimeAsync(0);
}

const frame = (n: number, size = 40) => `event: progress\nid: ${n}\ndata: ${'x'.repeat(size)}\n\n`;

describe('writeSse', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('pauses a pausable upstream while the response is full and resumes it on drain; every frame arrives', async () => {
    const res = slowResponse(64);
    const flow = { pause: vi.fn(), resume: vi.fn() };
    const frames = new Subject<string>();
    const done = writeSse(frames, res, { heartbeatMs: 1000, flow });
    // 300 KB > the 256 KB of slack a pausable upstream gets.
    for (let i = 0; i < 8; i++) frames.next(frame(i, 40_000));
    expect(flow.pause).toHaveBeenCalledTimes(1);
    expect(flow.resume).not.toHaveBeenCalled();
    await drainFully(res);
    expect(flow.resume).toHaveBeenCalledTimes(1);
    frames.complete();
    await drainFully(res);
    await done;
    expect(res.received.filter((f) => f.startsWith('event:'))).toHaveLength(8);
  });

  it('without a pausable upstream, keeps only the newest frame while the client is slow (state, not a queue)', async () => {
    const res = slowResponse(64);
    const frames = new Subject<string>();
    const done = writeSse(frames, res, { heartbeatMs: 1000 });
    frames.next(frame(1, 100)); // over the high-water mark: the writer now waits for 'drain'
    for (let i = 2; i <= 50; i++) frames.next(frame(i));
    expect(res.received).toEqual([frame(1, 100)]);
    res.drainAll();
    await vi.advanceTimersByTimeAsync(0);
    expect(res.received).toEqual([frame(1, 100), frame(50)]); // 2..49 were superseded
    frames.next(frame(51));
    frames.complete();
    res.drainAll();
    await vi.advanceTimersByTimeAsync(0);
    res.drainAll();
    await done;
    expect(res.received.at(-1)).toBe(frame(51));
    expect(res.writableEnded).toBe(true);
  });

  it('delivers the terminal frame that arrives while the response is full', async () => {
    const res = slowResponse(64);
    const frames = new Subject<string>();
    const done = writeSse(frames, res, { heartbeatMs: 1000 });
    frames.next(frame(1, 100));
    frames.next('event: completed\nid: 9\ndata: {}\n\n');
    frames.complete();
    for (let i = 0; i < 3; i++) {
      res.drainAll();
      await vi.advanceTimersByTimeAsync(0);
    }
    await done;
    expect(res.received).toEqual([frame(1, 100), 'event: completed\nid: 9\ndata: {}\n\n']);
  });

  it('sends a heartbeat comment every period while the stream is open, and none after it ended', async () => {
    const res = fastResponse();
    const frames = new Subject<string>();
    const done = writeSse(frames, res, { heartbeatMs: 15_000 });
    await vi.advanceTimersByTimeAsync(45_000);
    expect(res.received).toEqual([HEARTBEAT_FRAME, HEARTBEAT_FRAME, HEARTBEAT_FRAME]);
    frames.complete();
    await done;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(res.received).toHaveLength(3);
  });

  it('a client leaving unsubscribes the frames (which aborts their source)', async () => {
    const res = fastResponse();
    const frames = new Subject<string>();
    const done = writeSse(frames, res, { heartbeatMs: 1000 });
    expect(frames.observed).toBe(true);
    res.destroy();
    await done;
    expect(frames.observed).toBe(false);
  });

  it('counts the bytes it writes', async () => {
    const res = fastResponse();
    const frames = new Subject<string>();
    let bytes = 0;
    const done = writeSse(frames, res, { heartbeatMs: 1000, onFrame: (n) => (bytes += n) });
    frames.next(frame(1));
    frames.next(frame(2));
    frames.complete();
    await done;
    expect(bytes).toBe(2 * frame(1).length);
  });
});
