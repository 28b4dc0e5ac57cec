import type { DatasetSpec } from './dataset-spec.js';
import type { TableSpec } from './schema-spec.js';

export type JobState = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';
export type PartitionState = JobState;
/**
 * `create` a new table (409 if it exists); `append` to / `truncate` an existing one that fits the
 * generated columns; `replace` = drop and re-create, only for a table Rowflow itself created.
 */
export type JobMode = 'create' | 'append' | 'truncate' | 'replace';

/**
 * Where a job is: rows being loaded, then (create mode) the primary key, unique and foreign-key
 * constraints being built over the loaded rows, then done.
 */
export type JobPhase = 'loading' | 'building indexes' | 'done';

/** Body of `POST /api/jobs`. Exactly one of `table` / `schema` / `dataset`. */
export interface CreateJobRequest {
  table?: string;
  schema?: TableSpec;
  /** A whole dataset (inline spec or catalog dataset name): every table is loaded. */
  dataset?: DatasetSpec | string;
  /** Dataset jobs: target table = prefix + table name (default: no prefix). */
  targetPrefix?: string;
  /** Required for `table` / `schema`; dataset tables carry their own row counts. */
  rows?: number;
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
  /** Which of the job's tables this partition loads (index into `tables`). */
  table?: number;
  /** Transient failures retried so far (counted as they happen). */
  retries?: number;
  /** The transient error the partition is waiting out, while it waits (null once it goes on). */
  lastError?: string | null;
  /** When the next attempt is due, while waiting (ISO time). */
  nextAttemptAt?: string | null;
}

/** One table of a job (a single-table job has exactly one). */
export interface JobTableStatus {
  name: string;
  targetTable: string;
  /** Schema of the target table. */
  targetSchema?: string;
  /** Key offset the rows were generated with (`append` fills it from the rows already there). */
  keyOffset?: number;
  rowsTotal: number;
  rowsWritten: number;
  state: JobState;
  phase: JobPhase;
}

/** `GET /api/jobs/:id`. */
export interface JobStatus {
  id: string;
  state: JobState;
  /** `loading`, `building indexes` (state stays `running`), `done` once completed. */
  phase: JobPhase;
  /** First table's name (the only one for single-table jobs). */
  table: string;
  /** Dataset name for dataset jobs, null otherwise. */
  dataset: string | null;
  /** Schema the job writes into: the orchestrator's TARGET_SCHEMA when the job was created. */
  targetSchema: string;
  targetTable: string;
  mode: JobMode;
  rowsTotal: number;
  rowsWritten: number;
  rowsSkipped: number;
  chunksCommitted: number;
  retries: number;
  chunkSize: number | 'auto';
  partitions: PartitionStatus[];
  tables: JobTableStatus[];
  seed: number;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  error: string | null;
  /**
   * What the job relies on that its checks could not prove, said when it was created (a trigger
   * expected to fill a NOT NULL column, a foreign-key cycle broken at a nullable column).
   */
  warnings?: string[];
  /**
   * While some partition waits out a transient failure (generator or PostgreSQL away): its error
   * and the earliest next attempt; null when nothing waits. The job continues by itself.
   */
  lastError?: string | null;
  nextAttemptAt?: string | null;
  /**
   * While the job's work waits on a lock it cannot get (another session holds one of its tables):
   * what it waits for, e.g. `a lock on table public.users, held by pid 4242`; else null.
   */
  waitingFor?: string | null;
}

/**
 * `GET /api/jobs/:id/dead-letters`: one row Postgres rejected. `table` is the target table it
 * was bound for (in `schema`), `rowNumber` its row within that table, `row` the CSV line,
 * `constraint` the constraint that rejected it when Postgres named one.
 */
export interface DeadLetter {
  table: string;
  schema: string;
  rowNumber: number;
  row: string;
  sqlstate: string;
  constraint?: string;
  message: string;
}

/** SSE events of `GET /api/jobs/:id/events`: `progress`, `completed`, `failed`, `cancelled`. */
export type JobEventName = 'progress' | 'completed' | 'failed' | 'cancelled';
export interface JobEvent {
  event: JobEventName;
  /** Monotonic per job (rowsWritten + rowsSkipped works), used as SSE id / Last-Event-ID. */
  id: number;
  data: JobStatus;
}

/**
 * What a job loads, for one-line listings (web jobs list, CLI): `users → copy_users`, or for a
 * dataset job `dataset shop → copy_users, copy_products, …` — a dataset job's `table` and
 * `targetTable` are only its first table's.
 */
export function jobTargetLabel(j: Pick<JobStatus, 'table' | 'targetTable' | 'dataset' | 'tables'>): string {
  if (j.dataset === null || !j.tables?.length) return `${j.table} → ${j.targetTable}`;
  return `dataset ${j.dataset} → ${j.tables.map((t) => t.targetTable).join(', ')}`;
}
