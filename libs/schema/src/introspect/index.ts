export type { CatalogColumn, CatalogConstraint, CatalogConstraintKind, CatalogPartitioning, CatalogTable, CatalogTrigger } from './catalog-model.js';
export { type CheckFact, parseCheck } from './check-constraints.js';
export { catalogToDataset, type IntrospectOptions, type IntrospectResult } from './introspect-dataset.js';
