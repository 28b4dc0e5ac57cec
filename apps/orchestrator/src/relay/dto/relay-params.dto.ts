import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiQuery, type SchemaObject } from '@nestjs/swagger';
import { ApiStreamResponse } from '@rowflow/platform-nest';

type Param = 'table' | 'rows' | 'seed' | 'offset' | 'rate' | 'partitionBy' | 'partitions' | 'part';

/**
 * OpenAPI shape of the preview and download parameters (validation is parseRelayRequest, the
 * generator's own rules): the query of the GETs and the JSON body of the POSTs.
 */
const PARAMS: Record<Param, SchemaObject> = {
  table: { type: 'string', description: 'Catalog table (GET /api/orchestrator/tables); or give `schema`' },
  rows: { type: 'integer', minimum: 1 },
  seed: { type: 'integer', minimum: 0, description: '0/absent: the generator picks one (returned in X-Rowflow-Seed / complete)' },
  offset: { type: 'integer', minimum: 0, description: 'First row index (0-based): rows offset.. of the full stream' },
  rate: { type: 'number', minimum: 0, exclusiveMinimum: true, description: 'Rows per wall-clock second (paced; per partition when partitioned)' },
  partitionBy: { type: 'string', description: 'Partition key: a column name, or _row for round-robin (with partitions and part)' },
  partitions: { type: 'integer', minimum: 1, maximum: 1024, description: 'Number of partitions' },
  part: { type: 'integer', minimum: 0, description: 'Partition returned, 0..partitions-1: the rows of [offset, offset+rows) whose key hashes to it' },
};

function queries(names: Param[], rowsLimit: string) {
  return names.map((name) =>
    ApiQuery({
      name,
      required: name === 'rows',
      schema: PARAMS[name],
      description: name === 'rows' ? `Rows to generate, 1..${rowsLimit}` : PARAMS[name].description,
    }),
  );
}

const COMMON: Param[] = ['table', 'rows', 'seed', 'offset', 'rate', 'partitionBy', 'partitions', 'part'];
const SCHEMA_QUERY = ApiQuery({ name: 'schema', required: false, description: 'Custom table schema as JSON text (instead of table)' });
const STATS_DOC = 'Live windowed stats spec as JSON: adds `event: stats` / `quality` / `alert` (see docs/streams.md)';

/** Query of GET /api/orchestrator/stream. */
export const PreviewQuery = () =>
  applyDecorators(...queries(COMMON, 'PREVIEW_MAX_ROWS'), SCHEMA_QUERY, ApiQuery({ name: 'stats', required: false, description: `${STATS_DOC} (URL-encoded JSON text)` }));

/** Query of GET /api/orchestrator/download/csv. */
export const DownloadQuery = () =>
  applyDecorators(...queries(COMMON, 'MAX_ROWS'), SCHEMA_QUERY, ApiQuery({ name: 'header', required: false, schema: { type: 'boolean' }, description: 'CSV header line (default: true at offset 0)' }));

function body(extra: Record<string, unknown>) {
  return ApiBody({
    description: 'A custom schema `{schema, rows, seed?, …}` (or `{table, rows, …}`)',
    schema: { type: 'object', required: ['rows'], additionalProperties: false, properties: { ...PARAMS, schema: { type: 'object', description: 'Custom table schema {name, columns:[…]}' }, ...extra } },
  });
}

/** Body of POST /api/orchestrator/stream. */
export const PreviewBody = () => body({ stats: { type: 'object', description: STATS_DOC } });
/** Body of POST /api/orchestrator/download/csv. */
export const DownloadBody = () => body({ header: { type: 'boolean', description: 'CSV header line (default: true at offset 0)' } });

/** 200 of the previews. */
export const PreviewOk = () =>
  ApiStreamResponse(
    'text/event-stream',
    '`event: data` {rows≤100, progress, total} with id=progress; `event: complete` {total, seed, elapsedMs}; `event: error` {message}; with stats also `stats`, `quality`, `alert`; `: heartbeat` comments',
  );
/** 200 of the downloads. */
export const DownloadOk = () => ApiStreamResponse('text/csv', 'CSV attachment `<table>-<seed>.csv`, streamed; X-Rowflow-Seed header');
