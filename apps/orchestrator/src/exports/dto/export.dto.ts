import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { CreateExportRequest, ExportFilter, ExportState, ExportStatus } from '@rowflow/contracts';

/** OpenAPI shape of `POST /api/exports` (validation is parseExportRequest in @rowflow/export). */
export class CreateExportDto implements CreateExportRequest {
  @ApiProperty({ description: 'Table or view in the target schema', example: 'users' }) table!: string;
  @ApiPropertyOptional({
    description: 'Filter as JSON, never SQL: {and|or: [...]}, {not: …}, {col, op: = != < <= > >= like "not like" in "not in" "is null" "is not null", value}',
    type: Object,
    example: { and: [{ col: 'id', op: '>', value: 10 }] },
  })
  where?: ExportFilter;
  @ApiPropertyOptional({ description: 'Order/paging key column; default: the single-column primary key' }) orderBy?: string;
  @ApiPropertyOptional({ description: 'Parallel key ranges (1..16); the file is the same bytes as with one', default: 1 }) workers?: number;
  @ApiPropertyOptional({ enum: ['csv', 'parquet'], default: 'csv', description: 'parquet: typed columns, converted from the checkpointed CSV when it is complete' }) format?: 'csv' | 'parquet';
  @ApiPropertyOptional({ default: true }) header?: boolean;
  @ApiPropertyOptional({ description: 'Rows per checkpointed chunk', default: 10000 }) chunkRows?: number;
}

export class ExportStatusDto implements ExportStatus {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['queued', 'running', 'completed', 'failed', 'cancelled'] }) state!: ExportState;
  @ApiProperty() table!: string;
  @ApiProperty({ type: CreateExportDto }) request!: CreateExportDto;
  @ApiProperty() rows!: number;
  @ApiProperty() bytes!: number;
  @ApiProperty() chunks!: number;
  @ApiProperty({ nullable: true, type: Number }) rowsEstimate!: number | null;
  @ApiProperty() retries!: number;
  @ApiProperty({ nullable: true, type: String, description: 'sha256 of the finished file' }) sha256!: string | null;
  @ApiProperty({ nullable: true, type: String }) error!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Download path once completed' }) file!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ nullable: true, type: String }) startedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) finishedAt!: string | null;
}
