import type { CreateJobRequest, JobMode } from '@rowflow/contracts';
import type { RunParams } from './api.js';

/** The insert form's own settings (rows/seed/source come from the shared run settings). */
export interface JobFormValues {
  chunkSize: number;
  /** Let the server adapt the chunk size toward a target commit latency. */
  auto: boolean;
  /** null (field left empty): the server's default, chosen by the row count. */
  partitions: number | null;
  mode: JobMode;
  /** Empty: the server's default (the source table's name). */
  targetTable: string;
  skipLimit: number;
}

/** Builds the POST /api/jobs body from the shared run params and this form's settings. */
export function jobRequest(params: RunParams, f: JobFormValues): CreateJobRequest {
  return {
    ...(params.source.kind === 'table' ? { table: params.source.table } : { schema: params.source.schema }),
    rows: params.rows,
    ...(params.seed !== null ? { seed: params.seed } : {}),
    chunkSize: f.auto ? 'auto' : f.chunkSize,
    ...(f.partitions !== null && Number.isFinite(f.partitions) ? { partitions: f.partitions } : {}),
    mode: f.mode,
    ...(f.targetTable.trim() ? { targetTable: f.targetTable.trim() } : {}),
    skipLimit: f.skipLimit,
  };
}

