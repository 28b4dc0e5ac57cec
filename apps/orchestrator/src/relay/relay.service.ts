import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { NotFoundError, ValidationError } from '@rowflow/contracts';
import { logger } from '@rowflow/platform';
import { type InputSource, requireObjectBody } from '@rowflow/schema';
import type { StatsSpec } from '@rowflow/stats';
import type { Observable } from 'rxjs';
import type { Response } from 'express';
import { tap } from 'rxjs';
import { ORCHESTRATOR_CONFIG, type OrchestratorConfig } from '../config/orchestrator-config.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { GeneratorClient, type GeneratorStream, type GeneratorStreamRequest } from '../generator-client/generator-client.js';
import { previewEvents$ } from './preview-events.js';
import { rowBatches$ } from './row-batches.js';
import { RELAY_OPTIONS, type RelayOptions } from './relay-options.js';
import { csvFilename, parseRelayRequest, tableName } from './relay-params.js';
import { encodeControl, type SseEvent } from './sse-event.js';
import { parseStatsParam, withStats } from './stats-events.js';
import { openSse, openSseWithFirstFrame, relayEvents } from './sse-sink.js';

/** Live preview (SSE) and CSV download, both relayed from the generator with backpressure. */
@Injectable()
export class RelayService {
  private readonly log = logger('RelayService');
  /** Relays in flight; tests read it to prove disconnects end them. */
  active = 0;

  constructor(
    private readonly client: GeneratorClient,
    @Inject(ORCHESTRATOR_CONFIG) private readonly config: OrchestratorConfig,
    @Inject(RELAY_OPTIONS) private readonly opts: RelayOptions,
    private readonly metrics: MetricsService,
  ) {}

  /** `source`: a query string (GET) or a JSON body (POST); see parseRelayRequest. `stats` is the preview's own key. */
  parsePreview(input: unknown, source: InputSource = 'query'): PreviewRequest {
    // Same rules and messages as the generator first; then the preview's own, smaller limit.
    const { stats, ...rest } = source === 'body' ? requireObjectBody(input) : ((input ?? {}) as Record<string, unknown>);
    const req: PreviewRequest = parseRelayRequest(rest, this.config.MAX_ROWS, source);
    const spec = parseStatsParam(stats, req, source);
    if (spec) req.stats = spec;
    const max = this.config.PREVIEW_MAX_ROWS;
    if (req.rows > max) {
      throw new ValidationError('rows', `must be <= PREVIEW_MAX_ROWS (${max}) for a live preview (download or a job can do more), got ${req.rows}`);
    }
    delete req.header; // NDJSON has no header row
    return req;
  }

  parseDownload(input: unknown, source: InputSource = 'query'): GeneratorStreamRequest {
    return parseRelayRequest(input, this.config.MAX_ROWS, source);
  }

  /**
   * SSE preview. Validation already happened; errors before the first byte become JSON.
   * `lastEventId` (an EventSource reconnecting) resumes at that row when the seed is pinned —
   * generation is deterministic, so rows `lastEventId..` are exactly the missing ones — and a
   * reconnect after the end gets 204, which tells EventSource to stop reconnecting.
   */
  async preview(req: PreviewRequest, res: Response, lastEventId?: string): Promise<void> {
    const from = resumePoint(lastEventId, req);
    if (from >= req.rows) {
      res.status(204).end();
      return;
    }
    this.checkMemory('preview', res);
    const abort = abortOnClose(res);
    const upstream = await this.openOrReport({ ...req, offset: (req.offset ?? 0) + from, rows: req.rows - from }, res, abort.signal);
    if (!upstream) return;
    this.active++;
    const ended = this.metrics.streamStarted('preview', { table: tableName(req), rows: req.rows, from, seed: upstream.seed });
    let [rows, bytes] = [0, 0];
    try {
      openSseWithFirstFrame(res, upstream.seed);
      const batches = rowBatches$(upstream.body, this.opts.batchSize, req.rows - from, this.opts.upstreamIdleMs);
      const opts = { from, total: req.rows, seed: upstream.seed, now: Date.now, partial: req.partition !== undefined };
      const build = (b: typeof batches): Observable<SseEvent> => previewEvents$(b, opts);
      const events = (req.stats ? withStats(batches, req.stats, build, Date.now) : build(batches)).pipe(tap((e) => e.kind === 'data' && (rows += e.batch.count)));
      await relayEvents(events, res, upstream.body, { heartbeatMs: this.opts.heartbeatMs, onFrame: (n) => (bytes += n) });
    } finally {
      this.active--;
      ended({ rows, bytes, aborted: rows < req.rows - from });
      abort.abort();
    }
  }

