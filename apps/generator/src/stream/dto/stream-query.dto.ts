import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** Query of `GET /api/generator/stream/{ndjson,csv}` (parsed by @rowflow/schema parseStreamParams). */
export class StreamQueryDto {
  @ApiProperty({ description: 'Catalog table name, or a table of `dataset`', example: 'users' })
  table!: string;

  @ApiPropertyOptional({ description: 'Catalog dataset name (GET /api/generator/datasets); rows then defaults to the rest of the table', example: 'shop' })
  dataset?: string;

  @ApiProperty({ description: 'Number of rows (1..MAX_ROWS)', example: 1000, type: 'integer' })
  rows!: number;

  @ApiPropertyOptional({ description: 'Seed; 0 or absent picks one (returned in X-Rowflow-Seed)', example: 42, type: 'integer' })
  seed?: number;

  @ApiPropertyOptional({ description: 'First row index (0-based): rows offset.. of the full stream', example: 0, type: 'integer' })
  offset?: number;

  @ApiPropertyOptional({ description: 'CSV header line (default: true at offset 0, false otherwise)', type: Boolean })
  header?: boolean;

  @ApiPropertyOptional({ description: 'Rows per wall-clock second (paced; a slow reader slows it further, nothing is buffered)', type: Number })
  rate?: number;

  @ApiPropertyOptional({ description: 'Partition key: a column name, or _row for round-robin (with partitions and part)' })
  partitionBy?: string;

  @ApiPropertyOptional({ description: 'Number of partitions (1..1024)', type: 'integer' })
  partitions?: number;

  @ApiPropertyOptional({ description: 'Partition to return, 0..partitions-1: the rows of [offset, offset+rows) whose key hashes to it', type: 'integer' })
  part?: number;
}
