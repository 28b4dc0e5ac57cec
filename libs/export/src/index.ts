export { type ChunkRecord, type PartCheckpoint } from './checkpoint.js';
export { insideDir, readJson, writeJsonAtomic } from './durable-file.js';
export { type ExportManifest, type FileVerifyResult, verifyFile } from './manifest.js';
export { type ExportProgress, type ExportRunOptions, loadOrSavePlan, manifestFile, planFile, runExport } from './export-engine.js';
export { chunkEndQuery, chunkRowsQuery, type ExportPlan, type KeyRange, planExport } from './export-plan.js';
export { DEFAULT_CHUNK_ROWS, EXPORT_FORMATS, EXPORT_KEYS, type ExportFormat, type ExportRequest, MAX_EXPORT_WORKERS, parseExportRequest } from './export-request.js';
export { compileFilter, type Filter, FILTER_LIMITS, parseFilter } from './filter.js';
export { partCheckpointFile, partFile } from './part-runner.js';
export { type Literal, type SqlPart, toInline, toParameterised } from './sql-text.js';
export { describeTable, type TableInfo } from './table-info.js';
export {
  buildJobManifest,
  type JobManifest,
  type JobManifestV1,
  type JobVerifyInput,
  type ManifestRange,
  manifestRanges,
  manifestTables,
  type RowRange,
  specHash,
  type StoredJobManifest,
  tableCsv,
  type TableManifest,
  type TableVerifyInput,
} from './job-manifest.js';
export { CsvRecordFilter, type ExtraRows, type JobVerifyResult, type RangeCheck, type TableVerifyResult, type VerifyMethod, verifyJob } from './job-verify.js';
export { JobManifestStore } from './job-manifest-store.js';
export { ExportRepository } from './export-repository.js';
export { isoInstant, readTableStats } from './pg-stats-reader.js';
export { checkFidelity, comparePlans, type LoadedTable, type PlanComparison, splitQueries } from './fidelity-check.js';
export { CsvRecordReader, csvToParquet, EXPORT_ROW_GROUP, exportParquet, type WrittenFile } from './parquet-export.js';
export { EXPORT_LEASE_SECONDS, type ExportPaths, ExportRunner } from './export-runner.js';
export { DEFAULT_EXPORT_ORCHESTRATOR, type ExportApiPort, ExportOrchestrator, type ExportOrchestratorDeps, type ExportOrchestratorOptions, type ExportStorePort } from './export-orchestrator.js';
export { type ExportEvent, exportEvents$ } from './export-events.js';
