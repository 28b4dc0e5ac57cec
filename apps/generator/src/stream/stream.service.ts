import type { Readable } from 'node:stream';
import { Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { type TableSpec, ValidationError } from '@rowflow/contracts';
import { createRowStream, resolveSeed, type StreamFormat } from '@rowflow/generator';
import { catalog, findTable, type InputSource, validateTableSpec } from '@rowflow/schema';
import { GENERATOR_CONFIG, type GeneratorConfig } from '../config/generator-config.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { parseStreamInput } from './stream-input.js';

export interface PreparedStream {
  stream: Readable;
  seed: number;
  contentType: string;
}

const CONTENT_TYPES: Record<StreamFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  ndjson: 'application/x-ndjson',
};

/**
 * Turns a request into a ready row stream. Everything that can be wrong with the input throws
 * a ValidationError here, before the first byte, so the client gets a 400 rather than a cut stream.
 */
@Injectable()
export class StreamService {
  constructor(
    @Inject(GENERATOR_CONFIG) private readonly config: GeneratorConfig,
    private readonly metrics: MetricsService,
  ) {}

  /** `input` is a query string or a JSON body (`source`); `schema` is only read from bodies. */
  prepare(input: unknown, format: StreamFormat, source: InputSource): PreparedStream {
    const { params, record } = parseStreamInput(input, source, this.config.MAX_ROWS);
    const spec = this.resolveSpec(params.table, source === 'body' ? record.schema : undefined);
    const seed = resolveSeed(params.seed);
    this.checkMemory();
    const stream = createRowStream({ spec, seed, offset: params.offset, rows: params.rows, format, header: params.header });
    this.observe(stream, format, { table: spec.name, rows: params.rows, offset: params.offset ?? 0, seed });
    return { stream, seed, contentType: CONTENT_TYPES[format] };
  }

  /** Over MEMORY_BUDGET_MB a new stream is refused (503) instead of growing the process. */
  private checkMemory(): void {
    if (!this.metrics.memory.over()) return;
    throw new ServiceUnavailableException(`the generator is over its memory budget (MEMORY_BUDGET_MB=${this.metrics.memory.budgetMb}); retry shortly`);
  }

  /** stream_start now, stream_end with rows/bytes/ms when the stream closes (ended or cut). */
  private observe(stream: ReturnType<typeof createRowStream>, format: StreamFormat, fields: Record<string, unknown>): void {
    const ended = this.metrics.streams.streamStarted(format, fields);
    stream.once('close', () => ended({ rows: stream.counts.rows, bytes: stream.counts.bytes, aborted: !stream.readableEnded }));
  }

  private resolveSpec(table: string | undefined, schema: unknown): TableSpec {
    if (schema !== undefined && schema !== null) {
      if (table !== undefined) throw new ValidationError('schema', 'give either table or schema, not both');
      return validateTableSpec(schema, 'schema');
    }
    if (table !== undefined) return findTable(table);
    throw new ValidationError('table', `is required (or POST a schema); known: ${catalog.map((t) => t.name).join(', ')}`);
  }
}
