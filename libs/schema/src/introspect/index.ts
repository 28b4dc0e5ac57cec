export type { CatalogColumn, CatalogConstraint, CatalogConstraintKind, CatalogTable } from './catalog-model.js';
export { type CheckFact, parseCheck } from './check-constraints.js';
export { catalogToDataset, type IntrospectOptions, type IntrospectResult } from './introspect-dataset.js';
