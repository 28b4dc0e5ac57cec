export { columnSchema, identifier, MAX_ENUM_VALUES, TIMESTAMP_OPTIONS, unknownTypeMessage, type ColumnOptions } from './column-schema.js';
export { compositeForeignKeySchema, compositeKeySchema, datasetSchema, exclusiveSchema, uniqueKeySchema, datasetTableSchema, MAX_COMPOSITE_COLUMNS, MAX_CHILDREN_PER_PARENT, MAX_COLUMNS, MAX_DATASET_TABLES, MAX_POISSON_MEAN, perParentSchema, tableSchema } from './table-schema.js';
export { PER_PARENT_DISTRIBUTIONS } from './per-parent-distributions.js';
export { fieldPath, parseOrThrow, specIssues, strictObject, toValidationError, unknownKeyMessage } from './zod-issues.js';
export { columnSpecJsonSchema, datasetSpecJsonSchema, type JsonSchema, type JsonSchemaTarget, tableSpecJsonSchema } from './json-schema.js';
export { checkProfileRules, FREE_TEXT_MODES, profileNumber, profileSchema } from './profile-schema.js';
export { MAX_REPEAT, parsePattern, type PatternNode, PatternSyntaxError, REPEAT_CAP } from './pattern-syntax.js';
