import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { CreateExportRequest, ExportFilter, ExportState, ExportStatus } from '@rowflow/contracts';
import { oa } from '@rowflow/platform-nest';

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
  @ApiPropertyOptional({ description: 'Parallel key ranges (1..16); the file is the same bytes as with one', default: 1, type: 'integer' }) workers?: number;
  @ApiPropertyOptional({ enum: ['csv', 'parquet'], default: 'csv', description: 'parquet: typed columns, converted from the checkpointed CSV when it is complete' }) format?: 'csv' | 'parquet';
  @ApiPropertyOptional({ default: true }) header?: boolean;
  @ApiPropertyOptional({ description: 'Rows per checkpointed chunk', default: 10000, type: 'integer' }) chunkRows?: number;
}

export class ExportStatusDto implements ExportStatus {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['queued', 'running', 'completed', 'failed', 'cancelled'] }) state!: ExportState;
  @ApiProperty() table!: string;
  @ApiProperty({ type: CreateExportDto }) request!: CreateExportDto;
  @ApiProperty({ type: 'integer' }) rows!: number;
  @ApiProperty({ type: 'integer' }) bytes!: number;
  @ApiProperty({ type: 'integer' }) chunks!: number;
  @ApiProperty({ nullable: true, type: 'integer' }) rowsEstimate!: number | null;
  @ApiProperty({ type: 'integer' }) retries!: number;
  @ApiProperty({ nullable: true, type: String, description: 'sha256 of the finished file' }) sha256!: string | null;
  @ApiProperty({ nullable: true, type: String }) error!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Download path once completed' }) file!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ nullable: true, type: String }) startedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) finishedAt!: string | null;
}

const CHUNK = oa.obj({ after: oa.nullable(oa.str('Exclusive lower key')), through: oa.str('Inclusive upper key'), rows: oa.int(), bytes: oa.int(), sha256: oa.str(), offset: oa.int('Byte offset in the file') });

/** 200 of `GET /api/exports/:id/manifest`. */
export const EXPORT_MANIFEST_SCHEMA = oa.obj({
  kind: oa.str(undefined, { enum: ['export'] }),
  version: oa.int(),
  id: oa.str(undefined, { format: 'uuid' }),
  schema: oa.str(),
  table: oa.str(),
  orderBy: oa.str(),
  where: oa.nullable({ type: 'object', description: 'The filter, as given' }),
  columns: oa.array(oa.str()),
  file: oa.obj({ name: oa.str(), rows: oa.int(), bytes: oa.int(), sha256: oa.str() }),
  parts: oa.array(oa.obj({ index: oa.int(), range: { type: 'object', description: 'The part\'s key range' }, chunks: oa.array(CHUNK) })),
  finishedAt: oa.str(undefined, { format: 'date-time' }),
});

/** 200 of `GET /api/exports/:id/verify`. */
export const FILE_VERIFY_SCHEMA = oa.obj(
  {
    ok: oa.bool(),
    chunks: oa.int(),
    bytes: oa.int(),
    sha256: oa.nullable(oa.str()),
    firstMismatch: oa.obj({ part: oa.int(), chunk: oa.int(), offset: oa.int(), after: oa.nullable(oa.str()), through: oa.nullable(oa.str()), reason: oa.str() }),
  },
  ['firstMismatch'],
);
