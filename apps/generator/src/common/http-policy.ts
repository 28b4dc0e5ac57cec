import { type HttpPolicy, httpPolicy } from '@rowflow/platform';
import type { GeneratorConfig } from '../config/generator-config.js';

/** The generator's POSTs stream rows of a custom schema: reads, open unless ROWFLOW_PROTECT_READS. */
export const READ_ONLY_POSTS = ['/api/generator/stream/ndjson', '/api/generator/stream/csv'];

/**
 * Room for the keys the orchestrator adds when it forwards a body (offset, header, seed), so a
 * body the orchestrator accepted under BODY_LIMIT is never refused here after a 202.
 */
export const FORWARD_ALLOWANCE = 4096;

/** POSTs whose body may be a whole dataset spec: limited by DATASET_BODY_LIMIT instead of BODY_LIMIT. */
export const DATASET_POSTS = ['/api/generator/datasets/rows'];

export function generatorHttpPolicy(config: GeneratorConfig): HttpPolicy {
  return httpPolicy(config, { readOnlyPosts: READ_ONLY_POSTS, bodyAllowance: FORWARD_ALLOWANCE, datasetPaths: DATASET_POSTS });
}
