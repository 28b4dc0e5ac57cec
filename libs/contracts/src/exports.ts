/** Export filter (JSON grammar, never SQL): and/or/not over {col, op, value}. */
export type ExportFilter =
  | { and: ExportFilter[] }
  | { or: ExportFilter[] }
  | { not: ExportFilter }
  | { col: string; op: string; value?: string | number | boolean | Array<string | number | boolean> };

/** Body of `POST /api/exports`. */
export interface CreateExportRequest {
  table: string;
  where?: ExportFilter;
  orderBy?: string;
  workers?: number;
  /** `parquet`: typed columns, converted from the export's checkpointed CSV once it is complete. */
  format?: 'csv' | 'parquet';
  header?: boolean;
  chunkRows?: number;
}

export type ExportState = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';

/** `GET /api/exports/:id`. */
export interface ExportStatus {
  id: string;
  state: ExportState;
  table: string;
  request: CreateExportRequest;
  rows: number;
  bytes: number;
  chunks: number;
  /** Planner's estimate of the rows to export (null when unknown: views, filters). */
  rowsEstimate: number | null;
  retries: number;
  /** sha256 of the finished file. */
  sha256: string | null;
  error: string | null;
  /** Download path once completed. */
  file: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}
