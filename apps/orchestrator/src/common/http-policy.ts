import { type HttpPolicy, httpPolicy } from '@rowflow/platform';
import type { OrchestratorConfig } from '../config/orchestrator-config.js';

/**
 * The orchestrator's POSTs that only read: they stream generated rows of a schema given in the
 * body and change nothing. Every other non-GET request (jobs, cancel, resume, and any endpoint
 * added later) needs the token when ROWFLOW_API_TOKEN is set — a new endpoint is protected
 * unless someone lists it here on purpose.
 */
export const READ_ONLY_POSTS = ['/api/orchestrator/stream', '/api/orchestrator/download/csv'];

/** POSTs whose body may be a whole dataset spec: limited by DATASET_BODY_LIMIT instead of BODY_LIMIT. */
export const DATASET_POSTS = ['/api/jobs', '/api/exports'];

export function orchestratorHttpPolicy(config: OrchestratorConfig): HttpPolicy {
  return httpPolicy(config, { readOnlyPosts: READ_ONLY_POSTS, datasetPaths: DATASET_POSTS });
}
