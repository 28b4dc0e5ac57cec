/**
 * A row thread: generates the row streams the main thread asks for, with the very code the
 * main thread would run (same bytes), and sends each chunk over as a transferred buffer.
 * Backpressure is the main thread's: `pause` stops the stream until `resume`.
 */
import type { Readable } from 'node:stream';
import { parentPort } from 'node:worker_threads';
import { createDatasetRowStream } from '../dataset/index.js';
import { createRowStream } from '../row-stream.js';
import type { FromThread, RowThreadRequest, ToThread } from './protocol.js';

const port = parentPort;
if (!port) throw new Error('row-thread-worker must run in a worker thread');
const streams = new Map<number, Readable>();

function post(msg: FromThread, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(msg, transfer);
}

function open(req: RowThreadRequest): Readable {
  const base = { seed: req.seed, offset: req.offset, rows: req.rows, format: req.format, header: req.header };
  return req.kind === 'table' ? createRowStream({ ...base, spec: req.spec }) : createDatasetRowStream({ ...base, dataset: req.dataset, table: req.table });
}

/**
 * The chunk's own ArrayBuffer is transferred when nothing else lives in it (the row stream's
 * batch buffers are allocated one each); a buffer from Node's shared pool is copied first.
 */
function sendChunk(id: number, buf: Buffer): void {
  const owned = buf.buffer.byteLength > Buffer.poolSize && buf.buffer instanceof ArrayBuffer;
  if (owned) return post({ type: 'chunk', id, bytes: buf.buffer as ArrayBuffer, offset: buf.byteOffset, length: buf.length }, [buf.buffer as ArrayBuffer]);
  const copy = new Uint8Array(buf);
  post({ type: 'chunk', id, bytes: copy.buffer, offset: 0, length: copy.length }, [copy.buffer]);
}

function start(id: number, req: RowThreadRequest): void {
  let s: Readable;
  try {
    s = open(req);
  } catch (err) {
    const e = err as { message?: string; field?: string };
    return post({ type: 'error', id, message: String(e.message ?? err), ...(e.field ? { field: e.field } : {}) });
  }
  streams.set(id, s);
  s.on('data', (buf: Buffer) => sendChunk(id, buf));
  s.on('end', () => (streams.delete(id), post({ type: 'end', id })));
  s.on('error', (err: Error) => (streams.delete(id), post({ type: 'error', id, message: err.message })));
}

port.on('message', (m: ToThread) => {
  if (m.type === 'open') return start(m.id, m.req);
  const s = streams.get(m.id);
  if (!s) return;
  if (m.type === 'pause') s.pause();
  else if (m.type === 'resume') s.resume();
  else {
    streams.delete(m.id);
    s.destroy();
  }
});

// Tells the pool this script loaded: a thread that fails before this will fail on every retry too.
post({ type: 'ready' });
