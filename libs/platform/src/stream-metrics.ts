import type { Logger } from 'pino';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** What a finished stream reports. */
export interface StreamOutcome {
  rows?: number;
  bytes: number;
  /** Ended early (client left, upstream failed). */
  aborted?: boolean;
}

/** Route label of a request that matched no route (keeps label cardinality bounded). */
export const UNMATCHED_ROUTE = 'unmatched';

/** The bits of an Express request/response the request counter reads. */
interface HttpPair {
  req: { method: string; route?: { path?: unknown }; baseUrl?: string };
  res: { statusCode: number; once(event: 'finish' | 'close', fn: () => void): unknown };
}

/**
 * Prometheus metrics every Rowflow app shares — per-endpoint request counts and, per streaming
 * endpoint, rows, bytes, durations (MB/s = rate(bytes) / rate(seconds)) and streams in flight —
 * plus the structured `stream_start` / `stream_end` log events (rows, bytes, ms) at info level.
 */
export class StreamMetrics {
  private readonly requests: Counter<'method' | 'route' | 'status'>;
  private readonly rows: Counter<'endpoint'>;
  private readonly bytes: Counter<'endpoint'>;
  private readonly seconds: Histogram<'endpoint'>;
  private readonly active: Gauge<'endpoint'>;

  constructor(
    registry: Registry,
    private readonly log: Logger,
  ) {
    const registers = [registry];
    this.requests = new Counter({ name: 'rowflow_http_requests_total', help: 'HTTP requests by route template, method and status', labelNames: ['method', 'route', 'status'], registers });
    this.rows = new Counter({ name: 'rowflow_stream_rows_total', help: 'Rows sent by streaming endpoints', labelNames: ['endpoint'], registers });
    this.bytes = new Counter({ name: 'rowflow_stream_bytes_total', help: 'Bytes sent by streaming endpoints', labelNames: ['endpoint'], registers });
    this.seconds = new Histogram({
      name: 'rowflow_stream_seconds',
      help: 'Duration of streams, first byte to end',
      labelNames: ['endpoint'],
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 1800],
      registers,
    });
    this.active = new Gauge({ name: 'rowflow_streams_active', help: 'Streams in flight', labelNames: ['endpoint'], registers });
  }

  /** Counts one request when its response finishes (or the client leaves), by route template. */
  countRequest({ req, res }: HttpPair): void {
    let counted = false;
    const count = (): void => {
      if (counted) return;
      counted = true;
      const path = typeof req.route?.path === 'string' ? `${req.baseUrl ?? ''}${req.route.path}` : UNMATCHED_ROUTE;
      this.requests.inc({ method: req.method, route: path, status: String(res.statusCode) });
    };
    res.once('finish', count);
    res.once('close', count);
  }

  /** Starts timing a stream; call the returned function once when it ended. */
  streamStarted(endpoint: string, fields: Record<string, unknown> = {}): (outcome: StreamOutcome) => void {
    const started = performance.now();
    this.active.inc({ endpoint });
    this.log.info({ event: 'stream_start', endpoint, ...fields }, 'stream start');
    let ended = false;
    return (o) => {
      if (ended) return;
      ended = true;
      const ms = performance.now() - started;
      this.active.dec({ endpoint });
      this.seconds.observe({ endpoint }, ms / 1000);
      this.bytes.inc({ endpoint }, o.bytes);
      if (o.rows !== undefined) this.rows.inc({ endpoint }, o.rows);
      const mbPerSec = ms > 0 ? Math.round((o.bytes / 1e6 / (ms / 1000)) * 10) / 10 : null;
      this.log.info({ event: 'stream_end', endpoint, ...fields, rows: o.rows, bytes: o.bytes, ms: Math.round(ms), mbPerSec, aborted: o.aborted ?? false }, 'stream end');
    };
  }
}
