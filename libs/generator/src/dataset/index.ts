export { createDatasetRowStream, type DatasetRowStreamOptions } from './dataset-stream.js';
export { compileDatasetTable } from './dataset-columns.js';
export { DatasetPlan, datasetPlan, datasetRowCounts, datasetTableRows, MAX_PER_PARENT_PARENTS } from './dataset-plan.js';
export { OwnerCursor, PerParentIndex, perParentCounts, PREFIX_BLOCK } from './per-parent-counts.js';
