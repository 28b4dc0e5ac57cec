import type { Readable } from 'node:stream';
import { Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { type TableSpec, ValidationError } from '@rowflow/contracts';
import { createDatasetRowStream, createRowStream, datasetTableRows, resolveSeed, type StreamFormat } from '@rowflow/generator';
import { catalog, datasetTable, findDataset, findTable, type InputSource, requireObjectBody, resolveDataset, validateTableSpec } from '@rowflow/schema';
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
  sql: 'application/sql; charset=utf-8',
  parquet: 'application/vnd.apache.parquet',
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

  /** `input` is a query string or a JSON body (`source`); `schema` is only read from bodies, `dataset` from both. */
  prepare(input: unknown, format: StreamFormat, source: InputSource): PreparedStream {
    const raw = source === 'body' ? requireObjectBody(input) : ((input ?? {}) as Record<string, unknown>);
    if (raw.dataset !== undefined && raw.dataset !== '') return this.prepareDataset(raw, format, source);
    const { params, record } = parseStreamInput(raw, source, this.config.MAX_ROWS);
    const spec = this.resolveSpec(params.table, source === 'body' ? record.schema : undefined);
    const seed = resolveSeed(params.seed);
    const { partition, rate } = params;
    this.checkMemory();
    const stream = createRowStream({ spec, seed, offset: params.offset, rows: params.rows, format, header: params.header, partition, rate });
    this.observe(stream, format, { table: spec.name, rows: params.rows, offset: params.offset ?? 0, seed });
    return { stream, seed, contentType: CONTENT_TYPES[format] };
  }

  /** One table of a dataset: a catalog name (GET) or a name/spec (POST); rows default to the rest of the table. */
  private prepareDataset(input: Record<string, unknown>, format: StreamFormat, source: InputSource): PreparedStream {
    if (input.schema !== undefined) throw new ValidationError('schema', 'give either dataset (+ table) or schema, not both');
    const rowsGiven = input.rows !== undefined && input.rows !== '';
    // rows is optional here (default: the rest of the table); a placeholder keeps the shared parser strict.
    const { params } = parseStreamInput(rowsGiven ? input : { ...input, rows: source === 'query' ? '1' : 1 }, source, this.config.MAX_ROWS);
    const dataset = source === 'body' ? resolveDataset(input.dataset) : findDataset(datasetName(input.dataset));
    if (params.table === undefined) throw new ValidationError('table', `is required with a dataset; tables: ${dataset.tables.map((t) => t.name).join(', ')}`);
    const table = datasetTable(dataset, params.table).name;
    // Pacing and partitions are per-table stream options; silently ignoring them would mislead.
    if (params.rate !== undefined) throw new ValidationError('rate', 'not supported for dataset streams');
    if (params.partition !== undefined) throw new ValidationError('partitionBy', 'not supported for dataset streams');
    const seed = resolveSeed(params.seed);
    this.checkMemory();
    const rows = rowsGiven ? params.rows : this.restOf(datasetTableRows(dataset, table, seed), params.offset);
    const stream = createDatasetRowStream({ dataset, table, seed, offset: params.offset, rows, format, header: params.header });
    return { stream, seed, contentType: CONTENT_TYPES[format] };
  }

  private restOf(total: number, offset: number): number | undefined {
    const rest = total - offset;
    if (rest > this.config.MAX_ROWS) throw new ValidationError('rows', `the table has ${rest} rows from offset ${offset}; ask for at most MAX_ROWS (${this.config.MAX_ROWS}) at a time`);
    return rest < 0 ? undefined : rest; // past the end: the stream refuses the offset
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

function datasetName(raw: unknown): string {
  const v = Array.isArray(raw) ? (raw[0] as unknown) : raw;
  if (typeof v !== 'string') throw new ValidationError('dataset', 'must be a catalog dataset name (POST a spec in the body)');
  return v;
}
