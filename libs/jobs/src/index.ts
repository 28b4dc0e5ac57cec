export { type ChunkSource, PrefetchingSource, readAll } from './chunk-source.js';
export { type AutoChunkOptions, ChunkSizer, DEFAULT_AUTO, estimateBytesPerRow } from './chunk-sizer.js';
export { type ChunkContext, type ChunkMeta, type ChunkResult, ChunkWriter, type DeadLetter } from './chunk-writer.js';
export { type ClaimResult, JobRepository, type OpenPartition, type PartitionWork } from './job-repository.js';
export { DEFAULT_CHUNK_SIZE, type JobDefinition, MAX_CHUNK_SIZE, MAX_PARTITIONS, parseJobRequest, pickSeed, splitRanges } from './job-spec.js';
export { migrate } from './migrations.js';
export { DEFAULT_RUNNER, type JobObserver, PartitionRunner, type RunnerOptions, type RunOutcome } from './partition-runner.js';
export { backoffMs, classifyError, type ErrorKind, ShortChunkError, SkipLimitError, sqlState } from './pg-errors.js';
export { copySql, createTableSql, prepareTarget } from './target-table.js';
