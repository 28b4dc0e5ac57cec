import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { ColumnSpec, CreateJobRequest, DatasetSpec, DeadLetter, JobMode, JobPhase, JobState, JobStatus, JobTableStatus, PartitionStatus, TableSpec } from '@rowflow/contracts';

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
  @ApiPropertyOptional({ description: 'Rows to insert (<= MAX_ROWS); required with table/schema', example: 100000, type: 'integer', minimum: 1 })
  rows?: number;
  @ApiPropertyOptional({ description: '0 or absent picks one (returned in status)', example: 42, type: 'integer', minimum: 0 })
  seed?: number;
  @ApiPropertyOptional({ description: 'Rows per COPY transaction, or "auto"', oneOf: [{ type: 'integer' }, { type: 'string', enum: ['auto'] }], default: 5000 })
  chunkSize?: number | 'auto';
  @ApiPropertyOptional({ description: 'Ranges worked in parallel (1..64); default one per 100,000 rows, at most 4', type: 'integer', minimum: 1, maximum: 64 })
  partitions?: number;
  @ApiPropertyOptional({ description: 'Target table (a Postgres identifier, always quoted); default: the table name' })
  targetTable?: string;
  @ApiPropertyOptional({ enum: ['create', 'append', 'truncate', 'replace'], default: 'create' })
  mode?: JobMode;
  @ApiPropertyOptional({ description: 'Rows Postgres may reject (dead-lettered) before the job fails', default: 100, type: 'integer', minimum: 0 })
  skipLimit?: number;
  @ApiPropertyOptional({ description: 'Create the table UNLOGGED (fast, lost on a PostgreSQL crash); true: SET LOGGED at the end; "keep": stay unlogged', oneOf: [{ type: 'boolean' }, { type: 'string', enum: ['keep'] }], default: false })
  unlogged?: boolean | 'keep';
}

export class PartitionStatusDto implements PartitionStatus {
  @ApiProperty({ type: 'integer' }) index!: number;
  @ApiProperty({ type: 'integer' }) fromRow!: number;
  @ApiProperty({ type: 'integer' }) toRow!: number;
  @ApiProperty({ type: 'integer', description: 'First row not yet committed (resume point)' }) nextRow!: number;
  @ApiProperty({ enum: STATES }) state!: JobState;
  @ApiPropertyOptional({ type: 'integer', description: 'Last chunk size used' }) chunkSize?: number;
  @ApiPropertyOptional({ type: 'integer', description: 'Index of the job table this partition loads' }) table?: number;
  @ApiPropertyOptional({ type: 'integer', description: 'Transient failures retried so far' }) retries?: number;
  @ApiPropertyOptional({ description: 'Transient error being waited out (null once going on)', type: String, nullable: true }) lastError?: string | null;
  @ApiPropertyOptional({ description: 'Next attempt while waiting', type: String, format: 'date-time', nullable: true }) nextAttemptAt?: string | null;
}

export class JobTableStatusDto implements JobTableStatus {
  @ApiProperty() name!: string;
  @ApiProperty() targetTable!: string;
  @ApiPropertyOptional({ description: 'Schema of the target table' }) targetSchema?: string;
  @ApiPropertyOptional({ type: 'integer', description: 'Key offset the rows were generated with (append fills it from the rows already in the table)' }) keyOffset?: number;
  @ApiProperty({ type: 'integer' }) rowsTotal!: number;
  @ApiProperty({ type: 'integer' }) rowsWritten!: number;
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
  @ApiProperty({ type: 'integer' }) rowsTotal!: number;
  @ApiProperty({ type: 'integer' }) rowsWritten!: number;
  @ApiProperty({ type: 'integer', description: 'Rows rejected by Postgres (see dead letters)' }) rowsSkipped!: number;
  @ApiProperty({ type: 'integer' }) chunksCommitted!: number;
  @ApiProperty({ type: 'integer' }) retries!: number;
  @ApiProperty({ oneOf: [{ type: 'integer' }, { type: 'string', enum: ['auto'] }] }) chunkSize!: number | 'auto';
  @ApiProperty({ type: [PartitionStatusDto] }) partitions!: PartitionStatusDto[];
  @ApiProperty({ type: [JobTableStatusDto] }) tables!: JobTableStatusDto[];
  @ApiProperty({ type: 'integer' }) seed!: number;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ nullable: true, type: String }) startedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) finishedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) error!: string | null;
  @ApiPropertyOptional({ description: 'What the job relies on that its checks could not prove (a trigger filling a NOT NULL column, a foreign-key cycle broken at a nullable column); absent when nothing', type: [String] }) warnings?: string[];
  @ApiPropertyOptional({ description: 'While a partition waits out a transient failure: its error', nullable: true, type: String }) lastError?: string | null;
  @ApiPropertyOptional({ description: 'While waiting: the earliest next attempt', nullable: true, type: String, format: 'date-time' }) nextAttemptAt?: string | null;
  @ApiPropertyOptional({ description: 'While its work waits on a lock another session holds on one of its tables: which lock', nullable: true, type: String }) waitingFor?: string | null;
}

export class DeadLetterDto implements DeadLetter {
  @ApiProperty({ description: 'Target table the row was bound for' }) table!: string;
  @ApiProperty({ description: 'Schema of that table' }) schema!: string;
  @ApiProperty({ type: 'integer', description: 'Row number within that table' }) rowNumber!: number;
  @ApiProperty({ description: 'The rejected row as CSV' }) row!: string;
  @ApiProperty() sqlstate!: string;
  @ApiPropertyOptional({ description: 'The constraint that rejected the row, when PostgreSQL named one' }) constraint?: string;
  @ApiProperty() message!: string;
}

export type { ColumnSpec };

/** Optional body of `POST /api/jobs/:id/resume` (validated by parseResumeOptions in @rowflow/jobs). */
export class ResumeJobDto {
  @ApiPropertyOptional({ description: "New dead-letter limit (the job's skipLimit) for a job that stopped on it", minimum: 0, type: 'integer' }) maxDeadLetters?: number;
}
