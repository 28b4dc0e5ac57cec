export * from './column-types.js';
export { checkInputKeys, type InputSource, requireObjectBody, STREAM_PARAM_KEYS } from './stream-params.js';
export { isIdentifier, MAX_IDENTIFIER_BYTES, quoteIdent } from './pg-type.js';
export { catalog, catalogKeyType, findTable, pgType } from './catalog.js';
export { parseIsoInstant, validateColumn, validateTableSpec } from './validate-table-spec.js';
export { parseStreamParams, type StreamParams } from './stream-params.js';
export * from './event-time-options.js';
export * from './stream-options.js';
