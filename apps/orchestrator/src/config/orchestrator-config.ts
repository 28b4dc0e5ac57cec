import { bool, int, LOG_LEVELS, loadConfig, oneOf, port, required, str, url } from '@rowflow/platform';

export const ORCHESTRATOR_CONFIG = Symbol('ORCHESTRATOR_CONFIG');

export function loadOrchestratorConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig(
    {
      PORT: port(3000),
      HOST: str('127.0.0.1'),
      GENERATOR_URL: required(url('http://127.0.0.1:3001')),
      DATABASE_URL: required(url(undefined, ['postgres:', 'postgresql:']), 'npm start sets it to an embedded PostgreSQL'),
      MAX_ROWS: int(100_000_000, 1),
      PREVIEW_MAX_ROWS: int(1_000_000, 1),
      /** Run job workers in this process (false: API only). */
      JOB_WORKERS: bool(true),
      /** Concurrent partitions this process works. */
      WORKER_CONCURRENCY: int(4, 1, 64),
      /** Where job rows come from: the generator service over HTTP, or generated in-process. */
      JOB_ROW_SOURCE: oneOf('generator', ['generator', 'local'] as const),
      /** Built web page to serve at /; empty disables. */
      WEB_DIST: str(''),
      LOG_LEVEL: oneOf('info', LOG_LEVELS),
      /** Exports: the only directory export files, part files and checkpoints are written under. */
      EXPORT_DIR: str('./.rowflow/exports'),
      /** Exports: the schema exports read from (no other schema is reachable). */
      TARGET_SCHEMA: str('public'),
    },
    env,
  );
}

export type OrchestratorConfig = ReturnType<typeof loadOrchestratorConfig>;
