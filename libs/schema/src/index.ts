export * from './column-types.js';
export { checkInputKeys, type InputSource, requireObjectBody, STREAM_PARAM_KEYS } from './stream-params.js';
export { isIdentifier, MAX_IDENTIFIER_BYTES, type PgTypeOptions, quoteIdent } from './pg-type.js';
export { catalog, catalogKeyType, findTable, pgType } from './catalog.js';
export { DISCRIMINATOR_MESSAGES, parseIsoInstant, tableSpecIssues, validateColumn, validateTableSpec } from './validate-table-spec.js';
export { parseStreamParams, type StreamParams } from './stream-params.js';
export * from './dataset/index.js';
export * from './spec/index.js';
export * from './introspect/index.js';
