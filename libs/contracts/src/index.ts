export * from './errors.js';
export * from './schema-spec.js';
export * from './stream.js';
export * from './jobs.js';
export * from './dataset-spec.js';
export * from './strict-keys.js';
export * from './exports.js';
