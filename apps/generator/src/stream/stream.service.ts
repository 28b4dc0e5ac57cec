import type { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import { type TableSpec, ValidationError } from '@rowflow/contracts';
import { createRowStream, resolveSeed, type StreamFormat } from '@rowflow/generator';
import { catalog, findTable, type InputSource, validateTableSpec } from '@rowflow/schema';
import { GENERATOR_CONFIG, type GeneratorConfig } from '../config/generator-config.js';
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
  constructor(@Inject(GENERATOR_CONFIG) private readonly config: GeneratorConfig) {}

  /** `input` is a query string or a JSON body (`source`); `schema` is only read from bodies. */
  prepare(input: unknown, format: StreamFormat, source: InputSource): PreparedStream {
    const { params, record } = parseStreamInput(input, source, this.config.MAX_ROWS);
    const spec = this.resolveSpec(params.table, source === 'body' ? record.schema : undefined);
    const seed = resolveSeed(params.seed);
    const { partition, rate } = params;
    const stream = createRowStream({ spec, seed, offset: params.offset, rows: params.rows, format, header: params.header, partition, rate });
    return { stream, seed, contentType: CONTENT_TYPES[format] };
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
