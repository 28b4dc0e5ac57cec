export * from './errors.js';
export * from './schema-spec.js';
export * from './stream.js';
export * from './jobs.js';
