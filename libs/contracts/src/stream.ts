/** Query of the generator's and orchestrator's stream endpoints. */
export interface StreamRequest {
  table?: string;
  rows: number;
  seed?: number;
  offset?: number;
  header?: boolean;
}

/** Response header that carries the seed actually used (seed=0/absent picks one). */
export const SEED_HEADER = 'x-rowflow-seed';

/** SSE `event: data` payload of /api/orchestrator/stream. */
export interface PreviewDataEvent {
  rows: Record<string, unknown>[];
  /** Rows delivered so far, including these. Also the SSE `id`. */
  progress: number;
  total: number;
}

/** SSE `event: complete` payload. */
export interface PreviewCompleteEvent {
  total: number;
  seed: number;
  elapsedMs: number;
}

/** SSE `event: error` payload. */
export interface PreviewErrorEvent {
  message: string;
}
