import { int, LOG_LEVELS, loadConfig, oneOf, port, str, url } from '@rowflow/platform';

export const ORCHESTRATOR_CONFIG = Symbol('ORCHESTRATOR_CONFIG');

function required(parser: (raw: string | undefined, key: string) => string | undefined) {
  return (raw: string | undefined, key: string): string => {
    const v = parser(raw, key);
    if (!v) throw new Error(`${key} is required (npm start sets it to an embedded PostgreSQL)`);
    return v;
  };
}

function bool(def: boolean) {
  return (raw: string | undefined, key: string): boolean => {
    if (raw === undefined || raw === '') return def;
    if (/^(1|true|yes|on)$/i.test(raw)) return true;
    if (/^(0|false|no|off)$/i.test(raw)) return false;
    throw new Error(`${key} must be true or false, got "${raw}"`);
  };
}

export function loadOrchestratorConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig(
    {
      PORT: port(3000),
      HOST: str('127.0.0.1'),
      GENERATOR_URL: required(url('http://127.0.0.1:3001')),
      DATABASE_URL: required(url(undefined, ['postgres:', 'postgresql:'])),
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
    },
    env,
  );
}

export type OrchestratorConfig = ReturnType<typeof loadOrchestratorConfig>;
