import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions, PickType } from '@nestjs/swagger';
import type { TableSpec } from '@rowflow/contracts';
import { datasetSpecJsonSchema, tableSpecJsonSchema } from '@rowflow/schema';
import { StreamQueryDto } from './stream-query.dto.js';

// The OpenAPI shapes are generated from the same zod schema that validates requests.
const TABLE_SPEC = tableSpecJsonSchema('openapi-3.0') as ApiPropertyOptions;
const DATASET_SPEC = datasetSpecJsonSchema('openapi-3.0');

/**
 * Body of `POST /api/generator/stream/{ndjson,csv}`: a custom schema (or a catalog table); pacing
 * and partitioning as in the query of the GETs.
 */
export class StreamBodyDto extends PickType(StreamQueryDto, ['rate', 'partitionBy', 'partitions', 'part'] as const) {
  @ApiPropertyOptional({
    ...TABLE_SPEC,
    description: 'Custom table schema {name, columns:[{name, type, …options}]}; see GET /api/generator/tables for examples',
    example: { name: 'people', columns: [{ name: 'id', type: 'serial' }, { name: 'email', type: 'email', unique: true }] },
  })
  schema?: TableSpec;

  @ApiPropertyOptional({
    description: 'A dataset (catalog name or spec {name, tables:[…]}); `table` then names one of its tables and rows defaults to the rest of it',
    oneOf: [{ type: 'string' }, DATASET_SPEC],
    example: 'shop',
  })
  dataset?: unknown;

  @ApiPropertyOptional({ description: 'Catalog table when no schema is given, or the table of `dataset`', example: 'users' })
  table?: string;

  @ApiProperty({ description: 'Number of rows (1..MAX_ROWS); optional with a dataset', example: 1000, type: 'integer' })
  rows!: number;

  @ApiPropertyOptional({ description: 'Seed; 0 or absent picks one (returned in X-Rowflow-Seed)', type: 'integer' })
  seed?: number;

  @ApiPropertyOptional({ description: 'First row index (0-based)', type: 'integer' })
  offset?: number;

  @ApiPropertyOptional({ description: 'CSV header line (default: true at offset 0)', type: Boolean })
  header?: boolean;

}