  /**
   * Over MEMORY_BUDGET_MB a new stream is refused with 503 (Retry-After) instead of adding to
   * the process's memory; streams already running continue (they are bounded by backpressure).
   */
  private checkMemory(what: 'preview' | 'download', res: Response): void {
    if (!this.metrics.memory.over()) return;
    this.metrics.memoryRefusal(what);
    res.setHeader('Retry-After', '5');
    const budget = this.metrics.memory.budgetMb;
    throw new ServiceUnavailableException(`the orchestrator is over its memory budget (MEMORY_BUDGET_MB=${budget}); no new ${what} until it drops — retry shortly`);
  }

  /** CSV attachment, piped through unchanged (byte-identical to the generator's). */
  async download(req: GeneratorStreamRequest, res: Response): Promise<void> {
    this.checkMemory('download', res);
    const abort = abortOnClose(res);
    const upstream = await this.client.open('csv', req, abort.signal).catch((err: unknown) => {
      if (abort.signal.aborted) return undefined; // the client left while we connected
      throw err;
    });
    if (!upstream) return;
    this.active++;
    const ended = this.metrics.streamStarted('download_csv', { table: tableName(req), rows: req.rows, seed: upstream.seed });
    let [bytes, ok] = [0, false];
    upstream.body.on('data', (chunk: Buffer) => (bytes += chunk.length));
    try {
      res.status(200);
      res.setHeader('Content-Type', 'text/csv; charset=utf-8');
      res.setHeader('Content-Disposition', `attachment; filename="${csvFilename(tableName(req), upstream.seed)}"`);
      res.setHeader('X-Rowflow-Seed', String(upstream.seed));
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader('X-Accel-Buffering', 'no');
      res.flushHeaders(); // the browser's download starts now, not at the first CSV chunk
      await pipeline(upstream.body, res, { signal: abort.signal });
      ok = true;
    } catch (err) {
      // The status line is gone; pipeline already cut the connection — the client sees a truncated body.
      if (!abort.signal.aborted) this.log.warn({ err: (err as Error).message }, 'download relay failed');
      destroy(upstream.body);
    } finally {
      this.active--;
      ended({ rows: ok ? req.rows : undefined, bytes, aborted: !ok });
      abort.abort();
    }
  }

  /**
   * Opens the generator stream. Bad input (a 400/404 upstream) is thrown for the JSON error
   * filter; an unreachable or failing generator is reported as SSE `error` so an EventSource
   * sees a message instead of a bare connection failure.
   */
  private async openOrReport(req: GeneratorStreamRequest, res: Response, signal: AbortSignal): Promise<GeneratorStream | undefined> {
    try {
      return await this.client.open('ndjson', req, signal);
    } catch (err) {
      if (err instanceof ValidationError || err instanceof NotFoundError) throw err;
      if (signal.aborted) return undefined;
      openSse(res);
      res.end(encodeControl({ kind: 'error', data: { message: (err as Error).message } }));
      return undefined;
    }
  }
}

/** A preview request, optionally with live stats over its rows (see stats-events.ts). */
export type PreviewRequest = GeneratorStreamRequest & { stats?: StatsSpec };

/** Rows already delivered per `Last-Event-ID`; 0 (start over) unless the seed is pinned. */
function resumePoint(lastEventId: string | undefined, req: GeneratorStreamRequest): number {
  if (lastEventId === undefined || !/^\d{1,15}$/.test(lastEventId.trim())) return 0;
  if (req.seed === undefined || req.seed === 0) return 0;
  if (req.partition) return 0; // progress counts partition rows, not base rows: a resume point would be wrong
  return Math.min(Number(lastEventId), req.rows);
}

/** One AbortController per request, fired when the client goes away (or the response ends). */
function abortOnClose(res: Response): AbortController {
  const ac = new AbortController();
  res.once('close', () => ac.abort());
  return ac;
}

function destroy(body: Readable): void {
  if (!body.destroyed) body.destroy();
}
