export { validateDatasetSpec } from './validate-dataset-spec.js';
export { datasetForeignKeys, datasetPgType, datasetTable, referencedColumn } from './dataset-info.js';
export { datasetCatalog, findDataset, resolveDataset } from './catalog-datasets.js';
