/**
 * Shared test helpers (start/stop/wait, SSE parsing, table md5, fresh databases). Import from
 * here in new tests; the modules it re-exports keep their places for existing ones.
 */
export { freshDatabase } from '../setup/helpers.js';
export { parseSse, type SseMessage } from '../setup/sse.js';
export * from '../jobs/processes.js';
export * from '../jobs/stack.js';
export * from './db-snapshot.js';
export * from './raw-http.js';
export * from './spec-reference.js';
export { restartablePostgres, type RestartablePostgres } from './restartable-postgres.js';
export { collectingUncaught, terminateWhilePending } from './uncaught.js';
export { untilRow } from './until-row.js';
export { type LocalOrchestrator, type LocalOrchestratorOptions, useLocalOrchestrator } from './local-orchestrator.js';
export { type TestClient, type TestDatabase, useDatabase, useDatabaseClient } from './test-database.js';
export { type JobDatabase, useJobDatabase } from './job-database.js';
export { CUSTOMERS } from './datasets.js';
export { type ExportServer, type ExportServerOptions, useExportServer } from './export-server.js';
export { type StackOptions, type TestStack, useStack, useWorkerStack, type WorkerStack, type WorkerStackOptions } from './stack-fixture.js';
