/**
 * GeneratorClient — the orchestrator's only way to talk to the generator.
 *
 * API
 * ```ts
 * const { body, seed, status } = await client.open('csv', { table: 'users', rows: 5000, seed: 42, offset: 10_000, header: false }, signal);
 * await pipeline(body, sink, { signal });
 * ```
 * - `open(format, req, signal)` starts `GET /api/generator/stream/<format>?…` (or `POST` with
 *   `{schema, rows, seed, offset, header}` when `req.schema` is given) against config
 *   `GENERATOR_URL` — never a URL from a request. It resolves once the response headers are in:
 *   `body` is the raw byte stream (NDJSON or CSV, unparsed), `seed` is the seed the generator
 *   actually used (`X-Rowflow-Seed`), `status` the HTTP status (2xx).
 * - Rejects with `ValidationError` (→ 400) when the generator answers 400 (its message and field
 *   are kept), `NotFoundError` (→ 404) on 404, `GeneratorError` (→ 502) on any other non-2xx, and
 *   `GeneratorUnavailableError` (→ 503) when the connection fails. Both 5xx errors have
 *   `transient = true` for callers that retry (the jobs chunk loop).
 * - Aborting `signal` (before or after the headers) destroys the request and its socket at once;
 *   `body` then errors with an AbortError. Consuming `body` to the end returns the socket to the
 *   keep-alive pool, so calling `open` once per 5000-row chunk costs no new TCP handshake.
 * - A generator that sends no response headers within `headersTimeoutMs` (30 s) is unavailable.
 * - `sockets()` reports the agent's open sockets (in use / idle), used by leak tests and metrics.
 */
import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { HttpException, HttpStatus } from '@nestjs/common';
import { type DatasetSpec, NotFoundError, SEED_HEADER, type TableSpec, ValidationError } from '@rowflow/contracts';
import { logger } from '@rowflow/platform';
import { ORCHESTRATOR_CONFIG, type OrchestratorConfig } from '../config/orchestrator-config.js';

export type GeneratorFormat = 'ndjson' | 'csv';

/** What to generate. Exactly one of `table` / `schema` / `dataset` + `table` (validated by the caller beforehand). */
export interface GeneratorStreamRequest {
  table?: string;
  schema?: TableSpec;
  /** Table `table` of this dataset spec (sent by POST). */
  dataset?: DatasetSpec;
  rows: number;
  seed?: number;
  offset?: number;
  header?: boolean;
  /** Rows per wall-clock second (paced stream). */
  rate?: number;
  /** One partition of the stream: `partitionBy`, `partitions`, `part`. */
  partition?: { by: string; count: number; index: number };
}

export interface GeneratorStream {
  /** Raw response bytes; destroy it (or abort the signal) to stop the generator. */
  body: Readable;
  /** Seed the generator used (echo of `X-Rowflow-Seed`). */
  seed: number;
  status: number;
}

/** The generator answered with a non-2xx status other than 400/404. Mapped to 502. */
export class GeneratorError extends HttpException {
  override readonly name = 'GeneratorError';
  readonly transient: boolean;
  constructor(
    message: string,
    readonly upstreamStatus: number,
  ) {
    super(message, HttpStatus.BAD_GATEWAY);
    this.transient = upstreamStatus >= 500 || upstreamStatus === 429;
  }
}

/** The generator could not be reached (refused, reset, DNS, timeout). Mapped to 503. */
export class GeneratorUnavailableError extends HttpException {
  override readonly name = 'GeneratorUnavailableError';
  readonly transient = true;
  constructor(message: string, cause?: unknown) {
    super(message, HttpStatus.SERVICE_UNAVAILABLE, { cause });
  }
}

/** Upper bound on an error body we read into memory (errors are small JSON). */
const MAX_ERROR_BODY = 64 * 1024;

@Injectable()
export class GeneratorClient implements OnApplicationShutdown {
  private readonly log = logger('GeneratorClient');
  private readonly base: URL;
  private readonly agent: http.Agent;
  /** A generator that accepts the connection but sends no response headers this long is unavailable. */
  headersTimeoutMs = 30_000;

  /** Sent to the generator, which asks for it when it protects reads too. */
  private readonly auth: Record<string, string>;

  constructor(@Inject(ORCHESTRATOR_CONFIG) config: Pick<OrchestratorConfig, 'GENERATOR_URL'> & Partial<Pick<OrchestratorConfig, 'ROWFLOW_API_TOKEN'>>) {
    this.base = new URL(config.GENERATOR_URL);
    this.auth = config.ROWFLOW_API_TOKEN ? { authorization: `Bearer ${config.ROWFLOW_API_TOKEN}` } : {};
    const Agent = this.base.protocol === 'https:' ? https.Agent : http.Agent;
    // Keep-alive: the jobs loop opens one stream per chunk; reuse sockets instead of handshaking.
    this.agent = new Agent({ keepAlive: true, keepAliveMsecs: 1000, maxSockets: 256, maxFreeSockets: 32 });
  }

