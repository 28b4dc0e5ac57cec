import { availableParallelism } from 'node:os';
import { DEFAULT_INDEX_MEMORY_MB, parseTargetSchemas } from '@rowflow/jobs';
import { duration } from '@rowflow/pg';
import { bool, checkHttpConfig, HTTP_CONFIG, int, LOG_CONFIG, loadConfig, oneOf, type Parser, port, required, str, url } from '@rowflow/platform';

export const ORCHESTRATOR_CONFIG = Symbol('ORCHESTRATOR_CONFIG');

/**
 * The schemas jobs write into — one, or a comma-separated list (`public,sales,person`) — never a
 * system schema, never Rowflow's own. Parses to the first entry (the default schema, which
 * exports and introspection use); TARGET_SCHEMAS is the whole list, the jobs' write scope.
 */
function targetSchema(def: string): Parser<string> {
  return (raw) => targetSchemaList(raw, def)[0]!;
}

function targetSchemaList(raw: string | undefined, def: string): string[] {
  const value = raw === undefined || raw === '' ? def : raw;
  try {
    return parseTargetSchemas(value);
  } catch (err) {
    throw new Error(`${(err as Error).message}, got "${value}"`);
  }
}

export function loadOrchestratorConfig(env: NodeJS.ProcessEnv = process.env) {
  const config = loadConfig(
    {
      /** Access control: token, Host allowlist, CORS, body limit (same keys as the generator). */
      ...HTTP_CONFIG,
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
      JOB_ROW_SOURCE: oneOf('local', ['generator', 'local'] as const),
      /** With JOB_ROW_SOURCE=local: worker threads that generate the rows (0 = on the event loop). */
      JOB_ROW_THREADS: int(Math.min(4, availableParallelism()), 0, 64),
      /** Transient failures (generator or PostgreSQL away) are retried this long: ms or 30s/10m/1h. */
      JOB_RETRY_WINDOW: duration(10 * 60_000, 0),
      /** A chunk whose row source sends no bytes this long is aborted and retried (ms). */
      CHUNK_IDLE_TIMEOUT_MS: int(30_000, 100),
      /** Partition lease: how long a silent worker keeps a partition before others take it over. */
      JOB_LEASE_SECONDS: int(10, 1, 3600),
      /** How often each worker looks for partitions nobody holds a live lease on (ms). */
      JOB_SWEEP_MS: int(3000, 50),
      /** true: every chunk commit waits for its WAL flush (default: only the job's completion does). */
      JOB_DURABLE_COMMITS: bool(false),
      /** maintenance_work_mem (MB) each primary key / unique index build gets at least; 0 keeps the server's. */
      JOB_INDEX_MEMORY_MB: int(DEFAULT_INDEX_MEMORY_MB, 0, 65_536),
      /** Built web page to serve at /; empty disables. */
      WEB_DIST: str(''),
      /** The only schema jobs create, truncate, drop or write tables in (and exports read from). */
      TARGET_SCHEMA: targetSchema('public'),
      ...LOG_CONFIG,
      /** Above this RSS new previews/downloads get 503 and job chunks shrink (0 = no budget). */
      MEMORY_BUDGET_MB: int(1024, 0),
      /** SSE comment heartbeat period of previews and job events. */
      SSE_HEARTBEAT_MS: int(15_000, 10, 3_600_000),
      /** Log 1 in n chunk commits at debug (1 = every commit). */
      CHUNK_LOG_EVERY: int(1, 1),
      /** Exports: the only directory export files, part files and checkpoints are written under. */
      EXPORT_DIR: str('./.rowflow/exports'),
      /** Ended exports older than this (by finish time) are deleted, files and row: 7d, 12h…; 0 keeps them. */
      EXPORT_RETENTION: duration(0, 0),
    },
    env,
  );
  // Parsed without error above (TARGET_SCHEMA would have been reported).
  return { ...checkHttpConfig(config), TARGET_SCHEMAS: targetSchemaList(env.TARGET_SCHEMA, 'public') };
}

export type OrchestratorConfig = ReturnType<typeof loadOrchestratorConfig>;
