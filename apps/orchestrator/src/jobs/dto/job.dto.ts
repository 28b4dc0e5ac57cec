import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { ColumnSpec, CreateJobRequest, DatasetSpec, JobMode, JobPhase, JobState, JobStatus, JobTableStatus, PartitionStatus, TableSpec } from '@rowflow/contracts';

const PHASES: JobPhase[] = ['loading', 'building indexes', 'done'];
const STATES: JobState[] = ['queued', 'running', 'completed', 'failed', 'cancelled'];

/** OpenAPI shape of `POST /api/jobs` (validation is parseJobRequest in @rowflow/jobs). */
export class CreateJobDto implements CreateJobRequest {
  @ApiPropertyOptional({ description: 'Catalog table name (or give schema)', example: 'users' })
  table?: string;
  @ApiPropertyOptional({ description: 'Custom table schema {name, columns:[…]} (or give table)', type: Object })
  schema?: TableSpec;
  @ApiPropertyOptional({
    description: 'A whole dataset {name, tables:[{name, rows, columns}]} (or a catalog dataset name): every table is loaded; give it instead of table/schema/rows/targetTable',
    oneOf: [{ type: 'object' }, { type: 'string' }],
  })
  dataset?: DatasetSpec | string;
  @ApiPropertyOptional({ description: 'Dataset jobs: each target table is this prefix + the table name', example: 'copy_' })
  targetPrefix?: string;
  @ApiPropertyOptional({ description: 'Rows to insert (<= MAX_ROWS); required with table/schema', example: 100000 })
  rows?: number;
  @ApiPropertyOptional({ description: '0 or absent picks one (returned in status)', example: 42 })
  seed?: number;
  @ApiPropertyOptional({ description: 'Rows per COPY transaction, or "auto"', oneOf: [{ type: 'integer' }, { type: 'string', enum: ['auto'] }], default: 5000 })
  chunkSize?: number | 'auto';
  @ApiPropertyOptional({ description: 'Ranges worked in parallel (1..64); default one per 100,000 rows, at most 4' })
  partitions?: number;
  @ApiPropertyOptional({ description: 'Target table (a Postgres identifier, always quoted); default: the table name' })
  targetTable?: string;
  @ApiPropertyOptional({ enum: ['create', 'append', 'truncate', 'replace'], default: 'create' })
  mode?: JobMode;
  @ApiPropertyOptional({ description: 'Rows Postgres may reject (dead-lettered) before the job fails', default: 100 })
  skipLimit?: number;
  @ApiPropertyOptional({ description: 'Create the table UNLOGGED (fast, lost on a PostgreSQL crash); true: SET LOGGED at the end; "keep": stay unlogged', oneOf: [{ type: 'boolean' }, { type: 'string', enum: ['keep'] }], default: false })
  unlogged?: boolean | 'keep';
}

export class PartitionStatusDto implements PartitionStatus {
  @ApiProperty() index!: number;
  @ApiProperty() fromRow!: number;
  @ApiProperty() toRow!: number;
  @ApiProperty({ description: 'First row not yet committed (resume point)' }) nextRow!: number;
  @ApiProperty({ enum: STATES }) state!: JobState;
  @ApiPropertyOptional({ description: 'Last chunk size used' }) chunkSize?: number;
  @ApiPropertyOptional({ description: 'Index of the job table this partition loads' }) table?: number;
  @ApiPropertyOptional({ description: 'Transient failures retried so far' }) retries?: number;
  @ApiPropertyOptional({ description: 'Transient error being waited out (null once going on)', type: String, nullable: true }) lastError?: string | null;
  @ApiPropertyOptional({ description: 'Next attempt while waiting', type: String, format: 'date-time', nullable: true }) nextAttemptAt?: string | null;
}

export class JobTableStatusDto implements JobTableStatus {
  @ApiProperty() name!: string;
  @ApiProperty() targetTable!: string;
  @ApiProperty() rowsTotal!: number;
  @ApiProperty() rowsWritten!: number;
  @ApiProperty({ enum: STATES }) state!: JobState;
  @ApiProperty({ enum: PHASES }) phase!: JobPhase;
}

export class JobStatusDto implements JobStatus {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: STATES }) state!: JobState;
  @ApiProperty({ enum: PHASES, description: 'create mode: loading, then building indexes (state stays running), then done' }) phase!: JobPhase;
  @ApiProperty({ description: 'First (or only) table' }) table!: string;
  @ApiProperty({ nullable: true, type: String, description: 'Dataset name of a dataset job' }) dataset!: string | null;
  @ApiProperty({ description: 'Schema the job writes into (TARGET_SCHEMA when it was created)' }) targetSchema!: string;
  @ApiProperty() targetTable!: string;
  @ApiProperty({ enum: ['create', 'append', 'truncate', 'replace'] }) mode!: JobMode;
  @ApiProperty() rowsTotal!: number;
  @ApiProperty() rowsWritten!: number;
  @ApiProperty({ description: 'Rows rejected by Postgres (see dead letters)' }) rowsSkipped!: number;
  @ApiProperty() chunksCommitted!: number;
  @ApiProperty() retries!: number;
  @ApiProperty({ oneOf: [{ type: 'integer' }, { type: 'string', enum: ['auto'] }] }) chunkSize!: number | 'auto';
  @ApiProperty({ type: [PartitionStatusDto] }) partitions!: PartitionStatusDto[];
  @ApiProperty({ type: [JobTableStatusDto] }) tables!: JobTableStatusDto[];
  @ApiProperty() seed!: number;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ nullable: true, type: String }) startedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) finishedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) error!: string | null;
  @ApiPropertyOptional({ description: 'While a partition waits out a transient failure: its error', nullable: true, type: String }) lastError?: string | null;
  @ApiPropertyOptional({ description: 'While waiting: the earliest next attempt', nullable: true, type: String, format: 'date-time' }) nextAttemptAt?: string | null;
}

export class DeadLetterDto {
  @ApiProperty() rowNumber!: number;
  @ApiProperty({ description: 'The rejected row as CSV' }) row!: string;
  @ApiProperty() sqlstate!: string;
  @ApiProperty() message!: string;
}

export type { ColumnSpec };

/** Optional body of `POST /api/jobs/:id/resume` (validated by parseResumeOptions in @rowflow/jobs). */
export class ResumeJobDto {
  @ApiPropertyOptional({ description: "New dead-letter limit (the job's skipLimit) for a job that stopped on it", minimum: 0, type: 'integer' }) maxDeadLetters?: number;
}
