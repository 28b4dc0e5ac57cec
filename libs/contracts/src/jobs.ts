import type { TableSpec } from './schema-spec.js';

export type JobState = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';
export type PartitionState = JobState;
/**
 * `create` a new table (409 if it exists); `append` to / `truncate` an existing one that fits the
 * generated columns; `replace` = drop and re-create, only for a table Rowflow itself created.
 */
export type JobMode = 'create' | 'append' | 'truncate' | 'replace';

/** Body of `POST /api/jobs`. Exactly one of `table` / `schema`. */
export interface CreateJobRequest {
  table?: string;
  schema?: TableSpec;
  rows: number;
  seed?: number;
  /** Rows per COPY transaction, or 'auto' to adapt toward a target commit latency. */
  chunkSize?: number | 'auto';
  partitions?: number;
  targetTable?: string;
  mode?: JobMode;
  skipLimit?: number;
  /**
   * Load into an UNLOGGED table (no WAL: fastest; lost if PostgreSQL crashes before the job
   * ends). `true`: `SET LOGGED` when the load is complete; `"keep"`: stays unlogged. Mode create only.
   */
  unlogged?: boolean | 'keep';
}

export interface PartitionStatus {
  index: number;
  fromRow: number;
  toRow: number;
  nextRow: number;
  state: PartitionState;
  /** Last chunk size used (visible when chunkSize is 'auto'). */
  chunkSize?: number;
  /** Transient failures retried so far (counted as they happen). */
  retries?: number;
  /** The transient error the partition is waiting out, while it waits (null once it goes on). */
  lastError?: string | null;
  /** When the next attempt is due, while waiting (ISO time). */
  nextAttemptAt?: string | null;
}

/** `GET /api/jobs/:id`. */
export interface JobStatus {
  id: string;
  state: JobState;
  table: string;
  targetTable: string;
  mode: JobMode;
  rowsTotal: number;
  rowsWritten: number;
  rowsSkipped: number;
  chunksCommitted: number;
  retries: number;
  chunkSize: number | 'auto';
  partitions: PartitionStatus[];
  seed: number;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  error: string | null;
  /**
   * While some partition waits out a transient failure (generator or PostgreSQL away): its error
   * and the earliest next attempt; null when nothing waits. The job continues by itself.
   */
  lastError?: string | null;
  nextAttemptAt?: string | null;
}

/** SSE events of `GET /api/jobs/:id/events`: `progress`, `completed`, `failed`, `cancelled`. */
export type JobEventName = 'progress' | 'completed' | 'failed' | 'cancelled';
export interface JobEvent {
  event: JobEventName;
  /** Monotonic per job (rowsWritten + rowsSkipped works), used as SSE id / Last-Event-ID. */
  id: number;
  data: JobStatus;
}
