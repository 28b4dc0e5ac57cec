export { MAX_DATASET_TABLES, validateDatasetSpec } from './validate-dataset-spec.js';
export { MAX_CHILDREN_PER_PARENT, MAX_POISSON_MEAN, PER_PARENT_DISTRIBUTIONS, validatePerParent } from './per-parent.js';
export { datasetForeignKeys, datasetPgType, datasetTable, referencedColumn } from './dataset-info.js';
export { datasetCatalog, findDataset, resolveDataset } from './catalog-datasets.js';