  /** Opens a generator stream; see the file header for the contract. */
  open(format: GeneratorFormat, req: GeneratorStreamRequest, signal: AbortSignal): Promise<GeneratorStream> {
    if (signal.aborted) return Promise.reject(abortError(signal));
    const url = new URL(`/api/generator/stream/${format}`, this.base);
    const body = req.schema || req.dataset ? JSON.stringify(postBody(req)) : undefined;
    if (!body) setQuery(url, req);
    return new Promise<GeneratorStream>((resolve, reject) => {
      const outgoing = this.transport().request(url, {
        method: body ? 'POST' : 'GET',
        agent: this.agent,
        signal,
        headers: { ...this.auth, ...(body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {}) },
      });
      // Socket idle timeout only until the headers: afterwards the body may legitimately sit
      // paused by our own backpressure for as long as the client is slow.
      outgoing.setTimeout(this.headersTimeoutMs, () => outgoing.destroy(new Error(`no response within ${this.headersTimeoutMs} ms`)));
      outgoing.once('response', (res) => {
        outgoing.setTimeout(0);
        void this.onResponse(res, req, resolve, reject);
      });
      // `on`, not `once`: an abort after the response errors the request again.
      outgoing.on('error', (err) => reject(signal.aborted ? abortError(signal) : unavailable(err, this.base)));
      outgoing.end(body);
    });
  }

  /** Sockets of the keep-alive agent: `active` are in use, `idle` wait in the pool. */
  sockets(): { active: number; idle: number } {
    const count = (m: NodeJS.ReadOnlyDict<unknown[]>) => Object.values(m).reduce((n, l) => n + (l?.length ?? 0), 0);
    return { active: count(this.agent.sockets), idle: count(this.agent.freeSockets) };
  }

  onApplicationShutdown(): void {
    this.agent.destroy();
  }

  private transport(): typeof http | typeof https {
    return this.base.protocol === 'https:' ? https : http;
  }

  private async onResponse(
    res: http.IncomingMessage,
    req: GeneratorStreamRequest,
    resolve: (s: GeneratorStream) => void,
    reject: (e: unknown) => void,
  ): Promise<void> {
    const status = res.statusCode ?? 0;
    if (status >= 200 && status < 300) {
      resolve({ body: res, seed: seedOf(res, req), status });
      return;
    }
    try {
      const err = toUpstreamError(status, await readSmall(res));
      this.log.debug({ status, err: err.message }, 'generator refused a stream');
      reject(err);
    } catch (err) {
      reject(unavailable(err, this.base));
    }
  }
}

function setQuery(url: URL, req: GeneratorStreamRequest): void {
  const q = url.searchParams;
  if (req.table !== undefined) q.set('table', req.table);
  q.set('rows', String(req.rows));
  if (req.seed !== undefined) q.set('seed', String(req.seed));
  if (req.offset !== undefined) q.set('offset', String(req.offset));
  if (req.header !== undefined) q.set('header', String(req.header));
  if (req.rate !== undefined) q.set('rate', String(req.rate));
  if (req.partition) {
    q.set('partitionBy', req.partition.by);
    q.set('partitions', String(req.partition.count));
    q.set('part', String(req.partition.index));
  }
}

function postBody(req: GeneratorStreamRequest): Record<string, unknown> {
  const { schema, dataset, table, rows, seed, offset, header, rate, partition } = req;
  const parts = partition ? { partitionBy: partition.by, partitions: partition.count, part: partition.index } : {};
  const base = dataset ? { dataset, table, rows, seed, offset, header } : { schema, rows, seed, offset, header };
  return { ...base, rate, ...parts };
}

function seedOf(res: http.IncomingMessage, req: GeneratorStreamRequest): number {
  const raw = res.headers[SEED_HEADER];
  const n = Number(Array.isArray(raw) ? raw[0] : raw);
  return Number.isFinite(n) && raw !== undefined ? n : (req.seed ?? 0);
}

async function readSmall(res: http.IncomingMessage): Promise<string> {
  let text = '';
  res.setEncoding('utf8');
  for await (const chunk of res) {
    text += chunk as string;
    if (text.length > MAX_ERROR_BODY) {
      res.destroy();
      break;
    }
  }
  return text;
}

/** Maps a generator error response to the orchestrator's domain error, keeping its message. */
export function toUpstreamError(status: number, text: string): Error {
  let body: { message?: unknown; field?: unknown } = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    /* not JSON: keep the raw text below */
  }
  const message = typeof body.message === 'string' ? body.message : text.slice(0, 500) || `HTTP ${status}`;
  if (status === 400) {
    const field = typeof body.field === 'string' ? body.field : (/^([\w.[\]]+): /.exec(message)?.[1] ?? 'request');
    // ValidationError prefixes "<field>: " itself; strip it so the message is not doubled.
    const bare = message.startsWith(`${field}: `) ? message.slice(field.length + 2) : message;
    return new ValidationError(field, bare);
  }
  if (status === 404) return new NotFoundError(message);
  return new GeneratorError(`generator answered ${status}: ${message}`, status);
}

const log = logger('GeneratorClient');

/** The message reaches clients (503 body, SSE error, job status): no internal address in it. */
function unavailable(err: unknown, base: URL): GeneratorUnavailableError {
  const code = (err as NodeJS.ErrnoException)?.code;
  const why = code ?? (err instanceof Error ? err.message : String(err));
  log.debug({ generator: base.origin, why }, 'generator unavailable');
  return new GeneratorUnavailableError(`generator unavailable (${String(why).replace(base.origin, 'GENERATOR_URL')})`, err);
}

function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new DOMException('The operation was aborted', 'AbortError');
}
